import Foundation
import GRDB
import Logging
import LaurelCore
import Testing

@testable import LaurelStore

@Suite("Registry search")
struct RegistrySearchTests {
    /// A small registry with the names and places the traps are about.
    static func seeded() throws -> Registry {
        let registry = try Registry.makeTemporary()
        do {
            _ = try registry.ingest([
                item("a.txt", [nomination("葉莉", region: "金銀湖街道", citation: "長期照顧社區長者，風雨不改。")]),
                item("b.txt", [nomination("楊杰", award: "青年志願者獎", citation: "帶領義工隊清理河道。")]),
                item("c.txt", [nomination("珞", award: "藝術貢獻獎", citation: "以書法推廣傳統文化。")]),
                item("d.txt", [nomination("萬科物業服務隊", award: "優秀團隊獎", citation: "疫情期間堅守崗位。", kind: .team)]),
                item("e.txt", [nomination("Erwin Schrödinger", award: "Science Prize", citation: "For the wave equation.")]),
                item("f.txt", [nomination("José Martí", award: "Poetry Prize", citation: "Versos sencillos.")]),
                item("g.txt", [nomination("ＡＢＣ Team", award: "Science Prize", citation: "Full-width name.", kind: .team)]),
                // "葉" ends the nominee, "莉" starts the award: 葉莉 only across a field boundary.
                item("h.txt", [nomination("王葉", award: "莉花獎", citation: "無關。")]),
            ])
        } catch {
            registry.removeTemporaryFiles()
            throw error
        }
        return registry
    }

    @Test("two-character names are found")
    func twoCharacterNames() throws {
        let registry = try Self.seeded()
        defer { registry.removeTemporaryFiles() }
        do {
            #expect(try registry.nominees("葉莉") == ["葉莉"])
            #expect(try registry.nominees("楊杰") == ["楊杰"])
        }
    }

    @Test("one-character and three-or-more-character terms are found")
    func oneAndThreeCharacterTerms() throws {
        let registry = try Self.seeded()
        defer { registry.removeTemporaryFiles() }
        do {
            #expect(try registry.nominees("珞") == ["珞"])
            #expect(try registry.nominees("金銀湖") == ["葉莉"])
            #expect(try registry.nominees("清理河道") == ["楊杰"])
            #expect(try registry.nominees("河道清理").isEmpty)
        }
    }

    @Test("a term spanning two fields does not match")
    func fieldBoundary() throws {
        let registry = try Self.seeded()
        defer { registry.removeTemporaryFiles() }
        do {
            #expect(try registry.nominees("葉莉") == ["葉莉"])
            #expect(try registry.nominees("王葉") == ["王葉"])
            #expect(try registry.nominees("葉莉花").isEmpty)
        }
    }

    @Test("traditional and simplified find each other", .tags(.needsRealFold))
    func traditionalSimplified() throws {
        let registry = try Self.seeded()
        defer { registry.removeTemporaryFiles() }
        do {
            try withRealFold { () throws in
                #expect(try registry.nominees("叶莉") == ["葉莉"])
                #expect(try registry.nominees("万科") == ["萬科物業服務隊"])
                #expect(try registry.nominees("社区") == ["葉莉"])
                #expect(try registry.nominees("杨杰") == ["楊杰"])
            }
        }
        try withRegistry { registry in
            _ = try registry.ingest([item("s.txt", [nomination("叶莉", citation: "社区义工。")])])
            try withRealFold { () throws in
                #expect(try registry.nominees("葉莉") == ["叶莉"])
                #expect(try registry.nominees("社區") == ["叶莉"])
            }
        }
    }

    @Test("Latin is folded: diacritics, decomposed input, full width", .tags(.needsRealFold))
    func latinFolding() throws {
        let registry = try Self.seeded()
        defer { registry.removeTemporaryFiles() }
        do {
            try withRealFold { () throws in
                #expect(try registry.nominees("schrodinger") == ["Erwin Schrödinger"])
                #expect(try registry.nominees("Jose\u{301}") == ["José Martí"])
                #expect(try registry.nominees("jose marti") == ["José Martí"])
                #expect(try registry.nominees("abc") == ["ＡＢＣ Team"])
                #expect(try registry.nominees("ＡＢＣ") == ["ＡＢＣ Team"])
            }
        }
    }

    @Test("Latin search ignores case and matches word prefixes")
    func latinCaseAndPrefix() throws {
        let registry = try Self.seeded()
        defer { registry.removeTemporaryFiles() }
        do {
            #expect(try registry.nominees("SCHRÖDINGER") == ["Erwin Schrödinger"])
            #expect(try registry.nominees("schrö") == ["Erwin Schrödinger"])
            #expect(try registry.nominees("wave equation") == ["Erwin Schrödinger"])
        }
    }

    @Test("every term must match")
    func multiWordAND() throws {
        let registry = try Self.seeded()
        defer { registry.removeTemporaryFiles() }
        do {
            #expect(try registry.nominees("葉莉 金銀湖") == ["葉莉"])
            #expect(try registry.nominees("葉莉 河道").isEmpty)
            #expect(try registry.nominees("Science team") == ["ＡＢＣ Team"])
        }
    }

    @Test("user input cannot inject FTS5 syntax, and nothing-to-search is an empty page")
    func hostileInput() throws {
        let registry = try Self.seeded()
        defer { registry.removeTemporaryFiles() }
        do {
            for input in [#"葉莉" OR "楊杰"#, "NEAR(葉莉 楊杰)", "*", "{award}: 獎", "-楊杰", "\"", "AND", "，。", ""] {
                _ = try registry.search(input, filter: .all, limit: 10, offset: 0)
            }
            #expect(try registry.search("，。", filter: .all, limit: 10, offset: 0) == Page(items: [], total: 0))
        }
    }

    @Test("filters restrict search and list, matching the folded value")
    func filters() throws {
        let registry = try Self.seeded()
        defer { registry.removeTemporaryFiles() }
        do {
            #expect(try registry.nominees("prize", filter: EntryFilter(award: "Science Prize")).sorted() == ["Erwin Schrödinger", "ＡＢＣ Team"])
            #expect(try registry.nominees("prize", filter: EntryFilter(award: "science PRIZE")).count == 2)
            #expect(try registry.nominees("葉莉", filter: EntryFilter(award: "青年志願者獎")).isEmpty)
            #expect(try registry.nominees("葉莉", filter: EntryFilter(status: .nominated)) == ["葉莉"])
            #expect(try registry.nominees("葉莉", filter: EntryFilter(status: .awarded)).isEmpty)
            #expect(try registry.nominees("葉莉", filter: EntryFilter(cycle: "2024", region: "金銀湖街道")) == ["葉莉"])
            #expect(try registry.list(filter: EntryFilter(award: "社區服務獎"), limit: 10).total == 1)
        }
    }

    @Test("award filter given in simplified finds traditional", .tags(.needsRealFold))
    func foldedFilter() throws {
        let registry = try Self.seeded()
        defer { registry.removeTemporaryFiles() }
        do {
            try withRealFold { () throws in
                #expect(try registry.list(filter: EntryFilter(award: "社区服务奖"), limit: 10).items.map(\.nominee) == ["葉莉"])
            }
        }
    }

    @Test("totals are exact up to the cap, then a lower bound; pages past the cap still work")
    func cappedTotal() throws {
        try withRegistry { registry in
            let cap = Registry.totalCap
            let items = (0..<(cap + 5)).map { i in item("c\(i).txt", [nomination("隊員\(i)號", citation: "參與社區清潔第\(i)次")]) }
            _ = try registry.ingest(items)
            let page = try registry.search("清潔", filter: .all, limit: 10, offset: 0)
            #expect(page.total == cap)
            #expect(!page.totalIsExact)
            #expect(page.items.count == 10)
            let last = try registry.search("清潔", filter: .all, limit: 10, offset: cap)
            #expect(last.items.count == 5, "offset past the cap reaches the oldest matches")
            #expect(last.items.last?.nominee == "隊員0號")
            let listed = try registry.list(limit: 1)
            #expect(listed.total == cap && !listed.totalIsExact)
            let few = try registry.search("隊員7號", filter: .all, limit: 10, offset: 0)
            #expect(few.totalIsExact)
            #expect(try registry.list(filter: EntryFilter(award: "無此獎"), limit: 1) == Page(items: [], total: 0))
        }
    }

    @Test("paging: limit and offset walk all matches once, total stays")
    func paging() throws {
        try withRegistry { registry in
            let items = (0..<25).map { i in item("p\(i).txt", [nomination("隊員\(i)號", citation: "參與社區清潔第\(i)次")]) }
            _ = try registry.ingest(items)
            var seen: [String] = []
            for offset in stride(from: 0, to: 30, by: 10) {
                let page = try registry.search("清潔", filter: .all, limit: 10, offset: offset)
                #expect(page.total == 25)
                seen += page.items.map(\.nominee)
            }
            #expect(seen.count == 25)
            #expect(Set(seen).count == 25)
            #expect(seen.first == "隊員24號")  // newest first when no nominee matches
        }
    }

    @Test("nominee matches rank before newer matches elsewhere, across pages")
    func nomineeTierFirst() throws {
        try withRegistry { registry in
            _ = try registry.ingest([item("1.txt", [nomination("葉莉", citation: "照顧長者")])])
            _ = try registry.ingest((0..<5).map { i in item("n\(i).txt", [nomination("鄰居\(i)", citation: "與葉莉一起照顧長者")]) })
            #expect(try registry.nominees("葉莉").first == "葉莉")
            let first = try registry.search("葉莉", filter: .all, limit: 2, offset: 0)
            let second = try registry.search("葉莉", filter: .all, limit: 2, offset: 2)
            #expect(first.total == 6)
            #expect(first.items.map(\.nominee) == ["葉莉", "鄰居4"])
            #expect(second.items.map(\.nominee) == ["鄰居3", "鄰居2"])
        }
    }

    @Test("a new nomination's citation replaces the old one in the index")
    func reindexOnNewCitation() throws {
        try withRegistry { registry in
            _ = try registry.ingest([item("1.txt", [nomination("葉莉", region: "舊區", citation: "舊的事蹟")])])
            _ = try registry.ingest([item("2.txt", [nomination("葉莉", region: "新區", citation: "全新的表揚")])])
            #expect(try registry.nominees("舊的").isEmpty)
            #expect(try registry.nominees("舊區").isEmpty)
            #expect(try registry.nominees("全新") == ["葉莉"])
            #expect(try registry.nominees("新區") == ["葉莉"])
            #expect(try registry.search("葉莉", filter: .all, limit: 5, offset: 0).total == 1)
            // The index agrees with the table: FTS5's own consistency check.
            try registry.pool.write { db in try db.execute(sql: "INSERT INTO entry_fts(entry_fts, rank) VALUES ('integrity-check', 1)") }
        }
    }
}
