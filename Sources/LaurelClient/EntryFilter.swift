import LaurelProtocol

/// Narrows `SEARCH`, `LIST` and `EXPORT` to one award, status, cycle or region. `nil` fields do not filter.
public struct EntryFilter: Sendable, Hashable {
    /// Only entries of this award.
    public var award: String?
    /// Only entries in this status (`nominated`, `shortlisted`, `awarded`, `not_awarded`, `withdrawn`, `revoked`).
    public var status: String?
    /// Only entries of this cycle.
    public var cycle: String?
    /// Only entries of this region.
    public var region: String?

    /// Creates a filter.
    public init(award: String? = nil, status: String? = nil, cycle: String? = nil, region: String? = nil) {
        self.award = award
        self.status = status
        self.cycle = cycle
        self.region = region
    }

    /// The filter as request options (`award=…` …), in a fixed order.
    public var arguments: [String] {
        var out: [String] = []
        if let award { out.append("award=\(award)") }
        if let status { out.append("status=\(status)") }
        if let cycle { out.append("cycle=\(cycle)") }
        if let region { out.append("region=\(region)") }
        return out
    }
}

/// One page of results and how many there are in all.
public struct Page<Item: Sendable & Hashable>: Sendable, Hashable {
    /// The records on this page, in the daemon's order.
    public var items: [Item]
    /// How many records match in all (`total=` of the last line), or at least how many when
    /// ``totalIsExact`` is `false`.
    public var total: Int
    /// `false` when the daemon stopped counting at its cap (`total=1000+`): `total` is a lower bound.
    public var totalIsExact: Bool

    /// Creates a page.
    public init(items: [Item], total: Int, totalIsExact: Bool = true) {
        self.items = items
        self.total = total
        self.totalIsExact = totalIsExact
    }
}

/// The document formats `EXPORT` can produce.
public enum ExportFormat: String, Sendable, Hashable, CaseIterable {
    /// One JSON array.
    case json
    /// One JSON object per line.
    case jsonl
    /// RFC 4180 CSV with a header row.
    case csv
    /// A Markdown table.
    case md
}

/// What a ``LaurelClient/watch(award:_:)`` handler wants next.
public enum WatchAction: Sendable, Hashable {
    /// Keep receiving events.
    case `continue`
    /// End the subscription cleanly (the client sends a line; the daemon answers `OK END`).
    case stop
}
