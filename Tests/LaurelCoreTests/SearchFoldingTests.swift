import LaurelCore
import Testing

@Suite("Search folding and entry identity")
struct SearchFoldingTests {
    @Test(
        "traditional and simplified Han fold equal",
        arguments: [
            ("葉莉", "叶莉"), ("萬科", "万科"), ("社區", "社区"), ("團隊", "团队"), ("武漢", "武汉"),
        ])
    func traditionalSimplified(_ a: String, _ b: String) {
        #expect(SearchFolding.fold(a) == SearchFolding.fold(b))
        #expect(SearchFolding.fold(a) == b)
    }

    @Test(
        "case, diacritics, width and white space fold",
        arguments: [
            ("Schrödinger", "schrodinger"),
            ("Jose\u{301}", "jose"),
            ("Jos\u{E9}", "jose"),
            ("ＡＢＣ１２３", "abc123"),
            ("  Team \t\n A\u{3000}\u{00A0}B  ", "team a b"),
            ("STRASSE", "strasse"),
            ("Straße", "strasse"),
            ("ﬁle", "file"),
            ("①", "1"),
            ("", ""),
            ("   ", ""),
        ])
    func latin(_ input: String, _ expected: String) {
        #expect(SearchFolding.fold(input) == expected)
    }

    @Test("compatibility ideographs fold to the unified, simplified character")
    func compatibility() {
        // U+F9B0 is a compatibility form of 聆; U+FA0C of 兀.
        #expect(SearchFolding.fold("\u{F9B0}") == "聆")
        #expect(SearchFolding.fold("\u{FA0C}") == "兀")
    }

    @Test("isHan covers the unified blocks, extensions and compatibility ideographs")
    func isHan() {
        for v: UInt32 in [0x4E00, 0x9FFF, 0x3400, 0x4DBF, 0xF900, 0x20000, 0x2A700, 0x2B740, 0x2B820, 0x2CEB0, 0x2F800]
        {
            #expect(SearchFolding.isHan(Unicode.Scalar(v)!))
        }
        for s: Unicode.Scalar in ["a", "。", "あ", "한", "\u{3000}", "（"] {
            #expect(!SearchFolding.isHan(s))
        }
    }

    @Test("entry keys are equal across scripts, case and spacing")
    func entryKeyEquality() {
        let a = EntryKey(award: "最美社區團隊", nominee: "葉莉", cycle: "2020")
        let b = EntryKey(award: "最美社区团队", nominee: " 叶莉 ", cycle: "２０２０")
        #expect(a == b)
        #expect(
            EntryKey(award: "Team  A", nominee: "x", cycle: "") == EntryKey(award: "team a", nominee: "X", cycle: ""))
        #expect(a != EntryKey(award: "最美社區團隊", nominee: "葉莉", cycle: "2021"))
    }

    @Test("shortID is stable for a fixed key")
    func shortID() {
        let key = EntryKey(award: "最美社區團隊", nominee: "園博社區", cycle: "2020")
        #expect(key.rawValue == "最美社区团队\u{1F}园博社区\u{1F}2020")
        #expect(key.shortID() == "54g6xg9c")
        #expect(key.shortID(attempt: 1) != key.shortID())
        #expect(key.shortID().count == 8)
    }
}
