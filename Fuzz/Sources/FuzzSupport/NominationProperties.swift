import LaurelCore

/// The properties every nomination fuzz target checks. A violation traps with a sentence, which
/// libFuzzer reports as a crash and saves the input.
public enum NominationProperties {
    /// Every refusal code the parser may produce. Anything else is a bug.
    static let knownCodes: Set<Refusal.Code> = [
        .emptyFile, .notUTF8, .nulByte, .tooLarge, .headerTooLong, .malformedHeader, .duplicateHeader,
        .missingField, .emptyField, .invalidValue, .wrongType, .malformedJSON, .tooDeep, .tooManyRecords,
        .emptyBatch,
    ]

    static let limits = NominationLimits.default

    /// Parse `bytes` as `fileName` and check: a known refusal, or normalised nominations that
    /// survive a round trip through the header format (when representable) and through JSON.
    public static func check(_ bytes: [UInt8], fileName: String) {
        let nominations: [Nomination]
        do {
            nominations = try NominationParser.parse(bytes, fileName: fileName)
        } catch {
            checkRefusal(error)
            return
        }
        require(!nominations.isEmpty, "an accepted file gave no nominations")
        for nomination in nominations {
            checkNormalised(nomination)
            if let header = headerText(nomination) {
                roundTrip(Array(header.utf8), fileName: "again.nom", expect: [nomination])
            }
        }
        let json = jsonText(nominations)
        if json.utf8.count <= limits.maxFileBytes {
            roundTrip(Array(json.utf8), fileName: "again.json", expect: nominations)
        }
    }

    static func checkRefusal(_ refusal: Refusal) {
        require(knownCodes.contains(refusal.code), "unknown refusal code \(refusal.code)")
        require(!refusal.message.isEmpty, "a refusal with an empty message: \(refusal.code)")
        if let line = refusal.line { require(line >= 1, "refusal line \(line) < 1: \(refusal)") }
        if let record = refusal.record { require(record >= 1, "refusal record \(record) < 1: \(refusal)") }
    }

    static func checkNormalised(_ n: Nomination) {
        require(!n.award.isEmpty && !n.nominee.isEmpty && !n.citation.isEmpty, "a required field is empty: \(n)")
        let oneLine = [n.award, n.nominee, n.cycle, n.region, n.nominator, n.reference, n.contact] + Array(n.extra.values)
        for text in oneLine {
            require(TextNormalizer.field(text) == text, "one-line field not normalised: \(debug(text))")
            require(!text.contains(where: \.isNewline), "one-line field holds a line end: \(debug(text))")
        }
        require(TextNormalizer.citation(n.citation) == n.citation, "citation not normalised: \(debug(n.citation))")
    }

    static func roundTrip(_ bytes: [UInt8], fileName: String, expect: [Nomination]) {
        let again: [Nomination]
        do {
            again = try NominationParser.parse(bytes, fileName: fileName)
        } catch {
            fatalError("re-parsing the accepted nominations as \(fileName) was refused: \(error)\n\(debug(String(decoding: bytes, as: UTF8.self)))")
        }
        require(again == expect, "round trip through \(fileName) changed the nominations:\n\(expect)\n\(again)")
    }

    /// The nomination as a header-block file, or nil when an extra name cannot be a header name.
    static func headerText(_ n: Nomination) -> String? {
        var lines: [String] = []
        var names: Set<String> = []
        func add(_ name: String, _ value: String) {
            lines.append("\(name): \(value)")
            names.insert(name.lowercased())
        }
        add("Award", n.award)
        add("Nominee", n.nominee)
        add("Kind", n.kind.rawValue)
        for (name, value) in [("Cycle", n.cycle), ("Region", n.region), ("Nominator", n.nominator),
                              ("Reference", n.reference), ("Contact", n.contact)] where !value.isEmpty {
            add(name, value)
        }
        for (name, value) in n.extra.sorted(by: { $0.key < $1.key }) {
            let lower = name.lowercased()
            guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0 == ":" }),
                  !name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0 == "\r" || $0 == "\n" }),
                  !names.contains(lower), lower == "citation" || !knownField(lower)
            else { return nil }
            add(name, value)
        }
        guard lines.allSatisfy({ $0.utf8.count <= limits.maxHeaderLineBytes }) else { return nil }
        // A value that starts with a combining mark cannot be written as a header: after "Name: " the
        // space and the mark form one grapheme, which trimming removes (a known limit of the format).
        let values = [n.award, n.nominee, n.cycle, n.region, n.nominator, n.reference, n.contact] + Array(n.extra.values)
        guard values.allSatisfy({ $0.isEmpty || (" " + $0).first == " " }) else { return nil }
        return lines.joined(separator: "\n") + "\n\n" + n.citation + "\n"
    }

    static func knownField(_ name: String) -> Bool {
        ["award", "nominee", "kind", "cycle", "region", "nominator", "reference", "contact", "citation"].contains(name)
    }

    /// The nominations as a `.json` array.
    static func jsonText(_ list: [Nomination]) -> String {
        var out = "["
        for (i, n) in list.enumerated() {
            if i > 0 { out += ",\n" }
            out += "{"
            var fields = [("award", n.award), ("nominee", n.nominee), ("kind", n.kind.rawValue)]
            for (k, v) in [("cycle", n.cycle), ("region", n.region), ("nominator", n.nominator),
                           ("reference", n.reference), ("contact", n.contact)] where !v.isEmpty {
                fields.append((k, v))
            }
            fields.append(("citation", n.citation))
            out += fields.map { "\(jsonString($0.0)): \(jsonString($0.1))" }.joined(separator: ", ")
            if !n.extra.isEmpty {
                out += ", \"extra\": {"
                out += n.extra.sorted(by: { $0.key < $1.key })
                    .map { "\(jsonString($0.key)): \(jsonString($0.value))" }.joined(separator: ", ")
                out += "}"
            }
            out += "}"
        }
        return out + "]\n"
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func debug(_ s: String) -> String { String(reflecting: s) }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("property violated: \(message())") }
    }
}
