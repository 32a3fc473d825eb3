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
        guard
            base.contains(where: \.isNewline) || base.first?.isWhitespace == true
                || base.last?.isWhitespace == true
        else { return base }
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
        return unified.precomposedStringWithCanonicalMapping
    }

    static func trim(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = text.lastIndex(where: { !$0.isWhitespace })!
        return text[first...last]
    }
}
