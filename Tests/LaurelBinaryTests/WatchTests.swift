import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `laurelctl watch` and the daemon's WATCH subscription end to end.
@Suite(
    "Live events through laurelctl watch and laureld",
    .enabled(if: binariesBuilt, "laureld and laurelctl are not built next to the test bundle")
)
struct WatchTests {
    /// `laurelctl watch …` running in the background, its stdout in a file.
    final class Watcher {
        let process = Process()
        let outPath: String

        init(_ daemon: TestDaemon, _ arguments: [String]) throws {
            outPath = daemon.dir.path + "/watch-\(UInt32.random(in: 0...UInt32.max)).out"
            _ = FileManager.default.createFile(atPath: outPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: productsDirectory + "/laurelctl")
            process.arguments = ["watch", "--socket", daemon.socket] + arguments
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        var lines: [String] {
            ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        var events: [[String: Any]] {
            lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        /// Waits until the subscription is live: probes are submitted until one of their events
        /// shows up (the first may be published before WATCH is subscribed). Without `award`, a
        /// refused file; with it, a new nomination for that award each time.
        func waitUntilLive(_ daemon: TestDaemon, award: String? = nil) throws {
            let refused = daemon.dir.write("probe.nom", "not a nomination\n")
            var n = 0
            let live = try eventually(timeout: .seconds(20)) {
                n += 1
                if let award {
                    _ = try daemon.submit("probe\(n).nom", nomination(award: award, nominee: "Probe \(n)"))
                } else {
                    _ = try daemon.ctl(["submit", "--socket-submit", refused])
                }
                return eventually(timeout: .milliseconds(300)) { !self.lines.isEmpty }
            }
            try #require(live, "laurelctl watch never showed an event")
        }

        /// SIGINT, as Ctrl-C; returns the exit status.
        func interrupt() -> Int32 {
            kill(process.processIdentifier, SIGINT)
            if !eventually(timeout: .seconds(10), { !process.isRunning }) {
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    @Test("watch --json sees a dropped file accepted, a refused file and a status change, then exits 0 on Ctrl-C")
    func watchSeesDropAndMove() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        let watcher = try Watcher(daemon, ["--json"])
        try watcher.waitUntilLive(daemon)

        try daemon.drop("w.nom", nomination(nominee: "Watched Team"))
        var accepted: [String: Any]?
        #expect(
            eventually {
                accepted = watcher.events.first {
                    $0["event"] as? String == "accepted" && $0["nominee"] as? String == "Watched Team"
                }
                return accepted != nil
            }, "no accepted event: \(watcher.lines)")
        let id = try #require(accepted?["entry"] as? String)
        #expect(accepted?["file"] as? String == "w.nom")

        #expect(try daemon.ctl(["shortlist", id, "--reason", "strong"]).status == 0)
        var moved: [String: Any]?
        #expect(
            eventually {
                moved = watcher.events.first { $0["event"] as? String == "status" && $0["entry"] as? String == id }
                return moved != nil
            }, "no status event: \(watcher.lines)")
        #expect(moved?["from"] as? String == "nominated")
        #expect(moved?["to"] as? String == "shortlisted")
        #expect(moved?["reason"] as? String == "strong")
        #expect(watcher.events.contains { $0["event"] as? String == "refused" && $0["file"] as? String == "probe.nom" })

        #expect(watcher.interrupt() == 0)
    }

    @Test("watch --award shows only that award's events, in human-readable lines")
    func watchFiltersByAward() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        let all = try Watcher(daemon, [])
        try all.waitUntilLive(daemon)
        let filtered = try Watcher(daemon, ["--award", "最美社區團隊"])
        try filtered.waitUntilLive(daemon, award: "最美社區團隊")
        // Events for the other award, then for this one (simplified spelling folds to it).
        _ = try daemon.submit("other.nom", nomination(award: "Other Award", nominee: "Not Shown"))
        let id = try daemon.submit("this.nom", nomination(award: "最美社区团队", nominee: "百步亭社區"))[0]
        #expect(try daemon.ctl(["shortlist", id]).status == 0)
        #expect(
            eventually { filtered.lines.contains { $0.contains("status") && $0.contains("nominated → shortlisted") } },
            "\(filtered.lines)")
        #expect(filtered.lines.contains { $0.contains("accepted") && $0.contains("百步亭社區") })
        #expect(!filtered.lines.contains { $0.contains("Not Shown") || $0.contains("probe.nom") })
        #expect(eventually { all.lines.contains { $0.contains("Not Shown") } })
        #expect(filtered.interrupt() == 0)
        #expect(all.interrupt() == 0)
    }

    @Test("a watcher that stops reading is cut off (ERR BUSY, then close) and the daemon carries on")
    func stalledWatcherIsCutOff() throws {
        // A huge stall timeout: only the event-buffer overflow can cut this watcher off in time.
        let daemon = try TestDaemon(config: "[limits]\nwrite_stall_seconds = 3600\noutput_buffer_bytes = 4096\n")
        defer { daemon.stop() }
        let client = try LineSocket(path: daemon.socket)
        client.send("WATCH\n")
        #expect(client.readLine() == "OK-watching")
        // From here the client reads nothing. 6000 accepted events in a few bursts overflow the
        // watcher's buffer (1024 events) after the socket's own buffers fill.
        for file in 0..<4 {
            let lines = (0..<1500).map { i in
                #"{"award":"Flood","nominee":"Flood \#(file)-\#(i)","citation":"An event for a watcher that does not read."}"#
            }
            _ = try daemon.submit("flood\(file).jsonl", lines.joined(separator: "\n"))
        }
        // While the watcher still reads nothing, the daemon drops its connection (the only one
        // left is the `stats` asking) and keeps answering others.
        #expect(
            try eventually {
                let stats = try daemon.ctl(["stats", "--json"])
                return ((try? stats.json() as? [String: Any])?["connections"] as? Int) == 1
            }, "the stalled watcher was not cut off while it was not reading")
        #expect(try daemon.ctl(["ping"]).status == 0)
        // What the watcher finds when it reads again: the events that were already in the socket,
        // then the end of the connection.
        let (text, closed) = client.drain(timeout: .seconds(20))
        #expect(closed, "the stalled watcher's connection was not closed")
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("EVT-") || last.hasPrefix("ERR BUSY"), "unexpected last line \(last)")
    }
}

/// A blocking Unix-socket client that reads only when told to (for a stalled watcher).
final class LineSocket {
    let fd: Int32
    private var pending: [UInt8] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, rc == 0 else { throw ProcessFailure("connect \(path): \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: Int(Duration.seconds(10).scaled.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// One line (without LF), or nil on close/timeout.
    func readLine() -> String? {
        var byte: UInt8 = 0
        while recv(fd, &byte, 1, 0) == 1 {
            if byte == 10 {
                defer { pending.removeAll() }
                return String(decoding: pending, as: UTF8.self)
            }
            pending.append(byte)
        }
        return nil
    }

    /// Reads everything until the peer closes (true) or `timeout` (scaled by ``TestTime/scale``)
    /// passes (false).
    func drain(timeout: Duration) -> (String, Bool) {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout.scaled
        while clock.now < deadline {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n == 0 { return (String(decoding: out, as: UTF8.self), true) }
            if n < 0 {
                if errno == ECONNRESET { return (String(decoding: out, as: UTF8.self), true) }
                if errno == EAGAIN || errno == EINTR { continue }
                break
            }
            out.append(contentsOf: buffer[0..<n])
        }
        return (String(decoding: out, as: UTF8.self), false)
    }
}
