/// The JSON and JSON Lines formats.
///
/// A record is one object with the lower-case fields `award`, `nominee`, `kind`, `cycle`,
/// `region`, `nominator`, `reference`, `contact`, `citation`, and `extra` (an object of string
/// values). Decisions:
/// - `null` is the same as an absent field;
/// - `cycle` may be an integer number (`2020` → `"2020"`); any other number is `wrong_type`;
/// - any other top-level key with a string value goes into `extra` (a non-string is `wrong_type`;
///   the same key at top level and inside `extra` is `invalid_value`);
/// - a key twice in one object is `malformed_json`.
enum JSONFormat {
    /// A `.json` file: one object, or an array of objects.
    static func parseJSON(_ bytes: [UInt8], limits: NominationLimits) throws(Refusal) -> [Nomination] {
        let root: BoundedJSON.Node
        do throws(BoundedJSON.Failure) {
            root = try BoundedJSON.parse(bytes, range: bodyRange(bytes), firstLine: 1, maxDepth: limits.maxJSONDepth)
        } catch {
            throw Refusal(error.code, error.message, line: error.line)
        }
        switch root.value {
        case .object:
            return [try record(root, number: nil)]
        case .array(let elements):
            if elements.isEmpty { throw Refusal(.emptyBatch, "the file holds an empty array: no nominations") }
            if elements.count > limits.maxRecords {
                throw Refusal(
                    .tooManyRecords, "the file holds \(elements.count) records; the limit is \(limits.maxRecords)")
            }
            var result: [Nomination] = []
            result.reserveCapacity(elements.count)
            for (offset, element) in elements.enumerated() {
                result.append(try record(element, number: offset + 1))
            }
            return result
        default:
            throw Refusal(
                .wrongType,
                "a .json file must hold an object or an array of objects, not \(root.value.typeName)",
                line: root.line
            )
        }
    }

    /// A `.jsonl` file: one object per line; blank lines ignored.
    static func parseJSONLines(_ bytes: [UInt8], limits: NominationLimits) throws(Refusal) -> [Nomination] {
        var result: [Nomination] = []
        var line = 1
        var start = bodyRange(bytes).lowerBound
        let n = bytes.count
        while start <= n {
            var stop = start
            while stop < n && bytes[stop] != 0x0A && bytes[stop] != 0x0D { stop += 1 }
            if (start..<stop).contains(where: { !isJSONSpace(bytes[$0]) }) {
                if result.count >= limits.maxRecords {
                    throw Refusal(.tooManyRecords, "the file holds more than \(limits.maxRecords) records", line: line)
                }
                let number = result.count + 1
                let node: BoundedJSON.Node
                do throws(BoundedJSON.Failure) {
                    node = try BoundedJSON.parse(
                        bytes, range: start..<stop, firstLine: line, maxDepth: limits.maxJSONDepth)
                } catch {
                    throw Refusal(error.code, error.message, record: number, line: error.line)
                }
                result.append(try record(node, number: number))
            }
            if stop >= n { break }
            start = stop + 1
            if bytes[stop] == 0x0D && start < n && bytes[start] == 0x0A { start += 1 }
            line += 1
        }
        if result.isEmpty { throw Refusal(.emptyBatch, "the file holds no records") }
        return result
    }

    private static func isJSONSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// Skip a UTF-8 BOM.
    private static func bodyRange(_ bytes: [UInt8]) -> Range<Int> {
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        return (hasBOM ? 3 : 0)..<bytes.count
    }

    private static func record(_ node: BoundedJSON.Node, number: Int?) throws(Refusal) -> Nomination {
        guard case .object(let members) = node.value else {
            throw Refusal(
                .wrongType, "a record must be a JSON object, not \(node.value.typeName)", record: number,
                line: node.line)
        }
        var draft = NominationDraft()
        draft.record = number
        draft.line = node.line
        var topLevelExtra: [(String, NominationDraft.Value)] = []
        var explicitExtra: [(String, NominationDraft.Value)] = []
        for member in members {
            let key = member.key
            let value = member.node
            if key == "extra" {
                switch value.value {
                case .null: continue
                case .object(let extraMembers):
                    for extra in extraMembers {
                        guard case .string(let text) = extra.node.value else {
                            throw draft.refusal(
                                .wrongType,
                                "the extra field \"\(extra.key)\" must be a string, not \(extra.node.value.typeName)",
                                field: "extra.\(extra.key)",
                                line: extra.node.line
                            )
                        }
                        explicitExtra.append((extra.key, .init(text: text, line: extra.node.line)))
                    }
                default:
                    throw draft.refusal(
                        .wrongType,
                        "\"extra\" must be an object of strings, not \(value.value.typeName)",
                        field: "extra",
                        line: value.line
                    )
                }
                continue
            }
            let text: String
            switch value.value {
            case .null:
                continue
            case .string(let string):
                text = string
            case .number(let literal) where key == "cycle" && literal.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }):
                text = literal
            default:
                let expected = key == "cycle" ? "a string or a whole number" : "a string"
                throw draft.refusal(
                    .wrongType,
                    "the field \"\(key)\" must be \(expected), not \(value.value.typeName)",
                    field: key,
                    line: value.line
                )
            }
            if NominationDraft.knownFields.contains(key) {
                draft.fields[key] = .init(text: text, line: value.line)
            } else {
                topLevelExtra.append((key, .init(text: text, line: value.line)))
            }
        }
        let explicitNames = Set(explicitExtra.map(\.0))
        for (name, value) in topLevelExtra where explicitNames.contains(name) {
            throw draft.refusal(
                .invalidValue,
                "the field \"\(name)\" is given both at top level and inside \"extra\"",
                field: name,
                line: value.line
            )
        }
        draft.extra = explicitExtra.map { (name: $0.0, value: $0.1) } + topLevelExtra.map { (name: $0.0, value: $0.1) }
        return try draft.build()
    }
}
