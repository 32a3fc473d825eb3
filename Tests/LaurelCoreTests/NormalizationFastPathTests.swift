import Foundation
import Testing

@testable import LaurelCore

/// `TextNormalizer` skips work for common text (no Foundation NFC round trip for text that is
/// already NFC by the quick check, no split for a one-line field). These tests hold the short
/// cuts to the general rule, which is kept here as the reference.
@Suite("Normalisation short cuts agree with the general rule")
struct NormalizationFastPathTests {
    /// The rule as it was written before the short cuts.
    enum Reference {
        static func nfcWithLF(_ text: String) -> String {
            var unified = text
            if unified.utf8.contains(0x0D) {
                unified = unified.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            }
            return unified.precomposedStringWithCanonicalMapping
        }

        static func field(_ text: String) -> String {
            let base = PinyinAnnotations.strip(nfcWithLF(text))
            guard
                base.contains(where: \.isNewline) || base.first?.isWhitespace == true
                    || base.last?.isWhitespace == true
            else { return base }
            return base.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
                .map { TextNormalizer.trim($0) }
                .filter { !$0.isEmpty }
                .joined(separator: " ")
        }
    }

    @Test("every scalar the NFC short cut trusts is a starter that NFC leaves alone")
    func stableStartersAreStable() {
        var checked = 0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), TextNormalizer.isStableStarter(scalar) else { continue }
            checked += 1
            let alone = String(Character(scalar))
            #expect(scalar.properties.canonicalCombiningClass == .notReordered, "U+\(String(value, radix: 16))")
            #expect(alone.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(alone.unicodeScalars), "U+\(String(value, radix: 16))")
        }
        #expect(checked == 28_577)  // the ranges below, so a typo in them shows
    }

    /// Characters that reach both paths: stable starters, combining marks (which compose with a
    /// stable starter before them), singletons, line breaks of every kind, white space, `(` for
    /// the pinyin stripper, Han with its readings.
    static let alphabet: [String] = [
        "a", "e", "Z", " ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\u{3000}",
        "\u{301}", "\u{304}", "\u{308}", "\u{302A}", "\u{3099}", "\u{2000}", "\u{F900}", "\u{212B}", "é", "ü", "Å",
        "區", "社", "長", "葉", "(", ")", "qū", "cháng", "。", "，", "Ａ", "か", "\u{1100}", "\u{1161}", "가", "-", "“",
    ]

    @Test("field and nfcWithLF give the reference result for random text")
    func randomText() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in Self.alphabet.randomElement(using: &rng)! }.joined()
            #expect(TextNormalizer.nfcWithLF(text).unicodeScalars.elementsEqual(Reference.nfcWithLF(text).unicodeScalars), "\(text.debugDescription)")
            #expect(TextNormalizer.field(text).unicodeScalars.elementsEqual(Reference.field(text).unicodeScalars), "\(text.debugDescription)")
        }
    }
}
