import ServiceLifecycle

/// Pings the systemd watchdog at half of `WatchdogSec=` until graceful shutdown.
///
/// Add it to the daemon's `ServiceGroup`; it returns at once when the watchdog is off. Because it
/// runs on the same cooperative pool as the request handlers, a wedged pool stops the pings and
/// systemd restarts the service.
public struct SystemdWatchdogService: Service {
    private let notifier: SystemdNotifier

    public init(notifier: SystemdNotifier = SystemdNotifier()) {
        self.notifier = notifier
    }

    public func run() async throws {
        guard let interval = notifier.watchdogInterval else { return }
        let period = interval / 2
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                notifier.watchdogPing()
                do { try await Task.sleep(for: period) } catch { return }
            }
        }
    }
}
