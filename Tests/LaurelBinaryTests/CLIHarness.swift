import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built binaries (laureld, laurelctl) as subprocesses, from the directory the test
/// bundle was built into.
enum CLIHarness {
    static let productsDirectory: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (exe as NSString).deletingLastPathComponent
    }()

    static func binary(_ name: String) -> String { productsDirectory + "/" + name }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Run a binary to completion with a deadline (killed past it).
    static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 30) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary(name))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["LAUREL_SOCKET"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        group.wait()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A `laureld` subprocess on its own temporary socket, state and spool.
    final class Daemon {
        let root: String
        let process: Process
        var socket: String { root + "/d.sock" }
        var spool: String { root + "/spool" }
        var state: String { root + "/state" }

        /// Start `laureld --demo` with HOME pointed into a fresh directory, or a plain daemon
        /// with explicit paths; wait until it answers PING.
        init(demo: Bool = true, extraArguments: [String] = []) throws {
            var template = Array("/tmp/lrl-XXXXXX".utf8CString)
            guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
                throw HarnessError("mkdtemp failed")
            }
            root = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            process = Process()
            process.executableURL = URL(fileURLWithPath: CLIHarness.binary("laureld"))
            var args = ["--socket", root + "/d.sock", "--drop-dir", root + "/spool", "--state-dir", root + "/state"]
            if demo { args.insert("--demo", at: 0) }
            process.arguments = args + extraArguments
            var env = ProcessInfo.processInfo.environment
            env["HOME"] = root
            env["XDG_STATE_HOME"] = nil
            env["XDG_RUNTIME_DIR"] = nil
            env["NOTIFY_SOCKET"] = nil
            env["LAUREL_SOCKET"] = nil
            process.environment = env
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            let log = root + "/laureld.log"
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: log)
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if !process.isRunning { throw HarnessError("laureld exited: \(logText)") }
                if let out = try? CLIHarness.run("laurelctl", ["ping", "--socket", socket], timeout: 5), out.status == 0 {
                    if !demo { return }
                    // The demo is ready once its ten teams are in.
                    if let stats = try? CLIHarness.run("laurelctl", ["stats", "--json", "--socket", socket]),
                        stats.stdout.contains("\"entries\":10") || stats.stdout.contains("\"entries\" : 10")
                    {
                        return
                    }
                }
                usleep(50_000)
            }
            stop()
            throw HarnessError("laureld did not answer within 30 s: \(logText)")
        }

        var logText: String { (try? String(contentsOfFile: root + "/laureld.log", encoding: .utf8)) ?? "" }

        func ctl(_ arguments: [String]) throws -> Output {
            try CLIHarness.run("laurelctl", arguments + ["--socket", socket])
        }

        /// SIGTERM, wait (SIGKILL after 20 s); returns the exit status.
        @discardableResult
        func stop() -> Int32 {
            if process.isRunning {
                kill(process.processIdentifier, SIGTERM)
                let deadline = Date().addingTimeInterval(20)
                while process.isRunning, Date() < deadline { usleep(20_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            process.waitUntilExit()
            return process.terminationStatus
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
