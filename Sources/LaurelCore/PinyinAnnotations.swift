import Foundation

/// Removes pinyin reading annotations such as `區(qū)` → `區` from display text.
///
/// Some sources (the seed bulletin among them) print a tone-marked syllable in ASCII parentheses
/// after a Han character. The rule: `(syllable)` directly after a Han character is removed only
/// when `syllable` (compared after NFC, lower-cased) is one of that character's Mandarin readings
/// in Unihan (kMandarin, kHanyuPinyin, kXHC1983, kTGHZ2013, kHanyuPinlu). Real parentheses stay:
/// `(2020)`, `(一)`, `武漢(Wuhan)`, and `(an)` after a character that is not read `an`. Toneless
/// syllables only match the few characters whose reading is itself toneless (neutral tone).
public enum PinyinAnnotations {
    /// The longest syllable we look at, in scalars (`zhuàng` is 6; leave room for combining marks).
    static let maxSyllableScalars = 8

    /// `text` (expected in NFC) with every reading annotation removed.
    public static func strip(_ text: String) -> String {
        guard text.utf8.contains(0x28) else { return text }  // no "(": nothing to strip
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            out.append(scalar)
            i += 1
            guard SearchFolding.isHan(scalar) else { continue }
            // Remove every annotation that follows: `區(qū)(qū)` must give `區`, not `區(qū)`, or a
            // second pass would change the text again (normalisation must be idempotent).
            while i < scalars.count, scalars[i] == "(" {
                // Look for `)` within a syllable's length, with only pinyin letters in between.
                var j = i + 1
                var syllable = String.UnicodeScalarView()
                while j < scalars.count, j - i - 1 <= maxSyllableScalars, isPinyinLetter(scalars[j]) {
                    syllable.append(scalars[j])
                    j += 1
                }
                guard j < scalars.count, scalars[j] == ")", !syllable.isEmpty,
                    isReading(String(syllable), of: scalar)
                else { break }
                i = j + 1
            }
        }
        return String(out)
    }

    /// Whether `syllable` is a Mandarin reading of `han`.
    public static func isReading(_ syllable: String, of han: Unicode.Scalar) -> Bool {
        let key = syllable.precomposedStringWithCanonicalMapping.lowercased()
        return readings[key]?.contains(han.value) ?? false
    }

    static func isPinyinLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x61...0x7A, 0x41...0x5A: return true  // a–z, A–Z
        case 0xC0...0x24F: return true  // Latin-1 and Extended-A/B: ā á ǎ à ü ǘ ǚ ǜ …
        case 0x1E00...0x1EFF: return true  // Latin Extended Additional: ḿ …
        case 0x300...0x36F: return true  // combining tone marks
        default: return false
        }
    }

    /// syllable → the Han scalars read that way; parsed once from the generated table.
    private static let readings: [String: Set<UInt32>] = {
        var table: [String: Set<UInt32>] = [:]
        for line in PinyinReadingsData.table.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let syllable = String(line[..<colon])
            table[syllable] = Set(line[line.index(after: colon)...].unicodeScalars.map(\.value))
        }
        return table
    }()
}
