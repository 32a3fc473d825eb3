import Foundation

/// The display-form normalisation applied to every field of every nomination, whatever the format.
///
/// 1. line ends unified to LF (CRLF and lone CR);
/// 2. Unicode NFC;
/// 3. pinyin reading annotations removed (``PinyinAnnotations``);
/// 4. one-line fields: each line trimmed, lines joined with one space, trimmed;
///    the citation: each line trimmed, three or more newlines collapsed to one blank line, trimmed.
public enum TextNormalizer {
    /// Normalise a one-line field (award, nominee, kind, cycle, region, …, `extra` values).
    public static func field(_ text: String) -> String {
        let base = PinyinAnnotations.strip(nfcWithLF(text))
        // A line break always starts a Character (grapheme rules break around controls and
        // U+2028/U+2029), and `Character.isNewline` looks at that first scalar: so a field
        // without these scalars is one line, and the split below would give `trim(base)`.
        guard base.unicodeScalars.contains(where: isNewlineScalar) else {
            return String(trim(base[...]))
        }
        // Every line break a renderer honours (VT, FF, NEL, U+2028, U+2029 as well as LF) ends a
        // line here: a header value may hold VT or U+2028, and a one-line field must not break.
        return base.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
            .map { trim($0) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// Normalise a citation: paragraphs kept, lines trimmed, at most one blank line in a row.
    public static func citation(_ text: String) -> String {
        let base = PinyinAnnotations.strip(nfcWithLF(text))
        var out: [Substring] = []
        var blankRun = 0
        for line in base.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = trim(line)
            if trimmed.isEmpty {
                blankRun += 1
                continue
            }
            if !out.isEmpty {
                if blankRun > 0 { out.append("") }
            }
            blankRun = 0
            out.append(trimmed)
        }
        return out.joined(separator: "\n")
    }

    /// Line ends to LF, then NFC.
    static func nfcWithLF(_ text: String) -> String {
        var unified = text
        if unified.utf8.contains(0x0D) {
            unified = unified.replacingOccurrences(of: "\r\n", with: "\n")
                .replacingOccurrences(of: "\r", with: "\n")
        }
        if unified.unicodeScalars.allSatisfy(isStableStarter) { return unified }
        return unified.precomposedStringWithCanonicalMapping
    }

    /// The scalars `Character.isNewline` is true for (as the first scalar of a Character).
    @inline(__always)
    static func isNewlineScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Scalars that are NFC_Quick_Check=Yes and have combining class 0: text made only of these is
    /// already in NFC (UAX #15 quick check), so the Foundation round trip, most of the cost of
    /// normalising a field, is skipped. Covers what nominations are mostly made of: ASCII and
    /// Latin-1 to Latin Extended-B, general punctuation, CJK symbols and punctuation, the CJK
    /// unified ideographs (with Extension A) and the full-width forms. Left out on purpose:
    /// U+2000–U+200F (U+2000 and U+2001 are canonical singletons), U+302A–U+302F (combining),
    /// the CJK compatibility ideographs (singletons). `NormalizationTests` checks every scalar here.
    @inline(__always)
    static func isStableStarter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0...0x2FF, 0x2010...0x2027, 0x2030...0x205E, 0x3000...0x3029, 0x3030...0x303F,
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF01...0xFF60:
            true
        default:
            false
        }
    }

    static func trim(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = text.lastIndex(where: { !$0.isWhitespace })!
        return text[first...last]
    }
}
