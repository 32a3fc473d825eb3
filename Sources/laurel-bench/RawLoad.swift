#if canImport(Glibc)
import Glibc
#endif
import Histogram

/// The default load engine: one thread, non-blocking Unix sockets and poll(2), the same shape as
/// `redis-benchmark`. Every connection has one request in flight; a reply ends at its final line
/// (`OK `/`ERR ` for laureld, any line for a Redis inline reply). Cheap enough that on a small
/// machine the daemon, not the load generator, is what gets measured.
///
/// `--engine client` keeps the older path through ``LaurelClient`` (async, NIO), which measures
/// the client library as well.
struct RawLoad {
    enum Dialect: Sendable {
        /// laureld: `OK-` lines continue a reply, `OK `/`ERR ` end it.
        case laurel
        /// Redis inline commands (`PING\r\n` → `+PONG\r\n`): every line is a whole reply.
        case redis
    }

    struct Result {
        var histogram: Histogram<UInt64>
        var errors: Int
        var firstError: String?
        var seconds: Double
    }

    struct RawLoadError: Error, CustomStringConvertible {
        var description: String
    }

    private struct Connection {
        var fd: Int32
        var next: Int
        var sentAt: UInt64 = 0
        var inbox: [UInt8] = []
        var lineStart = 0
    }

    let socketPath: String
    let requests: [[UInt8]]
    let clients: Int
    let seconds: Double
    let dialect: Dialect

    func run() throws -> Result {
        var histogram = Worker.makeHistogram()
        var errors = 0
        var firstError: String?
        var connections: [Connection] = []
        defer { for c in connections { close(c.fd) } }
        var polls: [pollfd] = []
        for index in 0..<clients {
            let fd = try Self.connect(socketPath)
            connections.append(Connection(fd: fd, next: (index * 7919) % requests.count))
            polls.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        }
        let started = Self.nowNanos()
        let deadline = started + UInt64(seconds * 1e9)
        for index in connections.indices { send(&connections[index]) }

        var buffer = [UInt8](repeating: 0, count: 65536)
        while Self.nowNanos() < deadline {
            let ready = poll(&polls, nfds_t(polls.count), 100)
            if ready < 0 {
                if errno == EINTR { continue }
                throw RawLoadError(description: "poll: errno \(errno)")
            }
            for index in polls.indices where polls[index].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(connections[index].fd, $0.baseAddress, $0.count) }
                if n <= 0 {
                    if n < 0, errno == EAGAIN || errno == EINTR { continue }
                    throw RawLoadError(description: "connection \(index) closed by the server (\(n == 0 ? "EOF" : "errno \(errno)"))")
                }
                connections[index].inbox.append(contentsOf: buffer[0..<n])
                // Scan the complete lines received for the end of the reply.
                var done = false
                var failed: String?
                var c = connections[index]
                while let newline = c.inbox[c.lineStart...].firstIndex(of: 10) {
                    let line = c.inbox[c.lineStart..<newline]
                    c.lineStart = newline + 1
                    switch dialect {
                    case .redis:
                        done = true
                        if line.first != UInt8(ascii: "+") { failed = String(decoding: line, as: UTF8.self) }
                    case .laurel:
                        if line.starts(with: Self.okMore) { continue }
                        if line.starts(with: Self.ok) { done = true }
                        if line.starts(with: Self.err) {
                            done = true
                            failed = String(decoding: line, as: UTF8.self)
                        }
                    }
                    if done { break }
                }
                if done {
                    let now = Self.nowNanos()
                    histogram.record(max(1, (now - c.sentAt) / 1000))
                    if let failed {
                        errors += 1
                        if firstError == nil { firstError = failed }
                    }
                    c.inbox.removeAll(keepingCapacity: true)
                    c.lineStart = 0
                    if now < deadline { send(&c) }
                }
                connections[index] = c
            }
        }
        return Result(histogram: histogram, errors: errors, firstError: firstError, seconds: Double(Self.nowNanos() - started) / 1e9)
    }

    private static let okMore = Array("OK-".utf8)
    private static let ok = Array("OK ".utf8)
    private static let err = Array("ERR ".utf8)

    private func send(_ connection: inout Connection) {
        let bytes = requests[connection.next]
        connection.next = (connection.next + 1) % requests.count
        connection.sentAt = Self.nowNanos()
        // Requests are short; a blocking-style loop on a non-blocking socket is enough.
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(connection.fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EAGAIN || errno == EINTR { continue }
            if n <= 0 { return }
            sent += n
        }
    }

    static func nowNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func connect(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw RawLoadError(description: "socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw RawLoadError(description: "socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        // A Unix socket connect completes at once, or fails with EAGAIN when the backlog is full.
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw RawLoadError(description: "connect \(path): \(String(cString: strerror(code)))")
        }
        return fd
    }
}
