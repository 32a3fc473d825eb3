import Logging
import TOMLKit

/// A configuration problem: names the file, the key and the reason.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var key: String?
    public var reason: String

    public init(file: String, key: String?, reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }

    public var description: String {
        if let key { return "\(file): \(key): \(reason)" }
        return "\(file): \(reason)"
    }
}

/// Reads `laureld.toml` into ``LaureldSettings``. Unknown sections and keys are errors (a typo
/// must not silently fall back to a default).
public enum SettingsLoader {
    /// Parse TOML text; `file` is only used to name the source in errors.
    public static func parse(_ text: String, file: String, base: LaureldSettings = LaureldSettings()) throws(ConfigError) -> LaureldSettings {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, key: nil, reason: "not valid TOML at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw ConfigError(file: file, key: nil, reason: "not valid TOML")
        }
        var settings = base
        for section in table.keys {
            guard let sub = table[section]?.table else {
                throw ConfigError(file: file, key: section, reason: "expected a [\(section)] table; every key belongs to a section: daemon, spool, limits or roles")
            }
            switch section {
            case "daemon":
                let reader = TableReader(file: file, section: section)
                try reader.read(sub) { (key, value) throws(ConfigError) in
                    switch key {
                    case "socket": settings.daemon.socket = try reader.path(value, key)
                    case "socket_mode": settings.daemon.socketMode = try reader.mode(value, key)
                    case "state_dir": settings.daemon.stateDir = try reader.path(value, key)
                    case "log_level": settings.daemon.logLevel = try reader.logLevel(value, key)
                    default: throw reader.unknown(key)
                    }
                }
            case "spool":
                let reader = TableReader(file: file, section: section)
                try reader.read(sub) { (key, value) throws(ConfigError) in
                    switch key {
                    case "drop_dir": settings.spool.dropDir = try reader.path(value, key)
                    case "keep_accepted": settings.spool.keepAccepted = try reader.bool(value, key)
                    case "scan_interval_seconds": settings.spool.scanIntervalSeconds = try reader.int(value, key, 1...86400)
                    case "tmp_max_age_hours": settings.spool.tmpMaxAgeHours = try reader.int(value, key, 1...8760)
                    case "batch_max_files": settings.spool.batchMaxFiles = try reader.int(value, key, 1...100_000)
                    case "max_file_bytes": settings.spool.maxFileBytes = try reader.int(value, key, 64...(64 << 20))
                    default: throw reader.unknown(key)
                    }
                }
            case "limits":
                let reader = TableReader(file: file, section: section)
                try reader.read(sub) { (key, value) throws(ConfigError) in
                    switch key {
                    case "max_line_bytes": settings.limits.maxLineBytes = try reader.int(value, key, 256...(16 << 20))
                    case "max_connections": settings.limits.maxConnections = try reader.int(value, key, 1...1_000_000)
                    case "output_buffer_bytes": settings.limits.outputBufferBytes = try reader.int(value, key, 4096...(1 << 30))
                    case "write_stall_seconds": settings.limits.writeStallSeconds = try reader.int(value, key, 1...3600)
                    case "idle_timeout_seconds": settings.limits.idleTimeoutSeconds = try reader.int(value, key, 1...86400)
                    default: throw reader.unknown(key)
                    }
                }
            case "roles":
                let reader = TableReader(file: file, section: section)
                try reader.read(sub) { (key, value) throws(ConfigError) in
                    switch key {
                    case "reader_group": settings.roles.readerGroup = try reader.string(value, key)
                    case "submitter_group": settings.roles.submitterGroup = try reader.string(value, key)
                    case "reviewer_group": settings.roles.reviewerGroup = try reader.string(value, key)
                    case "admin_group": settings.roles.adminGroup = try reader.string(value, key)
                    default: throw reader.unknown(key)
                    }
                }
            default:
                throw ConfigError(file: file, key: section, reason: "unknown section; known sections are daemon, spool, limits and roles")
            }
        }
        return settings
    }
}

/// Typed access to one table, with errors that name `section.key`.
private struct TableReader {
    let file: String
    let section: String

    func read(_ table: TOMLTable, _ body: (String, any TOMLValueConvertible) throws(ConfigError) -> Void) throws(ConfigError) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            try body(key, value)
        }
    }

    func error(_ key: String, _ reason: String) -> ConfigError {
        ConfigError(file: file, key: "\(section).\(key)", reason: reason)
    }

    func unknown(_ key: String) -> ConfigError {
        error(key, "unknown key (see Config/laureld.toml for every key with its default)")
    }

    func string(_ value: any TOMLValueConvertible, _ key: String) throws(ConfigError) -> String {
        guard let s = value.string else { throw error(key, "expected a string, found \(value.type)") }
        return s
    }

    func path(_ value: any TOMLValueConvertible, _ key: String) throws(ConfigError) -> String {
        let s = try string(value, key)
        guard s.hasPrefix("/") else { throw error(key, "expected an absolute path, found \"\(s)\"") }
        return s
    }

    func bool(_ value: any TOMLValueConvertible, _ key: String) throws(ConfigError) -> Bool {
        guard let b = value.bool else { throw error(key, "expected true or false, found \(value.type)") }
        return b
    }

    func int(_ value: any TOMLValueConvertible, _ key: String, _ range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let i = value.int else { throw error(key, "expected an integer, found \(value.type)") }
        guard range.contains(i) else { throw error(key, "\(i) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return i
    }

    func mode(_ value: any TOMLValueConvertible, _ key: String) throws(ConfigError) -> UInt32 {
        let s = try string(value, key)
        guard let m = UInt32(s, radix: 8), m <= 0o777 else { throw error(key, "expected an octal mode such as \"0660\", found \"\(s)\"") }
        return m
    }

    func logLevel(_ value: any TOMLValueConvertible, _ key: String) throws(ConfigError) -> Logger.Level {
        let s = try string(value, key)
        guard let level = Logger.Level(rawValue: s.lowercased()) else {
            throw error(key, "expected one of trace, debug, info, notice, warning, error, critical, found \"\(s)\"")
        }
        return level
    }
}
