import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain blocking Unix-socket client for abuse tests: it sends exactly the bytes a test gives it,
/// with send and receive timeouts so no test can hang. (The same shape as LaurelServerTests'
/// `RawClient`, which this target cannot import.)
final class RawSocketClient {
    let fd: Int32

    // `self.fd` is set only once the socket is connected: an initializer that throws after every
    // stored property is set still runs `deinit`, whose `close` would then close the descriptor a
    // second time, by then perhaps another test's file or socket (tests run in parallel, and
    // `DaemonUnderTest.start` fails to connect many times while the daemon starts).
    init(path: String, timeout: Duration = .seconds(5)) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ProcessFailure("socket: errno \(errno)") }
        Self.setTimeout(fd, timeout)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw ProcessFailure("connect \(path): \(String(cString: strerror(code)))")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Send and receive timeouts of `timeout`, scaled by ``TestTime/scale``.
    func setTimeout(_ timeout: Duration) { Self.setTimeout(fd, timeout) }

    private static func setTimeout(_ fd: Int32, _ timeout: Duration) {
        let (seconds, attoseconds) = timeout.scaled.components
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends every byte; false when the peer closed or the send timed out.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Half-closes: the daemon sees end of input, this side can still read.
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads until the peer closes, the timeout passes, or `maxBytes` arrive. `closed` is true when
    /// the peer ended the connection (EOF or reset).
    func readAll(maxBytes: Int = 1 << 20) -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while out.count < maxBytes {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n == 0 { return (out, true) }
            if n < 0 {
                if errno == EINTR { continue }
                return (out, errno == ECONNRESET || errno == EPIPE)
            }
            out.append(contentsOf: buffer[0..<n])
        }
        return (out, false)
    }

    /// Reads whole lines until a final reply line (`OK …`, `ERR …`, `EVT …`), a close or the timeout.
    func readReply() -> [String] {
        var lines: [String] = []
        var pending: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = recv(fd, &byte, 1, 0)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return lines }
            if byte == 10 {
                let line = String(decoding: pending, as: UTF8.self)
                pending.removeAll()
                lines.append(line)
                if line.hasPrefix("OK ") || line.hasPrefix("ERR ") || line.hasPrefix("EVT ") || line == "OK" {
                    return lines
                }
            } else {
                pending.append(byte)
            }
        }
    }

    /// One request line, its whole reply.
    func request(_ line: String) -> [String] {
        guard send(line + "\n") else { return [] }
        return readReply()
    }
}

/// A fake `$NOTIFY_SOCKET`: an `AF_UNIX` datagram socket whose messages the test reads back.
final class NotifySink {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        // `self.fd` is set only once bound, for the reason given at `RawSocketClient.init`.
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ProcessFailure("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw ProcessFailure("bind \(path): errno \(code)")
        }
        self.fd = fd
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Every datagram waiting now (does not block).
    func drain() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, Int32(MSG_DONTWAIT)) }
            if n < 0 { return messages }
            messages.append(String(decoding: buffer[0..<n], as: UTF8.self))
        }
    }
}
