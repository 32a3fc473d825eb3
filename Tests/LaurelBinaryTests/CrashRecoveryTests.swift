import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A small deterministic generator, so a failing run can be repeated with `LAUREL_FAULT_SEED`.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func faultSeed() -> UInt64 {
    ProcessInfo.processInfo.environment["LAUREL_FAULT_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
}

@Suite(
    "kill -9 during a flood of drops",
    .enabled(if: BuiltProducts.available, "laureld/laurelctl not built next to the tests"))
struct CrashRecoveryTests {
    /// 3,000 distinct files for 1,000 entries (three nominations each), dropped while the daemon runs
    /// and while it is down; the daemon is killed with SIGKILL four times at random points while it
    /// ingests. After a clean restart every file is registered exactly once and nothing is refused.
    @Test("kill -9 four times mid-ingest: every file registered exactly once, nothing lost or refused")
    func killNineDuringFlood() throws {
        let seed = faultSeed()
        var random = SplitMix64(state: seed)
        // Small batches: many commits, so a kill lands between and inside transactions.
        let daemon = try DaemonUnderTest(config: "[spool]\nbatch_max_files = 40\n")
        defer { daemon.cleanUp() }

        let entries = 1000
        let kills = 4
        let whileUp = 600
        let whileDown = 150
        var dropped = 0
        var killsMidFlood = 0
        func dropNext() throws {
            try daemon.drop(
                String(format: "f-%05d.nom", dropped),
                nominationFile(nominee: "Person \(dropped % entries)", serial: dropped))
            dropped += 1
        }
        func inNew() -> Int { listDirectory(daemon.newDir).count }

        for round in 0..<kills {
            let child = try daemon.start()
            let registered = try daemon.stats()["files"] as? Int ?? 0
            let target = dropped + whileUp
            if round % 2 == 0 {
                // Kill while the test is still dropping, at a random file, once this run has committed.
                let killAt = dropped + Int.random(in: 100..<whileUp, using: &random)
                while dropped < killAt { try dropNext() }
                _ = try waitUntil(timeout: .seconds(30)) { try daemon.stats()["files"] as? Int ?? 0 > registered }
            } else {
                // Kill once the daemon has worked through a random share of what is waiting.
                while dropped < target { try dropNext() }
                let waiting = inNew()
                let leave = Int.random(in: (waiting / 10)...(max(waiting / 10, waiting * 8 / 10)), using: &random)
                _ = waitUntil(timeout: .seconds(60)) { inNew() <= leave }
            }
            let pending = inNew()
            child.signal(SIGKILL)
            if pending > 0 { killsMidFlood += 1 }
            #expect(child.wait(timeout: .seconds(10)) == .signalled(SIGKILL), "round \(round), seed \(seed)")
            while dropped < target { try dropNext() }
            // Files dropped while the daemon is down must be picked up at the next start.
            for _ in 0..<whileDown { try dropNext() }
        }
        #expect(dropped == 3000)
        // The kills must land while files were waiting, or this test proves nothing about recovery.
        #expect(killsMidFlood >= 3, "only \(killsMidFlood) of \(kills) kills found files still waiting (seed \(seed))")

        try daemon.start()
        #expect(waitUntil(timeout: .seconds(120)) { inNew() == 0 }, "new/ still holds \(inNew()) files (seed \(seed))")
        // The last file leaves new/ just after its commit; STATS reads the committed state.
        var stats = try daemon.ctlStats()
        #expect(stats["files"] as? Int == dropped, "seed \(seed): \(stats)")
        #expect(stats["nominations"] as? Int == dropped, "seed \(seed): \(stats)")
        #expect(stats["entries"] as? Int == entries, "seed \(seed): \(stats)")
        #expect(stats["rejected_files"] as? Int == 0, "seed \(seed): \(stats)")
        #expect(listDirectory(daemon.rejectedDir).isEmpty, "rejected/: \(listDirectory(daemon.rejectedDir).prefix(10))")
        #expect(listDirectory(daemon.tmpDir).isEmpty)

        // A byte-identical copy of a file already registered creates nothing new and is not refused.
        try daemon.drop("again.nom", nominationFile(nominee: "Person 7", serial: 7))
        #expect(waitUntil(timeout: .seconds(30)) { inNew() == 0 })
        stats = try daemon.ctlStats()
        #expect(stats["files"] as? Int == dropped)
        #expect(stats["nominations"] as? Int == dropped)
        #expect(stats["entries"] as? Int == entries)
        #expect(listDirectory(daemon.rejectedDir).isEmpty)
        #expect(daemon.logs.contains("duplicate nomination file"))

        #expect(daemon.stop() == .exited(0))
    }
}
