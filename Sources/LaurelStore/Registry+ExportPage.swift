import GRDB
import LaurelCore

/// One page of an export: the rows and the cursor to pass for the next page.
public struct ExportPage: Sendable {
    public var rows: [EntryRow]
    /// Pass as `after` to get the next page; `nil` when this was the last page.
    public var next: Int64?
}

extension Registry {
    /// One keyset page of the entries matching `filter`, oldest first, after the cursor `after`
    /// (0 for the first page). For callers that stream asynchronously (the daemon's `EXPORT`),
    /// where the closure-based ``export(filter:chunk:_:)`` cannot suspend between chunks.
    public func exportPage(filter: EntryFilter = .all, after: Int64 = 0, limit: Int = 500) throws(RegistryError) -> ExportPage {
        let (conditions, arguments) = EntrySQL.conditions(filter)
        let size = max(1, limit)
        let page: [(Int64, EntryRow)] = try read("export entries") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(EntrySQL.columns) FROM entry e WHERE e.seq > ?\(conditions) ORDER BY e.seq LIMIT ?",
                arguments: [after] + arguments + [size]
            ).map { ($0[0], try EntrySQL.decode($0)) }
        }
        return ExportPage(rows: page.map(\.1), next: page.count < size ? nil : page.last?.0)
    }
}
