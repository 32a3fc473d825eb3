import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Sends service state to systemd (`sd_notify`): readiness, status text, reloads, shutdown and
/// watchdog keep-alives.
///
/// Every call is a no-op when `$NOTIFY_SOCKET` is unset (the daemon was not started by systemd with
/// `Type=notify`), so callers never need to check. The environment is left as it is
/// (`unset_environment` is 0), so the state is read afresh on every call.
public struct SystemdNotifier: Sendable {
    private let enabled: Bool

    public init() { enabled = true }

    private init(enabled: Bool) { self.enabled = enabled }

    /// A notifier that never sends, whatever the environment says: for daemons run inside a
    /// test process, where `$NOTIFY_SOCKET` may belong to another test.
    public static let disabled = SystemdNotifier(enabled: false)

    /// Whether `$NOTIFY_SOCKET` is set, i.e. whether notifications go anywhere.
    public var isEnabled: Bool { enabled && getenv("NOTIFY_SOCKET") != nil }

    /// Tells systemd that start-up (or a reload) has finished: `READY=1`.
    @discardableResult
    public func ready() -> Bool { send("READY=1") }

    /// A one-line status shown by `systemctl status`: `STATUS=…`. Newlines are replaced by spaces,
    /// because a newline would start a new assignment.
    @discardableResult
    public func status(_ text: String) -> Bool {
        send("STATUS=" + Self.oneLine(text))
    }

    /// Tells systemd a reload has begun: `RELOADING=1` with `MONOTONIC_USEC=` (required by systemd 253+
    /// to match the reload with its request; harmless on 252). Follow with ``ready()`` when done.
    @discardableResult
    public func reloading() -> Bool {
        send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())")
    }

    /// Tells systemd the service is shutting down: `STOPPING=1`.
    @discardableResult
    public func stopping() -> Bool { send("STOPPING=1") }

    /// Keeps the watchdog (`WatchdogSec=`) from firing: `WATCHDOG=1`.
    @discardableResult
    public func watchdogPing() -> Bool { send("WATCHDOG=1") }

    /// The watchdog timeout systemd expects pings within, or `nil` when the watchdog is off or meant
    /// for another process (`$WATCHDOG_PID`). Ping at half this interval, as sd_watchdog_enabled(3) advises.
    public var watchdogInterval: Duration? {
        guard enabled else { return nil }
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec))
    }

    /// Sends raw newline-separated assignments. Returns `true` when a datagram was sent, `false` when
    /// notifications are off or sending failed (a notification failure must never stop the daemon).
    @discardableResult
    public func send(_ state: String) -> Bool {
        enabled && sd_notify(0, state) > 0
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }
}
