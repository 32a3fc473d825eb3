// Reply lines on the wire: `<STATUS><SEP><text>`, SEP `-` when more lines of the reply follow,
// a space on the last line.

extension ReplyLine {
    /// The line as sent on the wire, without the line end: `OK-{…}`, `OK count=3`, `ERR NOT_FOUND …`.
    public func serialized() -> String {
        status.rawValue + (more ? "-" : " ") + text
    }

    /// Parses one reply line (without its LF; a trailing CR is ignored). Returns `nil` when the line
    /// does not start with `OK`, `ERR` or `EVT` followed by `-` or a space. A bare status (`OK`) is
    /// read as a last line with empty text.
    public static func parse(_ line: some StringProtocol) -> ReplyLine? {
        var line = Substring(line)
        if line.utf8.last == UInt8(ascii: "\r") { line = line.dropLast() }
        let status: Status
        if line.hasPrefix("OK") {
            status = .ok
        } else if line.hasPrefix("ERR") {
            status = .err
        } else if line.hasPrefix("EVT") {
            status = .event
        } else {
            return nil
        }
        var rest = line.utf8.dropFirst(status.rawValue.utf8.count)
        guard let separator = rest.popFirst() else {
            return ReplyLine(status, more: false, "")
        }
        switch separator {
        case UInt8(ascii: "-"): return ReplyLine(status, more: true, String(decoding: rest, as: UTF8.self))
        case UInt8(ascii: " "): return ReplyLine(status, more: false, String(decoding: rest, as: UTF8.self))
        default: return nil
        }
    }

    /// For an `ERR` line, its code and sentence. An unknown code reads as ``WireErrorCode/internal``
    /// with the code kept at the front of the sentence.
    public var wireError: (code: WireErrorCode, sentence: String)? {
        guard status == .err else { return nil }
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        let word = parts.first.map(String.init) ?? ""
        let sentence = parts.count > 1 ? String(parts[1]) : ""
        if let code = WireErrorCode(rawValue: word) { return (code, sentence) }
        return (.internal, text)
    }

    /// The `name=value` words of a summary line such as `OK total=120 count=20`.
    public var summary: [String: String] {
        var out: [String: String] = [:]
        for word in text.split(separator: " ") {
            guard let eq = word.firstIndex(of: "=") else { continue }
            out[String(word[..<eq])] = String(word[word.index(after: eq)...])
        }
        return out
    }

    /// A continuation line carrying one record as JSON (`OK-{…}`, or `EVT-{…}` for events).
    public static func record(_ record: some Encodable, status: Status = .ok) -> ReplyLine {
        ReplyLine(status, more: true, WireJSON.encode(record))
    }
}

/// A whole reply: the continuation lines and the last line.
public struct Reply: Sendable, Hashable {
    /// The lines sent with `more` set (records, export lines, events), in order.
    public var lines: [ReplyLine]
    /// The last line (`more == false`): `OK …` or `ERR …`.
    public var final: ReplyLine

    /// Creates a reply.
    public init(lines: [ReplyLine], final: ReplyLine) {
        self.lines = lines
        self.final = final
    }

    /// Whether the reply ended in `ERR`.
    public var isError: Bool { final.status == .err }

    /// The error code and sentence, when the reply ended in `ERR`.
    public var wireError: (code: WireErrorCode, sentence: String)? { final.wireError }

    /// Decodes every continuation line as a `T` record.
    public func records<T: Decodable>(_ type: T.Type = T.self) throws(WireJSON.DecodingError) -> [T] {
        var out: [T] = []
        out.reserveCapacity(lines.count)
        for line in lines { out.append(try WireJSON.decode(T.self, from: line.text)) }
        return out
    }
}
