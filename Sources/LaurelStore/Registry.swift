import Foundation
import GRDB
import LaurelCore
import Logging

/// The registry: entries, the nominations and files behind them, refusals and status history, in
/// one SQLite database (WAL) owned by the daemon.
///
/// One `Registry` per process: it holds one `DatabasePool`, so reads run concurrently on several
/// connections and writes are serialised on one. Every method is synchronous and may block on
/// disk; call it from a thread that may block (not an event loop).
public final class Registry: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let logger: Logger
    /// Set for registries made by `makeTemporary`: the directory `removeTemporaryFiles` deletes.
    let temporaryDirectory: String?

    /// Opens the registry at `path`, creating it if needed, and migrates it.
    ///
    /// - Throws: `cannot_open` (directory missing or not writable, with the reason), `corrupt`
    ///   (not a database or damaged), `io`.
    public convenience init(path: String, logger: Logger) throws(RegistryError) {
        try self.init(path: path, logger: logger, temporaryDirectory: nil)
    }

    init(path: String, logger: Logger, temporaryDirectory: String?) throws(RegistryError) {
        self.path = path
        self.logger = logger
        self.temporaryDirectory = temporaryDirectory
        var config = Configuration()
        config.label = "laurel.registry"
        config.foreignKeysEnabled = true
        // Other processes (sqlite3, a backup) may hold the lock briefly; within the process GRDB
        // serialises writes itself.
        config.busyMode = .timeout(10)
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            // WAL + FULL: a commit is fsynced before it is acknowledged, so an accepted file
            // survives kill -9 and power loss. Ingest batches many files per commit (group commit),
            // which is what keeps FULL affordable. Set on the pool's one writer connection after
            // GRDB's own WAL setup, which sets NORMAL (prepareDatabase runs too early).
            //
            // The writer's page cache is 32 MiB instead of SQLite's 2 MiB: ingest inserts into
            // random places of the unique indexes (content hash, entry key, entry id) and the FTS
            // segments, and with the small cache most of those pages were read again per batch.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "PRAGMA cache_size = -32768")
            }
            try RegistrySchema.migrator.migrate(pool)
            try pool.write { db in try SearchIndex.ensureCurrent(db, logger: logger) }
            self.pool = pool
        } catch {
            throw Self.openFailure(error, path: path, logger: logger)
        }
        logger.debug("registry open", metadata: [LogKey.path: "\(path)"])
    }

    /// A registry in a fresh directory `/tmp/lrl-XXXXXX`, for tests. Call `removeTemporaryFiles()`
    /// when done.
    public static func makeTemporary(logger: Logger = Logger(label: "laurel.store.temporary")) throws(RegistryError) -> Registry {
        var template = Array("/tmp/lrl-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) != nil }
        guard made else {
            throw RegistryError(.cannotOpen, "Cannot create a temporary directory under /tmp (errno \(errno)); check that /tmp is writable.")
        }
        let directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return try Registry(path: directory + "/registry.sqlite", logger: logger, temporaryDirectory: directory)
    }

    /// Closes the database (at shutdown). Calls made afterwards fail with `internal`.
    public func close() {
        do {
            try pool.close()
        } catch {
            logger.warning("closing the registry failed", metadata: [LogKey.path: "\(path)", LogKey.error: "\(error)"])
        }
    }

    /// Closes the database and deletes the directory made by `makeTemporary`. Does nothing to a
    /// registry opened with `init(path:logger:)` except closing it.
    public func removeTemporaryFiles() {
        close()
        if let temporaryDirectory {
            try? FileManager.default.removeItem(atPath: temporaryDirectory)
        }
    }

    // MARK: - Helpers shared by the extensions

    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) throws(RegistryError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw RegistryError.wrap(error, path: path, operation: operation, logger: logger)
        }
    }

    /// A read outside a transaction, for a single statement (SQLite makes each statement see one
    /// snapshot by itself): it saves the `BEGIN`/`COMMIT` a `read` pays for its isolation.
    func singleStatementRead<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) throws(RegistryError) -> T {
        do {
            return try pool.unsafeRead(body)
        } catch {
            throw RegistryError.wrap(error, path: path, operation: operation, logger: logger)
        }
    }

    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) throws(RegistryError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw RegistryError.wrap(error, path: path, operation: operation, logger: logger)
        }
    }

    /// Maps an open failure to an error that names the path, the reason and the fix.
    static func openFailure(_ error: any Error, path: String, logger: Logger) -> RegistryError {
        let wrapped = RegistryError.wrap(error, path: path, operation: "open the registry", logger: logger)
        guard wrapped.kind == .cannotOpen || wrapped.kind == .io || wrapped.kind == .internal else { return wrapped }
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        let reason: String
        let fix: String
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            reason = "its directory \(directory) does not exist"
            fix = "create it (under systemd, StateDirectory= does) or point the daemon at another database path"
        } else if !isDirectory.boolValue {
            reason = "\(directory) is not a directory"
            fix = "choose a database path inside a directory"
        } else if access(directory, W_OK | X_OK) != 0 {
            reason = "the directory \(directory) is not writable by uid \(getuid())"
            fix = "make it writable by the laureld user (chown/chmod) or choose another path"
        } else if FileManager.default.fileExists(atPath: path), access(path, R_OK | W_OK) != 0 {
            reason = "the file is not readable and writable by uid \(getuid())"
            fix = "fix its owner or mode"
        } else if wrapped.kind == .cannotOpen {
            reason = "SQLite refused to open it (details in the daemon log)"
            fix = "check the path, its permissions and free disk space"
        } else {
            return wrapped
        }
        return RegistryError(.cannotOpen, "Cannot open the registry \(path): \(reason); \(fix).")
    }
}

// MARK: - Time and JSON encoding shared by the store

/// Times are stored as INTEGER milliseconds since 1970 (UTC).
@inline(__always) func storedMillis(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 * 1000).rounded())
}

@inline(__always) func storedDate(_ millis: Int64) -> Date {
    Date(timeIntervalSince1970: Double(millis) / 1000)
}

enum StoreJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
