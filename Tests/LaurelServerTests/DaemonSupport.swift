import Foundation
import LaurelServer
import Logging

/// A daemon running in this process on a fresh temporary socket, state and spool.
struct InProcessDaemon {
    let directory: TemporaryDirectory
    let settings: LaureldSettings
    var socket: String { settings.daemon.socket }
    var spool: SpoolDirectory { SpoolDirectory(root: settings.spool.dropDir) }

    static func settings(in directory: TemporaryDirectory, _ tweak: (inout LaureldSettings) -> Void = { _ in }) -> LaureldSettings {
        var settings = LaureldSettings()
        settings.daemon.socket = directory.path + "/d.sock"
        settings.daemon.socketMode = 0o600
        settings.daemon.stateDir = directory.path + "/state"
        settings.spool.dropDir = directory.path + "/spool"
        settings.spool.scanIntervalSeconds = 1
        tweak(&settings)
        return settings
    }

    /// Run `body` against a daemon; the daemon stops (cancelled) when `body` returns or throws.
    /// `directory` may be passed to restart a daemon on the state and spool of an earlier one.
    static func with<T: Sendable>(
        directory: TemporaryDirectory? = nil,
        seed: [(name: String, bytes: [UInt8])] = DemoBulletin.files,
        settings tweak: (inout LaureldSettings) -> Void = { _ in },
        _ body: @escaping @Sendable (InProcessDaemon) async throws -> T
    ) async throws -> T {
        let dir = directory ?? TemporaryDirectory()
        // A directory we made is ours to remove; one passed in belongs to the caller.
        defer { if directory == nil { dir.remove() } }
        let settings = Self.settings(in: dir, tweak)
        let runtime = LaureldRuntime(
            settings: settings, configPath: nil, seedFiles: seed, createDirectories: true, handleSignals: false, notifier: .disabled,
            logger: Logger(label: "laureld.test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let daemon = InProcessDaemon(directory: dir, settings: settings)
        let (ready, readySignal) = AsyncStream<Void>.makeStream()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await runtime.run(onReady: { readySignal.yield() })
                return nil
            }
            group.addTask {
                var iterator = ready.makeAsyncIterator()
                _ = await iterator.next()
                return try await body(daemon)
            }
            // The first child to finish is the body (or a daemon that failed to start).
            while let result = try await group.next() {
                if let value = result {
                    group.cancelAll()
                    return value
                }
                throw DaemonStopped()
            }
            throw DaemonStopped()
        }
    }

    struct DaemonStopped: Error {}
}
