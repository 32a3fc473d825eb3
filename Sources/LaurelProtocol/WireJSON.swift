import Foundation

/// JSON for records on the wire: one object per line, keys sorted, slashes not escaped, never a
/// raw line end (JSON escapes control characters), so a record always fits in one reply line.
public enum WireJSON {
    /// A record line that is not the JSON the reader expected.
    public struct DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What was expected, and an excerpt of what came.
        public let sentence: String
        /// Creates an error.
        public init(sentence: String) { self.sentence = sentence }
        /// The sentence.
        public var description: String { sentence }
    }

    // JSONEncoder/JSONDecoder are immutable after this set-up and documented thread-safe for
    // encode/decode (swift-foundation marks them Sendable); one shared instance avoids re-creating the
    // option storage for every record on the hot path.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    private static let decoder = JSONDecoder()

    /// Encodes `value` as one line of JSON. Records always encode; a failure here is a programming error.
    public static func encode(_ value: some Encodable) -> String {
        if let fast = value as? any FastWireJSON {
            var writer = JSONLineWriter(capacity: 256)
            fast.writeJSON(into: &writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        return encodeWithFoundation(value)
    }

    /// Encodes through Foundation's `JSONEncoder` even for records that have a hand-written writer:
    /// the reference that ``encode(_:)`` is tested against.
    public static func encodeWithFoundation(_ value: some Encodable) -> String {
        do {
            let data = try encoder.encode(value)
            return String(decoding: data, as: UTF8.self)
        } catch {
            preconditionFailure("a wire record failed to encode: \(error)")
        }
    }

    /// Decodes one line of JSON as `T`; unknown keys are ignored.
    public static func decode<T: Decodable>(_ type: T.Type, from text: some StringProtocol) throws(DecodingError) -> T {
        do {
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw DecodingError(sentence: "expected a \(T.self) record, got \(WireText.excerpt(text))")
        }
    }
}
