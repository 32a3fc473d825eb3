import Foundation
import GRDB
import LaurelCore

extension Registry {
    /// The entry with this id, or `nil`.
    public func entry(id: String) throws(RegistryError) -> EntryRow? {
        try singleStatementRead("read an entry") { db in
            let statement = try db.cachedStatement(sql: "SELECT \(EntrySQL.columns) FROM entry e WHERE e.id = ?")
            return try Row.fetchOne(statement, arguments: [id]).map(EntrySQL.decode)
        }
    }

    /// Entries, newest first, with the total matching `filter` (exact up to ``totalCap``).
    public func list(filter: EntryFilter = .all, limit: Int, offset: Int = 0) throws(RegistryError) -> Page<EntryRow> {
        let (conditions, arguments) = EntrySQL.conditions(filter)
        return try read("list entries") { db in
            let (total, exact) = try Self.cappedCount(db, from: "entry e WHERE 1\(conditions)", arguments: arguments)
            let items = try EntrySQL.entries(
                db.cachedStatement(sql: "SELECT \(EntrySQL.columns) FROM entry e WHERE 1\(conditions) ORDER BY e.seq DESC LIMIT ? OFFSET ?"),
                arguments: arguments + [max(0, limit), max(0, offset)])
            return Page(items: items, total: total, totalIsExact: exact)
        }
    }

    /// How many totals count at most: past this, `total` is a lower bound (see ``Page``).
    ///
    /// Counting is the one part of a page whose cost grows with the number of matches (every
    /// match is visited); capped, a page costs about the same for a rare name and for a word in
    /// every citation of a million entries.
    public static let totalCap = 1000

    /// `count(*)` of `SELECT 1 FROM <from>`, stopping at ``totalCap`` + 1 rows.
    static func cappedCount(_ db: Database, from: String, arguments: StatementArguments) throws -> (Int, exact: Bool) {
        let statement = try db.cachedStatement(sql: "SELECT count(*) FROM (SELECT 1 FROM \(from) LIMIT ?)")
        let n = try Int.fetchOne(statement, arguments: arguments + [totalCap + 1]) ?? 0
        return n > totalCap ? (totalCap, false) : (n, true)
    }

    /// Awards and how many entries each has, by folded award name (shown as first spelt), sorted.
    public func awards() throws(RegistryError) -> [AwardCount] {
        try read("count awards") { db in
            // A bare column next to min() takes its value from the row holding the minimum.
            try Row.fetchAll(
                db, sql: "SELECT award, min(seq), count(*) AS n FROM entry GROUP BY award_key ORDER BY award_key"
            ).map { AwardCount(award: $0["award"], entries: $0["n"]) }
        }
    }

    /// An entry's status changes, oldest first, starting with its creation; `nil` if no such entry.
    public func history(id: String) throws(RegistryError) -> [StatusChange]? {
        try read("read an entry's history") { db in
            guard let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM entry WHERE id = ?", arguments: [id]) else { return nil }
            return try Row.fetchAll(
                db,
                sql: "SELECT at, from_status, to_status, actor_uid, actor_name, reason FROM status_change WHERE entry_seq = ? ORDER BY seq",
                arguments: [seq]
            ).map { row in
                let from: String = row["from_status"]
                return StatusChange(
                    at: storedDate(row["at"]), from: from.isEmpty ? nil : try EntrySQL.status(from),
                    to: try EntrySQL.status(row["to_status"]), actorUID: row["actor_uid"], actorName: row["actor_name"],
                    reason: row["reason"])
            }
        }
    }

    /// An entry's nominations, oldest first; `nil` if no such entry.
    public func nominations(entryID: String) throws(RegistryError) -> [NominationRow]? {
        try read("read an entry's nominations") { db in
            guard let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM entry WHERE id = ?", arguments: [entryID]) else {
                return nil
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT n.*, f.name AS file_name FROM nomination n JOIN file f ON f.seq = n.file_seq
                    WHERE n.entry_seq = ? ORDER BY n.seq
                    """,
                arguments: [seq]
            ).map { row in
                guard let kind = NomineeKind(rawValue: row["kind"]) else { throw EntrySQL.damaged("nomination kind") }
                let nomination = Nomination(
                    award: row["award"], nominee: row["nominee"], kind: kind, cycle: row["cycle"], region: row["region"],
                    nominator: row["nominator"], reference: row["reference"], contact: row["contact"],
                    citation: row["citation"], extra: try StoreJSON.decode([String: String].self, row["extra"]),
                    warnings: try StoreJSON.decode([NominationWarning].self, row["warnings"]))
                return NominationRow(
                    entryID: entryID, nomination: nomination, fileName: row["file_name"], recordIndex: row["record_index"],
                    submitterUID: row["submitter_uid"], receivedAt: storedDate(row["received_at"]))
            }
        }
    }

    /// A cheap read that proves the database answers (the watchdog's health check): one page of
    /// the schema and of the entry table, whatever the registry's size. `stats()` counts every
    /// row, which at a million entries is too slow to run every few seconds.
    public func probe() throws(RegistryError) {
        try singleStatementRead("probe the registry") { db in
            _ = try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM entry ORDER BY seq DESC LIMIT 1"))
        }
    }

    /// Counters.
    public func stats() throws(RegistryError) -> RegistryStats {
        try read("count the registry") { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM entry), (SELECT count(*) FROM nomination),
                           (SELECT count(*) FROM file), (SELECT count(*) FROM refusal)
                    """)!
            return RegistryStats(entries: row[0], nominations: row[1], files: row[2], rejectedFiles: row[3])
        }
    }

    /// Streams the entries matching `filter`, oldest first, `chunk` at a time, by keyset (each
    /// chunk is one short read; nothing is held between chunks and memory stays bounded).
    /// Entries added while exporting may or may not be included.
    public func export(filter: EntryFilter = .all, chunk: Int = 500, _ body: ([EntryRow]) throws -> Void) throws {
        let (conditions, arguments) = EntrySQL.conditions(filter)
        let size = max(1, chunk)
        var after: Int64 = 0
        while true {
            let bound = after
            let page: [(Int64, EntryRow)] = try read("export entries") { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT \(EntrySQL.columns) FROM entry e WHERE e.seq > ?\(conditions) ORDER BY e.seq LIMIT ?",
                    arguments: [bound] + arguments + [size]
                ).map { ($0[0], try EntrySQL.decode($0)) }
            }
            guard let last = page.last else { return }
            try body(page.map(\.1))
            if page.count < size { return }
            after = last.0
        }
    }

    /// Moves entries to `target`, all or nothing, recording who, when and why.
    ///
    /// - Throws: `not_found` naming the first unknown id; `illegal_move` naming the first entry
    ///   whose current status cannot move to `target` (and that status). Nothing is changed then.
    public func move(
        ids: [String], to target: EntryStatus, actorUID: Int, actorName: String, reason: String, at: Date
    ) throws(RegistryError) -> [EntryRow] {
        try moves(ids: ids, to: target, actorUID: actorUID, actorName: actorName, reason: reason, at: at).map(\.entry)
    }

    /// ``move(ids:to:actorUID:actorName:reason:at:)``, also returning each entry's status before
    /// the move (for the `status` event a watcher sees: `from → to`).
    public func moves(
        ids: [String], to target: EntryStatus, actorUID: Int, actorName: String, reason: String, at: Date
    ) throws(RegistryError) -> [EntryMove] {
        var seen = Set<String>()
        let unique = ids.filter { seen.insert($0).inserted }
        let when = storedMillis(at)
        return try write("move entries") { db in
            var rows: [EntryMove] = []
            for id in unique {
                guard let row = try Row.fetchOne(db, sql: "SELECT seq, status FROM entry WHERE id = ?", arguments: [id]) else {
                    throw RegistryError.notFound(id)
                }
                let seq: Int64 = row["seq"]
                let current = try EntrySQL.status(row["status"])
                guard current.canMove(to: target) else { throw RegistryError.illegalMove(id, from: current, to: target) }
                try db.execute(
                    sql: "UPDATE entry SET status = ?, updated_at = ? WHERE seq = ?", arguments: [target.rawValue, when, seq])
                try db.execute(
                    sql: """
                        INSERT INTO status_change(entry_seq, at, from_status, to_status, actor_uid, actor_name, reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [seq, when, current.rawValue, target.rawValue, actorUID, actorName, reason])
                rows.append(
                    EntryMove(
                        from: current,
                        entry: try EntrySQL.decode(
                            Row.fetchOne(db, sql: "SELECT \(EntrySQL.columns) FROM entry e WHERE e.seq = ?", arguments: [seq])!)))
            }
            return rows
        }
    }
}

/// SQL fragments and decoding shared by the readers.
enum EntrySQL {
    static let columns = """
        e.seq, e.id, e.award, e.nominee, e.kind, e.status, e.cycle, e.region, e.citation, e.nomination_count, \
        e.warnings, e.created_at, e.updated_at
        """

    /// ` AND …` conditions for `filter` on alias `e`, matching folded keys.
    static func conditions(_ filter: EntryFilter) -> (String, StatementArguments) {
        var sql = ""
        var arguments: StatementArguments = []
        if let award = filter.award {
            sql += " AND e.award_key = ?"
            arguments += [SearchFolding.fold(award)]
        }
        if let status = filter.status {
            sql += " AND e.status = ?"
            arguments += [status.rawValue]
        }
        if let cycle = filter.cycle {
            sql += " AND e.cycle_key = ?"
            arguments += [SearchFolding.fold(cycle)]
        }
        if let region = filter.region {
            sql += " AND e.region_key = ?"
            arguments += [SearchFolding.fold(region)]
        }
        return (sql, arguments)
    }

    /// The entries a statement selecting ``columns`` returns, decoded straight from SQLite's
    /// row (a cursor: no intermediate copy of each row).
    static func entries(_ statement: Statement, arguments: StatementArguments) throws -> [EntryRow] {
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        var out: [EntryRow] = []
        while let row = try rows.next() { out.append(try decode(row)) }
        return out
    }

    /// Decodes a row selected with ``columns`` (by position: looking columns up by name costs a
    /// case-insensitive string comparison per column per row).
    static func decode(_ row: Row) throws -> EntryRow {
        guard let kind = NomineeKind(rawValue: row[4]) else { throw damaged("entry kind") }
        return EntryRow(
            id: row[1], award: row[2], nominee: row[3], kind: kind, status: try status(row[5]),
            cycle: row[6], region: row[7], citation: row[8], nominations: row[9],
            warnings: try warnings(row[10]), createdAt: storedDate(row[11]), updatedAt: storedDate(row[12]))
    }

    /// The stored warning codes (a JSON array of strings; nearly always `[]`).
    static func warnings(_ text: String) throws -> [String] {
        text == "[]" ? [] : try StoreJSON.decode([String].self, text)
    }

    static func status(_ text: String) throws -> EntryStatus {
        guard let status = EntryStatus(rawValue: text) else { throw damaged("status \(text)") }
        return status
    }

    static func damaged(_ what: String) -> RegistryError {
        RegistryError(.corrupt, "The registry holds a value this version does not understand (\(what)); it was written by a newer laureld or is damaged.")
    }
}
