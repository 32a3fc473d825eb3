import Foundation
import GRDB
import LaurelCore
import Testing

@testable import LaurelStore

/// Not a timing assertion: a measurement to run by hand and read.
///
///     LAUREL_MEASURE_ROWS=100000 swift test --filter SearchMeasurement
///
/// Ingests synthetic entries (Chinese citations of ~150 characters from a Zipf-weighted vocabulary,
/// two- and three-character names) in batches of 500 files, then times searches.
@Suite("Search measurement (manual)", .enabled(if: ProcessInfo.processInfo.environment["LAUREL_MEASURE_ROWS"] != nil))
struct SearchMeasurement {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    static let vocabulary: [String] = [
        "志願者", "社區", "金銀湖", "長者", "服務", "關懷", "義工", "街道", "鄰里", "守望相助", "防疫", "物資", "派送",
        "清潔", "環保", "回收", "兒童", "課後", "輔導", "探訪", "獨居", "醫院", "陪診", "急救", "培訓", "消防",
        "演練", "文化", "節日", "活動", "籌款", "慈善", "捐贈", "圖書", "閱讀", "分享", "運動", "健康", "講座",
        "長期", "堅持", "無私", "奉獻", "熱心", "積極", "組織", "協調", "團隊", "帶領", "居民", "樓宇", "管理",
        "維修", "安全", "巡查", "颱風", "暴雨", "救援", "錦旗", "感謝", "表揚", "榜樣", "青年", "學生", "家庭",
        "溫暖", "互助", "共融", "新來港", "少數族裔",
    ]
    static let surnames = Array("陳李張黃何林葉楊王吳劉梁蔡鄭謝郭馮曾羅蕭").map(String.init)
    static let given = Array("莉杰偉芳明華玲強敏麗軍靜剛霞輝俊嘉欣志豪詠詩家樂子晴").map(String.init)
    static let awards = ["社區服務獎", "青年志願者獎", "長者關懷獎", "環保先鋒獎", "防疫貢獻獎", "文化推廣獎", "優秀團隊獎", "鄰里互助獎"]
    static let regions = ["金銀湖街道", "東區", "西區", "南區", "北區", "中西區", "灣仔", "深水埗", "觀塘", "沙田"]

    static func makeCitation(_ rng: inout SplitMix, weights: [Double]) -> String {
        var text = ""
        var words = 0
        while text.count < 150 {
            let u = rng.unit() * weights.last!
            let index = weights.firstIndex { $0 >= u } ?? 0
            text += vocabulary[index]
            words += 1
            if words % 6 == 0 { text += "，" }
            if rng.below(400) == 0 { text += " volunteer " }
        }
        return text + "。"
    }

    @Test("ingest and search timings")
    func measure() throws {
        let rows = Int(ProcessInfo.processInfo.environment["LAUREL_MEASURE_ROWS"] ?? "") ?? 100_000
        let registry = try Registry.makeTemporary()
        defer { registry.removeTemporaryFiles() }
        var rng = SplitMix(state: 42)
        // Zipf weights (s = 1), cumulative.
        var cumulative: [Double] = []
        var sum = 0.0
        for rank in 1...Self.vocabulary.count {
            sum += 1 / Double(rank)
            cumulative.append(sum)
        }
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        let clock = ContinuousClock()
        var ingestTime = Duration.zero
        var made = 0
        while made < rows {
            let batch = (0..<min(500, rows - made)).map { offset -> Registry.IngestItem in
                let i = made + offset
                let name = Self.surnames[rng.below(Self.surnames.count)] + Self.given[rng.below(Self.given.count)]
                    + (rng.below(3) == 0 ? Self.given[rng.below(Self.given.count)] : "")
                let n = Nomination(
                    award: Self.awards[rng.below(Self.awards.count)], nominee: name + "\(i)", kind: .person, cycle: "2024",
                    region: Self.regions[rng.below(Self.regions.count)], citation: Self.makeCitation(&rng, weights: cumulative))
                let raw = Array("file \(i)\n\(n.citation)".utf8)
                return Registry.IngestItem(
                    fileName: "f\(i).txt", contentHash: "h\(i)", rawBytes: raw, nominations: [n], submitterUID: 1000,
                    receivedAt: base + Double(i))
            }
            ingestTime += try clock.measure { _ = try registry.ingest(batch) }
            made += batch.count
        }
        let seconds = Double(ingestTime.components.seconds) + Double(ingestTime.components.attoseconds) / 1e18
        print(String(format: "MEASURE ingest %d entries in %.1f s: %.0f entries/s (batches of 500)", rows, seconds, Double(rows) / seconds))

        for query in ["葉莉", "金銀湖", "志願者", "社區", "錦旗感謝", "volunteer", "vol", "莉", "葉莉 金銀湖"] {
            var times: [Double] = []
            var total = 0
            var page: [EntryRow] = []
            for _ in 0..<5 {
                let d = try clock.measure {
                    let result = try registry.search(query, filter: .all, limit: 20, offset: 0)
                    total = result.total
                    page = result.items
                }
                times.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000)
            }
            let countOnly = try clock.measure {
                _ = try registry.pool.read { db in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM entry_fts WHERE entry_fts MATCH ?", arguments: [SearchQuery(query)!.matchExpression])
                }
            }
            print(String(format: "MEASURE   count(*) alone for %@: %.2f ms", query, Double(countOnly.components.attoseconds) / 1e15))
            let expression = SearchQuery(query)!.matchExpression
            let crossCount = try clock.measure {
                _ = try registry.pool.read { db in
                    try Int.fetchOne(
                        db,
                        sql: "SELECT count(*) FROM entry_fts CROSS JOIN entry e ON e.seq = entry_fts.rowid WHERE entry_fts MATCH ? AND e.award_key = ?",
                        arguments: [expression, "社區服務獎"])
                }
            }
            let inCount = try clock.measure {
                _ = try registry.pool.read { db in
                    try Int.fetchOne(
                        db,
                        sql: "SELECT count(*) FROM entry e WHERE e.award_key = ? AND e.seq IN (SELECT rowid FROM entry_fts WHERE entry_fts MATCH ?)",
                        arguments: ["社區服務獎", expression])
                }
            }
            print(
                String(
                    format: "MEASURE   filtered count: cross join %.2f ms, IN subquery %.2f ms", Double(crossCount.components.attoseconds) / 1e15,
                    Double(inCount.components.attoseconds) / 1e15))
            let filtered = try clock.measure { _ = try registry.search(query, filter: EntryFilter(award: "社區服務獎"), limit: 20, offset: 0) }
            let deep = try clock.measure { _ = try registry.search(query, filter: .all, limit: 20, offset: 1000) }
            print(
                String(
                    format: "MEASURE search %@: total %d, page %d, median %.2f ms (min %.2f), with award filter %.2f ms, offset 1000 %.2f ms",
                    query, total, page.count, times.sorted()[2], times.min()!,
                    Double(filtered.components.attoseconds) / 1e15, Double(deep.components.attoseconds) / 1e15))
        }
        let plan = try registry.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT e.seq FROM entry_fts JOIN entry e ON e.seq = entry_fts.rowid
                    WHERE entry_fts MATCH '"志願 願者"' AND e.award_key = 'x' ORDER BY entry_fts.rowid DESC LIMIT 20
                    """
            ).map { $0["detail"] as String }
        }
        print("MEASURE plan: \(plan.joined(separator: " | "))")
        let size = try registry.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0,
             try Int.fetchOne(db, sql: "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'entry_fts%'") ?? -1)
        }
        print("MEASURE database \(size.0 / 1_048_576) MiB, of which FTS \(size.1 / 1_048_576) MiB")
    }
}
