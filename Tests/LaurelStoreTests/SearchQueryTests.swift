import Foundation
import LaurelCore
import Testing

@testable import LaurelStore

/// Characters here are the same in traditional and simplified, so these hold with the real fold.
@Suite("Search query compilation (pure)")
struct SearchQueryTests {
    @Test("one Han character is a prefix query: it starts exactly one token")
    func oneHanCharacter() {
        #expect(SearchQuery("珞")?.matchExpression == #""珞"*"#)
    }

    @Test("two Han characters are one bigram token")
    func twoHanCharacters() {
        #expect(SearchQuery("李明")?.matchExpression == #""李明""#)
    }

    @Test("three or more Han characters are a phrase of adjacent bigrams")
    func longHanRun() {
        #expect(SearchQuery("金山湖")?.matchExpression == #""金山 山湖""#)
        #expect(SearchQuery("金山湖街")?.matchExpression == #""金山 山湖 湖街""#)
    }

    @Test("Latin words are prefix queries, folded")
    func latinWords() {
        #expect(SearchQuery("Team")?.matchExpression == #""team"*"#)
    }

    @Test("terms and the runs of a mixed term are ANDed")
    func termsAreANDed() {
        #expect(SearchQuery("李明 金山湖")?.matchExpression == #""李明" AND "金山 山湖""#)
        #expect(SearchQuery("abc李明")?.matchExpression == #""abc"* AND "李明""#)
    }

    @Test(
        "FTS5 syntax in user input is never passed through",
        arguments: [#"葉莉" OR "x"#, "NEAR(a b)", "a*", "{nominee}: x", "-x", "a AND b", "^x", "x:y"])
    func syntaxIsQuoted(input: String) throws {
        let expression = try #require(SearchQuery(input)).matchExpression
        // Every part is a quoted token (optionally a prefix) joined by AND; no bare operators.
        for part in expression.components(separatedBy: " AND ") {
            #expect(part.hasPrefix("\""))
            #expect(part.hasSuffix("\"") || part.hasSuffix("\"*"))
            #expect(!part.dropFirst().dropLast(part.hasSuffix("*") ? 2 : 1).contains("\""))
        }
    }

    @Test("empty or punctuation-only queries compile to nothing", arguments: ["", "   ", "，。！", "\"*()", "-"])
    func nothingToSearch(input: String) {
        #expect(SearchQuery(input) == nil)
    }
}

@Suite("Index tokens (pure)")
struct SearchTokensTests {
    @Test("a Han run becomes its bigrams then its last character")
    func hanRun() {
        #expect(SearchTokens.indexTokens("金山湖") == ["金山", "山湖", "湖"])
        #expect(SearchTokens.indexTokens("珞") == ["珞"])
    }

    @Test("punctuation separates, Latin and digits are words, runs switch at script changes")
    func mixed() {
        #expect(SearchTokens.indexTokens("李明，ABC湖2024年") == ["李明", "明", "abc", "湖", "2024", "年"])
    }

    @Test("Extension B characters are Han")
    func extensionB() {
        #expect(SearchTokens.indexTokens("𠀀李") == ["𠀀李", "李"])
    }
}
