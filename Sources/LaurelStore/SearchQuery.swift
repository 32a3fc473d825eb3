import LaurelCore

/// A user's search text compiled to an FTS5 `MATCH` expression over the pre-tokenised index
/// (see `SearchTokens`). Pure: no database needed to build or test it.
///
/// The text is folded and split on white space; every term must match (AND). Inside a term:
/// - one Han character `c` → `"c"*` (it is the first character of exactly one token);
/// - two Han characters → the bigram token `"c1c2"`;
/// - three or more → the phrase of adjacent bigrams `"c1c2 c2c3 …"`;
/// - a run of letters/digits → a prefix query `"word"*`, so `schrod` finds Schrödinger while typing;
/// - a term mixing runs (`abc葉莉`) → its runs ANDed.
///
/// Every token is quoted, so no user input can reach FTS5 syntax; a query with nothing
/// searchable compiles to `nil` (an empty result, not an error).
public struct SearchQuery: Sendable, Hashable {
    /// The expression (for `entry_fts` over all its columns, and for `nominee_fts`).
    public let matchExpression: String

    /// Compiles `text`; `nil` when it holds nothing searchable.
    public init?(_ text: String) {
        var parts: [String] = []
        for term in SearchFolding.fold(text).split(whereSeparator: { $0.isWhitespace }) {
            for run in SearchTokens.runs(inFolded: String(term)) {
                switch run {
                case .han(let scalars) where scalars.count == 1:
                    parts.append(Self.quote(String(Character(scalars[0]))) + "*")
                case .han(let scalars):
                    // The phrase is the bigrams only; the run's trailing single token is not needed.
                    let bigrams = SearchTokens.hanTokens(scalars).dropLast()
                    parts.append(Self.quote(bigrams.joined(separator: " ")))
                case .word(let word):
                    parts.append(Self.quote(word) + "*")
                }
            }
        }
        guard !parts.isEmpty else { return nil }
        matchExpression = parts.joined(separator: " AND ")
    }

    /// An FTS5 string: double quotes doubled, nothing else is special inside one.
    static func quote(_ token: String) -> String {
        var out = "\""
        for character in token {
            if character == "\"" { out.append("\"") }
            out.append(character)
        }
        out.append("\"")
        return out
    }
}
