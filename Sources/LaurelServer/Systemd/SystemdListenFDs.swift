import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Sockets passed by systemd socket activation (`sd_listen_fds_with_names`), by `FileDescriptorName=`.
///
/// The environment (`$LISTEN_FDS`, `$LISTEN_PID`, `$LISTEN_FDNAMES`) is left set; systemd has already
/// marked the descriptors close-on-exec.
public struct SystemdListenFDs: Sendable {
    /// One inherited descriptor and its name (`unknown` when the unit gave none).
    public struct Socket: Sendable, Hashable {
        public var name: String
        public var fd: Int32
    }

    /// The name Laurel's socket unit gives its listening socket (`FileDescriptorName=laureld`).
    public static let laureldName = "laureld"

    /// The inherited descriptors, in order (the first is fd 3).
    public let sockets: [Socket]

    public init(sockets: [Socket]) {
        self.sockets = sockets
    }

    /// Reads the sockets systemd passed to this process. Empty when the process was not socket-activated.
    public static func adopt() throws(SystemdError) -> SystemdListenFDs {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        let count = sd_listen_fds_with_names(0, &names)
        if count < 0 { throw .listenFDsFailed(errno: -count) }
        defer {
            if let names {
                for i in 0..<Int(count) { free(names[i]) }
                free(names)
            }
        }
        var sockets: [Socket] = []
        for i in 0..<count {
            let name = names?[Int(i)].map { String(cString: $0) } ?? "unknown"
            sockets.append(Socket(name: name, fd: SD_LISTEN_FDS_START + i))
        }
        return SystemdListenFDs(sockets: sockets)
    }

    /// The descriptor named `name`, or `nil`.
    public func fd(named name: String) -> Int32? {
        sockets.first { $0.name == name }?.fd
    }

    /// The descriptor named `name`, checked to be a listening `AF_UNIX` stream socket (`sd_is_socket_unix`).
    public func unixStreamListener(named name: String = laureldName) throws(SystemdError) -> Int32 {
        guard let fd = fd(named: name) else {
            throw .noSocketNamed(name, available: sockets.map(\.name))
        }
        guard Self.isUnixStreamListener(fd) else { throw .notUnixStreamListener(name: name) }
        return fd
    }

    /// Whether `fd` is a listening `AF_UNIX` stream socket.
    public static func isUnixStreamListener(_ fd: Int32) -> Bool {
        sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), 1, nil, 0) > 0
    }

    /// Calls `listen(SOMAXCONN)` again on the socket after SwiftNIO adopted it.
    ///
    /// NIO's `ServerBootstrap.bind(_:)`/`withBoundSocket` call `listen` with a backlog of 128, which
    /// overrides the socket unit's `Backlog=`. Listening again on a `dup` of the descriptor (so NIO's
    /// own descriptor is never touched) raises the backlog back. Returns `false` if a call failed.
    @discardableResult
    public static func restoreBacklog(_ fd: Int32, backlog: Int32 = SOMAXCONN) -> Bool {
        let copy = dup(fd)
        guard copy >= 0 else { return false }
        defer { close(copy) }
        return listen(copy, backlog) == 0
    }
}
