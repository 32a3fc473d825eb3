import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// Support for tests that drive the BUILT binaries as separate processes: where the products are,
// short scratch directories, spawning and stopping `laureld`, reading its CPU time and memory.
// Every wait polls a condition with a deadline; nothing sleeps for a fixed time to "let it settle".

/// Where `swift build` put `laureld` and `laurelctl`: the directory of the running test bundle
/// (`.build/<triple>/debug/LaurelPackageTests.xctest`), or `$LAUREL_BIN_DIR`.
enum BuiltProducts {
    static let directory: String = {
        if let dir = ProcessInfo.processInfo.environment["LAUREL_BIN_DIR"], !dir.isEmpty { return dir }
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (exe as NSString).deletingLastPathComponent
    }()

    static var laureld: String { directory + "/laureld" }
    static var laurelctl: String { directory + "/laurelctl" }

    static var available: Bool { access(laureld, X_OK) == 0 && access(laurelctl, X_OK) == 0 }
}

/// Whether this process runs as root (tests that mount, chown or drop privileges need it).
let runningAsRoot = geteuid() == 0

struct ProcessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A unique short directory `/tmp/lrl-XXXXXX` (Unix socket paths must stay under 107 bytes).
/// `remove()` unmounts anything the test mounted inside it and deletes it.
final class ScratchDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/lrl-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ProcessFailure("mkdtemp failed: errno \(errno)")
        }
        path = String(cString: made)
    }

    func sub(_ relative: String) -> String { path + "/" + relative }

    @discardableResult
    func makeDirectory(_ relative: String, mode: mode_t = 0o755) -> String {
        let full = sub(relative)
        mkdir(full, mode)
        chmod(full, mode)
        return full
    }

    func write(_ relative: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
        try writeFile(sub(relative), bytes, mode: mode)
    }

    func remove() {
        // Never leave a mount behind, even when the test failed half-way.
        if let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) {
            for line in mounts.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count > 1, fields[1].hasPrefix(path + "/") { umount2(String(fields[1]), Int32(MNT_DETACH)) }
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Writes a whole file (create or truncate).
func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw ProcessFailure("open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
        if n < 0 {
            if errno == EINTR { continue }
            throw ProcessFailure("write \(path): \(String(cString: strerror(errno)))")
        }
        done += n
    }
}

func readBytes(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) }
}

/// Names in a directory (not `.`/`..`), or `[]` when it cannot be read.
func listDirectory(_ path: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
}

/// Polls `condition` every few milliseconds until it holds or `timeout` (scaled by
/// ``TestTime/scale``) passes.
func waitUntil(timeout: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout.scaled
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        usleep(5_000)
    }
    return try condition()
}

/// How a child process ended.
enum ExitStatus: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signalled(let signal): "signal \(signal)"
        }
    }
}

/// A child process started with `posix_spawn`: stdin from /dev/null, stdout and stderr to files,
/// a clean signal mask. Reaped with `waitpid(pid)` only, never a wildcard wait.
final class ChildProcess {
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private(set) var status: ExitStatus?

    init(
        _ executable: String, _ arguments: [String], environment: [String: String], stdoutPath: String,
        stderrPath: String
    ) throws {
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var child = pid_t()
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw ProcessFailure("posix_spawn \(executable): \(String(cString: strerror(rc)))") }
        pid = child
    }

    /// Reaps the child if it has ended; returns whether it is still running.
    @discardableResult
    func poll() -> Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        let rc = waitpid(pid, &raw, WNOHANG)
        if rc == pid {
            // WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out (they are macros).
            status = (raw & 0x7f) == 0 ? .exited((raw >> 8) & 0xff) : .signalled(raw & 0x7f)
            return false
        }
        return rc == 0
    }

    var isRunning: Bool { poll() }

    /// Waits for the child to end; nil if it is still running at the deadline.
    @discardableResult
    func wait(timeout: Duration) -> ExitStatus? {
        _ = waitUntil(timeout: timeout) { !poll() }
        return status
    }

    func signal(_ signal: Int32) {
        if status == nil { kill(pid, signal) }
    }

    /// SIGTERM, then SIGKILL if it has not ended within `grace`.
    @discardableResult
    func stop(grace: Duration = .seconds(15)) -> ExitStatus? {
        signal(SIGTERM)
        if let status = wait(timeout: grace) { return status }
        signal(SIGKILL)
        return wait(timeout: .seconds(10))
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// User + system CPU time so far, in seconds (`/proc/PID/stat` fields 14 and 15).
    func cpuSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after "(comm)": state is field 3, so utime (14) and stime (15) are at 11 and 12.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory in bytes (`VmRSS` in `/proc/PID/status`).
    func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kb = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return kb.map { $0 * 1024 }
        }
        return nil
    }
}

/// The environment of a child started with ``ChildProcess``: `PATH`, `HOME` and the sanitizer
/// options of this run (`TSAN_OPTIONS`…), so that a sanitizer-built `laureld` or `laurelctl`
/// reports where CI's sanitizer stage looks for reports.
func childEnvironment(home: String) -> [String: String] {
    var environment = ["PATH": "/usr/bin:/bin", "HOME": home]
    for (key, value) in ProcessInfo.processInfo.environment where key.hasSuffix("SAN_OPTIONS") {
        environment[key] = value
    }
    return environment
}

/// Runs a command to completion (bounded) and returns its status and output.
func runCommand(
    _ executable: String, _ arguments: [String], in scratch: ScratchDirectory, timeout: Duration = .seconds(30)
)
    throws -> (status: ExitStatus?, stdout: String, stderr: String)
{
    let tag = UInt32.random(in: 0...UInt32.max)
    let child = try ChildProcess(
        executable, arguments, environment: childEnvironment(home: scratch.path),
        stdoutPath: scratch.sub(".cmd-\(tag).out"), stderrPath: scratch.sub(".cmd-\(tag).err"))
    defer {
        unlink(child.stdoutPath)
        unlink(child.stderrPath)
    }
    if child.wait(timeout: timeout) == nil { child.stop(grace: .seconds(1)) }
    return (child.status, child.stdout, child.stderr)
}

/// `laureld` under test, in its own scratch directory:
///
///     <scratch>/run/s      the socket
///     <scratch>/spool      the drop directory (tmp/ new/ rejected/)
///     <scratch>/state      the state directory (registry.sqlite)
///     <scratch>/laureld.toml, laureld.N.err (the log of the Nth start)
///
/// Start with ``start(environment:asUser:)``; it returns once the socket answers `PING`. Always
/// ``stop()`` (or ``kill()``) and ``ScratchDirectory/remove()`` in a `defer`.
final class DaemonUnderTest {
    let scratch: ScratchDirectory
    var socket: String { scratch.sub("run/s") }
    var dropDir: String { scratch.sub("spool") }
    var stateDir: String { scratch.sub("state") }
    var configPath: String { scratch.sub("laureld.toml") }
    var newDir: String { dropDir + "/new" }
    var tmpDir: String { dropDir + "/tmp" }
    var rejectedDir: String { dropDir + "/rejected" }
    var database: String { stateDir + "/registry.sqlite" }
    private(set) var process: ChildProcess?
    private(set) var starts = 0

    /// `config` is TOML added to the generated file (sections `[spool]`, `[limits]`…); the socket,
    /// drop and state directories come from flags.
    init(config: String = "", scratch: ScratchDirectory? = nil) throws {
        self.scratch = try scratch ?? ScratchDirectory()
        // Always pass --config: a /etc/laurel/laureld.toml on the machine must not leak in.
        try writeFile(configPath, Array("[daemon]\nlog_level = \"info\"\n\(config)\n".utf8))
        for dir in ["run", "spool", "spool/tmp", "spool/new", "spool/rejected", "state"] {
            self.scratch.makeDirectory(dir)
        }
    }

    /// `setpriv` arguments that run the daemon as `nobody:nogroup` without supplementary groups.
    static let asNobody = ["/usr/bin/setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups", "--"]

    /// Makes the socket, spool and state directories belong to `nobody` (and the scratch root
    /// traversable), for a daemon started with ``asNobody``. Root only.
    func handOverToNobody() {
        chmod(scratch.path, 0o755)
        chmod(configPath, 0o644)
        for dir in ["run", "spool", "spool/tmp", "spool/new", "spool/rejected", "state"] {
            chown(scratch.sub(dir), 65534, 65534)
        }
    }

    /// The command line, so a test can run it under `setpriv`.
    func arguments() -> [String] {
        ["--config", configPath, "--socket", socket, "--drop-dir", dropDir, "--state-dir", stateDir]
    }

    /// Spawns laureld. `wrapper` runs it through another
    /// program, e.g. `["/usr/bin/setpriv", "--reuid", "nobody", …, "--"]`.
    func spawn(environment: [String: String] = [:], wrapper: [String] = []) throws -> ChildProcess {
        var env = childEnvironment(home: scratch.path)
        env.merge(environment) { $1 }
        starts += 1
        let executable = wrapper.first ?? BuiltProducts.laureld
        let arguments =
            wrapper.isEmpty ? arguments() : Array(wrapper.dropFirst()) + [BuiltProducts.laureld] + arguments()
        // Each run writes its own log file; `log` concatenates them in order.
        let child = try ChildProcess(
            executable, arguments, environment: env, stdoutPath: scratch.sub("laureld.\(starts).out"),
            stderrPath: scratch.sub("laureld.\(starts).err"))
        process = child
        return child
    }

    /// Every run's stderr (the daemon logs there outside the journal), oldest first.
    var logs: String {
        (1...max(starts, 1)).map {
            (try? String(contentsOfFile: scratch.sub("laureld.\($0).err"), encoding: .utf8)) ?? ""
        }
        .joined()
    }

    /// Starts laureld and waits until its socket answers PING.
    @discardableResult
    func start(environment: [String: String] = [:], wrapper: [String] = [], timeout: Duration = .seconds(30)) throws
        -> ChildProcess
    {
        let child = try spawn(environment: environment, wrapper: wrapper)
        var ready = false
        _ = waitUntil(timeout: timeout) {
            guard child.isRunning else { return true }
            ready = (try? RawSocketClient(path: socket, timeout: .seconds(2)))?.request("PING") == ["OK PONG"]
            return ready
        }
        guard ready else {
            let status = child.isRunning ? "still running" : "ended: \(child.status!)"
            child.stop(grace: .seconds(5))
            throw ProcessFailure(
                "laureld did not answer PING within \(timeout.scaled) (\(status)); log:\n\(logs.suffix(4000))")
        }
        return child
    }

    /// SIGTERM and wait (SIGKILL after the grace period).
    @discardableResult
    func stop() -> ExitStatus? { process?.stop() }

    /// SIGKILL and reap.
    @discardableResult
    func kill() -> ExitStatus? {
        process?.signal(SIGKILL)
        return process?.wait(timeout: .seconds(10))
    }

    /// Stops the daemon if it runs and removes the scratch directory.
    func cleanUp() {
        if let process, process.isRunning { process.stop(grace: .seconds(10)) }
        scratch.remove()
    }

    /// Publishes a file the way writers must: write in tmp/, rename into new/.
    func drop(_ name: String, _ bytes: [UInt8]) throws {
        let temporary = tmpDir + "/." + name
        try writeFile(temporary, bytes)
        guard rename(temporary, newDir + "/" + name) == 0 else {
            throw ProcessFailure("rename into new/: \(String(cString: strerror(errno)))")
        }
    }

    /// `STATS` over the socket, decoded.
    func stats() throws -> [String: Any] {
        let started = ContinuousClock.now
        let client = try RawSocketClient(path: socket, timeout: .seconds(15))
        let reply = client.request("STATS")
        guard reply.count == 2, reply[1] == "OK STATS", reply[0].hasPrefix("OK-") else {
            let running = process?.isRunning == true ? "running" : "not running"
            throw ProcessFailure(
                "unexpected STATS reply after \(ContinuousClock.now - started) (laureld \(running)): \(reply)\nlog: \(logs.suffix(3000))"
            )
        }
        let json = try JSONSerialization.jsonObject(with: Data(reply[0].dropFirst(3).utf8))
        return json as? [String: Any] ?? [:]
    }

    /// `laurelctl ARGS --socket S` (options follow the subcommand) and its output.
    func laurelctl(_ arguments: [String]) throws -> (status: ExitStatus?, stdout: String, stderr: String) {
        try runCommand(BuiltProducts.laurelctl, arguments + ["--socket", socket], in: scratch)
    }

    /// `laurelctl stats --json`, decoded.
    func ctlStats() throws -> [String: Any] {
        let result = try laurelctl(["stats", "--json"])
        guard result.status == .exited(0),
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else {
            throw ProcessFailure(
                "laurelctl stats --json: \(result.status.map { "\($0)" } ?? "timeout") \(result.stdout) \(result.stderr)"
            )
        }
        return object
    }
}

/// A small valid header-format nomination; `nominee` decides the entry, `serial` makes the bytes
/// distinct.
func nominationFile(nominee: String, serial: Int, citationBytes: Int = 0) -> [UInt8] {
    var citation = "Kept the registry honest through fault \(serial)."
    if citationBytes > citation.utf8.count {
        citation += String(repeating: " steady", count: (citationBytes - citation.utf8.count) / 7)
    }
    return Array("Award: Fault Tolerance\nNominee: \(nominee)\nCycle: 2025\n\n\(citation)\n".utf8)
}
