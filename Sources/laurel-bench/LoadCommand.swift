import ArgumentParser
import Foundation
import Histogram
import LaurelClient
import LaurelProtocol

/// `laurel-bench load` (the default subcommand): a closed-loop load generator over the real protocol.
///
/// C tasks, each with its own ``LaurelClient`` connection, each sending one request and awaiting its
/// whole reply, until the duration is over. Latency (send → last reply line) goes into an HDR
/// histogram per task, merged at the end.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Closed-loop load on a laureld socket: C connections, one request in flight each, for SECS seconds.")

    enum Operation: String, ExpressibleByArgument, CaseIterable { case ping, get, search, list }
    enum Engine: String, ExpressibleByArgument, CaseIterable { case raw, client }
    enum Target: String, ExpressibleByArgument, CaseIterable { case laureld, redis }

    @Option(help: "The daemon's Unix socket (default $LAUREL_SOCKET, else /run/laurel/laureld.sock).")
    var socket: String?

    @Option(help: "ping, get, search or list.")
    var op: Operation = .ping

    @Option(help: "Concurrent connections, each with one request in flight.")
    var clients: Int = 1

    @Option(help: "Seconds to run (fractions allowed).")
    var duration: Double = 5

    @Option(help: "Search query (repeat to rotate through several).")
    var query: [String] = []

    @Option(help: "limit= for search and list.")
    var limit: Int = 20

    @Option(name: .customLong("sample-ids"), help: "For get: how many existing ids to LIST first and pick from.")
    var sampleIDs: Int = 1000

    @Option(help: "raw (default): one thread, epoll, plain sockets, like redis-benchmark; client: one LaurelClient (async NIO) per connection, which measures the client library too.")
    var engine: Engine = .raw

    @Option(help: "laureld (default), or redis: send Redis inline PINGs to a redis-server socket with the same engine (--op ping only), for a same-client comparison.")
    var target: Target = .laureld

    @Flag(help: "Print one JSON object instead of a summary.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(clients) else { throw ValidationError("--clients must be 1–10000") }
        guard duration > 0, duration <= 86_400 else { throw ValidationError("--duration must be > 0 seconds") }
        if op == .search && query.isEmpty { throw ValidationError("--op search needs --query") }
        if target == .redis && (op != .ping || engine != .raw) { throw ValidationError("--target redis works with --op ping and --engine raw only") }
    }

    func run() async throws {
        let path = socket ?? LaurelClient.defaultSocketPath
        if engine == .raw {
            let lines: [[UInt8]] =
                target == .redis
                ? [Array("PING\r\n".utf8)]
                : try await prepareRequests(path).map { Array(($0.serialized() + "\n").utf8) }
            let load = RawLoad(socketPath: path, requests: lines, clients: clients, seconds: duration, dialect: target == .redis ? .redis : .laurel)
            let result = try load.run()
            let report = LoadReport(
                op: op.rawValue, clients: clients, requests: Int(result.histogram.totalCount), errors: result.errors,
                durationSeconds: result.seconds, histogram: result.histogram, firstError: result.firstError)
            print(json ? report.json() : report.summary())
            return
        }
        let requests = try await prepareRequests(path)
        let deadline = ContinuousClock.now + .milliseconds(Int64(duration * 1000))
        let started = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: Worker.self) { group in
            for index in 0..<clients {
                group.addTask {
                    var worker = Worker(requests: requests, offset: index * 7919)
                    await worker.run(socketPath: path, until: deadline)
                    return worker
                }
            }
            var all: [Worker] = []
            for try await worker in group { all.append(worker) }
            return all
        }
        let elapsed = (ContinuousClock.now - started).seconds
        var histogram = Worker.makeHistogram()
        var errors = 0
        var firstError: String?
        for result in results {
            histogram.add(result.histogram)
            errors += result.errors
            if firstError == nil { firstError = result.firstError }
        }
        let report = LoadReport(
            op: op.rawValue, clients: clients, requests: Int(histogram.totalCount), errors: errors,
            durationSeconds: elapsed, histogram: histogram, firstError: firstError)
        print(json ? report.json() : report.summary())
    }

    /// The requests the workers cycle through: for `get`, ids of existing entries (LIST first).
    private func prepareRequests(_ path: String) async throws -> [Request] {
        switch op {
        case .ping:
            return [Request(.ping)]
        case .list:
            return [Request(.list, ["limit=\(limit)"])]
        case .search:
            return query.map { Request(.search, [$0, "limit=\(limit)"]) }
        case .get:
            let ids = try await LaurelClient.withConnection(socketPath: path) { client in
                var ids: [String] = []
                while ids.count < sampleIDs {
                    let page = try await client.list(limit: min(1000, sampleIDs - ids.count), offset: ids.count)
                    if page.items.isEmpty { break }
                    ids += page.items.map(\.id)
                }
                return ids
            }
            guard !ids.isEmpty else { throw ValidationError("--op get: the registry at \(path) has no entries") }
            return ids.map { Request(.get, [$0]) }
        }
    }
}

/// One connection's loop. Not shared: each task owns its worker and hands it back when done.
struct Worker: Sendable {
    let requests: [Request]
    var next: Int
    var histogram = Worker.makeHistogram()
    var errors = 0
    var firstError: String?

    init(requests: [Request], offset: Int) {
        self.requests = requests
        self.next = offset % requests.count
    }

    /// Microseconds, 1 µs to 60 s, three significant digits.
    static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    }

    mutating func run(socketPath: String, until deadline: ContinuousClock.Instant) async {
        // A broken connection is counted and reopened, so one failure does not end the run.
        while ContinuousClock.now < deadline {
            do {
                try await LaurelClient.withConnection(socketPath: socketPath) { client in
                    while ContinuousClock.now < deadline {
                        let request = requests[next]
                        next = (next + 1) % requests.count
                        let sent = ContinuousClock.now
                        let reply = try await client.send(request)
                        let micros = (ContinuousClock.now - sent).seconds * 1e6
                        histogram.record(UInt64(max(1, micros.rounded())))
                        if reply.final.status != .ok {
                            errors += 1
                            if firstError == nil { firstError = "\(reply.final)" }
                        }
                    }
                }
            } catch {
                errors += 1
                if firstError == nil { firstError = "\(error)" }
                if ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
            }
        }
    }
}

/// The result of one run, as a summary or one JSON object.
struct LoadReport {
    let op: String
    let clients: Int
    let requests: Int
    let errors: Int
    let durationSeconds: Double
    let histogram: Histogram<UInt64>
    let firstError: String?

    var rps: Double { durationSeconds > 0 ? Double(requests) / durationSeconds : 0 }
    func ms(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1000 }
    var maxMs: Double { Double(histogram.max) / 1000 }

    func json() -> String {
        func number(_ value: Double) -> String { String(format: "%.3f", value) }
        var fields = [
            "\"op\":\"\(op)\"", "\"clients\":\(clients)", "\"requests\":\(requests)", "\"errors\":\(errors)",
            "\"duration_s\":\(number(durationSeconds))", "\"rps\":\(number(rps))",
            "\"p50_ms\":\(number(ms(50)))", "\"p99_ms\":\(number(ms(99)))", "\"p999_ms\":\(number(ms(99.9)))",
            "\"max_ms\":\(number(maxMs))",
        ]
        if let firstError, let data = try? JSONEncoder().encode(firstError), let text = String(data: data, encoding: .utf8) {
            fields.append("\"first_error\":\(text)")
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    func summary() -> String {
        var text = """
            \(op) with \(clients) client\(clients == 1 ? "" : "s") for \(String(format: "%.2f", durationSeconds)) s
              requests  \(requests)   (\(String(format: "%.0f", rps)) per second)
              errors    \(errors)
              latency   p50 \(String(format: "%.3f", ms(50))) ms   p99 \(String(format: "%.3f", ms(99))) ms   \
            p99.9 \(String(format: "%.3f", ms(99.9))) ms   max \(String(format: "%.3f", maxMs)) ms
            """
        if let firstError { text += "\n  first error: \(firstError)" }
        return text
    }
}
