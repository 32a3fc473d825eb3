import Foundation
import LaurelClient
import LaurelCore
import LaurelProtocol
import LaurelServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The daemon in this process on a real Unix socket, real SQLite database and real inotify,
/// driven through LaurelClient.
@Suite("laureld in-process: spool, protocol and search end to end", .scaledTimeLimit(minutes: 2))
struct DaemonTests {
    let headerFile = """
        Award: 最美社區團隊
        Nominee: 百步亭社區
        Kind: team
        Cycle: 2021
        Region: 江岸區

        百步亭社區志願者堅守一線,為居民送菜送藥。
        """

    @Test("the demo's ten teams are registered and found by two-character names in either script")
    func demoSearch() async throws {
        try await InProcessDaemon.with { daemon in
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                let all = try await client.list(limit: 50)
                #expect(all.total == 10)
                for query in ["葉莉", "叶莉"] {
                    let page = try await client.search(query)
                    #expect(page.items.map(\.nominee) == ["園博社區"], "query \(query)")
                }
                #expect(try await client.search("珞").items.map(\.nominee) == ["珞獅路社區"])
                #expect(try await client.search("萬科").items.map(\.nominee) == ["武漢萬科物業"])
                #expect(try await client.search("万科").items.map(\.nominee) == ["武漢萬科物業"])
                let awards = try await client.awards()
                #expect(awards.map(\.award) == ["最美社區團隊"])
                #expect(awards.first?.entries == 10)
                // No pinyin annotation survives the pipeline.
                for entry in all.items {
                    #expect(!entry.citation.contains("(qū)") && !entry.award.contains("("), "\(entry.nominee)")
                }
            }
        }
    }

    @Test("a file dropped through tmp/ and renamed into new/ becomes searchable, and leaves new/")
    func dropBecomesSearchable() async throws {
        try await InProcessDaemon.with(seed: []) { daemon in
            try daemon.spool.publish(name: "baibuting.nom", bytes: Array(headerFile.utf8))
            let found = try await eventually {
                try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                    try await client.search("百步亭").total == 1
                }
            }
            #expect(found)
            #expect(try await eventually { try daemon.spool.scanNew().isEmpty })
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                let entry = try #require(try await client.search("百步亭").items.first)
                #expect(entry.region == "江岸區")
                #expect(entry.cycle == "2021")
                #expect(entry.status == "nominated")
                let history = try await client.history(id: entry.id)
                #expect(history.map(\.to) == ["nominated"])
            }
        }
    }

    @Test("files dropped while the daemon was down are taken at start, each once")
    func filesDroppedWhileDown() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let settings = InProcessDaemon.settings(in: dir)
        let spool = SpoolDirectory(root: settings.spool.dropDir)
        try FileManager.default.createDirectory(atPath: settings.spool.dropDir, withIntermediateDirectories: true)
        try spool.prepare(create: true)
        for i in 0..<25 {
            let text = "Award: Test\nNominee: Team \(i)\n\nCitation \(i).\n"
            try spool.publish(name: "t\(i).nom", bytes: Array(text.utf8))
        }
        try await InProcessDaemon.with(directory: dir, seed: []) { daemon in
            let done = try await eventually {
                try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                    try await client.stats().files == 25
                }
            }
            #expect(done)
        }
        // Restarted on the same state, with the same files dropped again: nothing new.
        for i in 0..<25 {
            let text = "Award: Test\nNominee: Team \(i)\n\nCitation \(i).\n"
            try spool.publish(name: "again\(i).nom", bytes: Array(text.utf8))
        }
        try await InProcessDaemon.with(directory: dir, seed: []) { daemon in
            #expect(try await eventually { try spool.scanNew().isEmpty })
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                let stats = try await client.stats()
                #expect(stats.entries == 25)
                #expect(stats.files == 25)
                #expect(stats.nominations == 25)
            }
        }
    }

    @Test("a refused file lands in rejected/ with its reason, and the daemon keeps serving")
    func refusalWithReason() async throws {
        try await InProcessDaemon.with(seed: []) { daemon in
            try daemon.spool.publish(name: "no-award.nom", bytes: Array("Nominee: X\n\nText.\n".utf8))
            try daemon.spool.publish(name: "broken.json", bytes: Array("{\"award\": \"A\", ".utf8))
            let reasonPath = daemon.spool.rejected + "/no-award.nom.reason"
            #expect(await eventually { FileManager.default.fileExists(atPath: daemon.spool.rejected + "/broken.json.reason") && FileManager.default.fileExists(atPath: reasonPath) })
            let reason = try String(contentsOfFile: reasonPath, encoding: .utf8)
            #expect(reason.contains("code: missing_field"))
            #expect(reason.contains("field: award"))
            let json = try String(contentsOfFile: daemon.spool.rejected + "/broken.json.reason", encoding: .utf8)
            #expect(json.contains("code: malformed_json"))
            #expect(FileManager.default.fileExists(atPath: daemon.spool.rejected + "/no-award.nom"))
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                #expect(try await client.stats().rejectedFiles == 2)
                #expect(try await client.stats().entries == 0)
            }
        }
    }

    @Test("a FIFO, a symlink and a directory in new/ are refused without blocking or following")
    func specialFiles() async throws {
        try await InProcessDaemon.with(seed: []) { daemon in
            let new = daemon.spool.new
            #expect(mkfifo(new + "/pipe.nom", 0o644) == 0)
            daemon.directory.write("outside.nom", headerFile)
            #expect(Glibc.symlink(daemon.directory.path + "/outside.nom", new + "/link.nom") == 0)
            #expect(mkdir(new + "/dir.nom", 0o755) == 0)
            let moved = await eventually {
                ["pipe.nom", "link.nom", "dir.nom"].allSatisfy {
                    FileManager.default.fileExists(atPath: daemon.spool.rejected + "/" + $0 + ".reason")
                }
            }
            #expect(moved)
            let reason = try String(contentsOfFile: daemon.spool.rejected + "/link.nom.reason", encoding: .utf8)
            #expect(reason.contains("not_regular_file"))
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                try await client.ping()
                #expect(try await client.search("百步亭").total == 0, "the symlink's target must never be read")
            }
        }
    }

    @Test("SUBMIT over the socket goes through the same pipeline: accepted, duplicate, refused")
    func submitOverSocket() async throws {
        try await InProcessDaemon.with(seed: []) { daemon in
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                let first = try await client.submit(fileName: "b.nom", contents: Array(headerFile.utf8))
                #expect(first.outcome == "accepted")
                #expect(first.entries.count == 1)
                let again = try await client.submit(fileName: "b-again.nom", contents: Array(headerFile.utf8))
                #expect(again.outcome == "duplicate")
                #expect(again.entries == first.entries)
                await #expect {
                    _ = try await client.submit(fileName: "bad.nom", contents: Array("Award: A\n\nno nominee\n".utf8))
                } throws: { error in
                    let e = error as? LaurelClientError
                    return e?.serverCode == .refused && "\(error)".contains("missing_field")
                }
                // The connection survives a refusal.
                #expect(try await client.search("百步亭").total == 1)
                #expect(try await client.stats().rejectedFiles == 1)
            }
        }
    }

    @Test("pipelined reads and writes are answered in request order, each seeing the ones before it")
    func pipelinedOrder() async throws {
        // Reads are served on the event loop (FastLane), writes by the connection's task: a read
        // pipelined after a write must wait for it, and replies must keep request order.
        try await InProcessDaemon.with(seed: []) { daemon in
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                let first = try await client.send(pipelined: [
                    Request(.search, ["百步亭"]),
                    Request.submit(fileName: "b.nom", contents: Array(headerFile.utf8)),
                    Request(.search, ["百步亭"]),
                    Request(.ping),
                    Request(.list, ["limit=5"]),
                ])
                #expect(first.map(\.final.text) == ["total=0 count=0", "accepted", "total=1 count=1", "PONG", "total=1 count=1"])
                let id = try #require(try first[2].records(EntryRecord.self).first?.id)
                let second = try await client.send(pipelined: [
                    Request(.get, [id]),
                    Request(.move, ["shortlisted", id]),
                    Request(.get, [id]),
                    Request(.history, [id]),
                    Request(.move, ["awarded", id]),
                    Request(.search, ["百步亭", "status=awarded"]),
                    Request(.get, [id]),
                    Request(.quit),
                ])
                #expect(try second[0].records(EntryRecord.self).map(\.status) == ["nominated"])
                #expect(second[1].final.text == "moved=1")
                #expect(try second[2].records(EntryRecord.self).map(\.status) == ["shortlisted"])
                #expect(second[3].final.text == "count=2")
                #expect(second[4].final.text == "moved=1")
                #expect(second[5].final.text == "total=1 count=1")
                #expect(try second[6].records(EntryRecord.self).map(\.status) == ["awarded"])
                #expect(second[7].final.text == "BYE")
            }
        }
    }

    @Test("GET, HISTORY and MOVE answer by id; unknown ids are NOT_FOUND")
    func getMoveHistory() async throws {
        try await InProcessDaemon.with { daemon in
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                let entry = try #require(try await client.search("園博").items.first)
                #expect(try await client.get(id: entry.id) == entry)
                let moved = try await client.move(ids: [entry.id], to: "shortlisted", reason: "strong case")
                #expect(moved.map(\.status) == ["shortlisted"])
                let history = try await client.history(id: entry.id)
                #expect(history.map(\.to) == ["nominated", "shortlisted"])
                #expect(history.last?.reason == "strong case")
                #expect(history.last?.actorUID == Int(getuid()))
                await #expect {
                    _ = try await client.move(ids: [entry.id], to: "revoked")
                } throws: { error in
                    (error as? LaurelClientError)?.serverCode == .refused && "\(error)".contains("shortlisted")
                }
                await #expect {
                    _ = try await client.get(id: "zzzzzzzz")
                } throws: { error in
                    (error as? LaurelClientError)?.serverCode == .notFound
                }
            }
        }
    }

    @Test("filters and paging: total stays, pages do not overlap")
    func paging() async throws {
        try await InProcessDaemon.with { daemon in
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                var seen: [String] = []
                for offset in stride(from: 0, to: 10, by: 3) {
                    let page = try await client.list(limit: 3, offset: offset)
                    #expect(page.total == 10)
                    seen += page.items.map(\.id)
                }
                #expect(Set(seen).count == 10)
                let filtered = try await client.search("社區", filter: EntryFilter(cycle: "2020"), limit: 100)
                #expect(filtered.total == 10)
                #expect(try await client.search("社區", filter: EntryFilter(cycle: "1999")).total == 0)
                #expect(try await client.list(filter: EntryFilter(status: "awarded")).total == 0)
            }
        }
    }

    @Test("pipelined requests are answered in order")
    func pipelining() async throws {
        try await InProcessDaemon.with { daemon in
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                var requests: [Request] = []
                for i in 0..<200 {
                    requests.append(i % 2 == 0 ? Request(.ping) : Request(.get, ["nope\(i)"]))
                }
                let replies = try await client.send(pipelined: requests)
                #expect(replies.count == 200)
                for (i, reply) in replies.enumerated() {
                    if i % 2 == 0 {
                        #expect(reply.final.text == "PONG")
                    } else {
                        #expect(reply.wireError?.code == .notFound)
                        #expect(reply.final.text.contains("nope\(i)"))
                    }
                }
            }
        }
    }

    @Test("an unknown verb and a bad argument are errors that keep the connection")
    func semanticErrorsKeepConnection() async throws {
        try await InProcessDaemon.with(seed: []) { daemon in
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                let unknown = try await client.send(Request(Verb(rawValue: "FROB"), ["x"]))
                #expect(unknown.wireError?.code == .unknownVerb)
                let bad = try await client.send(Request(.list, ["limit=many"]))
                #expect(bad.wireError?.code == .badRequest)
                try await client.ping()
            }
        }
    }

    @Test("CSV and JSON exports stream every entry")
    func exports() async throws {
        try await InProcessDaemon.with { daemon in
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                let json = try await client.export(format: .json)
                let array = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
                #expect(array.count == 10)
                let csv = try await client.export(format: .csv)
                #expect(csv.hasPrefix("id,award,nominee,kind,status,cycle,region,citation"))
                let md = try await client.export(format: .md)
                #expect(md.hasPrefix("# 最美社區團隊"))
                #expect(md.components(separatedBy: "\n## ").count == 11)
            }
        }
    }

    @Test("WATCH sees a dropped file as it is accepted")
    func watchSeesDrop() async throws {
        try await InProcessDaemon.with(seed: []) { daemon in
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // Give the subscription a moment to exist by polling a second connection
                        // until the drop is seen: retry the drop under a new name if needed, for
                        // 20 s (scaled).
                        let deadline = ContinuousClock.now + .seconds(20).scaled
                        var n = 0
                        while !Task.isCancelled, ContinuousClock.now < deadline {
                            n += 1
                            let text = headerFile.replacingOccurrences(of: "2021", with: "\(3000 + n)")
                            try daemon.spool.publish(name: "w\(n).nom", bytes: Array(text.utf8))
                            try await Task.sleep(for: .milliseconds(200))
                        }
                    }
                    var seen: EventRecord?
                    try await client.watch { event in
                        seen = event
                        return .stop
                    }
                    group.cancelAll()
                    #expect(seen?.event == "accepted")
                    #expect(seen?.nominee == "百步亭社區")
                }
                // The connection is usable after the watch ended.
                try await client.ping()
            }
        }
    }

    @Test("HELLO reports the protocol version, the verbs and the caller's role")
    func hello() async throws {
        try await InProcessDaemon.with(seed: []) { daemon in
            try await LaurelClient.withConnection(socketPath: daemon.socket) { client async throws in
                let hello = try await client.hello(clientName: "tests")
                #expect(hello.protocol == 1)
                #expect(hello.capabilities.contains("SEARCH"))
                #expect(hello.role == "admin", "the daemon's own user administers it")
                #expect(hello.uid == Int(getuid()))
                #expect(hello.limits.maxLine == 65536)
            }
        }
    }
}
