import ServiceLifecycle

/// Pings the systemd watchdog at half of `WatchdogSec=` until graceful shutdown, but only after
/// `healthCheck` succeeds (the daemon passes a database read through the request thread pool).
///
/// Add it to the daemon's `ServiceGroup`; it returns at once when the watchdog is off. Because it
/// runs on the same cooperative pool as the request handlers and checks the daemon's own work
/// path, a wedged daemon stops the pings and systemd restarts the service.
public struct SystemdWatchdogService: Service {
    private let notifier: SystemdNotifier
    private let healthCheck: @Sendable () async -> Bool

    public init(notifier: SystemdNotifier = SystemdNotifier(), healthCheck: @escaping @Sendable () async -> Bool = { true }) {
        self.notifier = notifier
        self.healthCheck = healthCheck
    }

    public func run() async throws {
        guard let interval = notifier.watchdogInterval else { return }
        let period = interval / 2
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if await healthCheck() { notifier.watchdogPing() }
                do { try await Task.sleep(for: period) } catch { return }
            }
        }
    }
}
