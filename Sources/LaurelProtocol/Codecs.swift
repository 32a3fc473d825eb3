import NIOCore

/// Writes each ``ReplyLine`` as `<STATUS><SEP><text>` and LF.
///
/// A line end inside `text` would break the framing for every later reply, so CR and LF in `text`
/// are written as spaces (records never hold them: JSON escapes them).
public struct ReplyEncoder: MessageToByteEncoder {
    /// The reply lines this encoder writes.
    public typealias OutboundIn = ReplyLine

    /// Creates an encoder.
    public init() {}

    /// Writes one line into `out`.
    public func encode(data: ReplyLine, out: inout ByteBuffer) throws {
        Self.write(data, into: &out)
    }

    /// Writes one line (with its LF) into `out`; usable without a pipeline, e.g. to batch replies.
    public static func write(_ line: ReplyLine, into out: inout ByteBuffer) {
        out.reserveCapacity(minimumWritableBytes: line.text.utf8.count + 5)
        out.writeString(line.status.rawValue)
        out.writeInteger(line.more ? UInt8(ascii: "-") : UInt8(ascii: " "))
        if Self.holdsLineBreak(line.text) {
            out.writeBytes(line.text.utf8.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 })
        } else {
            out.writeString(line.text)
        }
        out.writeInteger(UInt8(0x0A))
    }
}

extension ReplyEncoder {
    /// Whether `text` holds CR or LF (which must not reach the wire inside a line). Scans the
    /// contiguous UTF-8 directly: the generic `contains(where:)` was a visible cost per record.
    @inline(__always)
    static func holdsLineBreak(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes where byte == 0x0A || byte == 0x0D { return true }
            return false
        }
    }
}

/// Writes each ``Request`` as its line (``Request/serialized()``) and LF, followed by its payload.
public struct RequestEncoder: MessageToByteEncoder {
    /// The requests this encoder writes.
    public typealias OutboundIn = Request

    /// Creates an encoder.
    public init() {}

    /// Writes one request into `out`.
    public func encode(data: Request, out: inout ByteBuffer) throws {
        out.writeString(data.serialized())
        out.writeInteger(UInt8(0x0A))
        if let payload = data.payload { out.writeBytes(payload) }
    }
}

/// A reply stream that cannot be read: the client should close the connection.
public struct ReplyFramingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A sentence saying what was wrong.
    public let sentence: String
    /// Creates an error.
    public init(sentence: String) { self.sentence = sentence }
    /// The sentence.
    public var description: String { sentence }
}

/// Splits the byte stream from a server into ``ReplyLine``s (for clients).
///
/// Bounded by ``maxLineBytes``; a line that is too long, not UTF-8, or does not start with
/// `OK`/`ERR`/`EVT` and `-`/space throws ``ReplyFramingError``.
public struct ReplyDecoder: NIOSingleStepByteToMessageDecoder {
    /// The lines this decoder produces.
    public typealias InboundOut = ReplyLine

    /// The longest accepted reply line in bytes. Default 16 MiB: a record holds at most one
    /// submitted file (1 MiB) and JSON may escape it.
    public let maxLineBytes: Int

    /// Creates a decoder.
    public init(maxLineBytes: Int = 16 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    /// Decodes the next reply line, or returns `nil` when more bytes are needed.
    public mutating func decode(buffer: inout ByteBuffer) throws -> ReplyLine? {
        let text: String?
        do {
            text = try LineScanner.nextLineRaw(in: &buffer, maxLineBytes: maxLineBytes)
        } catch {
            switch error {
            case .tooLong(let limit): throw ReplyFramingError(sentence: "the daemon sent a line longer than \(limit) bytes")
            case .notUTF8: throw ReplyFramingError(sentence: "the daemon sent a line that is not UTF-8")
            case .nul: throw ReplyFramingError(sentence: "the daemon sent a line holding a NUL byte")
            }
        }
        guard let text else { return nil }
        guard let line = ReplyLine.parse(text) else {
            throw ReplyFramingError(sentence: "the daemon sent a line that is not a Laurel reply: \(WireText.excerpt(text))")
        }
        return line
    }

    /// At end of input, a trailing partial line is dropped.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ReplyLine? {
        try decode(buffer: &buffer)
    }
}
