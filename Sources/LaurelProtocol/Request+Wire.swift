// The request line grammar: `VERB arg arg ...`, arguments separated by spaces or tabs, an argument
// that needs it written as one double-quoted token with the escapes \" \\ \n \r \t.
// Kept pure (no NIO) so the server, the client and the tests share one definition.

/// Why a request line could not be parsed. The server answers `ERR BAD_REQUEST <sentence>` and keeps
/// the connection open (a syntax error is not a framing error).
///
/// Compare with the ``Kind`` constants: `error.kind == .unterminatedQuote`.
public struct RequestSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a closed set.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case emptyRequest, unterminatedQuote, textAfterQuote, strayQuote, badEscape, controlCharacter
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The line held no verb (it was empty or only white space).
        public static let emptyRequest = Kind(.emptyRequest)
        /// A quoted argument was not closed before the end of the line.
        public static let unterminatedQuote = Kind(.unterminatedQuote)
        /// A closing quote was followed by something other than white space (`"ab"cd`).
        public static let textAfterQuote = Kind(.textAfterQuote)
        /// A `"` appeared inside an unquoted argument (`ab"cd`).
        public static let strayQuote = Kind(.strayQuote)
        /// A backslash inside a quoted argument was followed by something other than `"`, `\`, `n`, `r` or `t`.
        public static let badEscape = Kind(.badEscape)
        /// An unquoted argument held a control character.
        public static let controlCharacter = Kind(.controlCharacter)

        /// A short name for logs and tests.
        public var description: String {
            switch code {
            case .emptyRequest: "empty request"
            case .unterminatedQuote: "unterminated quote"
            case .textAfterQuote: "text after quote"
            case .strayQuote: "stray quote"
            case .badEscape: "bad escape"
            case .controlCharacter: "control character"
            }
        }
    }

    /// The class of the error.
    public let kind: Kind
    /// A sentence a person can act on, echoing at most ``WireText/maxEcho`` bytes of the bad input.
    public let sentence: String

    /// Creates an error; `sentence` should already be bounded (see ``WireText/excerpt(_:)``).
    public init(_ kind: Kind, sentence: String) {
        self.kind = kind
        self.sentence = sentence
    }

    /// The wire code the server sends: always ``WireErrorCode/badRequest``.
    public var code: WireErrorCode { .badRequest }

    /// The reply line the server sends for this error.
    public var reply: ReplyLine { .error(code, sentence) }

    /// The sentence.
    public var description: String { sentence }
}

/// Helpers for putting untrusted text into a reply line.
public enum WireText {
    /// At most this many bytes of bad input are echoed back in an error sentence.
    public static let maxEcho = 128

    /// A printable excerpt of `text` for an error sentence: at most ``maxEcho`` UTF-8 bytes (cut on a
    /// character boundary, marked with `…`), written as a quoted argument so that control characters,
    /// quotes and line ends cannot break the reply line.
    public static func excerpt(_ text: some StringProtocol) -> String {
        var kept = Substring()
        var bytes = 0
        var cut = false
        for character in text {
            let size = character.utf8.count
            if bytes + size > maxEcho {
                cut = true
                break
            }
            bytes += size
            kept.append(character)
        }
        return Request.quote(String(kept), always: true) + (cut ? "…" : "")
    }
}

extension Request {
    /// The request line as sent on the wire, without the line end.
    ///
    /// Each argument that is empty or holds a space, a tab, `"`, `\` or a control character is written as
    /// one double-quoted token. `Request.parse(line: r.serialized())` gives back `r` (without its
    /// payload, which travels after the line). A NUL cannot travel in a request line.
    public func serialized() -> String {
        var line = Request.quote(verb.rawValue)
        for argument in arguments {
            line.append(" ")
            line.append(Request.quote(argument))
        }
        return line
    }

    /// Writes `argument` as one token, quoting it only when needed (or always, when `always` is set).
    public static func quote(_ argument: String, always: Bool = false) -> String {
        if !always, !argument.isEmpty, !argument.utf8.contains(where: needsQuoting) {
            return argument
        }
        var out = "\""
        out.reserveCapacity(argument.utf8.count + 2)
        for scalar in argument.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
        return out
    }

    private static func needsQuoting(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Parses one request line (without its LF; a trailing CR is ignored).
    ///
    /// The verb is the first token, upper-cased; the other tokens are the arguments. A `SUBMIT` line's
    /// payload is not part of the line: the decoder attaches it (``RequestDecoder``).
    public static func parse(line: some StringProtocol) throws(RequestSyntaxError) -> Request {
        var tokens: [String] = []
        var utf8 = Substring(line).utf8[...]
        if utf8.last == UInt8(ascii: "\r") { utf8.removeLast() }
        let whole = utf8

        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

        while true {
            while let b = utf8.first, isSpace(b) { utf8.removeFirst() }
            guard let first = utf8.first else { break }
            if first == UInt8(ascii: "\"") {
                utf8.removeFirst()
                var bytes: [UInt8] = []
                var closed = false
                while let b = utf8.popFirst() {
                    if b == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    if b == UInt8(ascii: "\\") {
                        guard let e = utf8.popFirst() else { break }
                        switch e {
                        case UInt8(ascii: "\""): bytes.append(e)
                        case UInt8(ascii: "\\"): bytes.append(e)
                        case UInt8(ascii: "n"): bytes.append(0x0A)
                        case UInt8(ascii: "r"): bytes.append(0x0D)
                        case UInt8(ascii: "t"): bytes.append(0x09)
                        default:
                            throw RequestSyntaxError(
                                .badEscape,
                                sentence: "the escape \\\(Character(Unicode.Scalar(e))) is not one of \\\" \\\\ \\n \\r \\t in \(WireText.excerpt(String(decoding: whole, as: UTF8.self)))"
                            )
                        }
                    } else {
                        bytes.append(b)
                    }
                }
                guard closed else {
                    throw RequestSyntaxError(
                        .unterminatedQuote,
                        sentence: "a quoted argument is not closed in \(WireText.excerpt(String(decoding: whole, as: UTF8.self)))"
                    )
                }
                if let next = utf8.first, !isSpace(next) {
                    throw RequestSyntaxError(
                        .textAfterQuote,
                        sentence: "a closing quote must be followed by a space or the end of the line in \(WireText.excerpt(String(decoding: whole, as: UTF8.self)))"
                    )
                }
                tokens.append(String(decoding: bytes, as: UTF8.self))
            } else {
                let start = utf8.startIndex
                while let b = utf8.first, !isSpace(b) {
                    if b == UInt8(ascii: "\"") {
                        throw RequestSyntaxError(
                            .strayQuote,
                            sentence: "a quote may only open a whole argument in \(WireText.excerpt(String(decoding: whole, as: UTF8.self)))"
                        )
                    }
                    if b < 0x20 || b == 0x7F {
                        throw RequestSyntaxError(
                            .controlCharacter,
                            sentence: "an argument holding a control character must be quoted in \(WireText.excerpt(String(decoding: whole, as: UTF8.self)))"
                        )
                    }
                    utf8.removeFirst()
                }
                tokens.append(String(decoding: whole[start..<utf8.startIndex], as: UTF8.self))
            }
        }
        guard let verb = tokens.first else {
            throw RequestSyntaxError(.emptyRequest, sentence: "the request line is empty; send a verb such as PING")
        }
        return Request(Verb(rawValue: verb), Array(tokens.dropFirst()))
    }

    /// A `SUBMIT` request carrying `contents` as the file called `fileName`.
    public static func submit(fileName: String, contents: [UInt8]) -> Request {
        Request(.submit, [fileName, String(contents.count)], payload: contents)
    }
}

extension Verb {
    /// Whether this verb is one of ``Verb/all``.
    public var isKnown: Bool { Verb.all.contains(self) }
}
