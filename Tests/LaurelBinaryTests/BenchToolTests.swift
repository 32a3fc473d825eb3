import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Subprocess tests of the built `laurel-bench`: the generator writes files the real daemon accepts, and
/// the load generator measures a real daemon and reports JSON. No timing assertions.
@Suite("laurel-bench binary")
struct BenchToolTests {
    @Test("generate writes N valid header files, the same bytes for the same seed, and laureld accepts every one")
    func generateWritesFilesTheDaemonAccepts() throws {
        let products = try BenchProducts()
        let dir = try BenchTempDir()
        defer { dir.remove() }

        let out = try products.run("laurel-bench", ["generate", "--count", "40", "--out", dir.path + "/gen", "--seed", "7"])
        #expect(out.status == 0, "generate failed: \(out.stderr)")
        _ = try products.run("laurel-bench", ["generate", "--count", "40", "--out", dir.path + "/again", "--seed", "7"])
        _ = try products.run("laurel-bench", ["generate", "--count", "40", "--out", dir.path + "/other", "--seed", "8"])

        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/gen").sorted()
        #expect(names.count == 40)
        #expect(names.allSatisfy { $0.hasSuffix(".nom") })
        var nominees: [String] = []
        for name in names {
            let text = try String(contentsOfFile: dir.path + "/gen/" + name, encoding: .utf8)
            let parts = text.components(separatedBy: "\n\n")
            #expect(parts.count >= 2, "\(name): no blank line before the citation")
            let headers = parts[0].split(separator: "\n")
            #expect(headers.first?.hasPrefix("Award: ") == true)
            let nominee = headers.first { $0.hasPrefix("Nominee: ") }.map { String($0.dropFirst(9)) }
            #expect(nominee?.isEmpty == false, "\(name): no nominee")
            nominees.append(nominee ?? "")
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/again/" + name)) == Data(text.utf8))
        }
        #expect(nominees.contains { $0.unicodeScalars.allSatisfy { $0.value >= 0x4E00 && $0.value <= 0x9FFF } && [2, 3].contains($0.count) },
                "no two- or three-character Chinese personal name in \(nominees)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/other/" + names[0]))
                != Data(contentsOf: URL(fileURLWithPath: dir.path + "/gen/" + names[0])))

        // The real parser is the daemon's: drop the files and wait until every one is registered.
        try FileManager.default.createDirectory(atPath: dir.path + "/spool/new", withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.moveItem(atPath: dir.path + "/gen/" + name, toPath: dir.path + "/spool/new/" + name)
        }
        let daemon = try products.startDaemon(in: dir)
        defer { daemon.stop() }
        let stats = try benchWaitFor(seconds: 30) { () -> [String: Any]? in
            let r = try products.run("laurelctl", ["stats", "--socket", daemon.socket, "--json"])
            guard r.status == 0, let object = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                  (object["files"] as? Int ?? 0) + (object["rejected_files"] as? Int ?? 0) >= 40 else { return nil }
            return object
        }
        #expect(stats["files"] as? Int == 40)
        #expect(stats["rejected_files"] as? Int == 0)
        let found = try products.run("laurelctl", ["search", nominees[0], "--socket", daemon.socket, "--json"])
        #expect(found.status == 0)
        #expect(found.stdout.contains(nominees[0]), "search for \(nominees[0]) did not find it: \(found.stdout)")
    }

    @Test("load --op ping against a real laureld prints JSON with rps, percentiles and no errors")
    func pingLoadReportsJSON() throws {
        let products = try BenchProducts()
        let dir = try BenchTempDir()
        defer { dir.remove() }
        let daemon = try products.startDaemon(in: dir)
        defer { daemon.stop() }

        let r = try products.run("laurel-bench", ["--socket", daemon.socket, "--op", "ping", "--clients", "2", "--duration", "1", "--json"])
        #expect(r.status == 0, "laurel-bench failed: \(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "not JSON: \(r.stdout)")
        for key in ["op", "clients", "requests", "duration_s", "rps", "p50_ms", "p99_ms", "p999_ms", "max_ms", "errors"] {
            #expect(object[key] != nil, "missing \(key) in \(r.stdout)")
        }
        #expect(object["errors"] as? Int == 0)
        #expect((object["rps"] as? Double ?? 0) > 0)
        #expect((object["requests"] as? Int ?? 0) > 0)
        #expect(object["clients"] as? Int == 2)
    }

    @Test("load refuses a missing socket with a sentence and a non-zero exit, without hanging")
    func loadOnMissingSocketFails() throws {
        let products = try BenchProducts()
        let dir = try BenchTempDir()
        defer { dir.remove() }
        let r = try products.run("laurel-bench", ["--socket", dir.path + "/none.sock", "--op", "get", "--duration", "1"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("none.sock"))
    }
}

// MARK: - Support

/// The directory holding the built binaries: the test bundle sits next to them.
private struct BenchProducts {
    let directory: String

    init() throws {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        var candidates: [String] = []
        if n > 0 {
            let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
            // .build/debug/LaurelPackageTests.xctest or …/X.xctest/Contents/MacOS/X
            for _ in 0..<4 {
                candidates.append(url.path)
                url.deleteLastPathComponent()
            }
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().path)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/laurel-bench") }) else {
            throw BenchFailure("laurel-bench is not built next to the tests (looked in \(candidates)); run `swift build` first")
        }
        directory = found
    }

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    /// Runs a binary to completion (with a deadline of `timeout` seconds, scaled by
    /// ``TestTime/scale``) and returns what it printed.
    func run(_ name: String, _ arguments: [String], timeout: Double = 60) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: directory + "/" + name)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to the end (a full pipe would block the child), then reap it.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout * TestTime.scale, execute: watchdog)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts laureld on a socket, spool and state directory inside `dir`, and waits until it answers PING.
    func startDaemon(in dir: BenchTempDir) throws -> BenchDaemon {
        let socket = dir.path + "/s"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: directory + "/laureld")
        process.arguments = ["--socket", socket, "--drop-dir", dir.path + "/spool", "--state-dir", dir.path + "/state"]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        environment.removeValue(forKey: "LISTEN_FDS")
        environment["LAUREL_LOG_LEVEL"] = "warning"
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let daemon = BenchDaemon(process: process, socket: socket)
        do {
            _ = try benchWaitFor(seconds: 30) { () -> Bool? in
                guard process.isRunning else { throw BenchFailure("laureld exited with \(process.terminationStatus) before answering") }
                return try run("laurelctl", ["ping", "--socket", socket], timeout: 10).status == 0 ? true : nil
            }
        } catch {
            daemon.stop()
            throw error
        }
        return daemon
    }
}

private struct BenchDaemon {
    let process: Process
    let socket: String

    /// SIGTERM, then wait for the exit (SIGKILL after 10 s, scaled, so a hung daemon cannot hang
    /// the suite).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10 * TestTime.scale)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// A unique short directory under /tmp (Unix socket paths must stay under ~107 bytes).
private struct BenchTempDir {
    let path: String

    init() throws {
        var template = Array("/tmp/lrl-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchFailure("mkdtemp failed: errno \(errno)") }
        path = String(cString: made)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

private struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 20 ms until it returns a value or the deadline (`seconds`, scaled by
/// ``TestTime/scale``) passes.
private func benchWaitFor<T>(seconds: Double, _ condition: () throws -> T?) throws -> T {
    let deadline = Date().addingTimeInterval(seconds * TestTime.scale)
    while true {
        if let value = try condition() { return value }
        guard Date() < deadline else { throw BenchFailure("condition not met within \(seconds * TestTime.scale) s") }
        usleep(20_000)
    }
}
