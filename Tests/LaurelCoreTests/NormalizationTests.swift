import LaurelCore
import Testing

@Suite("Display normalisation")
struct NormalizationTests {
    @Test("fields are NFC: a decomposed é is stored composed")
    func nfc() throws {
        let n = try #require(parse("Award: Jose\u{301}\nNominee: B\n\nc").nominations.first)
        #expect(n.award.unicodeScalars.count == 4)
        #expect(n.award.unicodeScalars.last == "\u{E9}")
    }

    @Test("one-line fields are trimmed and their inner line breaks become one space")
    func oneLineFields() throws {
        #expect(TextNormalizer.field("  Team\u{3000}A \n  B  ") == "Team\u{3000}A B")
        let n = try #require(
            parse(#"{"award":" A ","nominee":"x\r\ny","citation":"c"}"#, as: "a.json").nominations.first)
        #expect(n.award == "A")
        #expect(n.nominee == "x y")
    }

    @Test("citations: lines trimmed, line ends unified, 3+ newlines collapse to one blank line")
    func citation() {
        #expect(TextNormalizer.citation("\n  one \r\ntwo\r\r\r\n\n  three\u{3000}\n\n") == "one\ntwo\n\nthree")
        #expect(TextNormalizer.citation("a\n\nb") == "a\n\nb")
    }

    @Test(
        "pinyin annotations after Han characters are removed",
        arguments: [
            ("社區(qū)", "社區"),
            ("團(tuán)隊(duì)", "團隊"),
            ("隊長(cháng)", "隊長"),
            ("復(fù)地", "復地"),
            ("社區(qu\u{304})", "社區"),  // combining macron, compared after NFC
            ("社區(Qū)", "社區"),
        ])
    func pinyinStripped(_ input: String, _ expected: String) {
        #expect(TextNormalizer.field(input) == expected)
    }

    @Test(
        "real parentheses are kept",
        arguments: [
            "(2020)", "第(一)條", "武漢(Wuhan)", "安(an)", "社區(an)", "區 (qū)", "社區(qūū)", "(qū)", "A(qū)", "社區(qū",
            "長(zhǎng)(cháng)x",
        ])
    func parenthesesKept(_ input: String) {
        // Both readings go: keeping "長(cháng)x" made normalisation non-idempotent (it normalises
        // again to "長x"); see FuzzRegressionTests.
        let expected = input == "長(zhǎng)(cháng)x" ? "長x" : input
        #expect(TextNormalizer.field(input) == expected)
    }

    @Test("isReading knows every reading of a polyphonic character")
    func readings() {
        #expect(PinyinAnnotations.isReading("cháng", of: "長"))
        #expect(PinyinAnnotations.isReading("zhǎng", of: "長"))
        #expect(!PinyinAnnotations.isReading("an", of: "長"))
    }

    @Test("annotations are stripped in every field, including extra")
    func everyField() throws {
        let text = "Award: 最美社區(qū)團(tuán)隊(duì)\nNominee: 園博社區(qū)\nRegion: 武漢(Wuhan)\nNote: 社區(qū)\n\n社區(qū)書記"
        let n = try #require(parse(text).nominations.first)
        #expect(n.award == "最美社區團隊")
        #expect(n.nominee == "園博社區")
        #expect(n.region == "武漢(Wuhan)")
        #expect(n.extra["Note"] == "社區")
        #expect(n.citation == "社區書記")
    }
}
