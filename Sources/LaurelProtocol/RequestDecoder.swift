import NIOCore

/// What the ``RequestDecoder`` produces for each request line.
public enum RequestFrame: Sendable, Hashable {
    /// A well-formed request (for `SUBMIT`, with its payload attached).
    case request(Request)
    /// A line that is not a valid request: answer ``RequestSyntaxError/reply`` and keep the connection.
    case malformed(RequestSyntaxError)
}

/// A framing error: the byte stream cannot be trusted any more. The server sends ``reply`` (if any)
/// and closes the connection.
///
/// Compare with the ``Kind`` constants: `error.kind == .lineTooLong`.
public struct FramingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a closed set.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case lineTooLong, badEncoding, httpProbe, badPayloadLength
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// A line longer than the limit (or no line end within the limit).
        public static let lineTooLong = Kind(.lineTooLong)
        /// A line that is not UTF-8 or holds a NUL byte.
        public static let badEncoding = Kind(.badEncoding)
        /// An HTTP request line (`GET / HTTP/1.1`): the server hangs up without a reply.
        public static let httpProbe = Kind(.httpProbe)
        /// A `SUBMIT` whose length is missing, not a number, or over the limit: where the next request
        /// starts is unknown.
        public static let badPayloadLength = Kind(.badPayloadLength)

        /// A short name for logs and tests.
        public var description: String {
            switch code {
            case .lineTooLong: "line too long"
            case .badEncoding: "bad encoding"
            case .httpProbe: "HTTP probe"
            case .badPayloadLength: "bad payload length"
            }
        }
    }

    /// The class of the error.
    public let kind: Kind
    /// The code to send, or `nil` to hang up without a reply.
    public let code: WireErrorCode?
    /// A sentence a person can act on (also used for logs when nothing is sent).
    public let sentence: String

    /// Creates an error.
    public init(_ kind: Kind, code: WireErrorCode?, sentence: String) {
        self.kind = kind
        self.code = code
        self.sentence = sentence
    }

    /// The last line to send before closing, or `nil` for a silent hang-up.
    public var reply: ReplyLine? { code.map { ReplyLine.error($0, sentence) } }

    /// The sentence.
    public var description: String { sentence }
}

/// Splits the inbound byte stream into requests: one UTF-8 line each (LF, or CRLF), and for `SUBMIT`
/// exactly the announced number of payload bytes after the line.
///
/// Bounded: a line longer than ``maxLineBytes`` (not counting its line end) is refused as soon as the
/// buffer holds more than that without a line end; a payload longer than ``maxPayloadBytes`` is refused
/// when its length is read. Both are ``FramingError``s, after which the connection must be closed.
/// Syntax errors in a line are not framing errors: they come out as ``RequestFrame/malformed(_:)``.
public struct RequestDecoder: NIOSingleStepByteToMessageDecoder {
    /// The frames this decoder produces.
    public typealias InboundOut = RequestFrame

    /// The longest accepted line in bytes, without its LF or CRLF. Default 65536.
    public let maxLineBytes: Int
    /// The largest accepted `SUBMIT` payload in bytes. Default 1 MiB.
    public let maxPayloadBytes: Int

    private enum State {
        case line
        case payload(Request, length: Int)
    }
    private var state: State = .line

    /// Creates a decoder with the given limits.
    public init(maxLineBytes: Int = 65536, maxPayloadBytes: Int = 1 << 20) {
        precondition(maxLineBytes > 0 && maxPayloadBytes >= 0)
        self.maxLineBytes = maxLineBytes
        self.maxPayloadBytes = maxPayloadBytes
    }

    /// Decodes the next frame from `buffer`, or returns `nil` when more bytes are needed.
    public mutating func decode(buffer: inout ByteBuffer) throws -> RequestFrame? {
        switch state {
        case .payload(var request, let length):
            guard let bytes = buffer.readBytes(length: length) else { return nil }
            request.payload = bytes
            state = .line
            return .request(request)
        case .line:
            guard let line = try LineScanner.nextLine(in: &buffer, maxLineBytes: maxLineBytes) else { return nil }
            return try frame(for: line, buffer: &buffer)
        }
    }

    /// At end of input: bytes after the last complete line (a line without LF, a partial payload) are
    /// dropped, as a request is only whole with its line end.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RequestFrame? {
        try decode(buffer: &buffer)
    }

    private mutating func frame(for line: String, buffer: inout ByteBuffer) throws -> RequestFrame? {
        if Self.isHTTPRequestLine(line) {
            throw FramingError(.httpProbe, code: nil, sentence: "an HTTP request line was sent to the Laurel socket")
        }
        let request: Request
        do {
            request = try Request.parse(line: line)
        } catch {
            if Self.looksLikeSubmit(line) {
                throw FramingError(
                    .badPayloadLength,
                    code: .badRequest,
                    sentence: "a SUBMIT line must read SUBMIT <name> <length>, and this one cannot be parsed (\(error.sentence)); closing"
                )
            }
            return .malformed(error)
        }
        guard request.verb == .submit else { return .request(request) }
        let length = try payloadLength(of: request)
        if length == 0 {
            var request = request
            request.payload = []
            return .request(request)
        }
        state = .payload(request, length: length)
        return try decode(buffer: &buffer)
    }

    private func payloadLength(of request: Request) throws -> Int {
        let arguments = request.arguments
        guard arguments.count == 2 else {
            throw FramingError(
                .badPayloadLength,
                code: .badRequest,
                sentence: "SUBMIT takes a file name and a byte length (SUBMIT <name> <length>), got \(arguments.count) argument(s); closing"
            )
        }
        let text = arguments[1]
        guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let length = Int(text)
        else {
            throw FramingError(
                .badPayloadLength,
                code: .badRequest,
                sentence: "the SUBMIT length \(WireText.excerpt(text)) is not a number of bytes; closing"
            )
        }
        guard length <= maxPayloadBytes else {
            throw FramingError(
                .badPayloadLength,
                code: .badRequest,
                sentence: "the SUBMIT length \(length) is over the limit of \(maxPayloadBytes) bytes; closing"
            )
        }
        return length
    }

    private static func firstWord(of line: String) -> Substring {
        line.drop(while: { $0 == " " || $0 == "\t" }).prefix(while: { $0 != " " && $0 != "\t" })
    }

    /// Whether an unparsable line starts with the verb SUBMIT, written plain or quoted (`"submit"`,
    /// even without its closing quote): the grammar accepts a quoted verb, so a quoted SUBMIT whose
    /// line is broken must close the connection too, or its payload would be read as requests.
    private static func looksLikeSubmit(_ line: String) -> Bool {
        var word = firstWord(of: line)
        if word.hasPrefix("\"") { word = word.dropFirst() }
        if word.hasSuffix("\"") { word = word.dropLast() }
        return word.uppercased() == Verb.submit.rawValue
    }

    /// Whether `line` is an HTTP request line: `METHOD target HTTP/d.d` with an upper-case method and a
    /// one-word target.
    static func isHTTPRequestLine(_ line: String) -> Bool {
        var utf8 = line.utf8[...]
        if utf8.last == UInt8(ascii: "\r") { utf8.removeLast() }
        guard utf8.count >= 10 else { return false }
        let tail = Array(utf8.suffix(9))  // " HTTP/1.1"
        let shape: [UInt8] = Array(" HTTP/".utf8)
        guard Array(tail[0..<6]) == shape, (0x30...0x39).contains(tail[6]), tail[7] == UInt8(ascii: "."),
            (0x30...0x39).contains(tail[8])
        else { return false }
        let method = utf8.prefix(while: { $0 != 0x20 })
        guard !method.isEmpty, method.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return false }
        // METHOD SP target SP version: the target is one non-empty word.
        let target = utf8.dropFirst(method.count + 1).dropLast(9)
        return !target.isEmpty && !target.contains(0x20)
    }
}

/// Shared bounded line splitting for both directions.
enum LineScanner {
    enum Failure: Error {
        case tooLong(limit: Int)
        case notUTF8
        case nul
    }

    /// Reads the next line (without LF or CRLF) if a whole one is buffered. Throws as soon as the
    /// buffer holds more than `maxLineBytes` (+1 for a possible CR) without an LF.
    static func nextLineRaw(in buffer: inout ByteBuffer, maxLineBytes: Int) throws(Failure) -> String? {
        let readable = buffer.readableBytes
        let window = min(readable, maxLineBytes + 2)
        let found: (lf: Int?, lastIsCR: Bool, hasNUL: Bool) = buffer.withUnsafeReadableBytes { raw in
            let scan = UnsafeRawBufferPointer(rebasing: raw[0..<window])
            guard let lf = scan.firstIndex(of: 0x0A) else {
                return (nil, raw.last == 0x0D, false)
            }
            let hasNUL = UnsafeRawBufferPointer(rebasing: scan[0..<lf]).contains(0)
            return (lf, false, hasNUL)
        }
        guard let lf = found.lf else {
            if readable > maxLineBytes + 1 || (readable == maxLineBytes + 1 && !found.lastIsCR) {
                throw .tooLong(limit: maxLineBytes)
            }
            return nil
        }
        var length = lf
        if length > 0, buffer.getInteger(at: buffer.readerIndex + length - 1, as: UInt8.self) == 0x0D {
            length -= 1
        }
        guard length <= maxLineBytes else { throw .tooLong(limit: maxLineBytes) }
        guard !found.hasNUL else { throw .nul }
        let line: String?
        do {
            line = try buffer.getUTF8ValidatedString(at: buffer.readerIndex, length: length)
        } catch {
            throw .notUTF8
        }
        buffer.moveReaderIndex(forwardBy: lf + 1)
        return line
    }

    /// ``nextLineRaw(in:maxLineBytes:)`` with the failures as request ``FramingError``s.
    static func nextLine(in buffer: inout ByteBuffer, maxLineBytes: Int) throws(FramingError) -> String? {
        do {
            return try nextLineRaw(in: &buffer, maxLineBytes: maxLineBytes)
        } catch {
            switch error {
            case .tooLong(let limit):
                throw FramingError(
                    .lineTooLong,
                    code: .lineTooLong,
                    sentence: "a request line is longer than \(limit) bytes; closing"
                )
            case .notUTF8:
                throw FramingError(.badEncoding, code: .badEncoding, sentence: "a request line is not valid UTF-8; closing")
            case .nul:
                throw FramingError(.badEncoding, code: .badEncoding, sentence: "a request line holds a NUL byte; closing")
            }
        }
    }
}
