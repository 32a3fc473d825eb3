import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A damaged or unusable database or spool at start: laureld exits non-zero with a sentence that
/// names the path and the fix, and leaves the damaged file exactly as it found it.
@Suite("damaged state at start", .enabled(if: BuiltProducts.available, "laureld/laurelctl not built next to the tests"))
struct StartupFaultTests {
    enum Fault: String, CaseIterable, CustomTestStringConvertible {
        case garbageDatabase = "registry.sqlite holds random bytes"
        case truncatedDatabase = "registry.sqlite truncated to half its size"
        case truncatedHeader = "registry.sqlite truncated inside its first page"
        case stateDirIsFile = "the state directory is a regular file"
        case newIsFile = "the spool's new/ is a regular file"
        case stateDirNotWritable = "the state directory is not writable by the daemon's user"
        case databaseUnreadable = "registry.sqlite is mode 000 and the daemon is not root"

        var testDescription: String { rawValue }
        var needsRoot: Bool { self == .stateDirNotWritable || self == .databaseUnreadable }
        var needsRealDatabase: Bool {
            self == .truncatedDatabase || self == .truncatedHeader || self == .databaseUnreadable
        }
    }

    @Test(
        "laureld refuses to start, names the path and the fix, and touches nothing",
        arguments: Fault.allCases.filter { !$0.needsRoot })
    func refusesDamagedState(_ fault: Fault) throws {
        try check(fault)
    }

    /// Permission checks do not apply to root, so these run the daemon as `nobody` (root only).
    @Test(
        "laureld as nobody refuses state it may not use, names the path and the fix",
        .enabled(if: runningAsRoot, "needs root to hand directories to nobody and run laureld through setpriv"),
        arguments: Fault.allCases.filter(\.needsRoot))
    func refusesUnusableStateAsNobody(_ fault: Fault) throws {
        try check(fault)
    }

    private func check(_ fault: Fault) throws {
        let daemon = try DaemonUnderTest()
        defer { daemon.cleanUp() }
        if fault.needsRealDatabase {
            try makeRealDatabase(daemon)
        }

        // The path the error must name, and the bytes that must survive untouched.
        let victim: String
        let mention: [String]
        var wrapper: [String] = []
        switch fault {
        case .garbageDatabase:
            var random = SplitMix64(state: 6)
            try writeFile(daemon.database, (0..<16384).map { _ in UInt8.random(in: 0...255, using: &random) })
            victim = daemon.database
            mention = [daemon.database, "move the file aside"]
        case .truncatedDatabase:
            let size = try #require(fileSize(daemon.database))
            #expect(truncate(daemon.database, off_t(size / 2 / 4096 * 4096)) == 0)
            victim = daemon.database
            mention = [daemon.database, "move the file aside"]
        case .truncatedHeader:
            #expect(truncate(daemon.database, 1000) == 0)
            victim = daemon.database
            mention = [daemon.database, "move the file aside"]
        case .stateDirIsFile:
            rmdir(daemon.stateDir)
            try writeFile(daemon.stateDir, Array("not a directory\n".utf8))
            victim = daemon.stateDir
            mention = [daemon.stateDir, "not a directory"]
        case .newIsFile:
            rmdir(daemon.newDir)
            try writeFile(daemon.newDir, Array("not a directory\n".utf8))
            victim = daemon.newDir
            mention = [daemon.newDir, "not a directory", "tmp/, new/ and rejected/"]
        case .stateDirNotWritable:
            daemon.handOverToNobody()
            chown(daemon.stateDir, 0, 0)
            chmod(daemon.stateDir, 0o555)
            try writeFile(daemon.stateDir + "/keep", Array("keep\n".utf8))
            victim = daemon.stateDir + "/keep"
            wrapper = DaemonUnderTest.asNobody
            mention = [daemon.stateDir, "not writable by uid 65534", "chown"]
        case .databaseUnreadable:
            daemon.handOverToNobody()
            chown(daemon.database, 0, 0)
            chmod(daemon.database, 0)
            victim = daemon.database
            wrapper = DaemonUnderTest.asNobody
            mention = [daemon.database, "not readable and writable by uid 65534", "owner or mode"]
        }
        let before = readBytes(victim)
        let modeBefore = fileMode(victim)

        let child = try daemon.spawn(wrapper: wrapper)
        let status = child.wait(timeout: .seconds(30))
        if status == nil { child.stop() }
        let stderr = child.stderr
        #expect(
            status == .exited(1),
            "laureld should refuse to start: \(status.map { "\($0)" } ?? "still running"); stderr: \(stderr)")
        for text in mention {
            #expect(
                stderr.split(separator: "\n").contains { $0.hasPrefix("laureld: ") && $0.contains(text) },
                "the sentence should contain \"\(text)\": \(stderr)")
        }
        // The log (stderr outside the journal) may carry SQLite's text; the sentence for the user may not.
        let sentence = stderr.split(separator: "\n").last { $0.hasPrefix("laureld: ") } ?? ""
        #expect(!sentence.isEmpty, "no \"laureld: …\" sentence on stderr: \(stderr)")
        #expect(!sentence.contains("SQLite"), "raw SQLite text reached the user: \(sentence)")
        #expect(readBytes(victim) == before, "\(victim) was modified")
        #expect(fileMode(victim) == modeBefore, "\(victim) changed mode")
        #expect(access(daemon.socket, F_OK) != 0, "a refusing daemon must not leave a socket behind")
    }

    /// Runs the daemon once over 200 files so registry.sqlite holds real pages, then stops it.
    private func makeRealDatabase(_ daemon: DaemonUnderTest) throws {
        for i in 0..<200 {
            try daemon.drop("seed-\(i).nom", nominationFile(nominee: "Seed \(i)", serial: i, citationBytes: 1500))
        }
        try daemon.start()
        #expect(waitUntil(timeout: .seconds(60)) { listDirectory(daemon.newDir).isEmpty })
        #expect(daemon.stop() == .exited(0))
        // What a clean stop leaves: a checkpointed database without its WAL, or with it.
        #expect(fileSize(daemon.database) ?? 0 > 8192)
    }
}

func fileSize(_ path: String) -> Int? {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : nil
}

func fileMode(_ path: String) -> mode_t? {
    var st = stat()
    return lstat(path, &st) == 0 ? st.st_mode : nil
}
