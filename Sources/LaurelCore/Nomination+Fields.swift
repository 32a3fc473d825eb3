/// The fields of one record as found in a file, before validation and normalisation. Every
/// format (header block, JSON, JSON Lines, the bulletin importer) fills one of these and calls
/// ``build()``, so validation and normalisation have one code path.
struct NominationDraft {
    /// The known fields, lower-case names.
    static let knownFields: [String] = [
        "award", "nominee", "kind", "cycle", "region", "nominator", "reference", "contact", "citation",
    ]

    struct Value {
        var text: String
        var line: Int?
    }

    /// Known field → raw value.
    var fields: [String: Value] = [:]
    /// Unknown fields in the order met, names as written.
    var extra: [(name: String, value: Value)] = []
    /// 1-based record number in a batch, nil for single-record formats.
    var record: Int?
    /// Line of the record's start, used when a required field is missing.
    var line: Int?

    func refusal(_ code: Refusal.Code, _ message: String, field: String?, line: Int? = nil) -> Refusal {
        Refusal(code, message, record: record, line: line ?? self.line, field: field)
    }

    /// Validate and normalise into a ``Nomination``.
    func build() throws(Refusal) -> Nomination {
        func required(_ name: String, citation: Bool = false) throws(Refusal) -> String {
            guard let value = fields[name] else {
                throw refusal(.missingField, "the required field \"\(name)\" is missing", field: name)
            }
            let normalised = citation ? TextNormalizer.citation(value.text) : TextNormalizer.field(value.text)
            if normalised.isEmpty {
                throw refusal(.emptyField, "the required field \"\(name)\" is empty", field: name, line: value.line)
            }
            return normalised
        }
        func optional(_ name: String) -> String {
            fields[name].map { TextNormalizer.field($0.text) } ?? ""
        }
        let award = try required("award")
        let nominee = try required("nominee")
        let citation = try required("citation", citation: true)
        var kind = NomineeKind.team
        let kindText = optional("kind").lowercased()
        if !kindText.isEmpty {
            guard let parsed = NomineeKind(rawValue: kindText) else {
                throw refusal(
                    .invalidValue,
                    "kind must be person, team or organization, not \"\(kindText)\"",
                    field: "kind",
                    line: fields["kind"]?.line
                )
            }
            kind = parsed
        }
        var extraValues: [String: String] = [:]
        for (name, value) in extra {
            extraValues[name] = TextNormalizer.field(value.text)
        }
        var nomination = Nomination(
            award: award,
            nominee: nominee,
            kind: kind,
            cycle: optional("cycle"),
            region: optional("region"),
            nominator: optional("nominator"),
            reference: optional("reference"),
            contact: optional("contact"),
            citation: citation,
            extra: extraValues
        )
        let checked: [(String, String)] =
            [
                ("award", nomination.award), ("nominee", nomination.nominee), ("region", nomination.region),
                ("nominator", nomination.nominator), ("reference", nomination.reference),
                ("contact", nomination.contact), ("citation", nomination.citation),
            ] + extraValues.sorted { $0.key < $1.key }.map { ("extra field \"\($0.key)\"", $0.value) }
        for (name, text) in checked {
            if let warning = Mojibake.warning(field: name, text: text) {
                nomination.warnings.append(warning)
            }
        }
        return nomination
    }
}
