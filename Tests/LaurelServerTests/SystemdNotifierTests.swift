import NIOConcurrencyHelpers
import Testing

@testable import LaurelServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// These tests set `NOTIFY_SOCKET`/`WATCHDOG_*` in the process environment, so they run one at a time.
@Suite("sd_notify and the watchdog", .serialized)
struct SystemdNotifierTests {
    @Test("Notifications arrive in order: READY, STATUS, RELOADING with MONOTONIC_USEC, READY, STOPPING")
    func lifecycleMessagesInOrder() throws {
        let fake = try FakeNotifySocket()
        let notifier = SystemdNotifier()
        let before = SystemdNotifier.monotonicMicroseconds()
        let sent = withEnvironment(["NOTIFY_SOCKET": fake.path]) {
            [
                notifier.ready(),
                notifier.status("Indexed 3 files\nlast: a.txt"),
                notifier.reloading(),
                notifier.ready(),
                notifier.stopping(),
                notifier.watchdogPing(),
            ]
        }
        #expect(sent == [true, true, true, true, true, true])

        #expect(fake.receive() == "READY=1")
        #expect(fake.receive() == "STATUS=Indexed 3 files last: a.txt")
        let reload = try #require(fake.receive())
        let lines = reload.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first == "RELOADING=1")
        let stamp = try #require(lines.last.flatMap { $0.hasPrefix("MONOTONIC_USEC=") ? UInt64($0.dropFirst(15)) : nil })
        #expect(stamp >= before)
        #expect(stamp <= SystemdNotifier.monotonicMicroseconds())
        #expect(fake.receive() == "READY=1")
        #expect(fake.receive() == "STOPPING=1")
        #expect(fake.receive() == "WATCHDOG=1")
        #expect(!fake.hasPending())
    }

    @Test("Without NOTIFY_SOCKET every call is a no-op that reports nothing sent")
    func noOpWithoutNotifySocket() {
        let notifier = SystemdNotifier()
        withEnvironment(["NOTIFY_SOCKET": nil]) {
            #expect(!notifier.isEnabled)
            #expect(!notifier.ready())
            #expect(!notifier.status("x"))
            #expect(!notifier.stopping())
        }
    }

    @Test("NOTIFY_SOCKET is left in the environment after notifying")
    func environmentIsKept() throws {
        let fake = try FakeNotifySocket()
        withEnvironment(["NOTIFY_SOCKET": fake.path]) {
            SystemdNotifier().ready()
            #expect(getenv("NOTIFY_SOCKET").map { String(cString: $0) } == fake.path)
        }
        #expect(fake.receive() == "READY=1")
    }

    @Test("The watchdog interval comes from WATCHDOG_USEC when WATCHDOG_PID is this process")
    func watchdogIntervalForThisProcess() {
        let interval = withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid())]) {
            SystemdNotifier().watchdogInterval
        }
        #expect(interval == .seconds(30))
    }

    @Test("The watchdog is off when WATCHDOG_PID names another process")
    func watchdogIntervalForAnotherProcess() {
        let interval = withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid() + 1)]) {
            SystemdNotifier().watchdogInterval
        }
        #expect(interval == nil)
    }

    @Test("The watchdog is off without WATCHDOG_USEC or with a malformed one")
    func watchdogIntervalAbsentOrMalformed() {
        let absent = withEnvironment(["WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) {
            SystemdNotifier().watchdogInterval
        }
        let malformed = withEnvironment(["WATCHDOG_USEC": "soon", "WATCHDOG_PID": String(getpid())]) {
            SystemdNotifier().watchdogInterval
        }
        #expect(absent == nil)
        #expect(malformed == nil)
    }

    @Test("The watchdog service pings repeatedly at half the interval and stops when cancelled")
    func watchdogServicePings() async throws {
        let fake = try FakeNotifySocket()
        let env = ["NOTIFY_SOCKET": fake.path, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": String(getpid())]
        let pings = try await withEnvironment(env) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await SystemdWatchdogService().run() }
                let received = [await fake.next(), await fake.next(), await fake.next()]
                group.cancelAll()
                try await group.waitForAll()
                return received
            }
        }
        #expect(pings == ["WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1"])
    }

    @Test("A failing health check sends no ping")
    func watchdogServiceSkipsUnhealthy() async throws {
        let fake = try FakeNotifySocket()
        let checks = NIOLockedValueBox(0)
        let env = ["NOTIFY_SOCKET": fake.path, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": String(getpid())]
        try await withEnvironment(env) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Healthy only on every other check.
                group.addTask {
                    try await SystemdWatchdogService {
                        checks.withLockedValue { count in
                            count += 1
                            return count % 2 == 0
                        }
                    }.run()
                }
                for _ in 0..<3 { #expect(await fake.next() == "WATCHDOG=1") }
                group.cancelAll()
                try await group.waitForAll()
            }
        }
        #expect(checks.withLockedValue { $0 } >= 6, "three pings need six checks when every other one fails")
    }

    @Test("The watchdog service returns at once when the watchdog is off")
    func watchdogServiceWithoutWatchdog() async throws {
        try await withEnvironment(["WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) {
            try await SystemdWatchdogService().run()
        }
    }
}

@Suite("Socket activation helpers")
struct SystemdListenFDsTests {
    @Test("A listening Unix stream socket is accepted; a datagram socket is refused")
    func unixStreamListenerCheck() throws {
        let dir = try ShortTempDirectory()
        defer { dir.remove(files: ["s", "d"]) }
        let stream = try makeUnixSocket(type: Int32(SOCK_STREAM.rawValue), path: dir.path + "/s")
        defer { close(stream) }
        let datagram = try makeUnixSocket(type: Int32(SOCK_DGRAM.rawValue), path: dir.path + "/d")
        defer { close(datagram) }

        #expect(!SystemdListenFDs.isUnixStreamListener(stream), "bound but not yet listening")
        #expect(listen(stream, 16) == 0)
        #expect(SystemdListenFDs.isUnixStreamListener(stream))
        #expect(!SystemdListenFDs.isUnixStreamListener(datagram))
        #expect(SystemdListenFDs.restoreBacklog(stream))
        #expect(SystemdListenFDs.isUnixStreamListener(stream), "the original fd still listens after the dup is closed")
    }

    @Test("Sockets are found by FileDescriptorName; a missing name says which names were passed")
    func lookupByName() throws {
        let fds = SystemdListenFDs(sockets: [.init(name: "other", fd: 3), .init(name: "laureld", fd: 4)])
        #expect(fds.fd(named: "laureld") == 4)
        #expect(fds.fd(named: "nope") == nil)
        let error = #expect(throws: SystemdError.self) { try fds.unixStreamListener(named: "nope") }
        #expect(error == .noSocketNamed("nope", available: ["other", "laureld"]))
        #expect(error?.description.contains("FileDescriptorName=nope") == true)
    }

    @Test("Without LISTEN_FDS the process adopts no sockets")
    func adoptWithoutActivation() throws {
        // LISTEN_PID is never this test process, so no environment change is needed.
        let fds = try SystemdListenFDs.adopt()
        #expect(fds.sockets.isEmpty)
    }
}
