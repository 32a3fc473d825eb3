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
    /// `total` is `count(*)` over the match (plus the filter): it visits every match, so it is
    /// the one cost that grows with a term's frequency (a few ms per 100k matches).
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
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM entry_fts\(join) WHERE entry_fts MATCH ?\(conditions)",
                    arguments: [query.matchExpression] + filterArguments) ?? 0
            guard total > 0, limit > 0 else { return Page(items: [], total: total) }

            // Tier 1: nominee matches, newest `nomineeTierCap`, ranked by bm25.
            let nomineeJoin = conditions.isEmpty ? "" : " CROSS JOIN entry e ON e.seq = nominee_fts.rowid"
            let ranked = try Row.fetchAll(
                db,
                sql: """
                    SELECT nominee_fts.rowid AS seq, bm25(nominee_fts) AS score FROM nominee_fts\(nomineeJoin)
                    WHERE nominee_fts MATCH ?\(conditions) ORDER BY nominee_fts.rowid DESC LIMIT ?
                    """,
                arguments: [query.matchExpression] + filterArguments + [Self.nomineeTierCap]
            ).map { (seq: $0["seq"] as Int64, score: $0["score"] as Double) }
                .sorted { $0.score != $1.score ? $0.score < $1.score : $0.seq > $1.seq }
                .map(\.seq)

            var items: [EntryRow] = []
            if offset < ranked.count {
                let slice = Array(ranked[offset..<min(ranked.count, offset + limit)])
                let placeholders = Array(repeating: "?", count: slice.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT \(EntrySQL.columns) FROM entry e WHERE e.seq IN (\(placeholders))",
                    arguments: StatementArguments(slice))
                var bySeq: [Int64: EntryRow] = [:]
                for row in rows { bySeq[row["seq"]] = try EntrySQL.decode(row) }
                items = slice.compactMap { bySeq[$0] }
            }

            // Tier 2: everything else, newest first.
            let remaining = limit - items.count
            if remaining > 0 {
                let excluded =
                    ranked.isEmpty
                    ? "" : " AND entry_fts.rowid NOT IN (" + Array(repeating: "?", count: ranked.count).joined(separator: ",") + ")"
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(EntrySQL.columns) FROM entry_fts CROSS JOIN entry e ON e.seq = entry_fts.rowid
                        WHERE entry_fts MATCH ?\(conditions)\(excluded)
                        ORDER BY entry_fts.rowid DESC LIMIT ? OFFSET ?
                        """,
                    arguments: [query.matchExpression] + filterArguments + StatementArguments(ranked)
                        + [remaining, max(0, offset - ranked.count)])
                items += try rows.map(EntrySQL.decode)
            }
            return Page(items: items, total: total)
        }
    }
}
