import Foundation
import GRDB
import LaurelCore

extension Registry {
    /// One accepted nomination file, parsed, ready to register.
    public struct IngestItem: Sendable {
        public var fileName: String
        /// Identifies the file's bytes: lower-case hex SHA-256 of `rawBytes` is the convention.
        /// Two files with the same hash are the same file.
        public var contentHash: String
        public var rawBytes: [UInt8]
        public var nominations: [Nomination]
        public var submitterUID: Int?
        public var receivedAt: Date

        public init(
            fileName: String, contentHash: String, rawBytes: [UInt8], nominations: [Nomination], submitterUID: Int?,
            receivedAt: Date
        ) {
            self.fileName = fileName
            self.contentHash = contentHash
            self.rawBytes = rawBytes
            self.nominations = nominations
            self.submitterUID = submitterUID
            self.receivedAt = receivedAt
        }
    }

    /// What `ingest` did with one item. `entryIDs[i]` is the entry of the file's i-th nomination.
    public enum IngestOutcome: Sendable, Hashable {
        /// Registered now.
        case accepted(entryIDs: [String])
        /// A byte-identical file was registered before; nothing new was written.
        case duplicate(entryIDs: [String])
    }

    /// Registers many files in one write transaction (one fsync: group commit).
    ///
    /// Returns one outcome per item, in order. A nomination whose entry key (award + nominee +
    /// cycle, folded) exists attaches to that entry; its citation becomes the entry's citation, and
    /// its region too when not empty. A new entry starts `nominated`, recorded in its history.
    /// If anything fails, nothing of the batch is written and the error is thrown: the caller may
    /// retry the items one by one to isolate a bad one.
    public func ingest(_ items: [IngestItem]) throws(RegistryError) -> [IngestOutcome] {
        guard !items.isEmpty else { return [] }
        return try write("register nomination files") { db in
            try items.map { try Self.ingest($0, db) }
        }
    }

    /// Counts a refused file (by content hash: the same bytes refused twice count once).
    public func recordRefusal(fileName: String, contentHash: String, code: String, message: String, at: Date) throws(RegistryError) {
        try write("record a refused file") { db in
            try db.run(
                "INSERT INTO refusal(hash, name, code, message, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING",
                [contentHash, fileName, code, message, storedMillis(at)])
        }
    }

    private static func ingest(_ item: IngestItem, _ db: Database) throws -> IngestOutcome {
        if let fileSeq = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT seq FROM file WHERE content_hash = ?"), arguments: [item.contentHash])
        {
            let ids = try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT e.id FROM nomination n JOIN entry e ON e.seq = n.entry_seq WHERE n.file_seq = ? ORDER BY n.record_index"),
                arguments: [fileSeq])
            return .duplicate(entryIDs: ids)
        }
        let at = storedMillis(item.receivedAt)
        try db.run(
            "INSERT INTO file(name, content_hash, raw, size, received_at) VALUES (?, ?, ?, ?, ?)",
            [item.fileName, item.contentHash, Data(item.rawBytes), item.rawBytes.count, at])
        let fileSeq = db.lastInsertedRowID
        var ids: [String] = []
        ids.reserveCapacity(item.nominations.count)
        for (index, nomination) in item.nominations.enumerated() {
            let (entrySeq, id) = try attach(nomination, item: item, at: at, db)
            try db.run(
                """
                    INSERT INTO nomination(entry_seq, file_seq, record_index, award, nominee, kind, cycle, region,
                        nominator, reference, contact, citation, extra, warnings, submitter_uid, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                [
                    entrySeq, fileSeq, index, nomination.award, nomination.nominee, nomination.kind.rawValue,
                    nomination.cycle, nomination.region, nomination.nominator, nomination.reference,
                    nomination.contact, nomination.citation,
                    nomination.extra.isEmpty ? "{}" : try StoreJSON.encode(nomination.extra),
                    nomination.warnings.isEmpty ? "[]" : try StoreJSON.encode(nomination.warnings), item.submitterUID, at,
                ])
            ids.append(id)
        }
        return .accepted(entryIDs: ids)
    }

    /// Finds or creates the entry for `nomination`, keeping the search index in step.
    private static func attach(_ nomination: Nomination, item: IngestItem, at: Int64, _ db: Database) throws -> (Int64, String) {
        let key = nomination.entryKey
        let codes = nomination.warnings.map(\.code)
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, id, nominee, award, region, citation, warnings FROM entry WHERE key = ?"),
            arguments: [key.rawValue])
        {
            let seq: Int64 = row["seq"]
            let old = SearchIndex.Fields(nominee: row["nominee"], award: row["award"], region: row["region"], citation: row["citation"])
            var new = old
            new.citation = nomination.citation
            if !nomination.region.isEmpty { new.region = nomination.region }
            let storedWarnings: String = row["warnings"]
            let warnings =
                storedWarnings == "[]" && codes.isEmpty
                ? "[]" : try encodeCodes(Set(try StoreJSON.decode([String].self, storedWarnings)).union(codes).sorted())
            try db.run("""
                    UPDATE entry SET citation = ?, region = ?, region_key = ?, warnings = ?,
                        nomination_count = nomination_count + 1, updated_at = max(updated_at, ?)
                    WHERE seq = ?
                    """, [new.citation, new.region, SearchFolding.fold(new.region), warnings, at, seq])
            if new.citation != old.citation || new.region != old.region {
                try SearchIndex.replace(db, seq: seq, old: old, new: new)
            }
            return (seq, row["id"])
        }
        let id = try allocateID(for: key, db)
        try db.run("""
                INSERT INTO entry(id, key, award, award_key, nominee, kind, cycle, cycle_key, region, region_key,
                    status, citation, nomination_count, warnings, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
                """, [
                id, key.rawValue, nomination.award, SearchFolding.fold(nomination.award), nomination.nominee,
                nomination.kind.rawValue, nomination.cycle, SearchFolding.fold(nomination.cycle), nomination.region,
                SearchFolding.fold(nomination.region), EntryStatus.nominated.rawValue, nomination.citation,
                try encodeCodes(Set(codes).sorted()), at, at,
            ])
        let seq = db.lastInsertedRowID
        try SearchIndex.insertNew(
            db, seq: seq,
            SearchIndex.Fields(nominee: nomination.nominee, award: nomination.award, region: nomination.region, citation: nomination.citation))
        try db.run("""
                INSERT INTO status_change(entry_seq, at, from_status, to_status, actor_uid, actor_name, reason)
                VALUES (?, ?, '', ?, ?, 'ingest', ?)
                """, [seq, at, EntryStatus.nominated.rawValue, item.submitterUID, "nominated in \(item.fileName)"])
        return (seq, id)
    }

    /// `shortID(attempt: 0)`, or the next attempt while the id belongs to another key.
    private static func allocateID(for key: EntryKey, _ db: Database) throws -> String {
        for attempt in 0..<64 {
            let id = key.shortID(attempt: attempt)
            let taken = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM entry WHERE id = ?)"), arguments: [id]) ?? false
            if !taken { return id }
        }
        throw RegistryError(.internal, "No free entry id after 64 attempts; this is a bug, please report it.")
    }

    /// `StoreJSON.encode(codes)` without building a `JSONEncoder` for the common cases: no codes,
    /// or codes that need no escaping (warning codes are short ASCII words such as `mojibake`).
    static func encodeCodes(_ codes: [String]) throws -> String {
        if codes.isEmpty { return "[]" }
        let plain = codes.allSatisfy { code in
            code.utf8.allSatisfy { b in
                (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D || b == 0x2E
            }
        }
        guard plain else { return try StoreJSON.encode(codes) }
        return "[" + codes.map { "\"" + $0 + "\"" }.joined(separator: ",") + "]"
    }
}

extension Database {
    /// Executes a statement kept in GRDB's per-connection statement cache (the hot ingest path
    /// runs the same few statements thousands of times per batch).
    fileprivate func run(_ sql: String, _ arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
