/// A failure in the systemd integration (socket activation, notification).
///
/// Shaped like `ServiceGroupError`: a struct over a private code, with a sentence a user can act on.
public struct SystemdError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case listenFDsFailed(errno: Int32)
        case noSocketNamed(String, available: [String])
        case notUnixStreamListener(name: String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// `sd_listen_fds_with_names` failed (for example a malformed `$LISTEN_FDS`).
    public static func listenFDsFailed(errno: Int32) -> SystemdError { .init(.listenFDsFailed(errno: errno)) }
    /// systemd passed no socket with the `FileDescriptorName=` asked for.
    public static func noSocketNamed(_ name: String, available: [String]) -> SystemdError {
        .init(.noSocketNamed(name, available: available))
    }
    /// The socket with that name is not a listening `AF_UNIX` stream socket.
    public static func notUnixStreamListener(name: String) -> SystemdError { .init(.notUnixStreamListener(name: name)) }

    public var description: String {
        switch code {
        case .listenFDsFailed(let errno):
            return "Could not read the sockets passed by systemd (errno \(errno)); check LISTEN_FDS and LISTEN_PID."
        case .noSocketNamed(let name, let available):
            let list = available.isEmpty ? "none" : available.joined(separator: ", ")
            return "systemd passed no socket named '\(name)' (passed: \(list)); set FileDescriptorName=\(name) in the socket unit."
        case .notUnixStreamListener(let name):
            return "The socket '\(name)' passed by systemd is not a listening Unix stream socket; use ListenStream= with a path."
        }
    }
}
