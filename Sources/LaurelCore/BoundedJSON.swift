/// A small JSON parser for nomination files: pure, linear in the input, nesting bounded by
/// `maxDepth` (so recursion is bounded), and errors that carry the line number. Foundation's
/// decoders are not used for input because they have no depth limit and report no lines.
struct BoundedJSON {
    /// A parsed value with the line it starts on.
    indirect enum Value {
        case null
        case bool(Bool)
        /// The number's literal text, as written.
        case number(String)
        case string(String)
        case array([Node])
        case object([Member])

        var typeName: String {
            switch self {
            case .null: "null"
            case .bool: "a boolean"
            case .number: "a number"
            case .string: "a string"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }

    struct Node {
        var value: Value
        var line: Int
    }

    struct Member {
        var key: String
        var node: Node
    }

    /// Thrown by the parser; the format code turns it into a `Refusal` with record numbers.
    struct Failure: Error {
        var code: Refusal.Code
        var message: String
        var line: Int
    }

    private let bytes: [UInt8]
    private var index: Int
    private let end: Int
    private var line: Int
    private let maxDepth: Int

    /// Parse exactly one value filling `bytes[range]` (white space around it allowed).
    static func parse(_ bytes: [UInt8], range: Range<Int>, firstLine: Int, maxDepth: Int) throws(Failure) -> Node {
        var parser = BoundedJSON(
            bytes: bytes, index: range.lowerBound, end: range.upperBound, line: firstLine, maxDepth: maxDepth)
        parser.skipSpace()
        let node = try parser.parseValue(depth: 0)
        parser.skipSpace()
        if parser.index < parser.end {
            throw parser.failure("unexpected text after the JSON value")
        }
        return node
    }

    private func failure(_ message: String) -> Failure {
        Failure(code: .malformedJSON, message: message, line: line)
    }

    private mutating func skipSpace() {
        while index < end {
            switch bytes[index] {
            case 0x20, 0x09: index += 1
            case 0x0A:
                line += 1
                index += 1
            case 0x0D:
                index += 1
                if index >= end || bytes[index] != 0x0A { line += 1 }
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> Node {
        guard index < end else { throw failure("the JSON ends where a value was expected") }
        let startLine = line
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            if depth + 1 > maxDepth {
                throw Failure(code: .tooDeep, message: "JSON nested deeper than \(maxDepth) levels", line: line)
            }
            return bytes[index] == UInt8(ascii: "{")
                ? Node(value: try parseObject(depth: depth + 1), line: startLine)
                : Node(value: try parseArray(depth: depth + 1), line: startLine)
        case UInt8(ascii: "\""):
            return Node(value: .string(try parseString()), line: startLine)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return Node(value: .bool(true), line: startLine)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return Node(value: .bool(false), line: startLine)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return Node(value: .null, line: startLine)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return Node(value: .number(try parseNumber()), line: startLine)
        default:
            throw failure("unexpected character where a JSON value was expected")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard end - index >= count else { throw failure("unknown word; expected \(word)") }
        let ok = word.withUTF8Buffer { buffer in
            for k in 0..<count where bytes[index + k] != buffer[k] { return false }
            return true
        }
        guard ok else { throw failure("unknown word; expected \(word)") }
        index += count
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> Value {
        index += 1  // {
        var members: [Member] = []
        var seen = Set<String>()
        skipSpace()
        if index < end && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard index < end, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("expected a quoted key in the JSON object")
            }
            let keyLine = line
            let key = try parseString()
            if !seen.insert(key).inserted {
                throw Failure(
                    code: .malformedJSON, message: "the key \"\(key)\" appears twice in one object", line: keyLine)
            }
            skipSpace()
            guard index < end, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after the key") }
            index += 1
            skipSpace()
            let value = try parseValue(depth: depth)
            members.append(Member(key: key, node: value))
            skipSpace()
            guard index < end else { throw failure("the JSON ends inside an object; expected '}'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            throw failure("expected ',' or '}' in the JSON object")
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> Value {
        index += 1  // [
        var elements: [Node] = []
        skipSpace()
        if index < end && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipSpace()
            elements.append(try parseValue(depth: depth))
            skipSpace()
            guard index < end else { throw failure("the JSON ends inside an array; expected ']'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            throw failure("expected ',' or ']' in the JSON array")
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        index += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard index < end else { throw failure("the JSON ends inside a string") }
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < end else { throw failure("the JSON ends inside a string escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var value = try parseHex4()
                    if value == 0 {
                        // A raw NUL byte refuses the file (NominationInput); the escape must not be
                        // the way around it: NUL cannot be stored as text or sent in a reply line.
                        throw Failure(
                            code: .nulByte,
                            message: "a JSON string holds \\u0000 (a NUL character); remove it",
                            line: line)
                    }
                    if (0xD800...0xDBFF).contains(value) {
                        guard end - index >= 6, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { throw failure("a \\u escape holds half of a surrogate pair") }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw failure("a \\u escape holds half of a surrogate pair")
                        }
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(value) {
                        throw failure("a \\u escape holds half of a surrogate pair")
                    }
                    SearchFolding.appendUTF8(value, to: &out)
                default:
                    throw failure("unknown escape in a JSON string")
                }
            case 0x00..<0x20:
                throw failure(
                    "a control character (such as a raw line break) inside a JSON string; write it as an escape")
            default:
                out.append(b)
                index += 1
            }
        }
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
        guard end - index >= 4 else { throw failure("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw failure("a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(Failure) -> String {
        let start = index
        func isDigit(_ i: Int) -> Bool { i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { throw failure("malformed number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { throw failure("malformed number") }
            while isDigit(index) { index += 1 }
        }
        if index < end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < end && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard isDigit(index) else { throw failure("malformed number") }
            while isDigit(index) { index += 1 }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }
}
