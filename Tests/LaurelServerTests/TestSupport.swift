import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A unique, short temporary directory (Unix socket paths must stay under ~107 bytes), removed
/// by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/lrl-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    func write(_ relative: String, _ text: String) {
        _ = FileManager.default.createFile(atPath: path + "/" + relative, contents: Data(text.utf8))
    }
}

/// Poll `condition` until it holds or `timeout` passes; never a fixed sleep.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// The repository root, from this file's path.
let repositoryRoot = String(#filePath).components(separatedBy: "/Tests/")[0]

/// A plain blocking Unix-socket client for protocol abuse tests: it sends exactly the bytes a
/// test gives it, with receive timeouts so no test can hang.
final class RawClient {
    let fd: Int32

    init(path: String, timeout: Duration = .seconds(5)) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw RawClientError.system("socket", errno) }
        var tv = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw RawClientError.system("connect", code)
        }
    }

    deinit { close(fd) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Read until the peer closes, the timeout passes, or `maxBytes` arrive.
    func readAll(maxBytes: Int = 1 << 20) -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while out.count < maxBytes {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n == 0 { return (out, true) }
            if n < 0 { return (out, errno == ECONNRESET || errno == EPIPE) }
            out.append(contentsOf: buffer[0..<n])
        }
        return (out, false)
    }

    /// Read whole lines until one is a final reply line (`OK `, `ERR `), or timeout/close.
    func readReply() -> [String] {
        var lines: [String] = []
        var pending: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = recv(fd, &byte, 1, 0)
            if n <= 0 { return lines }
            if byte == 10 {
                let line = String(decoding: pending, as: UTF8.self)
                pending.removeAll()
                lines.append(line)
                if line.hasPrefix("OK ") || line.hasPrefix("ERR ") || line == "OK" { return lines }
            } else {
                pending.append(byte)
            }
        }
    }
}

enum RawClientError: Error {
    case system(String, Int32)
}
