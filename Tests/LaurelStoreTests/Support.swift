import Foundation
import LaurelCore
import Testing

@testable import LaurelStore

extension Tag {
    /// Needs the real `SearchFolding.fold` (traditional → simplified, diacritics, width). While
    /// LaurelCore's fold is still the lower-casing stub these record a known issue instead of failing.
    @Tag static var needsRealFold: Tag
}

/// Whether LaurelCore's fold does what the search design relies on.
let foldIsReal = SearchFolding.fold("Schrödinger ＡＢＣ 社區 Jose\u{301}") == "schrodinger abc 社区 jose"

/// Runs `body`; while the fold is a stub, its failures are expected (known issue) rather than fatal.
func withRealFold(_ body: () throws -> Void) rethrows {
    if foldIsReal {
        try body()
    } else {
        withKnownIssue("SearchFolding.fold is still a stub in LaurelCore", isIntermittent: true) {
            try body()
        }
    }
}

/// A registry in a fresh temp directory, removed afterwards.
func withRegistry<T>(_ body: (Registry) throws -> T) throws -> T {
    let registry = try Registry.makeTemporary()
    defer { registry.removeTemporaryFiles() }
    return try body(registry)
}

func nomination(
    _ nominee: String, award: String = "社區服務獎", cycle: String = "2024", region: String = "", citation: String = "表揚",
    kind: NomineeKind = .person, warnings: [String] = []
) -> Nomination {
    Nomination(
        award: award, nominee: nominee, kind: kind, cycle: cycle, region: region, citation: citation,
        warnings: warnings.map { NominationWarning(code: $0, message: "warning \($0)") })
}

/// An item whose bytes (and so hash) are derived from `name` and the nominations, unless given.
func item(_ name: String, _ nominations: [Nomination], bytes: String? = nil, uid: Int? = 1000, at: Date = Date(timeIntervalSince1970: 1_700_000_000)) -> Registry.IngestItem {
    let raw = Array((bytes ?? (name + nominations.map { "\($0)" }.joined())).utf8)
    return Registry.IngestItem(
        fileName: name, contentHash: testHash(raw), rawBytes: raw, nominations: nominations, submitterUID: uid, receivedAt: at)
}

/// 64-bit FNV-1a + length, hex: enough to tell test files apart.
func testHash(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01b3
    }
    return String(hash, radix: 16) + "-" + String(bytes.count)
}

extension Registry.IngestOutcome {
    var ids: [String] {
        switch self {
        case .accepted(let ids), .duplicate(let ids): ids
        }
    }
}

extension Registry {
    /// Nominees of a search's page, in order.
    func nominees(_ query: String, filter: EntryFilter = .all, limit: Int = 50, offset: Int = 0) throws -> [String] {
        try search(query, filter: filter, limit: limit, offset: offset).items.map(\.nominee)
    }
}
