import LaurelCore

/// The text the full-text index holds, produced in Swift rather than by an SQLite tokenizer.
///
/// SQLite's `unicode61` tokenizer keeps a run of Han characters as one token, and `trigram` cannot
/// match terms shorter than three characters (most Chinese names have two). So we hand the index
/// pre-tokenised text: every field is folded (`SearchFolding.fold`), then
///
/// - each run of Han characters `c1 … cn` becomes the bigrams `c1c2, c2c3, …, c(n-1)cn` followed by
///   the single `cn`: every character starts exactly one token and tokens sit at consecutive
///   positions, so a phrase of adjacent bigrams finds any substring of the run;
/// - each run of other letters and digits is one token, as folded;
/// - everything else separates tokens.
///
/// The tokens are joined with spaces; `unicode61` then splits on the spaces and keeps each token
/// whole (Han characters are letters to it). The same function feeds the query compiler, so the
/// index and the queries can never disagree about what a token is.
enum SearchTokens {
    /// A maximal run of one kind of character inside folded text.
    enum Run: Hashable {
        case han([Unicode.Scalar])
        case word(String)
    }

    /// Bumped whenever the token shape changes; part of the index fingerprint.
    static let version = 1

    /// Splits already-folded text into Han runs and word runs; separators are dropped.
    static func runs(inFolded text: String) -> [Run] {
        var runs: [Run] = []
        var han: [Unicode.Scalar] = []
        var word = String.UnicodeScalarView()
        func flush() {
            if !han.isEmpty {
                runs.append(.han(han))
                han.removeAll(keepingCapacity: true)
            }
            if !word.isEmpty {
                runs.append(.word(String(word)))
                word = String.UnicodeScalarView()
            }
        }
        for scalar in text.unicodeScalars {
            if isHan(scalar) {
                if !word.isEmpty { flush() }
                han.append(scalar)
            } else if isWordScalar(scalar) {
                if !han.isEmpty { flush() }
                word.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return runs
    }

    /// The index tokens of one Han run: bigrams, then the last character alone.
    static func hanTokens(_ run: [Unicode.Scalar]) -> [String] {
        guard let last = run.last else { return [] }
        var tokens: [String] = []
        tokens.reserveCapacity(run.count)
        if run.count >= 2 {
            for i in 0..<(run.count - 1) {
                var pair = String.UnicodeScalarView()
                pair.append(run[i])
                pair.append(run[i + 1])
                tokens.append(String(pair))
            }
        }
        tokens.append(String(Character(last)))
        return tokens
    }

    /// The tokens of one display field, in index order.
    static func indexTokens(_ display: String) -> [String] {
        var tokens: [String] = []
        for run in runs(inFolded: SearchFolding.fold(display)) {
            switch run {
            case .han(let scalars): tokens.append(contentsOf: hanTokens(scalars))
            case .word(let word): tokens.append(word)
            }
        }
        return tokens
    }

    /// What is written to (and, for the FTS5 `delete` command, recomputed for) one index column:
    /// `indexTokens(display).joined(separator: " ")`, written straight into one UTF-8 buffer
    /// (ingest calls this for every field of every entry; the token arrays were most of its cost).
    static func indexText(_ display: String) -> String {
        let folded = SearchFolding.fold(display)
        var out: [UInt8] = []
        out.reserveCapacity(folded.utf8.count * 2 + 4)
        // The previous character of the current Han run, not yet written as a token's start.
        var pendingHan: Unicode.Scalar? = nil
        var inWord = false
        for scalar in folded.unicodeScalars {
            if isHan(scalar) {
                inWord = false
                if let previous = pendingHan {
                    if !out.isEmpty { out.append(0x20) }
                    appendUTF8(previous, to: &out)
                    appendUTF8(scalar, to: &out)
                }
                pendingHan = scalar
            } else {
                if let last = pendingHan {
                    if !out.isEmpty { out.append(0x20) }
                    appendUTF8(last, to: &out)
                    pendingHan = nil
                }
                if isWordScalar(scalar) {
                    if !inWord {
                        if !out.isEmpty { out.append(0x20) }
                        inWord = true
                    }
                    appendUTF8(scalar, to: &out)
                } else {
                    inWord = false
                }
            }
        }
        if let last = pendingHan {
            if !out.isEmpty { out.append(0x20) }
            appendUTF8(last, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        if scalar.value < 0x80 {
            out.append(UInt8(scalar.value))
        } else {
            out.append(contentsOf: UTF8.encode(scalar)!)
        }
    }

    /// Letters, digits and private-use characters: the classes `unicode61` keeps in tokens.
    /// Combining marks are separators to `unicode61`, so they are to us too.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .privateUse:
            true
        default:
            false
        }
    }

    /// CJK Unified Ideographs, Extension A, Extensions B–F and the compatibility ideographs.
    /// (Local until LaurelCore offers one.)
    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x2_0000...0x2_EBEF, 0xF900...0xFAFF: true
        default: false
        }
    }
}
