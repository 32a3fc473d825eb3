import LaurelCore
import Testing

@Suite("Header-block format")
struct HeaderFormatTests {
    @Test("a full header file parses into every field")
    func fullFile() throws {
        let text = """
            Award: 最美社區團隊
            Nominee: 園博社區
            Kind: organization
            Cycle: 2020
            Region: 武漢
            Nominator: 金銀湖街道
            Reference: REF-7
            Contact: a@example.org

            First paragraph.

            Second paragraph.
            """
        let list = parse(text).nominations
        #expect(list.count == 1)
        let n = try #require(list.first)
        #expect(n.award == "最美社區團隊")
        #expect(n.nominee == "園博社區")
        #expect(n.kind == .organization)
        #expect(n.cycle == "2020")
        #expect(n.region == "武漢")
        #expect(n.nominator == "金銀湖街道")
        #expect(n.reference == "REF-7")
        #expect(n.contact == "a@example.org")
        #expect(n.citation == "First paragraph.\n\nSecond paragraph.")
        #expect(n.extra.isEmpty)
        #expect(n.warnings.isEmpty)
    }

    @Test("kind defaults to team; absent optional fields are empty strings")
    func defaults() throws {
        let n = try #require(parse(minimalHeader).nominations.first)
        #expect(n.kind == .team)
        #expect(n.cycle == "" && n.region == "" && n.nominator == "" && n.reference == "" && n.contact == "")
    }

    @Test("header names and the kind value are case-insensitive")
    func caseInsensitive() throws {
        let n = try #require(parse("AWARD: X\nnominee: Y\nKiNd: PERSON\n\nc").nominations.first)
        #expect(n.award == "X")
        #expect(n.nominee == "Y")
        #expect(n.kind == .person)
    }

    @Test("unknown headers are kept in extra under the name as written")
    func unknownHeaders() throws {
        let n = try #require(parse("Award: X\nX-Source: bulletin 7\nNominee: Y\n\nc").nominations.first)
        #expect(n.extra == ["X-Source": "bulletin 7"])
    }

    @Test("a UTF-8 byte order mark is ignored")
    func bom() throws {
        let n = try #require(parse(bytes: [0xEF, 0xBB, 0xBF] + Array(minimalHeader.utf8)).nominations.first)
        #expect(n.award == "Best Team")
    }

    @Test("CRLF and lone CR line ends parse like LF", arguments: ["\r\n", "\r"])
    func lineEnds(_ end: String) throws {
        let text = ["Award: A", "Nominee: B", "", "one", "", "", "", "two  "].joined(separator: end)
        let n = try #require(parse(text).nominations.first)
        #expect(n.award == "A")
        #expect(n.nominee == "B")
        #expect(n.citation == "one\n\ntwo")
    }

    @Test("a line without a colon in the header block is malformed_header with its line")
    func malformedHeader() throws {
        let refusal = try #require(parse("Award: A\nNominee B\n\nc").refusal)
        #expect(refusal.code == .malformedHeader)
        #expect(refusal.line == 2)
    }

    @Test("a header name with spaces is malformed_header")
    func headerNameWithSpace() throws {
        let refusal = try #require(parse("Award: A\nThe nominee: B\n\nc").refusal)
        #expect(refusal.code == .malformedHeader)
        #expect(refusal.line == 2)
    }

    @Test("a repeated header, in any case, is duplicate_header naming field and line")
    func duplicateHeader() throws {
        let refusal = try #require(parse("Award: A\nNominee: B\naward: C\n\nc").refusal)
        #expect(refusal.code == .duplicateHeader)
        #expect(refusal.line == 3)
        #expect(refusal.field == "award")
    }

    @Test("a header line over the limit is header_too_long")
    func headerTooLong() throws {
        let limits = NominationLimits(maxHeaderLineBytes: 20)
        #expect(parse("Award: 1234567890123\nNominee: B\n\nc", limits: limits).refusal == nil)
        let refusal = try #require(parse("Award: A\nNominee: 1234567890123\n\nc", limits: limits).refusal)
        #expect(refusal.code == .headerTooLong)
        #expect(refusal.line == 2)
    }

    @Test("missing required headers are missing_field naming the field")
    func missingField() throws {
        #expect(parse("Nominee: B\n\nc").refusal?.field == "award")
        #expect(parse("Nominee: B\n\nc").refusal?.code == .missingField)
        #expect(parse("Award: A\n\nc").refusal?.field == "nominee")
        let noCitation = try #require(parse("Award: A\nNominee: B\n").refusal)
        #expect(noCitation.code == .missingField)
        #expect(noCitation.field == "citation")
    }

    @Test("empty required values are empty_field with the line")
    func emptyField() throws {
        let award = try #require(parse("Award:   \nNominee: B\n\nc").refusal)
        #expect(award.code == .emptyField)
        #expect(award.field == "award")
        #expect(award.line == 1)
        let citation = try #require(parse("Award: A\nNominee: B\n\n  \n\n").refusal)
        #expect(citation.code == .emptyField)
        #expect(citation.field == "citation")
    }

    @Test("a kind other than person, team or organization is invalid_value")
    func invalidKind() throws {
        let refusal = try #require(parse("Award: A\nNominee: B\nKind: robot\n\nc").refusal)
        #expect(refusal.code == .invalidValue)
        #expect(refusal.field == "kind")
        #expect(refusal.line == 3)
    }

    @Test("blank lines before the first header are skipped")
    func leadingBlankLines() throws {
        #expect(parse("\n\n" + minimalHeader).nominations.count == 1)
    }
}
