/// What a nominee is. Header files and JSON spell it in lower case.
public enum NomineeKind: String, Sendable, Hashable, Codable, CaseIterable {
    case person
    case team
    case organization
}

/// A warning recorded on a nomination that was accepted anyway (for example likely mojibake).
public struct NominationWarning: Sendable, Hashable, Codable {
    /// Short machine code, e.g. `mojibake`.
    public var code: String
    /// A sentence for the people who review the nomination.
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// One nomination, normalised to its display form (NFC, trimmed, annotations removed).
///
/// Optional header fields are the empty string when absent, so that a nomination has exactly one
/// representation and compares by value.
public struct Nomination: Sendable, Hashable {
    public var award: String
    public var nominee: String
    public var kind: NomineeKind
    public var cycle: String
    public var region: String
    public var nominator: String
    public var reference: String
    public var contact: String
    public var citation: String
    /// Unknown headers (header format: the header name as written; JSON: the `extra` object).
    public var extra: [String: String]
    public var warnings: [NominationWarning]

    public init(
        award: String,
        nominee: String,
        kind: NomineeKind = .team,
        cycle: String = "",
        region: String = "",
        nominator: String = "",
        reference: String = "",
        contact: String = "",
        citation: String,
        extra: [String: String] = [:],
        warnings: [NominationWarning] = []
    ) {
        self.award = award
        self.nominee = nominee
        self.kind = kind
        self.cycle = cycle
        self.region = region
        self.nominator = nominator
        self.reference = reference
        self.contact = contact
        self.citation = citation
        self.extra = extra
        self.warnings = warnings
    }

    /// The identity of the entry (the honour) this nomination is for.
    public var entryKey: EntryKey { EntryKey(award: award, nominee: nominee, cycle: cycle) }
}
