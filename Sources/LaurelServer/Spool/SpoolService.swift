import Foundation
import LaurelCore
import LaurelStore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import NIOConcurrencyHelpers

/// What the spool service reports for `STATS` and systemd's `STATUS=`.
public struct SpoolStatus: Sendable, Hashable {
    /// Files seen in `new/` at the last scan and not yet handled.
    public var queueDepth = 0
    /// When the last file was committed.
    public var lastIngest: Date?
    /// Why ingestion is paused (for example the disk is full), or nil while it runs.
    public var pausedReason: String?
    /// Files refused since start.
    public var refusedSinceStart = 0
    public var acceptedSinceStart = 0
}

/// Takes files from the drop directory's `new/` and commits them in batches.
///
/// inotify events, a slow timer and the start itself only *trigger* a scan of `new/`; the scan is
/// the source of truth, so lost events, overflow and files dropped while the daemon was down are
/// all covered. Ingestion is idempotent (a file's content hash identifies it), so a crash between
/// the commit and the removal from `new/` never duplicates anything.
public final class SpoolService: Service, Sendable {
    let spool: SpoolDirectory
    let ingestor: Ingestor
    let settings: LaureldSettings.Spool
    let logger: Logger
    let group: any EventLoopGroup
    let statusBox = NIOLockedValueBox(SpoolStatus())
    /// Called once the watch is in place and the first scan is done.
    let onReady: @Sendable () -> Void
    /// Called after each batch (for systemd's STATUS= and the watchdog).
    let onProgress: @Sendable (SpoolStatus) -> Void

    public init(
        spool: SpoolDirectory,
        ingestor: Ingestor,
        settings: LaureldSettings.Spool,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        onReady: @escaping @Sendable () -> Void = {},
        onProgress: @escaping @Sendable (SpoolStatus) -> Void = { _ in }
    ) {
        self.spool = spool
        self.ingestor = ingestor
        self.settings = settings
        self.group = group
        self.logger = logger
        self.onReady = onReady
        self.onProgress = onProgress
    }

    public var status: SpoolStatus { statusBox.withLockedValue { $0 } }

    private enum Trigger: Sendable {
        case start, event, overflow, timer
    }

    public func run() async throws {
        let (triggers, trigger) = AsyncStream<Trigger>.makeStream(bufferingPolicy: .bufferingNewest(1))
        // Watch first, then scan: a file renamed after the watch exists is seen by one or the other.
        let watch = try await InotifyWatcher.watch(spool.new, group: group)
        try await withThrowingDiscardingTaskGroup { group in
            // Both helpers end with the `cancelAll()` below at shutdown; that cancellation is the
            // normal way out, not a failure (rethrown, it made a SIGTERM exit with status 1).
            group.addTask {
                do {
                    try await watch.executeThenClose { inbound in
                        for try await chunk in inbound {
                            trigger.yield(InotifyWatcher.hint(from: chunk).overflow ? .overflow : .event)
                        }
                    }
                } catch is CancellationError {}
            }
            group.addTask {
                // One tick a second: rescan every scan_interval_seconds, or every second while
                // ingestion is paused (space may come back without any new event).
                var elapsed = 0
                while !Task.isCancelled {
                    do { try await Task.sleep(for: .seconds(1)) } catch { return }
                    elapsed += 1
                    if elapsed >= self.settings.scanIntervalSeconds || self.status.pausedReason != nil {
                        elapsed = 0
                        trigger.yield(.timer)
                    }
                }
            }
            trigger.yield(.start)
            var readyAnnounced = false
            var lastSweep = Date.distantPast
            for await reason in triggers.cancelOnGracefulShutdown() {
                if reason == .overflow {
                    logger.warning("inotify queue overflowed; rescanning new/")
                }
                await drain()
                if !readyAnnounced {
                    readyAnnounced = true
                    onReady()
                }
                if Date().timeIntervalSince(lastSweep) > 600 {
                    lastSweep = Date()
                    let swept = spool.sweepTmp(maxAgeSeconds: settings.tmpMaxAgeHours * 3600)
                    if swept > 0 { logger.notice("swept stale files from tmp/", metadata: ["laurel.count": "\(swept)"]) }
                }
            }
            group.cancelAll()
        }
        logger.info("spool service stopped")
    }

    /// Take every file in `new/`, batch by batch, until it is empty, ingestion pauses, or the
    /// daemon shuts down (the batch in hand is always finished).
    func drain() async {
        // Files handled in this drain that could not leave new/ (rejected/ not writable, new/ not
        // writable): skipped until the next trigger, so they are retried at the next event or
        // timer tick instead of in a hot loop that also starved every file sorted after them.
        var stuck = Set<String>()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let names: [String]
            do {
                // Ask for enough names that the stuck ones cannot fill the batch.
                names = try spool.scanNew(limit: settings.batchMaxFiles + stuck.count).filter { !stuck.contains($0) }
            } catch {
                logger.error("cannot scan the drop directory", metadata: [LogKey.reason: "\(error)"])
                return
            }
            statusBox.withLockedValue { $0.queueDepth = names.count + stuck.count }
            if names.isEmpty { return }
            let leftBehind = await ingestBatch(Array(names.prefix(settings.batchMaxFiles)))
            onProgress(status)
            guard let leftBehind else { return }
            stuck.formUnion(leftBehind)
        }
    }

    /// Returns nil when nothing could be done (paused), so the caller stops looping; otherwise the
    /// names that were handled but are still in new/.
    private func ingestBatch(_ names: [String]) async -> [String]? {
        var leftBehind: [String] = []
        var items: [Registry.IngestItem] = []
        var itemNames: [String] = []
        for name in names {
            switch spool.read(name, maxBytes: settings.maxFileBytes) {
            case .vanished:
                continue
            case .refused(let refusal):
                if !(await refuse(name, bytes: nil, refusal)) { leftBehind.append(name) }
            case .file(let file):
                switch ingestor.prepare(name: name, bytes: file.bytes, submitterUID: file.ownerUID) {
                case .refused(let refusal):
                    if !(await refuse(name, bytes: file.bytes, refusal)) { leftBehind.append(name) }
                case .item(let item):
                    items.append(item)
                    itemNames.append(name)
                }
            }
        }
        guard !items.isEmpty else { return leftBehind }
        do {
            _ = try await ingestor.commit(items)
        } catch let error as RegistryError where error.code == RegistryError.storageFullCode {
            pause("the state directory is full; files stay in new/ until space returns")
            return nil
        } catch {
            pause("the registry could not commit: \(error)")
            logger.error("commit failed; files stay in new/", metadata: [LogKey.reason: "\(error)"])
            return nil
        }
        for name in itemNames {
            do {
                try spool.finish(name)
            } catch {
                leftBehind.append(name)
                logger.error("committed but could not remove from new/ (it will be seen as a duplicate)", metadata: [LogKey.file: "\(name)", LogKey.reason: "\(error)"])
            }
        }
        statusBox.withLockedValue {
            $0.acceptedSinceStart += itemNames.count
            $0.lastIngest = Date()
            if $0.pausedReason != nil {
                logger.notice("ingestion resumed")
                $0.pausedReason = nil
            }
        }
        return leftBehind
    }

    private func pause(_ reason: String) {
        let changed = statusBox.withLockedValue { status -> Bool in
            defer { status.pausedReason = reason }
            return status.pausedReason != reason
        }
        if changed { logger.error("ingestion paused", metadata: [LogKey.reason: "\(reason)"]) }
    }

    /// Returns false when the file could not be moved out of new/.
    private func refuse(_ name: String, bytes: [UInt8]?, _ refusal: Refusal) async -> Bool {
        await ingestor.noteRefusal(name: name, bytes: bytes, refusal: refusal)
        do {
            try spool.reject(name, refusal)
        } catch {
            logger.error("could not move a refused file to rejected/; it stays in new/ and is retried at the next scan", metadata: [LogKey.file: "\(name)", LogKey.reason: "\(error)"])
            return false
        }
        statusBox.withLockedValue { $0.refusedSinceStart += 1 }
        return true
    }
}

