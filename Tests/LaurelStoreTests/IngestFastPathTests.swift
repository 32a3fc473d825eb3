import Foundation
import LaurelCore
import Testing

@testable import LaurelStore

/// The ingest path writes some values without the general machinery (no token arrays, no
/// `JSONEncoder` for the common cases). These tests pin that the short cuts give the same bytes
/// (compared byte for byte: `String ==` is canonical equivalence) as the general code, because the FTS5 `delete` command and the readers depend on it.
@Suite("Ingest short cuts give the same bytes as the general code (pure)")
struct IngestFastPathTests {
    /// Characters that exercise every branch of the tokeniser: Han (BMP, Extension B,
    /// compatibility, traditional), Latin with diacritics, full width, digits, kana, punctuation,
    /// white space, combining marks and symbols.
    static let alphabet: [Character] = Array(
        "葉莉金銀湖社區萬科乾隆𠀀𠀁豈 AbcZ09éÖßＡＢ１２かナ，。、！?-_ \n\t\u{301}·•€😀()「」")

    @Test("indexText is the index tokens joined with spaces, for random mixed text")
    func indexTextMatchesTokens() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let length = Int.random(in: 0...24, using: &rng)
            let text = String((0..<length).map { _ in Self.alphabet.randomElement(using: &rng)! })
            #expect(Array(SearchTokens.indexText(text).utf8) == Array(SearchTokens.indexTokens(text).joined(separator: " ").utf8), "\(text.debugDescription)")
        }
    }

    @Test("indexText of fixed samples", arguments: [
        "", " ", "，。", "金", "金銀湖街道", "葉莉，ABC隊2024年", "𠀀葉", "Schrödinger ＡＢＣ Jose\u{301} 葉莉 萬科 社區 乾隆",
        "a金b", "金a銀", "abc  def", "金 銀",
    ])
    func indexTextSamples(text: String) {
        #expect(Array(SearchTokens.indexText(text).utf8) == Array(SearchTokens.indexTokens(text).joined(separator: " ").utf8))
    }

    @Test("warning codes are encoded as JSONEncoder does", arguments: [
        [String](), ["mojibake"], ["a", "b-c", "d_e", "f.1"], [""], ["quote\"d", "back\\slash", "sl/ash", "新"],
    ])
    func codesMatchJSONEncoder(codes: [String]) throws {
        #expect(Array(try Registry.encodeCodes(codes).utf8) == Array(try StoreJSON.encode(codes).utf8))
    }

    @Test("an empty extra object and an empty warning list are {} and [] to JSONEncoder too")
    func emptyCollections() throws {
        #expect(try StoreJSON.encode([String: String]()) == "{}")
        #expect(try StoreJSON.encode([NominationWarning]()) == "[]")
    }
}
