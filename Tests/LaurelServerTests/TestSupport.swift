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

/// Poll `condition` until it holds or `timeout` (scaled by ``TestTime/scale``) passes; never a
/// fixed sleep.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout.scaled
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
