import Foundation
import LaurelCore

/// An entry (an honour: award + nominee + cycle) as the registry holds it.
public struct EntryRow: Sendable, Hashable {
    /// The short id (`EntryKey.shortID`), unique in this registry.
    public var id: String
    public var award: String
    public var nominee: String
    public var kind: NomineeKind
    public var status: EntryStatus
    public var cycle: String
    public var region: String
    /// The citation of the most recent nomination.
    public var citation: String
    /// How many nominations are attached.
    public var nominations: Int
    /// Warning codes, the union over all nominations, sorted.
    public var warnings: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, award: String, nominee: String, kind: NomineeKind, status: EntryStatus, cycle: String,
        region: String, citation: String, nominations: Int, warnings: [String], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.award = award
        self.nominee = nominee
        self.kind = kind
        self.status = status
        self.cycle = cycle
        self.region = region
        self.citation = citation
        self.nominations = nominations
        self.warnings = warnings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Restricts `list`, `search` and `export`. Text filters match the folded value exactly, so a
/// filter `社区` finds entries displayed as `社區`; `nil` means no restriction.
public struct EntryFilter: Sendable, Hashable {
    public var award: String?
    public var status: EntryStatus?
    public var cycle: String?
    public var region: String?

    public init(award: String? = nil, status: EntryStatus? = nil, cycle: String? = nil, region: String? = nil) {
        self.award = award
        self.status = status
        self.cycle = cycle
        self.region = region
    }

    /// No restriction: all entries.
    public static let all = EntryFilter()
}

/// One page of results and the total number of results across all pages.
///
/// Totals are counted exactly up to ``Registry/totalCap``; past it, counting every match of a
/// common term in a large registry would cost more than the page itself, so `total` is the cap
/// and `totalIsExact` is `false` ("at least `total`").
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    /// `false` when `total` is a lower bound (the count stopped at ``Registry/totalCap``).
    public var totalIsExact: Bool

    public init(items: [Item], total: Int, totalIsExact: Bool = true) {
        self.items = items
        self.total = total
        self.totalIsExact = totalIsExact
    }
}

extension Page: Equatable where Item: Equatable {}

/// An award and how many entries carry it (awards are grouped by their folded name).
public struct AwardCount: Sendable, Hashable {
    public var award: String
    public var entries: Int

    public init(award: String, entries: Int) {
        self.award = award
        self.entries = entries
    }
}

/// One change of an entry's status; the first one of every entry is its creation
/// (`from == nil`, `to == .nominated`, actor `ingest`, the submitter's uid if known).
public struct StatusChange: Sendable, Hashable {
    public var at: Date
    public var from: EntryStatus?
    public var to: EntryStatus
    public var actorUID: Int?
    public var actorName: String
    public var reason: String

    public init(at: Date, from: EntryStatus?, to: EntryStatus, actorUID: Int?, actorName: String, reason: String) {
        self.at = at
        self.from = from
        self.to = to
        self.actorUID = actorUID
        self.actorName = actorName
        self.reason = reason
    }
}

/// One entry moved by ``Registry/moves(ids:to:actorUID:actorName:reason:at:)``: its status
/// before the move, and the entry as it is after it.
public struct EntryMove: Sendable, Hashable {
    public var from: EntryStatus
    public var entry: EntryRow

    public init(from: EntryStatus, entry: EntryRow) {
        self.from = from
        self.entry = entry
    }
}

/// One nomination of an entry, with where it came from.
public struct NominationRow: Sendable, Hashable {
    public var entryID: String
    /// The nomination as stored (display form, extra fields and warnings included).
    public var nomination: Nomination
    /// The file it arrived in, and its 0-based position among that file's records.
    public var fileName: String
    public var recordIndex: Int
    public var submitterUID: Int?
    public var receivedAt: Date

    public init(
        entryID: String, nomination: Nomination, fileName: String, recordIndex: Int, submitterUID: Int?,
        receivedAt: Date
    ) {
        self.entryID = entryID
        self.nomination = nomination
        self.fileName = fileName
        self.recordIndex = recordIndex
        self.submitterUID = submitterUID
        self.receivedAt = receivedAt
    }
}

/// Registry counters.
public struct RegistryStats: Sendable, Hashable {
    public var entries: Int
    public var nominations: Int
    /// Accepted files (byte-distinct).
    public var files: Int
    /// Refused files (byte-distinct).
    public var rejectedFiles: Int

    public init(entries: Int, nominations: Int, files: Int, rejectedFiles: Int) {
        self.entries = entries
        self.nominations = nominations
        self.files = files
        self.rejectedFiles = rejectedFiles
    }
}
