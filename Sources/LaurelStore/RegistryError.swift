import GRDB
import LaurelCore
import Logging

/// Why a registry operation failed. The description is a sentence a user can act on; SQLite's own
/// text is logged, never shown.
///
/// `code` is one of `not_found`, `illegal_move`, `storage_full`, `corrupt`, `cannot_open`, `io`,
/// `internal`.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    enum Code: String, Sendable {
        case notFound = "not_found"
        case illegalMove = "illegal_move"
        case storageFull = "storage_full"
        case corrupt
        case cannotOpen = "cannot_open"
        case io
        case `internal`
    }

    let kind: Code
    /// The sentence for the user.
    public let message: String
    /// The entry concerned, for `not_found` and `illegal_move`.
    public let entryID: String?
    /// The entry's status when a move was refused (`illegal_move`).
    public let currentStatus: EntryStatus?

    /// The machine code, e.g. `illegal_move`.
    public var code: String { kind.rawValue }
    public var description: String { message }

    init(_ kind: Code, _ message: String, entryID: String? = nil, currentStatus: EntryStatus? = nil) {
        self.kind = kind
        self.message = message
        self.entryID = entryID
        self.currentStatus = currentStatus
    }

    public static let notFoundCode = Code.notFound.rawValue
    public static let illegalMoveCode = Code.illegalMove.rawValue
    public static let storageFullCode = Code.storageFull.rawValue
    public static let corruptCode = Code.corrupt.rawValue
    public static let cannotOpenCode = Code.cannotOpen.rawValue
    public static let ioCode = Code.io.rawValue
    public static let internalCode = Code.internal.rawValue

    static func notFound(_ id: String) -> RegistryError {
        RegistryError(.notFound, "No entry has the id \(id); check it with `laurelctl list` or `laurelctl search`.", entryID: id)
    }

    static func illegalMove(_ id: String, from current: EntryStatus, to target: EntryStatus) -> RegistryError {
        let allowed = current.successors.map(\.rawValue).sorted()
        let next = allowed.isEmpty ? "it cannot move any more" : "it can move to " + allowed.joined(separator: ", ")
        return RegistryError(
            .illegalMove,
            "Entry \(id) is \(current.rawValue) and cannot move to \(target.rawValue); \(next).",
            entryID: id, currentStatus: current)
    }

    /// Maps anything thrown inside the store to a user-facing error, logging the raw text.
    static func wrap(_ error: any Error, path: String, operation: String, logger: Logger) -> RegistryError {
        if let error = error as? RegistryError { return error }
        var metadata: Logger.Metadata = [
            LogKey.path: "\(path)", LogKey.operation: "\(operation)", LogKey.error: "\(error)",
        ]
        let kind: Code
        let message: String
        if let db = error as? DatabaseError {
            metadata[LogKey.sqliteCode] = "\(db.extendedResultCode.rawValue)"
            switch db.resultCode {
            case .SQLITE_FULL:
                kind = .storageFull
                message = "The disk holding the registry \(path) is full; free space there and try again (nothing was written)."
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                kind = .corrupt
                message = "The registry file \(path) is damaged or is not a Laurel database; stop laureld, move the file aside and restore it from a backup (or start with an empty registry)."
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
                kind = .cannotOpen
                message = "The registry \(path) cannot be opened for writing; check that its directory exists and is writable by the laureld user."
            case .SQLITE_IOERR:
                kind = .io
                message = "Reading or writing the registry \(path) failed (I/O error); check the disk and the system log, then retry."
            default:
                kind = .internal
                message = "The registry failed while trying to \(operation); this is a bug, please report it with the daemon log."
            }
        } else {
            kind = .internal
            message = "The registry failed while trying to \(operation); this is a bug, please report it with the daemon log."
        }
        logger.error("registry operation failed", metadata: metadata)
        return RegistryError(kind, message)
    }
}

/// Log metadata keys used by the store.
enum LogKey {
    static let path = "lrl.store.path"
    static let operation = "lrl.store.op"
    static let error = "lrl.store.error"
    static let sqliteCode = "lrl.store.sqlite_code"
    static let count = "lrl.store.count"
}
