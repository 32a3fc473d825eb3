/// Detects text that was probably decoded with the wrong encoding (mojibake), so that a reviewer
/// can check it. Detection only: the text is neither repaired nor refused.
///
/// The damage we see in practice is GBK text decoded out of step (a lost byte), or UTF-8 read as
/// GBK. It leaves marks that clean Chinese text almost never has, because Chinese prose uses
/// full-width punctuation (`？！`) and has no kana:
///
/// - strong (one is enough): U+FFFD; `锟斤拷`; an ASCII `?` right after a Han character and
///   followed by a Latin letter or by one of `!@/<>\` (`家中?!边`, `因?yàn`, `了?!?/span>`);
/// - weak (two are needed): a Han character, `@`, a Han character (`边@是`, a GBK trail byte
///   0x40); a lone kana between Han characters in text with at most two kana (`工ぷ髟`); one of
///   `銆 鈥 锛`, the usual first characters of UTF-8 punctuation read as GBK.
public enum Mojibake {
    /// Where the first sign of damage is, with some context, or nil when the text looks clean.
    public static func detect(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        var weak = 0
        var firstWeak: Int? = nil
        let kanaCount = scalars.lazy.filter { isKana($0) }.count
        func isHanAt(_ i: Int) -> Bool { i >= 0 && i < scalars.count && SearchFolding.isHan(scalars[i]) }
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            switch s {
            case "\u{FFFD}":
                return excerpt(scalars, at: i)
            case "锟" where i + 2 < scalars.count && scalars[i + 1] == "斤" && scalars[i + 2] == "拷":
                return excerpt(scalars, at: i)
            case "?" where isHanAt(i - 1) && i + 1 < scalars.count:
                let next = scalars[i + 1]
                if next.properties.isAlphabetic && next.value < 0x250 || "!@/<>\\".unicodeScalars.contains(next) {
                    return excerpt(scalars, at: i)
                }
            case "@" where isHanAt(i - 1) && isHanAt(i + 1):
                weak += 1
                firstWeak = firstWeak ?? i
            case "銆", "鈥", "锛":
                weak += 1
                firstWeak = firstWeak ?? i
            default:
                if isKana(s) && kanaCount <= 2 && isHanAt(i - 1) && isHanAt(i + 1) {
                    weak += 1
                    firstWeak = firstWeak ?? i
                }
            }
            i += 1
        }
        if weak >= 2, let at = firstWeak { return excerpt(scalars, at: at) }
        return nil
    }

    /// The warning for a nomination whose `field` looks damaged, or nil.
    static func warning(field: String, text: String) -> NominationWarning? {
        guard let near = detect(text) else { return nil }
        return NominationWarning(
            code: "mojibake",
            message: "The \(field) looks garbled near “\(near)” (text decoded with the wrong encoding, "
                + "often GBK); please compare it with the original before publishing."
        )
    }

    /// Hiragana and katakana, except the middle dot `・`, which Chinese uses in foreign names.
    static func isKana(_ s: Unicode.Scalar) -> Bool { (0x3041...0x30FF).contains(s.value) && s.value != 0x30FB }

    static func excerpt(_ scalars: [Unicode.Scalar], at i: Int) -> String {
        let lower = max(0, i - 3)
        let upper = min(scalars.count, i + 6)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[lower..<upper].map { $0 == "\n" ? " " : $0 })
        return String(view)
    }
}
