/// Limits applied while parsing a nomination file.
public struct NominationLimits: Sendable, Hashable {
    /// Largest file accepted, in bytes (default 1 MiB).
    public var maxFileBytes: Int
    /// Longest header line, in bytes, for the header-block format.
    public var maxHeaderLineBytes: Int
    /// Deepest JSON nesting accepted.
    public var maxJSONDepth: Int
    /// Most records in one batch file.
    public var maxRecords: Int

    public init(maxFileBytes: Int = 1 << 20, maxHeaderLineBytes: Int = 4096, maxJSONDepth: Int = 16, maxRecords: Int = 10_000) {
        self.maxFileBytes = maxFileBytes
        self.maxHeaderLineBytes = maxHeaderLineBytes
        self.maxJSONDepth = maxJSONDepth
        self.maxRecords = maxRecords
    }

    public static let `default` = NominationLimits()
}

/// The three nomination file formats, chosen by file name.
public enum NominationFormat: String, Sendable, Hashable {
    case headerBlock = "header"
    case json
    case jsonLines = "jsonl"

    /// `.json` → JSON, `.jsonl` → JSON Lines, anything else → header block.
    public init(fileName: String) {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".jsonl") {
            self = .jsonLines
        } else if lower.hasSuffix(".json") {
            self = .json
        } else {
            self = .headerBlock
        }
    }
}

/// Parses and validates nomination files. Pure: bytes in, normalised nominations or a refusal out.
public enum NominationParser {
    /// Parse a whole file. A file is one transaction: any bad record refuses the whole file.
    public static func parse(
        _ bytes: [UInt8],
        fileName: String,
        limits: NominationLimits = .default
    ) throws(Refusal) -> [Nomination] {
        let text = try NominationInput.decode(bytes, limits: limits)
        switch NominationFormat(fileName: fileName) {
        case .headerBlock: return try HeaderFormat.parse(text, limits: limits)
        case .json: return try JSONFormat.parseJSON(bytes, limits: limits)
        case .jsonLines: return try JSONFormat.parseJSONLines(bytes, limits: limits)
        }
    }
}
