import LaurelCore
import Testing

@Suite("Entry status moves")
struct EntryStatusTests {
    static let legal: Set<[EntryStatus]> = [
        [.nominated, .shortlisted], [.nominated, .withdrawn],
        [.shortlisted, .awarded], [.shortlisted, .notAwarded], [.shortlisted, .withdrawn],
        [.awarded, .revoked],
    ]

    @Test("exactly the documented moves are allowed; every other pair is refused")
    func everyMove() {
        for from in EntryStatus.allCases {
            for to in EntryStatus.allCases {
                #expect(from.canMove(to: to) == Self.legal.contains([from, to]), "\(from) → \(to)")
            }
        }
    }

    @Test("wire spellings are stable")
    func rawValues() {
        #expect(
            EntryStatus.allCases.map(\.rawValue) == [
                "nominated", "shortlisted", "awarded", "not_awarded", "withdrawn", "revoked",
            ])
    }
}
