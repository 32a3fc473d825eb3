import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Log metadata keys, in one place. Short, prefixed `laurel.`; the journal sees them as `LAUREL_*`
/// fields (see ``JournalFieldName``).
public enum LogKey {
    /// The spool file a message is about (journal field `LAUREL_FILE`).
    public static let file = "laurel.file"
    /// The entry key a message is about (`LAUREL_ENTRY`).
    public static let entry = "laurel.entry"
    /// Why something was refused (`LAUREL_REASON`).
    public static let reason = "laurel.reason"
    /// A refusal or error code (`LAUREL_CODE`).
    public static let code = "laurel.code"
    /// The uid of a peer or a file's owner (`LAUREL_UID`).
    public static let uid = "laurel.uid"
    /// A connection's identifier (`LAUREL_CONNECTION`).
    public static let connection = "laurel.connection"
    /// A socket or directory path (`LAUREL_PATH`).
    public static let path = "laurel.path"
    /// A count of things, e.g. files scanned (`LAUREL_COUNT`).
    public static let count = "laurel.count"
}

/// Chooses the process's log handler. Only executables call this; libraries take a `Logger`.
public enum LaurelLogging {
    /// Bootstraps swift-log once for the process: the journal when stderr is connected to it
    /// (`$JOURNAL_STREAM` matches stderr), otherwise a compact line format on stderr.
    public static func bootstrap(level: Logger.Level, identifier: String = "laureld") {
        let useJournal = JournalStream.stderrIsJournal()
        LoggingSystem.bootstrap { label in
            makeHandler(label: label, level: level, journal: useJournal, identifier: identifier)
        }
    }

    /// The handler ``bootstrap(level:identifier:)`` installs, for tests and custom setups.
    public static func makeHandler(
        label: String,
        level: Logger.Level,
        journal: Bool,
        identifier: String = "laureld"
    ) -> any LogHandler {
        if journal {
            var handler = JournalLogHandler(identifier: identifier)
            handler.logLevel = level
            return handler
        }
        var handler = StderrLogHandler()
        handler.logLevel = level
        return handler
    }
}

/// Detects whether stderr is a stream to journald, as systemd.exec(5) documents for `$JOURNAL_STREAM`.
public enum JournalStream {
    /// `true` when `$JOURNAL_STREAM` names stderr's device and inode.
    public static func stderrIsJournal() -> Bool {
        guard let raw = getenv("JOURNAL_STREAM") else { return false }
        var st = stat()
        guard fstat(2, &st) == 0 else { return false }
        return matches(String(cString: raw), device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    /// Whether a `$JOURNAL_STREAM` value (`<device>:<inode>`, decimal) names the given device and inode.
    public static func matches(_ value: String, device: UInt64, inode: UInt64) -> Bool {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return false }
        return dev == device && ino == inode
    }
}

/// Maps swift-log levels to syslog priorities (0 emerg … 7 debug), as journald's `PRIORITY=` expects.
public func syslogPriority(_ level: Logger.Level) -> Int {
    switch level {
    case .trace, .debug: return 7
    case .info: return 6
    case .notice: return 5
    case .warning: return 4
    case .error: return 3
    case .critical: return 2
    }
}

/// Merges handler metadata, provider metadata and per-call metadata (later wins), as swift-log's
/// `StreamLogHandler` does.
func mergedMetadata(
    _ base: Logger.Metadata,
    provider: Logger.MetadataProvider?,
    event: Logger.Metadata?
) -> Logger.Metadata {
    var out = base
    if let provided = provider?.get(), !provided.isEmpty {
        out.merge(provided) { _, new in new }
    }
    if let event, !event.isEmpty {
        out.merge(event) { _, new in new }
    }
    return out
}

/// Writes all of `bytes` to `fd`, retrying on short writes and `EINTR`.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
