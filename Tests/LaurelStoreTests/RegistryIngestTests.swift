import Foundation
import GRDB
import Logging
import LaurelCore
import Testing

@testable import LaurelStore

@Suite("Registry ingest, history, moves")
struct RegistryIngestTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("a batch registers every file in one call and reports entry ids per nomination")
    func acceptsBatch() throws {
        try withRegistry { registry in
            let outcomes = try registry.ingest([
                item("a.txt", [nomination("葉莉"), nomination("楊杰")]),
                item("b.txt", [nomination("珞", warnings: ["mojibake"])]),
            ])
            guard case .accepted(let a) = outcomes[0], case .accepted(let b) = outcomes[1] else {
                Issue.record("expected accepted outcomes, got \(outcomes)")
                return
            }
            #expect(a.count == 2)
            #expect(b.count == 1)
            #expect(a[0] == nomination("葉莉").entryKey.shortID(attempt: 0))
            let entry = try #require(try registry.entry(id: b[0]))
            #expect(entry.nominee == "珞")
            #expect(entry.status == .nominated)
            #expect(entry.warnings == ["mojibake"])
            #expect(entry.nominations == 1)
            #expect(entry.createdAt == t0)
            #expect(try registry.stats() == RegistryStats(entries: 3, nominations: 3, files: 2, rejectedFiles: 0))
        }
    }

    @Test("a byte-identical file is a duplicate and writes nothing, also inside one batch")
    func duplicates() throws {
        try withRegistry { registry in
            let first = item("a.txt", [nomination("葉莉")], bytes: "same bytes")
            let again = item("renamed.txt", [nomination("葉莉")], bytes: "same bytes")
            let outcomes = try registry.ingest([first, again])
            #expect(outcomes[1] == .duplicate(entryIDs: outcomes[0].ids))
            #expect(try registry.ingest([again]) == [.duplicate(entryIDs: outcomes[0].ids)])
            #expect(try registry.stats() == RegistryStats(entries: 1, nominations: 1, files: 1, rejectedFiles: 0))
        }
    }

    @Test("a second nomination for the same honour attaches to the entry (folded key)")
    func attachesToEntry() throws {
        try withRegistry { registry in
            let one = try registry.ingest([item("1.txt", [nomination("葉莉", citation: "一", warnings: ["a"])], at: t0)])
            let two = try registry.ingest([
                item("2.txt", [nomination("葉莉", citation: "二", warnings: ["b"])], uid: 42, at: t0 + 60)
            ])
            #expect(one[0].ids == two[0].ids)
            let entry = try #require(try registry.entry(id: one[0].ids[0]))
            #expect(entry.nominations == 2)
            #expect(entry.citation == "二")
            #expect(entry.warnings == ["a", "b"])
            #expect(entry.updatedAt == t0 + 60)
            let rows = try #require(try registry.nominations(entryID: entry.id))
            #expect(rows.map(\.fileName) == ["1.txt", "2.txt"])
            #expect(rows.map(\.submitterUID) == [1000, 42])
            #expect(rows[1].nomination == nomination("葉莉", citation: "二", warnings: ["b"]))
            #expect(try registry.nominations(entryID: "nosuchid") == nil)
        }
    }

    @Test("an id taken by another key moves to the next attempt")
    func idCollision() throws {
        try withRegistry { registry in
            let key = nomination("葉莉").entryKey
            try registry.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO entry(id, key, award, award_key, nominee, kind, cycle, cycle_key, region, region_key,
                            status, citation, nomination_count, warnings, created_at, updated_at)
                        VALUES (?, 'other key', '', '', '', 'person', '', '', '', '', 'nominated', '', 0, '[]', 0, 0)
                        """, arguments: [key.shortID(attempt: 0)])
            }
            let ids = try registry.ingest([item("a.txt", [nomination("葉莉")])])[0].ids
            #expect(ids == [key.shortID(attempt: 1)])
        }
    }

    @Test("creation and moves are recorded in history; illegal moves name the current status")
    func historyAndMoves() throws {
        try withRegistry { registry in
            let id = try registry.ingest([item("a.txt", [nomination("葉莉")], uid: 7, at: t0)])[0].ids[0]
            let moved = try registry.move(ids: [id], to: .shortlisted, actorUID: 0, actorName: "root", reason: "strong", at: t0 + 1)
            #expect(moved.map(\.status) == [.shortlisted])
            do throws(RegistryError) {
                _ = try registry.move(ids: [id], to: .revoked, actorUID: 0, actorName: "root", reason: "x", at: t0 + 2)
                Issue.record("illegal move accepted")
            } catch {
                #expect(error.code == RegistryError.illegalMoveCode)
                #expect(error.currentStatus == .shortlisted)
                #expect(error.description.contains("shortlisted"))
            }
            let history = try #require(try registry.history(id: id))
            #expect(history.count == 2)
            #expect(history[0].from == nil)
            #expect(history[0].to == .nominated)
            #expect(history[0].actorUID == 7)
            #expect(history[1] == StatusChange(at: t0 + 1, from: .nominated, to: .shortlisted, actorUID: 0, actorName: "root", reason: "strong"))
            #expect(try registry.history(id: "nosuchid") == nil)
        }
    }

    @Test("a move of several entries is all or nothing")
    func moveIsAtomic() throws {
        try withRegistry { registry in
            let ids = try registry.ingest([item("a.txt", [nomination("葉莉"), nomination("楊杰")])])[0].ids
            _ = try registry.move(ids: [ids[1]], to: .withdrawn, actorUID: 0, actorName: "root", reason: "", at: t0)
            #expect(throws: RegistryError.self) {
                try registry.move(ids: ids, to: .shortlisted, actorUID: 0, actorName: "root", reason: "", at: t0)
            }
            #expect(try registry.entry(id: ids[0])?.status == .nominated)
            do throws(RegistryError) {
                _ = try registry.move(ids: [ids[0], "zzzzzzzz"], to: .shortlisted, actorUID: 0, actorName: "r", reason: "", at: t0)
                Issue.record("unknown id accepted")
            } catch {
                #expect(error.code == RegistryError.notFoundCode)
                #expect(error.entryID == "zzzzzzzz")
            }
            #expect(try registry.entry(id: ids[0])?.status == .nominated)
            #expect(try registry.history(id: ids[0])?.count == 1)
        }
    }

    @Test("refusals are counted once per distinct file")
    func refusals() throws {
        try withRegistry { registry in
            try registry.recordRefusal(fileName: "x.txt", contentHash: "h1", code: "not_utf8", message: "m", at: t0)
            try registry.recordRefusal(fileName: "y.txt", contentHash: "h1", code: "not_utf8", message: "m", at: t0)
            try registry.recordRefusal(fileName: "z.txt", contentHash: "h2", code: "empty_file", message: "m", at: t0)
            #expect(try registry.stats().rejectedFiles == 2)
        }
    }

    @Test("list is newest first; awards group by folded name; export streams in chunks")
    func listAwardsExport() throws {
        try withRegistry { registry in
            _ = try registry.ingest((0..<7).map { i in item("\(i).txt", [nomination("人\(i)", award: i < 3 ? "Prize A" : "prize a")]) })
            _ = try registry.ingest([item("b.txt", [nomination("人b", award: "B")])])
            let page = try registry.list(filter: .all, limit: 3, offset: 0)
            #expect(page.total == 8)
            #expect(page.items.map(\.nominee) == ["人b", "人6", "人5"])
            #expect(try registry.awards() == [AwardCount(award: "B", entries: 1), AwardCount(award: "Prize A", entries: 7)])
            var chunks: [[String]] = []
            try registry.export(filter: EntryFilter(award: "PRIZE A"), chunk: 3) { rows in chunks.append(rows.map(\.nominee)) }
            #expect(chunks.map(\.count) == [3, 3, 1])
            #expect(chunks.joined().first == "人0")
        }
    }
}

@Suite("Registry durability and open errors")
struct RegistryDurabilityTests {
    @Test("what was ingested is there after close and reopen")
    func reopen() throws {
        let first = try Registry.makeTemporary()
        defer { first.removeTemporaryFiles() }
        let ids = try first.ingest([item("a.txt", [nomination("葉莉", citation: "長期照顧長者")])])[0].ids
        first.close()
        let again = try Registry(path: first.path, logger: .init(label: "test"))
        defer { again.close() }
        #expect(try again.entry(id: ids[0])?.nominee == "葉莉")
        #expect(try again.nominees("照顧") == ["葉莉"])
        #expect(try again.stats() == RegistryStats(entries: 1, nominations: 1, files: 1, rejectedFiles: 0))
        let settings = try again.pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(settings.0 == "wal")
        #expect(settings.1 == 1)
        let synchronous = try again.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2)  // FULL
    }

    @Test("a file that is not a database is reported as corrupt, naming the path and the fix")
    func notADatabase() throws {
        let scratch = try Registry.makeTemporary()
        defer { scratch.removeTemporaryFiles() }
        let path = (scratch.path as NSString).deletingLastPathComponent + "/junk.sqlite"
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        do throws(RegistryError) {
            _ = try Registry(path: path, logger: .init(label: "test"))
            Issue.record("opened a non-database")
        } catch {
            #expect(error.code == RegistryError.corruptCode)
            #expect(error.description.contains(path))
            #expect(error.description.contains("backup"))
        }
    }

    @Test("a path whose directory is missing or not a directory cannot be opened, with the reason")
    func cannotOpen() throws {
        let scratch = try Registry.makeTemporary()
        defer { scratch.removeTemporaryFiles() }
        let directory = (scratch.path as NSString).deletingLastPathComponent
        for (path, reason) in [
            (directory + "/missing/registry.sqlite", "does not exist"),
            (scratch.path + "/registry.sqlite", "is not a directory"),
        ] {
            do throws(RegistryError) {
                _ = try Registry(path: path, logger: .init(label: "test"))
                Issue.record("opened \(path)")
            } catch {
                #expect(error.code == RegistryError.cannotOpenCode)
                #expect(error.description.contains(path))
                #expect(error.description.contains(reason), "\(error)")
            }
        }
    }
}

@Suite("Registry storage full")
struct RegistryStorageFullTests {
    @Test("a full disk is storage_full with an actionable sentence, and the batch leaves nothing behind")
    func storageFull() throws {
        try withRegistry { registry in
            _ = try registry.ingest([item("a.txt", [nomination("葉莉")])])
            // Simulate a full disk: SQLite reports SQLITE_FULL once the page limit is reached.
            try registry.pool.writeWithoutTransaction { db in
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                try db.execute(sql: "PRAGMA max_page_count = \(pages + 2)")
            }
            let big = item("big.txt", [nomination("楊杰")], bytes: String(repeating: "x", count: 1 << 20))
            do throws(RegistryError) {
                _ = try registry.ingest([item("b.txt", [nomination("珞")]), big])
                Issue.record("a write past the page limit succeeded")
            } catch {
                #expect(error.code == RegistryError.storageFullCode)
                #expect(error.description.contains("full"))
                #expect(!error.description.contains("SQLite"))
            }
            #expect(try registry.stats() == RegistryStats(entries: 1, nominations: 1, files: 1, rejectedFiles: 0))
        }
    }
}

@Suite("Registry search index upkeep and concurrency")
struct RegistryIndexUpkeepTests {
    @Test("a stale index fingerprint rebuilds the search index at open")
    func rebuildOnFingerprintChange() throws {
        let first = try Registry.makeTemporary()
        defer { first.removeTemporaryFiles() }
        _ = try first.ingest([item("a.txt", [nomination("葉莉", citation: "長期照顧長者")])])
        // Pretend the index was built by another fold: empty it and change the fingerprint.
        try first.pool.write { db in
            try db.execute(sql: "INSERT INTO entry_fts(entry_fts) VALUES ('delete-all')")
            try db.execute(sql: "INSERT INTO nominee_fts(nominee_fts) VALUES ('delete-all')")
            try db.execute(sql: "UPDATE meta SET value = 'stale' WHERE key = 'search_fingerprint'")
        }
        #expect(try first.nominees("照顧").isEmpty)
        first.close()
        let again = try Registry(path: first.path, logger: .init(label: "test"))
        defer { again.close() }
        #expect(try again.nominees("照顧") == ["葉莉"])
        #expect(try again.nominees("葉莉") == ["葉莉"])
    }

    @Test("searches run concurrently with an ingest and see whole batches only")
    func concurrentReads() async throws {
        let registry = try Registry.makeTemporary()
        defer { registry.removeTemporaryFiles() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for batch in 0..<10 {
                    _ = try registry.ingest((0..<50).map { i in item("\(batch)-\(i).txt", [nomination("隊員\(batch)-\(i)", citation: "清潔")]) })
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    for _ in 0..<20 {
                        let total = try registry.search("清潔", filter: .all, limit: 5, offset: 0).total
                        #expect(total % 50 == 0, "a search saw a partial batch: \(total)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try registry.stats().entries == 500)
    }
}
