import Foundation
import LaurelCore
import Testing

/// Not a correctness test: measures `SearchFolding.fold` throughput on seed-like text.
/// Run with `LAUREL_BENCH=1 swift test -c release --filter FoldingThroughput`.
@Suite("Folding throughput", .enabled(if: ProcessInfo.processInfo.environment["LAUREL_BENCH"] != nil))
struct FoldingThroughputTests {
    @Test("fold runs at ≥ 5 MB/s on Chinese citations")
    func throughput() throws {
        let url = try #require(
            Bundle.module.url(forResource: "seed-bulletin", withExtension: "txt", subdirectory: "Fixtures"))
        let seed = try String(contentsOf: url, encoding: .utf8)
        let citations = try BulletinImporter.parse(seed).map(\.citation)
        _ = SearchFolding.fold("warm up Ä 區")
        var bytes = 0
        var checksum = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<2_000 {
                for citation in citations {
                    bytes += citation.utf8.count
                    checksum &+= SearchFolding.fold(citation).utf8.count
                }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(bytes) / seconds / 1_000_000
        print("fold: \(bytes) bytes in \(seconds) s = \(rate) MB/s (checksum \(checksum))")
        #expect(rate >= 5)
    }
}
