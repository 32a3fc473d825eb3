import Foundation
import LaurelCore
import LaurelProtocol
import LaurelStore
import Logging
import NIOPosix

/// The one ingest pipeline: the drop directory and `SUBMIT` both come through here.
///
/// `prepare` is pure work (parse, validate, normalise, hash); `commit` writes a whole batch in one
/// transaction (group commit: one fsync for many files) on the database thread pool.
public final class Ingestor: Sendable {
    public enum Prepared: Sendable {
        case item(Registry.IngestItem)
        case refused(Refusal)
    }

    public let registry: Registry
    public let events: EventHub
    let limits: NominationLimits
    let pool: NIOThreadPool
    let logger: Logger

    public init(registry: Registry, events: EventHub, limits: NominationLimits, pool: NIOThreadPool, logger: Logger) {
        self.registry = registry
        self.events = events
        self.limits = limits
        self.pool = pool
        self.logger = logger
    }

    /// Parse and validate one file.
    public func prepare(name: String, bytes: [UInt8], submitterUID: UInt32?, receivedAt: Date = Date()) -> Prepared {
        do throws(Refusal) {
            let nominations = try NominationParser.parse(bytes, fileName: name, limits: limits)
            return .item(
                Registry.IngestItem(
                    fileName: name,
                    contentHash: SHA256.hex(bytes),
                    rawBytes: bytes,
                    nominations: nominations,
                    submitterUID: submitterUID.map { Int($0) },
                    receivedAt: receivedAt
                ))
        } catch {
            return .refused(error)
        }
    }

    /// Commit prepared items in one transaction, publish the events, log each file.
    public func commit(_ items: [Registry.IngestItem]) async throws -> [Registry.IngestOutcome] {
        guard !items.isEmpty else { return [] }
        let registry = self.registry
        let outcomes = try await pool.runIfActive { try registry.ingest(items) }
        // Events are built only when someone watches (a batch of JSON Lines files is thousands).
        let watched = events.subscriberCount > 0
        let now = watched ? Timestamp.now() : ""
        for (item, outcome) in zip(items, outcomes) {
            switch outcome {
            case .accepted(let ids):
                logger.info("accepted nomination file", metadata: Self.fileMetadata(item.fileName, ids))
                if watched {
                    for (id, nomination) in zip(ids, item.nominations) {
                        events.publish(EventRecord(event: "accepted", at: now, file: item.fileName, entry: id, award: nomination.award, nominee: nomination.nominee))
                    }
                }
            case .duplicate(let ids):
                logger.info("duplicate nomination file; nothing new", metadata: Self.fileMetadata(item.fileName, ids))
            }
        }
        return outcomes
    }

    /// Entry ids listed in a file's log line; a batch file of 500 nominations logs its count and
    /// the first few ids, not all 500 (the ids are in the registry and in `WATCH` events).
    static let loggedEntryIDs = 5

    static func fileMetadata(_ fileName: String, _ ids: [String]) -> Logger.Metadata {
        var entries = ids.prefix(loggedEntryIDs).joined(separator: ",")
        if ids.count > loggedEntryIDs { entries += ",…" }
        return [LogKey.file: "\(fileName)", LogKey.entry: "\(entries)", LogKey.count: "\(ids.count)"]
    }

    /// Record and announce a refused file.
    public func noteRefusal(name: String, bytes: [UInt8]?, refusal: Refusal) async {
        logger.warning("refused nomination file", metadata: [LogKey.file: "\(name)", LogKey.reason: "\(refusal)"])
        events.publish(EventRecord(event: "refused", at: Timestamp.now(), file: name, reason: refusal.description))
        let registry = self.registry
        let hash = bytes.map { SHA256.hex($0) } ?? SHA256.hex(Array(name.utf8))
        do {
            try await pool.runIfActive {
                try registry.recordRefusal(fileName: name, contentHash: hash, code: refusal.code.rawValue, message: refusal.description, at: Date())
            }
        } catch {
            logger.error("could not record a refusal", metadata: [LogKey.file: "\(name)", LogKey.reason: "\(error)"])
        }
    }

    /// `SUBMIT` over the socket: the same validation and commit as a dropped file.
    public func submit(name: String, bytes: [UInt8], submitterUID: UInt32) async throws -> Result<SubmitRecord, Refusal> {
        switch prepare(name: name, bytes: bytes, submitterUID: submitterUID) {
        case .refused(let refusal):
            await noteRefusal(name: name, bytes: bytes, refusal: refusal)
            return .failure(refusal)
        case .item(let item):
            let outcomes = try await commit([item])
            switch outcomes.first {
            case .accepted(let ids): return .success(SubmitRecord(outcome: "accepted", entries: ids))
            case .duplicate(let ids): return .success(SubmitRecord(outcome: "duplicate", entries: ids))
            case nil: return .success(SubmitRecord(outcome: "accepted", entries: []))
            }
        }
    }
}
