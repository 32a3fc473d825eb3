import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// Support for the subprocess tier: the real `laureld` and `laurelctl` binaries, built next to
// the test bundle, driven as separate processes (and, as root, as other users).

/// The build products directory (one definition: ``BuiltProducts/directory``).
let productsDirectory = BuiltProducts.directory

/// Whether the binaries this tier needs were built.
let binariesBuilt = ["laureld", "laurelctl"].allSatisfy { access(productsDirectory + "/" + $0, X_OK) == 0 }

/// A unique, short temporary directory (Unix socket paths must stay under ~107 bytes).
/// Mode 0755 so that test users can reach a socket inside it.
struct TempDir {
    let path: String

    init() throws {
        var template = Array("/tmp/lrl-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw ProcessFailure("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        chmod(path, 0o755)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ relative: String, _ text: String) -> String {
        let full = path + "/" + relative
        _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
        return full
    }
}

// `ProcessFailure` is declared in DaemonProcess.swift.

/// The outcome of a finished subprocess.
struct ProcessResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }

    /// stdout parsed as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
    }
}

/// Whom to run a command as: `nil` is the test process's own user.
struct RunAs: Sendable {
    var user: String
    var uid: UInt32
    var gid: UInt32

    /// A placeholder before a test user exists (never used to run anything).
    static let nobody = RunAs(user: "", uid: UInt32.max, gid: UInt32.max)
}

/// Runs `executable` (a path) to completion with a deadline (`timeout`, scaled by
/// ``TestTime/scale``); output goes through temp files so a
/// chatty child can never block on a full pipe. As `user`, through `setpriv` with the user's groups.
func run(
    _ executable: String, _ arguments: [String], as user: RunAs? = nil, environment: [String: String] = [:],
    stdin: String? = nil, timeout: Duration = .seconds(30)
) throws -> ProcessResult {
    let scratch = try TempDir()
    defer { scratch.remove() }
    let process = Process()
    if let user {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments =
            ["--reuid", String(user.uid), "--regid", String(user.gid), "--init-groups", "--", executable] + arguments
    } else {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
    }
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "LAUREL_SOCKET")
    env.removeValue(forKey: "LAUREL_SPOOL")
    for (k, v) in environment { env[k] = v }
    process.environment = env
    _ = FileManager.default.createFile(atPath: scratch.path + "/out", contents: nil)
    _ = FileManager.default.createFile(atPath: scratch.path + "/err", contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path + "/out"))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path + "/err"))
    process.standardOutput = out
    process.standardError = err
    if let stdin {
        scratch.write("in", stdin)
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: scratch.path + "/in"))
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    let clock = ContinuousClock()
    let deadline = clock.now + timeout.scaled
    while process.isRunning, clock.now < deadline { usleep(5_000) }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw ProcessFailure("\(executable) \(arguments) did not finish within \(timeout.scaled)")
    }
    try out.close()
    try err.close()
    return ProcessResult(
        status: process.terminationStatus,
        stdout: (try? String(contentsOfFile: scratch.path + "/out", encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOfFile: scratch.path + "/err", encoding: .utf8)) ?? "")
}

/// Poll `condition` until it holds or `timeout` (scaled by ``TestTime/scale``) passes; never a
/// fixed sleep.
func eventually(timeout: Duration = .seconds(15), _ condition: () throws -> Bool) rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout.scaled
    while clock.now < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// A `laureld` started for one test on a temporary socket, spool and state directory, with a
/// temporary configuration. Stop it with `stop()` (SIGTERM, then waits).
final class TestDaemon {
    let dir: TempDir
    let socket: String
    let spool: String
    let process: Process
    let logPath: String

    /// `config` is TOML appended to a `[daemon]` section that sets `socket_mode = "0666"` (so test
    /// users can connect); pass more sections (`[roles]`, `[limits]`) as needed.
    /// `arguments` are added to laureld's command line (e.g. `--demo`, which loads the seed
    /// bulletin's ten teams; the explicit paths still win).
    init(config: String = "", daemonSection: String = "", arguments: [String] = []) throws {
        dir = try TempDir()
        socket = dir.path + "/s"
        spool = dir.path + "/spool"
        logPath = dir.path + "/log"
        let configPath = dir.write(
            "laureld.toml",
            """
            [daemon]
            socket_mode = "0666"
            log_level = "warning"
            \(daemonSection)
            \(config)
            """)
        process = Process()
        process.executableURL = URL(fileURLWithPath: productsDirectory + "/laureld")
        process.arguments = [
            "--config", configPath, "--socket", socket, "--drop-dir", spool, "--state-dir", dir.path + "/state",
        ] + arguments
        var env = ProcessInfo.processInfo.environment
        for key in [
            "LAUREL_SOCKET", "LAUREL_DROP_DIR", "LAUREL_STATE_DIR", "LAUREL_LOG_LEVEL", "NOTIFY_SOCKET", "LISTEN_FDS",
        ] {
            env.removeValue(forKey: key)
        }
        process.environment = env
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let up = eventually {
            !process.isRunning || ((try? self.ctl(["ping"]))?.status == 0)
        }
        guard up, process.isRunning else {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            stop()
            throw ProcessFailure("laureld did not start: \(log)")
        }
        // Spool and socket directory usable by the test users (they drop files, root renames).
        chmod(spool, 0o755)
    }

    /// Runs `laurelctl --socket <this daemon> arguments…`.
    func ctl(_ arguments: [String], as user: RunAs? = nil, timeout: Duration = .seconds(30)) throws -> ProcessResult {
        try run(productsDirectory + "/laurelctl", arguments + ["--socket", socket], as: user, timeout: timeout)
    }

    /// Publishes `text` into the spool as a writer would (tmp/, then rename into new/), owned by
    /// `owner` when given.
    func drop(_ name: String, _ text: String, owner: RunAs? = nil) throws {
        let tmp = spool + "/tmp/" + name
        guard FileManager.default.createFile(atPath: tmp, contents: Data(text.utf8)) else {
            throw ProcessFailure("cannot create \(tmp)")
        }
        if let owner, chown(tmp, owner.uid, owner.gid) != 0 {
            throw ProcessFailure("chown \(tmp): \(String(cString: strerror(errno)))")
        }
        guard rename(tmp, spool + "/new/" + name) == 0 else {
            throw ProcessFailure("rename into new/: \(String(cString: strerror(errno)))")
        }
    }

    /// Submits `text` over the socket and returns the new entries' ids.
    func submit(_ name: String, _ text: String, as user: RunAs? = nil) throws -> [String] {
        let path = dir.write(name, text)
        chmod(path, 0o644)
        let result = try ctl(["submit", "--socket-submit", "--json", path], as: user)
        guard result.status == 0, let outcomes = try result.json() as? [[String: Any]] else {
            throw ProcessFailure("submit \(name) failed: \(result)")
        }
        return outcomes.flatMap { ($0["entries"] as? [String]) ?? [] }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGTERM (SIGKILL after 15 s), wait, and return the exit status; the directory stays.
    @discardableResult
    func terminate() -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            if !eventually(timeout: .seconds(15), { !process.isRunning }) {
                kill(process.processIdentifier, SIGKILL)
            }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func stop() {
        terminate()
        dir.remove()
    }
}

/// A nomination in the header format.
func nomination(
    award: String = "Test Award", nominee: String, cycle: String = "2025", citation: String = "For steady work."
) -> String {
    "Award: \(award)\nNominee: \(nominee)\nCycle: \(cycle)\n\n\(citation)\n"
}

/// A python3 every user may run (the system one first: a per-user install under /root is not
/// reachable by the test users).
func python3() throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for dir in ["/usr/bin", "/usr/local/bin"] + path.split(separator: ":").map(String.init)
    where access(dir + "/python3", X_OK) == 0 {
        return dir + "/python3"
    }
    throw ProcessFailure("python3 is not installed")
}
