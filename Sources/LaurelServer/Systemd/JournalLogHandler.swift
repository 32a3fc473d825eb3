import CSystemd
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Logs structured entries to journald with `sd_journal_sendv`.
///
/// Each entry carries `MESSAGE`, `PRIORITY` (syslog 0–7), `CODE_FILE`, `CODE_LINE`, `CODE_FUNC`,
/// `SYSLOG_IDENTIFIER` and one `LAUREL_*` field per metadata key (see ``JournalFieldName``), so
/// `journalctl -u laureld LAUREL_FILE=…` finds the messages about one file.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let identifier: String

    public init(identifier: String = "laureld", metadataProvider: Logger.MetadataProvider? = nil) {
        self.identifier = identifier
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = mergedMetadata(metadata, provider: metadataProvider, event: event.metadata)
        let fields = Self.fields(
            level: event.level,
            message: event.message.description,
            metadata: all,
            file: event.file,
            function: event.function,
            line: event.line,
            identifier: identifier
        )
        Self.send(fields)
    }

    /// The `NAME=value` fields of one entry, in the order sent. Pure, for tests.
    public static func fields(
        level: Logger.Level,
        message: String,
        metadata: Logger.Metadata,
        file: String,
        function: String,
        line: UInt,
        identifier: String
    ) -> [String] {
        var out = [
            "MESSAGE=" + message,
            "PRIORITY=\(syslogPriority(level))",
            "CODE_FILE=" + file,
            "CODE_LINE=\(line)",
            "CODE_FUNC=" + function,
            "SYSLOG_IDENTIFIER=" + identifier,
        ]
        for key in metadata.keys.sorted() {
            guard let name = JournalFieldName.forMetadataKey(key) else { continue }
            out.append(name + "=" + metadata[key]!.description)
        }
        return out
    }

    /// Sends fields with `sd_journal_sendv`. Values may hold newlines: libsystemd then uses the
    /// binary-safe form. The return code is ignored: journald absent is not the daemon's failure.
    static func send(_ fields: [String]) {
        // One contiguous buffer, so every iovec points into memory valid for the whole call.
        var bytes: [UInt8] = []
        var spans: [(offset: Int, count: Int)] = []
        spans.reserveCapacity(fields.count)
        for field in fields {
            spans.append((bytes.count, field.utf8.count))
            bytes.append(contentsOf: field.utf8)
        }
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            let iov = spans.map { iovec(iov_base: base + $0.offset, iov_len: $0.count) }
            _ = sd_journal_sendv(iov, Int32(iov.count))
        }
    }
}

/// journald field names for log metadata keys.
///
/// journald drops fields whose names are not `[A-Z0-9_]`, start with `_`, or are longer than 64
/// bytes. A key is upper-cased, every other character becomes `_`, a leading `laurel.` is dropped and
/// `LAUREL_` prefixed: `laurel.file` → `LAUREL_FILE`, `peer.uid` → `LAUREL_PEER_UID`.
public enum JournalFieldName {
    public static let prefix = "LAUREL_"
    static let maximumLength = 64

    /// The field name for `key`, or `nil` when nothing of the key is left to name.
    public static func forMetadataKey(_ key: String) -> String? {
        var rest = Substring(key)
        if rest.lowercased().hasPrefix("laurel.") { rest = rest.dropFirst("laurel.".count) }
        guard !rest.isEmpty else { return nil }
        var name = prefix
        for scalar in rest.uppercased().unicodeScalars {
            switch scalar {
            case "A"..."Z", "0"..."9", "_": name.unicodeScalars.append(scalar)
            default: name.unicodeScalars.append("_")
            }
        }
        return String(name.prefix(maximumLength))
    }
}
