import Foundation
import LaurelCore
import LaurelServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("The drop directory reads only regular files and keeps every refusal with its reason")
struct SpoolDirectoryTests {
    func makeSpool(keepAccepted: Bool = false) throws -> (TemporaryDirectory, SpoolDirectory) {
        let dir = TemporaryDirectory()
        let spool = SpoolDirectory(root: dir.path + "/spool", keepAccepted: keepAccepted)
        try spool.prepare(create: true)
        return (dir, spool)
    }

    @Test("publish goes through tmp/ into new/, and the scan skips dotfiles")
    func publishAndScan() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.remove() }
        try spool.publish(name: "a.nom", bytes: Array("x".utf8))
        _ = FileManager.default.createFile(atPath: spool.new + "/.half-written", contents: Data("y".utf8))
        #expect(try spool.scanNew() == ["a.nom"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.tmp).isEmpty)
    }

    @Test("a regular file is read with its owner")
    func readsRegular() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.remove() }
        try spool.publish(name: "a.nom", bytes: Array("hello".utf8))
        guard case .file(let file) = spool.read("a.nom", maxBytes: 100) else {
            Issue.record("expected a file")
            return
        }
        #expect(file.bytes == Array("hello".utf8))
        #expect(file.ownerUID == getuid())
    }

    @Test("a symlink is refused and never followed")
    func symlink() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.remove() }
        dir.write("secret", "do not read")
        #expect(Glibc.symlink(dir.path + "/secret", spool.new + "/link.nom") == 0)
        guard case .refused(let refusal) = spool.read("link.nom", maxBytes: 100) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.code == .notRegularFile)
        #expect(refusal.message.contains("symbolic link"))
    }

    @Test("a FIFO is refused without blocking")
    func fifo() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.remove() }
        #expect(mkfifo(spool.new + "/pipe.nom", 0o644) == 0)
        guard case .refused(let refusal) = spool.read("pipe.nom", maxBytes: 100) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.code == .notRegularFile)
        #expect(refusal.message.contains("FIFO"))
    }

    @Test("a file over the limit is refused as too_large")
    func tooLarge() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.remove() }
        try spool.publish(name: "big.nom", bytes: [UInt8](repeating: 65, count: 101))
        guard case .refused(let refusal) = spool.read("big.nom", maxBytes: 100) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.code == .tooLarge)
        try spool.publish(name: "edge.nom", bytes: [UInt8](repeating: 65, count: 100))
        guard case .file = spool.read("edge.nom", maxBytes: 100) else {
            Issue.record("a file exactly at the limit must be read")
            return
        }
    }

    @Test("a vanished file is reported as such")
    func vanished() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.remove() }
        guard case .vanished = spool.read("gone.nom", maxBytes: 100) else {
            Issue.record("expected vanished")
            return
        }
    }

    @Test("reject moves the file to rejected/ with a reason file, and never overwrites an earlier one")
    func reject() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.remove() }
        for round in 1...2 {
            try spool.publish(name: "bad.nom", bytes: Array("round \(round)".utf8))
            let name = try spool.reject("bad.nom", Refusal(.missingField, "the Award header is missing", line: 3, field: "award"))
            #expect(name == (round == 1 ? "bad.nom" : "bad.nom.2"))
            let reason = try String(contentsOfFile: spool.rejected + "/" + name + ".reason", encoding: .utf8)
            #expect(reason.contains("code: missing_field"))
            #expect(reason.contains("line: 3"))
            #expect(reason.contains("field: award"))
            #expect(try String(contentsOfFile: spool.rejected + "/" + name, encoding: .utf8) == "round \(round)")
        }
        #expect(try spool.scanNew().isEmpty)
    }

    @Test("finish removes the file, or keeps it in accepted/ when configured")
    func finish() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.remove() }
        try spool.publish(name: "ok.nom", bytes: Array("x".utf8))
        try spool.finish("ok.nom")
        #expect(try spool.scanNew().isEmpty)

        let (dir2, keeping) = try makeSpool(keepAccepted: true)
        defer { dir2.remove() }
        try keeping.publish(name: "ok.nom", bytes: Array("x".utf8))
        try keeping.finish("ok.nom")
        #expect(FileManager.default.fileExists(atPath: keeping.accepted + "/ok.nom"))
    }

    @Test("stale files in tmp/ are swept, fresh ones kept")
    func sweep() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.remove() }
        _ = FileManager.default.createFile(atPath: spool.tmp + "/old", contents: Data())
        _ = FileManager.default.createFile(atPath: spool.tmp + "/fresh", contents: Data())
        var times = [timespec(tv_sec: 1000, tv_nsec: 0), timespec(tv_sec: 1000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, spool.tmp + "/old", &times, 0) == 0)
        #expect(spool.sweepTmp(maxAgeSeconds: 36 * 3600) == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.tmp) == ["fresh"])
    }

    @Test("prepare refuses a spool whose new/ is not a directory, naming it")
    func badLayout() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        for sub in ["", "/tmp", "/rejected"] { try FileManager.default.createDirectory(atPath: dir.path + "/s" + sub, withIntermediateDirectories: true) }
        dir.write("s/new", "not a dir")
        #expect {
            try SpoolDirectory(root: dir.path + "/s").prepare(create: false)
        } throws: { error in
            "\(error)".contains("/s/new") && "\(error)".contains("not a directory")
        }
    }
}
