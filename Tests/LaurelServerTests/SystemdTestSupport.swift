#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A unique short directory under /tmp (`/tmp/lrl-XXXXXX`), removed by `remove()`.
struct ShortTempDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/lrl-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp failed: errno \(errno)")
        }
        path = String(cString: made)
    }

    func remove(files: [String]) {
        for file in files { unlink(path + "/" + file) }
        rmdir(path)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with environment variables set (or unset, for `nil`), restoring the previous values.
/// Process-wide: only call from `.serialized` suites, and only for variables no other suite reads.
func withEnvironment<T>(_ values: [String: String?], _ body: () throws -> T) rethrows -> T {
    var saved: [String: String?] = [:]
    for (name, value) in values {
        saved[name] = getenv(name).map { String(cString: $0) }
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }
    defer {
        for (name, value) in saved {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
    }
    return try body()
}

/// The `async` form of ``withEnvironment(_:_:)``.
func withEnvironment<T>(_ values: [String: String?], _ body: () async throws -> T) async rethrows -> T {
    var saved: [String: String?] = [:]
    for (name, value) in values {
        saved[name] = getenv(name).map { String(cString: $0) }
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }
    defer {
        for (name, value) in saved {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
    }
    return try await body()
}

/// Makes an `AF_UNIX` socket bound at `path`.
func makeUnixSocket(type: Int32, path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, type, 0)
    guard fd >= 0 else { throw TestFailure("socket failed: errno \(errno)") }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
        close(fd)
        throw TestFailure("socket path too long: \(path)")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    let rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    guard rc == 0 else {
        close(fd)
        throw TestFailure("bind \(path) failed: errno \(errno)")
    }
    return fd
}

/// A fake `$NOTIFY_SOCKET`: a datagram socket whose messages the test reads back.
final class FakeNotifySocket {
    let directory: ShortTempDirectory
    let path: String
    private let fd: Int32

    init() throws {
        directory = try ShortTempDirectory()
        path = directory.path + "/n"
        fd = try makeUnixSocket(type: Int32(SOCK_DGRAM.rawValue), path: path)
        // Bounded waits: a missing datagram fails the test after 5 s (scaled) instead of hanging it.
        var timeout = timeval(tv_sec: Int(Duration.seconds(5).scaled.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The next datagram, or `nil` if none arrives within the timeout.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { return nil }
        return String(decoding: buffer[..<n], as: UTF8.self)
    }

    /// The next datagram, waiting without blocking a thread (for async tests), or `nil` after
    /// `timeout` (scaled by ``TestTime/scale``).
    func next(within timeout: Duration = .seconds(5)) async -> String? {
        let deadline = ContinuousClock.now + timeout.scaled
        while ContinuousClock.now < deadline {
            if hasPending() { return receive() }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Whether a datagram is waiting right now.
    func hasPending() -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, 0) > 0
    }

    deinit {
        close(fd)
        directory.remove(files: ["n"])
    }
}
