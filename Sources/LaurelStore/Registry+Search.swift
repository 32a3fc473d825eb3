import GRDB
import LaurelCore

extension Registry {
    /// How many nominee matches the first ranking tier considers (the most recent ones). Bounds
    /// the bm25 work for a query that matches many nominees.
    static let nomineeTierCap = 200

    /// Full-text search over nominee, award, region and citation (see `SearchQuery`).
    ///
    /// Ranking, in two tiers, with bounded cost:
    /// 1. entries whose nominee matches every term (read from the small nominee-only index): the
    ///    newest `nomineeTierCap` of them, ordered by bm25 (best first), ties newest first;
    /// 2. every other match, newest first (`ORDER BY rowid DESC`: SQLite walks the doclists
    ///    backwards and stops after `offset + limit` rows).
    ///
    /// `total` counts matches (plus the filter) up to ``totalCap``; past it the page says "at
    /// least" (see ``Page``), so a term found in every citation costs no more than a rare one.
    /// Statements are cached per reader connection; the tier lists travel as one JSON argument
    /// (`json_each`), so the SQL text, and its cache entry, does not vary with their length.
    /// A query with nothing searchable returns an empty page.
    public func search(_ text: String, filter: EntryFilter = .all, limit: Int, offset: Int = 0) throws(RegistryError) -> Page<EntryRow> {
        guard let query = SearchQuery(text) else { return Page(items: [], total: 0) }
        let (conditions, filterArguments) = EntrySQL.conditions(filter)
        let limit = max(0, limit)
        let offset = max(0, offset)
        return try read("search") { db in
            // CROSS JOIN pins the FTS table as the outer loop. Left to itself the planner may drive from
            // a filter index and re-run the MATCH once per entry, which costs seconds.
            let join = conditions.isEmpty ? "" : " CROSS JOIN entry e ON e.seq = entry_fts.rowid"
            let (total, exact) = try Self.cappedCount(
                db, from: "entry_fts\(join) WHERE entry_fts MATCH ?\(conditions)",
                arguments: [query.matchExpression] + filterArguments)
            guard total > 0, limit > 0 else { return Page(items: [], total: total, totalIsExact: exact) }

            // Tier 1: nominee matches, newest `nomineeTierCap`, ranked by bm25.
            let nomineeJoin = conditions.isEmpty ? "" : " CROSS JOIN entry e ON e.seq = nominee_fts.rowid"
            let ranked = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT nominee_fts.rowid AS seq, bm25(nominee_fts) AS score FROM nominee_fts\(nomineeJoin)
                        WHERE nominee_fts MATCH ?\(conditions) ORDER BY nominee_fts.rowid DESC LIMIT ?
                        """),
                arguments: [query.matchExpression] + filterArguments + [Self.nomineeTierCap]
            ).map { (seq: $0[0] as Int64, score: $0[1] as Double) }
                .sorted { $0.score != $1.score ? $0.score < $1.score : $0.seq > $1.seq }
                .map(\.seq)

            var items: [EntryRow] = []
            if offset < ranked.count {
                let slice = Array(ranked[offset..<min(ranked.count, offset + limit)])
                let rows = try Row.fetchCursor(
                    db.cachedStatement(sql: "SELECT \(EntrySQL.columns) FROM entry e WHERE e.seq IN (SELECT value FROM json_each(?))"),
                    arguments: [Self.jsonArray(slice)])
                var bySeq: [Int64: EntryRow] = [:]
                while let row = try rows.next() { bySeq[row[0]] = try EntrySQL.decode(row) }
                items = slice.compactMap { bySeq[$0] }
            }

            // Tier 2: everything else, newest first.
            let remaining = limit - items.count
            if remaining > 0 {
                let excluded = ranked.isEmpty ? "" : " AND entry_fts.rowid NOT IN (SELECT value FROM json_each(?))"
                items += try EntrySQL.entries(
                    db.cachedStatement(
                        sql: """
                            SELECT \(EntrySQL.columns) FROM entry_fts CROSS JOIN entry e ON e.seq = entry_fts.rowid
                            WHERE entry_fts MATCH ?\(conditions)\(excluded)
                            ORDER BY entry_fts.rowid DESC LIMIT ? OFFSET ?
                            """),
                    arguments: [query.matchExpression] + filterArguments + (ranked.isEmpty ? [] : [Self.jsonArray(ranked)])
                        + [remaining, max(0, offset - ranked.count)])
            }
            return Page(items: items, total: total, totalIsExact: exact)
        }
    }

    /// `[1,2,3]`: integers as one JSON array, for `json_each(?)`.
    static func jsonArray(_ values: [Int64]) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }
}
