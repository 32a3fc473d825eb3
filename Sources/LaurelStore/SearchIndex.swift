import GRDB
import LaurelCore
import Logging

/// Maintains `entry_fts` and `nominee_fts`, the contentless FTS5 indexes, inside the caller's transaction.
///
/// Contentless tables cannot be updated in place: to change a row we issue FTS5's `delete` command
/// with exactly the token text that was inserted, recomputed from the entry's stored display
/// fields by the same `SearchTokens.indexText`. That only works while folding and tokenising are
/// unchanged, so the database records a fingerprint of both; when it differs at open (a new fold
/// table, a new token shape) the index is rebuilt from `entry` in one transaction.
enum SearchIndex {
    struct Fields {
        var nominee: String
        var award: String
        var region: String
        var citation: String
    }

    static func insert(_ db: Database, seq: Int64, _ fields: Fields) throws {
        try db.cachedStatement(sql: "INSERT INTO entry_fts(rowid, nominee, award, region, citation) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [
                seq, SearchTokens.indexText(fields.nominee), SearchTokens.indexText(fields.award),
                SearchTokens.indexText(fields.region), SearchTokens.indexText(fields.citation),
            ])
    }

    /// A new entry: both indexes, with the nominee tokenised once for both.
    static func insertNew(_ db: Database, seq: Int64, _ fields: Fields) throws {
        let nominee = SearchTokens.indexText(fields.nominee)
        try db.cachedStatement(sql: "INSERT INTO entry_fts(rowid, nominee, award, region, citation) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [
                seq, nominee, SearchTokens.indexText(fields.award),
                SearchTokens.indexText(fields.region), SearchTokens.indexText(fields.citation),
            ])
        try db.cachedStatement(sql: "INSERT INTO nominee_fts(rowid, nominee) VALUES (?, ?)").execute(arguments: [seq, nominee])
    }

    /// Replaces an entry's `entry_fts` row (`delete` with the old token text, then insert). The
    /// nominee and award never change on an entry, so their tokens are computed once for both.
    static func replace(_ db: Database, seq: Int64, old: Fields, new: Fields) throws {
        let nominee = SearchTokens.indexText(old.nominee)
        let award = SearchTokens.indexText(old.award)
        let oldRegion = SearchTokens.indexText(old.region)
        let newRegion = new.region == old.region ? oldRegion : SearchTokens.indexText(new.region)
        let oldCitation = SearchTokens.indexText(old.citation)
        let newCitation = new.citation == old.citation ? oldCitation : SearchTokens.indexText(new.citation)
        let newNominee = new.nominee == old.nominee ? nominee : SearchTokens.indexText(new.nominee)
        let newAward = new.award == old.award ? award : SearchTokens.indexText(new.award)
        try db.cachedStatement(
            sql: "INSERT INTO entry_fts(entry_fts, rowid, nominee, award, region, citation) VALUES ('delete', ?, ?, ?, ?, ?)"
        ).execute(arguments: [seq, nominee, award, oldRegion, oldCitation])
        try db.cachedStatement(sql: "INSERT INTO entry_fts(rowid, nominee, award, region, citation) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [seq, newNominee, newAward, newRegion, newCitation])
    }

    /// The nominee-only index; an entry's nominee never changes, so it is written once.
    static func insertNominee(_ db: Database, seq: Int64, nominee: String) throws {
        try db.cachedStatement(sql: "INSERT INTO nominee_fts(rowid, nominee) VALUES (?, ?)")
            .execute(arguments: [seq, SearchTokens.indexText(nominee)])
    }

    /// Text whose folding exercises case, width, diacritics and traditional → simplified.
    static let probe = "Schrödinger ＡＢＣ Jose\u{301} 葉莉 萬科 社區 乾隆"

    static var fingerprint: String {
        "tokens-v\(SearchTokens.version):" + SearchTokens.indexText(probe)
    }

    /// Rebuilds the index when folding or tokenising changed since it was built.
    static func ensureCurrent(_ db: Database, logger: Logger) throws {
        let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'search_fingerprint'")
        let current = fingerprint
        guard stored != current else { return }
        let entries = try Int.fetchOne(db, sql: "SELECT count(*) FROM entry") ?? 0
        if entries > 0 {
            logger.notice("rebuilding the search index (folding changed)", metadata: [LogKey.count: "\(entries)"])
        }
        try db.execute(sql: "INSERT INTO entry_fts(entry_fts) VALUES ('delete-all')")
        try db.execute(sql: "INSERT INTO nominee_fts(nominee_fts) VALUES ('delete-all')")
        let rows = try Row.fetchCursor(db, sql: "SELECT seq, nominee, award, region, citation FROM entry")
        while let row = try rows.next() {
            try insert(
                db, seq: row["seq"],
                Fields(nominee: row["nominee"], award: row["award"], region: row["region"], citation: row["citation"]))
            try insertNominee(db, seq: row["seq"], nominee: row["nominee"])
        }
        try db.execute(
            sql: "INSERT INTO meta(key, value) VALUES ('search_fingerprint', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [current])
    }
}
