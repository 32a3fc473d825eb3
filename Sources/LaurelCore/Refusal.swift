/// Why a nomination file was refused. A value, never a crash: every refusal has a short machine
/// code, a sentence a submitter can act on, and where known the record, line and field.
public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The machine code of a refusal; its raw value is what `rejected/NAME.reason` and the
    /// protocol carry.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let emptyFile = Code(rawValue: "empty_file")
        public static let notUTF8 = Code(rawValue: "not_utf8")
        public static let nulByte = Code(rawValue: "nul_byte")
        public static let tooLarge = Code(rawValue: "too_large")
        public static let headerTooLong = Code(rawValue: "header_too_long")
        public static let malformedHeader = Code(rawValue: "malformed_header")
        public static let duplicateHeader = Code(rawValue: "duplicate_header")
        public static let missingField = Code(rawValue: "missing_field")
        public static let emptyField = Code(rawValue: "empty_field")
        public static let invalidValue = Code(rawValue: "invalid_value")
        public static let wrongType = Code(rawValue: "wrong_type")
        public static let malformedJSON = Code(rawValue: "malformed_json")
        public static let tooDeep = Code(rawValue: "too_deep")
        public static let tooManyRecords = Code(rawValue: "too_many_records")
        public static let emptyBatch = Code(rawValue: "empty_batch")
        /// Not the file's content: it was not a regular file (symlink, FIFO, device, socket).
        public static let notRegularFile = Code(rawValue: "not_regular_file")
        /// The daemon could not read the file (permissions); the file itself may be fine.
        public static let unreadable = Code(rawValue: "unreadable")
    }

    public var code: Code
    public var message: String
    /// 1-based record number inside a batch (`.json` array index + 1, or the nth `.jsonl` record).
    public var record: Int?
    /// 1-based line number where the problem is, when the format has lines.
    public var line: Int?
    /// The field at fault (lower-case name), when one is.
    public var field: String?

    public init(_ code: Code, _ message: String, record: Int? = nil, line: Int? = nil, field: String? = nil) {
        self.code = code
        self.message = message
        self.record = record
        self.line = line
        self.field = field
    }

    public var description: String {
        var where_: [String] = []
        if let record { where_.append("record \(record)") }
        if let line { where_.append("line \(line)") }
        if let field { where_.append("field \"\(field)\"") }
        let place = where_.isEmpty ? "" : " (" + where_.joined(separator: ", ") + ")"
        return "\(code.rawValue): \(message)\(place)"
    }
}
