import CSystemd
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

/// Metadata keys of the spool's per-batch debug line (journal fields `LAUREL_PREPARE_MS`, …):
/// where a batch's time went, to tell parsing, the commit (fsync) and the removals apart.
enum SpoolLogKey {
    static let prepareMS = "laurel.prepare_ms"
    static let waitMS = "laurel.wait_ms"
    static let commitMS = "laurel.commit_ms"
    static let finishMS = "laurel.finish_ms"
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

    /// A batch read from `new/` and parsed, not yet committed.
    /// At most this many bytes of files per batch (besides `batch_max_files`).
    static let batchMaxBytes = 8 << 20

    private struct PreparedBatch: Sendable {
        var items: [Registry.IngestItem] = []
        /// `items[i]` came from `new/itemNames[i]`.
        var itemNames: [String] = []
        /// Every name this batch took from the scan (the items, the refused, the vanished).
        var taken: [String] = []
        /// Refused files that could not leave new/.
        var leftBehind: [String] = []
        /// Bytes of the files read for this batch.
        var bytes = 0
        var started = ContinuousClock.now
        var prepared = ContinuousClock.now
    }

    /// Take every file in `new/`, batch by batch, until it is empty, ingestion pauses, or the
    /// daemon shuts down (the batch in hand is always finished).
    ///
    /// Two batches are in hand at a time: while batch N is committed (SQLite and the fsync, on
    /// the thread pool) and its files leave `new/`, batch N+1 is read and parsed here. Batch N+1
    /// is committed only after batch N's commit returned, and a batch's files leave `new/` only
    /// after its own commit, so the order of commits and the crash guarantees are those of one
    /// batch at a time.
    func drain() async {
        // Hand big batches' memory back to the system once new/ is empty (the batches are gone by
        // now): glibc keeps freed heap otherwise, and a daemon that once loaded a large bulletin
        // would look that big for the rest of its life.
        if await drainBatches() { malloc_trim(0) }
    }

    /// ``drain()``'s loop; true when a batch of at least a quarter of ``batchMaxBytes`` went by.
    private func drainBatches() async -> Bool {
        var big = false
        // Files handled in this drain that could not leave new/ (rejected/ not writable, new/ not
        // writable): skipped until the next trigger, so they are retried at the next event or
        // timer tick instead of in a hot loop that also starved every file sorted after them.
        var stuck = Set<String>()
        guard var next = await prepareNext(excluding: stuck, inFlight: []) else { return big }
        while true {
            let batch = next
            if batch.bytes >= Self.batchMaxBytes / 4 { big = true }
            async let committed = commit(batch)
            var following: PreparedBatch? = nil
            if !Task.isShuttingDownGracefully && !Task.isCancelled {
                following = await prepareNext(excluding: stuck, inFlight: batch.taken)
            }
            let leftBehind = await committed
            onProgress(status)
            // nil: ingestion paused; the batch prepared meanwhile stays in new/ for the next try.
            guard let leftBehind else { return big }
            stuck.formUnion(leftBehind)
            guard let following, !Task.isShuttingDownGracefully, !Task.isCancelled else { return big }
            next = following
        }
    }

    /// Scan `new/` and read and parse the next batch, skipping `excluded` and the batch still
    /// being committed. Refused files are moved to `rejected/` here. Returns nil when there is
    /// nothing to take (or `new/` cannot be listed).
    private func prepareNext(excluding stuck: Set<String>, inFlight: [String]) async -> PreparedBatch? {
        var batch = PreparedBatch()
        let skip = inFlight.isEmpty ? stuck : stuck.union(inFlight)
        let names: [String]
        do {
            // Ask for enough names that the skipped ones cannot fill the batch.
            names = try spool.scanNew(limit: settings.batchMaxFiles + skip.count).filter { !skip.contains($0) }
        } catch {
            logger.error("cannot scan the drop directory", metadata: [LogKey.reason: "\(error)"])
            return nil
        }
        statusBox.withLockedValue { $0.queueDepth = names.count + stuck.count + inFlight.count }
        if names.isEmpty { return nil }
        for name in names.prefix(settings.batchMaxFiles) {
            // A batch is bounded by bytes as well as files: 512 JSON Lines files of 500 records
            // each made one batch of 256,000 nominations (two in memory while one commits), and
            // the daemon's RSS stayed above 1 GB after loading a million.
            if batch.bytes >= Self.batchMaxBytes { break }
            batch.taken.append(name)
            switch spool.read(name, maxBytes: settings.maxFileBytes) {
            case .vanished:
                continue
            case .refused(let refusal):
                if !(await refuse(name, bytes: nil, refusal)) { batch.leftBehind.append(name) }
            case .file(let file):
                batch.bytes += file.bytes.count
                switch ingestor.prepare(name: name, bytes: file.bytes, submitterUID: file.ownerUID) {
                case .refused(let refusal):
                    if !(await refuse(name, bytes: file.bytes, refusal)) { batch.leftBehind.append(name) }
                case .item(let item):
                    batch.items.append(item)
                    batch.itemNames.append(name)
                }
            }
        }
        batch.prepared = ContinuousClock.now
        return batch
    }

    /// Commit a prepared batch, then remove its files from `new/`. Returns nil when nothing could
    /// be done (paused), so the caller stops looping; otherwise the names that were handled but
    /// are still in new/.
    private func commit(_ batch: PreparedBatch) async -> [String]? {
        var leftBehind = batch.leftBehind
        guard !batch.items.isEmpty else { return leftBehind }
        let committing = ContinuousClock.now
        do {
            _ = try await ingestor.commit(batch.items)
        } catch let error as RegistryError where error.code == RegistryError.storageFullCode {
            pause("the state directory is full; files stay in new/ until space returns")
            return nil
        } catch {
            pause("the registry could not commit: \(error)")
            logger.error("commit failed; files stay in new/", metadata: [LogKey.reason: "\(error)"])
            return nil
        }
        let committed = ContinuousClock.now
        for name in batch.itemNames {
            do {
                try spool.finish(name)
            } catch {
                leftBehind.append(name)
                logger.error("committed but could not remove from new/ (it will be seen as a duplicate)", metadata: [LogKey.file: "\(name)", LogKey.reason: "\(error)"])
            }
        }
        statusBox.withLockedValue {
            $0.acceptedSinceStart += batch.itemNames.count
            $0.lastIngest = Date()
            if $0.pausedReason != nil {
                logger.notice("ingestion resumed")
                $0.pausedReason = nil
            }
        }
        logger.debug(
            "committed a batch",
            metadata: [
                LogKey.count: "\(batch.itemNames.count)",
                SpoolLogKey.prepareMS: "\(Self.milliseconds(batch.prepared - batch.started))",
                SpoolLogKey.waitMS: "\(Self.milliseconds(committing - batch.prepared))",
                SpoolLogKey.commitMS: "\(Self.milliseconds(committed - committing))",
                SpoolLogKey.finishMS: "\(Self.milliseconds(ContinuousClock.now - committed))",
            ])
        return leftBehind
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
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

