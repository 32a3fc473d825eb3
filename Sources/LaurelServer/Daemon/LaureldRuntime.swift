#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LaurelCore
import LaurelStore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import NIOConcurrencyHelpers
import UnixSignals

/// Where the demo keeps its state: per user, nothing system-wide.
public struct DemoLocation: Sendable {
    public var root: String
    public var socket: String

    /// `$XDG_STATE_HOME/laurel-demo` (else `~/.local/state/laurel-demo`); the socket in
    /// `$XDG_RUNTIME_DIR/laurel-demo.sock` when that directory exists, else in the state root.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> DemoLocation {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        let stateHome = environment["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.local/state"
        let root = stateHome + "/laurel-demo"
        var socket = root + "/laureld.sock"
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/"), access(runtime, W_OK) == 0 {
            socket = runtime + "/laurel-demo.sock"
        }
        return DemoLocation(root: root, socket: socket)
    }
}

/// The running daemon: opens the registry, watches the spool, listens, talks to systemd, and
/// shuts down in order on SIGTERM/SIGINT (stop taking files, finish the batch in hand, exit 0).
public struct LaureldRuntime: Sendable {
    public var settings: LaureldSettings
    public var configPath: String?
    /// Files to publish into the spool at start (the demo's bulletin), as a submitter would.
    public var seedFiles: [(name: String, bytes: [UInt8])]
    public var createDirectories: Bool
    /// Trap SIGTERM/SIGINT (graceful shutdown) and SIGHUP (reload). Off for in-process tests,
    /// which stop the daemon by cancelling its task.
    public var handleSignals: Bool
    /// Where readiness, status and watchdog pings go (``SystemdNotifier/disabled`` in tests).
    public var notifier: SystemdNotifier
    public var logger: Logger

    public init(
        settings: LaureldSettings, configPath: String?, seedFiles: [(name: String, bytes: [UInt8])] = [],
        createDirectories: Bool, handleSignals: Bool = true, notifier: SystemdNotifier = SystemdNotifier(),
        logger: Logger
    ) {
        self.handleSignals = handleSignals
        self.notifier = notifier
        self.settings = settings
        self.configPath = configPath
        self.seedFiles = seedFiles
        self.createDirectories = createDirectories
        self.logger = logger
    }

    /// A start-up failure with the path at fault and what to do about it.
    public struct StartupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs until shutdown. `onReady` is called once the database is open, the spool is watched
    /// and scanned, and the socket listens.
    public func run(onReady: @escaping @Sendable () -> Void = {}) async throws {
        let settings = self.settings
        let logger = self.logger
        let notifier = self.notifier

        if createDirectories {
            for dir in [settings.daemon.stateDir] where mkdirs(dir) != 0 {
                throw StartupError(description: "cannot create the state directory \(dir): \(String(cString: strerror(errno)))")
            }
        }
        let spool = SpoolDirectory(root: settings.spool.dropDir, keepAccepted: settings.spool.keepAccepted)
        do {
            if createDirectories, mkdirs(settings.spool.dropDir) != 0 {
                throw SpoolError(settings.spool.dropDir, "cannot create: \(String(cString: strerror(errno)))")
            }
            try spool.prepare(create: createDirectories)
        } catch {
            throw StartupError(description: "the drop directory is not usable: \(error); create it with tmp/, new/ and rejected/ (systemd-tmpfiles --create does) or pass --drop-dir")
        }

        let registry: Registry
        do {
            registry = try Registry(path: settings.databasePath, logger: logger)
        } catch {
            throw StartupError(description: "\(error)")
        }

        for file in seedFiles {
            do {
                try spool.publish(name: file.name, bytes: file.bytes)
            } catch {
                logger.warning("could not publish a demo file", metadata: [LogKey.file: "\(file.name)", LogKey.reason: "\(error)"])
            }
        }

        // Two thread pools for the database: reads get at least four threads (one per core on
        // bigger machines; on a 2-core machine shared with other work, 2 threads gave the same
        // CPU per search but less throughput), and ingest gets its own thread, so a long group
        // commit never holds up a read.
        let readPool = NIOThreadPool(numberOfThreads: max(4, System.coreCount))
        let writePool = NIOThreadPool(numberOfThreads: 1)
        readPool.start()
        writePool.start()
        do {
            try await runServices(
                settings: settings, registry: registry, spool: spool, pool: readPool, writePool: writePool, notifier: notifier,
                onReady: onReady)
        } catch {
            try? await readPool.shutdownGracefully()
            try? await writePool.shutdownGracefully()
            registry.close()
            throw error
        }
        try? await readPool.shutdownGracefully()
        try? await writePool.shutdownGracefully()
        // Closing the last connection checkpoints the WAL into registry.sqlite and removes it, so
        // a stopped daemon leaves one self-contained file (to copy, back up or check).
        registry.close()
    }

    private func runServices(
        settings: LaureldSettings, registry: Registry, spool: SpoolDirectory, pool: NIOThreadPool, writePool: NIOThreadPool,
        notifier: SystemdNotifier, onReady: @escaping @Sendable () -> Void
    ) async throws {
        let logger = self.logger

        let events = EventHub()
        let limits = NominationLimits(maxFileBytes: settings.spool.maxFileBytes)
        let ingestor = Ingestor(registry: registry, events: events, limits: limits, pool: writePool, logger: logger)
        let policy = RolePolicy(roles: settings.roles)

        // Readiness: the spool's first scan and the listening socket, both.
        let pending = NIOLockedValueBox(2)
        let markReady: @Sendable () -> Void = {
            let done = pending.withLockedValue { count -> Bool in
                count -= 1
                return count == 0
            }
            if done {
                notifier.ready()
                notifier.status("ready")
                logger.notice("laureld is ready", metadata: ["laurel.socket": "\(settings.daemon.socket)"])
                onReady()
            }
        }

        let spoolBox = NIOLockedValueBox<SpoolService?>(nil)
        let serverBox = NIOLockedValueBox<SocketServer?>(nil)
        let live: @Sendable () -> LiveFigures = {
            var figures = LiveFigures()
            if let status = spoolBox.withLockedValue({ $0 })?.status {
                figures.queueDepth = status.queueDepth
                figures.lastIngest = status.lastIngest
                figures.pausedReason = status.pausedReason
            }
            figures.connections = serverBox.withLockedValue({ $0 })?.connectionCount ?? 0
            return figures
        }
        let configPath = self.configPath
        let reload: @Sendable () async -> Result<String, ConfigError> = {
            notifier.reloading()
            defer {
                notifier.ready()
            }
            guard let configPath else { return .success("(no configuration file; nothing to reload)") }
            do {
                let text = try String(contentsOfFile: configPath, encoding: .utf8)
                let fresh = try SettingsLoader.parse(text, file: configPath)
                logger.notice("configuration reloaded", metadata: [LogKey.path: "\(configPath)"])
                var unchanged: [String] = []
                if fresh.daemon.socket != settings.daemon.socket { unchanged.append("daemon.socket") }
                if fresh.daemon.stateDir != settings.daemon.stateDir { unchanged.append("daemon.state_dir") }
                if fresh.spool.dropDir != settings.spool.dropDir { unchanged.append("spool.drop_dir") }
                return .success(unchanged.isEmpty ? "from \(configPath)" : "from \(configPath); restart to apply \(unchanged.joined(separator: ", "))")
            } catch let error as ConfigError {
                logger.error("reload refused; the old configuration stays in force", metadata: [LogKey.reason: "\(error)"])
                return .failure(error)
            } catch {
                return .failure(ConfigError(file: configPath, key: nil, reason: "cannot read: \(error.localizedDescription)"))
            }
        }

        let handler = RequestHandler(
            ingestor: ingestor, policy: policy, pool: pool, maxLineBytes: settings.limits.maxLineBytes,
            maxSubmitBytes: settings.spool.maxFileBytes, logger: logger, live: live, reload: reload)

        let listener: SocketServer.Listener
        do {
            let inherited = try SystemdListenFDs.adopt()
            if !inherited.sockets.isEmpty {
                listener = .inherited(try inherited.unixStreamListener())
            } else {
                listener = .path(settings.daemon.socket, mode: settings.daemon.socketMode)
            }
        } catch {
            throw StartupError(description: "cannot use the socket passed by systemd: \(error)")
        }

        let spoolService = SpoolService(
            spool: spool, ingestor: ingestor, settings: settings.spool, logger: logger, onReady: markReady,
            onProgress: { status in
                notifier.status(Self.statusLine(status))
            })
        let server = SocketServer(
            listener: listener, limits: settings.limits, maxPayloadBytes: settings.spool.maxFileBytes, handler: handler,
            logger: logger, onListening: markReady)
        spoolBox.withLockedValue { $0 = spoolService }
        serverBox.withLockedValue { $0 = server }

        let watchdog = SystemdWatchdogService(notifier: notifier) {
            (try? await pool.runIfActive { try registry.probe() }) != nil
        }
        let signals = SignalReloader(reload: reload, logger: logger)

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: spoolService),
            .init(service: server),
            .init(service: watchdog, successTerminationBehavior: .ignore),
        ]
        if handleSignals { services.append(.init(service: signals, successTerminationBehavior: .ignore)) }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger))
        do {
            try await group.run()
        } catch {
            notifier.stopping()
            throw error
        }
        notifier.stopping()
        logger.notice("laureld stopped")
    }

    static func statusLine(_ status: SpoolStatus) -> String {
        var parts = ["queue \(status.queueDepth)", "accepted \(status.acceptedSinceStart)", "refused \(status.refusedSinceStart)"]
        if let last = status.lastIngest { parts.append("last ingest \(Timestamp.string(last))") }
        if let paused = status.pausedReason { parts.insert("INGEST PAUSED: \(paused)", at: 0) }
        return parts.joined(separator: "; ")
    }
}

/// `mkdir -p` with mode 0750.
func mkdirs(_ path: String) -> Int32 {
    var current = ""
    for part in path.split(separator: "/") {
        current += "/" + part
        if mkdir(current, 0o750) != 0, errno != EEXIST { return -1 }
    }
    return 0
}

/// SIGHUP reloads the configuration, like `laurelctl reload`.
struct SignalReloader: Service {
    let reload: @Sendable () async -> Result<String, ConfigError>
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.notice("SIGHUP: reloading the configuration")
            _ = await reload()
        }
    }
}
