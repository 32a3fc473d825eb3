import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The state directory runs out of space: laureld stops taking files (they wait in new/, none is
/// refused), says so in STATS, the log and systemd's STATUS=, and resumes by itself when space
/// returns.
@Suite(
    "disk full",
    .enabled(if: BuiltProducts.available, "laureld/laurelctl not built next to the tests"),
    .enabled(if: runningAsRoot, "needs root to mount a small tmpfs as the state directory"))
struct DiskFullTests {
    @Test("a full state directory pauses ingest (STATS, log, STATUS=) and it resumes when space returns")
    func pauseAndResume() throws {
        let daemon = try DaemonUnderTest()
        defer { daemon.cleanUp() }
        guard "size=3m,mode=0755".withCString({ mount("tmpfs", daemon.stateDir, "tmpfs", 0, $0) }) == 0 else {
            Issue.record("mount tmpfs: \(String(cString: strerror(errno)))")
            return
        }
        defer { umount2(daemon.stateDir, Int32(MNT_DETACH)) }
        let notify = try NotifySink(path: daemon.scratch.sub("n"))
        var messages: [String] = []
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path])

        // Before the disk fills: a few files go in.
        for i in 0..<5 { try daemon.drop("early-\(i).nom", nominationFile(nominee: "Early \(i)", serial: i)) }
        #expect(try waitUntil(timeout: .seconds(30)) { try daemon.stats()["files"] as? Int == 5 })

        // Take every byte left on the tmpfs.
        let filler = daemon.stateDir + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        #expect(fd >= 0)
        let block = [UInt8](repeating: 0x55, count: 65536)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress!, 65536) }) > 0 {}
        close(fd)

        // Files big enough that the WAL must grow to hold them.
        let later = 40
        for i in 0..<later {
            try daemon.drop(
                "late-\(i).nom", nominationFile(nominee: "Late \(i)", serial: 100 + i, citationBytes: 12_000))
        }
        var paused: String?
        _ = try waitUntil(timeout: .seconds(30)) {
            paused = try daemon.stats()["ingest_paused"] as? String
            return paused != nil
        }
        #expect(paused?.contains("full") == true, "STATS ingest_paused: \(paused ?? "absent")")
        let ctl = try daemon.ctlStats()
        #expect(ctl["ingest_paused"] as? String == paused, "laurelctl stats --json: \(ctl)")
        #expect(ctl["files"] as? Int == 5)
        #expect(listDirectory(daemon.newDir).count == later, "the files must wait in new/")
        #expect(listDirectory(daemon.rejectedDir).isEmpty, "a full disk is not the files' fault")
        #expect(daemon.logs.contains("ingestion paused"), "log: \(daemon.logs.suffix(2000))")
        #expect(
            waitUntil(timeout: .seconds(10)) {
                messages += notify.drain()
                return messages.contains { $0.contains("STATUS=INGEST PAUSED") }
            }, "STATUS= messages: \(messages)")

        // SUBMIT shares the pipeline: refused for now with ERR BUSY (not REFUSED: the file is fine),
        // and the connection stays usable.
        let submitter = try RawSocketClient(path: daemon.socket, timeout: .seconds(15))
        let payload = nominationFile(nominee: "Submitted", serial: 999, citationBytes: 200_000)
        submitter.send("SUBMIT submitted.nom \(payload.count)\n")
        submitter.send(payload)
        let refusal = submitter.readReply()
        #expect(refusal.count == 1 && refusal[0].hasPrefix("ERR BUSY ") && refusal[0].contains("full"), "\(refusal)")
        #expect(submitter.request("PING") == ["OK PONG"])

        // Space returns: the daemon notices by itself (no new drop, no signal).
        unlink(filler)
        #expect(try waitUntil(timeout: .seconds(30)) { try daemon.stats()["files"] as? Int == 5 + later })
        // A file leaves new/ just after its batch commits, so wait for that too.
        #expect(waitUntil(timeout: .seconds(30)) { listDirectory(daemon.newDir).isEmpty })
        #expect(listDirectory(daemon.rejectedDir).isEmpty)
        let resumed = try daemon.stats()
        #expect(resumed["ingest_paused"] == nil, "\(resumed)")
        #expect(daemon.logs.contains("ingestion resumed"))
        #expect(
            waitUntil(timeout: .seconds(10)) {
                messages += notify.drain()
                return messages.last(where: { $0.contains("STATUS=") }).map { !$0.contains("PAUSED") } == true
            }, "the last STATUS= must no longer say paused: \(messages.suffix(3))")

        #expect(daemon.stop() == .exited(0))
        #expect(umount2(daemon.stateDir, 0) == 0, "unmount: \(String(cString: strerror(errno)))")
    }
}
