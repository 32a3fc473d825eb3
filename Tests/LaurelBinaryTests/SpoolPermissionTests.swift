import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Permission errors in the spool, with the daemon running as an unprivileged user (as root every
/// file is readable). Never a crash, never a hot loop; the spool keeps working for other files.
@Suite(
    "spool permission errors",
    .enabled(if: BuiltProducts.available, "laureld/laurelctl not built next to the tests"),
    .enabled(if: runningAsRoot, "needs root to run laureld as nobody through setpriv"))
struct SpoolPermissionTests {
    /// CPU seconds the daemon may use while it should be idle for `window` (generous: an idle
    /// daemon uses almost nothing; a hot loop uses the whole window).
    static let idleBudget = 0.5
    static let window = Duration.seconds(3)

    /// Watches the daemon for `window` (it must not die) and returns the CPU time it used. The
    /// window is part of the measurement, not a deadline, so it is not scaled by ``TestTime/scale``.
    func cpuUsed(_ process: ChildProcess, over window: Duration) -> Double {
        let before = process.cpuSeconds() ?? 0
        let end = ContinuousClock.now + window
        while ContinuousClock.now < end, process.isRunning { usleep(5_000) }
        return (process.cpuSeconds() ?? before) - before
    }

    @Test("a mode-000 file in new/ goes to rejected/ as unreadable; no crash, no hot loop")
    func unreadableFileIsRejected() throws {
        let daemon = try DaemonUnderTest()
        defer { daemon.cleanUp() }
        daemon.handOverToNobody()
        let process = try daemon.start(wrapper: DaemonUnderTest.asNobody)

        try daemon.drop("locked.nom", nominationFile(nominee: "Locked", serial: 1))
        chmod(daemon.newDir + "/locked.nom", 0)
        // Written by root with mode 000 before the rename, so the daemon can never read it.
        try writeFile(daemon.tmpDir + "/.sealed", nominationFile(nominee: "Sealed", serial: 2), mode: 0)
        rename(daemon.tmpDir + "/.sealed", daemon.newDir + "/sealed.nom")

        #expect(waitUntil(timeout: .seconds(30)) { listDirectory(daemon.newDir).isEmpty })
        for name in ["locked.nom", "sealed.nom"] {
            let reason = (try? String(contentsOfFile: daemon.rejectedDir + "/\(name).reason", encoding: .utf8)) ?? ""
            #expect(reason.contains("code: unreadable"), "\(name).reason: \(reason)")
            #expect(access(daemon.rejectedDir + "/" + name, F_OK) == 0)
        }
        #expect(cpuUsed(process, over: Self.window) < Self.idleBudget, "the daemon spins after refusing")
        #expect(process.isRunning)

        // The spool keeps working.
        try daemon.drop("fine.nom", nominationFile(nominee: "Fine", serial: 3))
        #expect(try waitUntil(timeout: .seconds(30)) { try daemon.stats()["files"] as? Int == 1 })
        #expect(daemon.stop() == .exited(0))
    }

    @Test("a refused file that cannot leave new/ (rejected/ not writable) stays with a logged error; no hot loop")
    func unmovableRefusalDoesNotSpin() throws {
        let daemon = try DaemonUnderTest(config: "[spool]\nbatch_max_files = 4\n")
        defer { daemon.cleanUp() }
        daemon.handOverToNobody()
        let process = try daemon.start(wrapper: DaemonUnderTest.asNobody)
        // The operator breaks rejected/ while the daemon runs.
        chown(daemon.rejectedDir, 0, 0)
        chmod(daemon.rejectedDir, 0o755)

        // More stuck files than one batch holds, so they cannot hide the good files behind them.
        for i in 0..<6 {
            try writeFile(daemon.tmpDir + "/.stuck", nominationFile(nominee: "Stuck \(i)", serial: i), mode: 0)
            rename(daemon.tmpDir + "/.stuck", daemon.newDir + "/a-stuck-\(i).nom")
        }
        try daemon.drop("z-fine.nom", nominationFile(nominee: "Fine", serial: 99))

        // The good file still gets in; the stuck ones stay, with an error in the log.
        #expect(try waitUntil(timeout: .seconds(30)) { try daemon.stats()["files"] as? Int == 1 })
        #expect(waitUntil(timeout: .seconds(10)) { daemon.logs.contains("could not move a refused file to rejected/") })
        #expect(cpuUsed(process, over: Self.window) < Self.idleBudget, "the daemon spins on files it cannot move")
        #expect(process.isRunning)
        #expect(listDirectory(daemon.newDir).count == 6)

        // Once rejected/ is usable again, the next scan moves them (scan on any new drop).
        chown(daemon.rejectedDir, 65534, 65534)
        try daemon.drop("z-fine-2.nom", nominationFile(nominee: "Fine 2", serial: 100))
        #expect(waitUntil(timeout: .seconds(30)) { listDirectory(daemon.newDir).isEmpty })
        #expect(listDirectory(daemon.rejectedDir).filter { $0.hasSuffix(".reason") }.count == 6)
        #expect(daemon.stop() == .exited(0))
    }
}
