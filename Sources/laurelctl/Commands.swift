import ArgumentParser
import Foundation
import LaurelClient
import LaurelProtocol

struct Ping: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check that the daemon answers.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let clock = ContinuousClock()
        let elapsed = try await global.run { client in
            try await clock.measure { try await client.ping() }
        }
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        if global.json {
            Output.json(PingDocument(ok: true, socket: global.socketPath, ms: (ms * 1000).rounded() / 1000))
        } else {
            Output.line("PONG from \(global.socketPath) in \(String(format: "%.1f", ms)) ms")
        }
    }
}

struct PingDocument: Encodable {
    var ok: Bool
    var socket: String
    var ms: Double
}

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the daemon's counters.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let stats = try await global.run { client in try await client.stats() }
        if global.json { return Output.json(stats) }
        let rows: [[String]] = [
            ["entries", String(stats.entries)], ["nominations", String(stats.nominations)],
            ["files", String(stats.files)], ["rejected files", String(stats.rejectedFiles)],
            ["queue depth", String(stats.queueDepth)], ["connections", String(stats.connections)],
            ["uptime", String(format: "%.0f s", stats.uptimeSeconds)], ["last ingest", stats.lastIngest ?? "never"],
            ["ingest paused", stats.ingestPaused ?? "no"],
        ]
        Output.raw(TextTable(columns: [.init("COUNTER"), .init("VALUE", alignRight: true)], rows: rows).rendered())
    }
}

/// The JSON document for a page of entries.
struct PageDocument: Encodable {
    var entries: [EntryRecord]
    var total: Int
    /// `false` when `total` is a lower bound (the daemon counts to 1,000).
    var totalIsExact: Bool

    enum CodingKeys: String, CodingKey {
        case entries, total
        case totalIsExact = "total_is_exact"
    }
}

func printPage(_ page: Page<EntryRecord>, offset: Int?, json: Bool) {
    if json { return Output.json(PageDocument(entries: page.items, total: page.total, totalIsExact: page.totalIsExact)) }
    let total = "\(page.total)\(page.totalIsExact ? "" : "+")"
    if page.items.isEmpty {
        Output.line("no entries (total \(total))")
        return
    }
    Output.raw(Output.entryTable(page.items))
    let first = (offset ?? 0) + 1
    Output.line("showing \(first)–\(first + page.items.count - 1) of \(total)")
}

struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Search entries by nominee, award, citation (Chinese and Latin text).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "What to look for.") var query: String
    @OptionGroup var filters: FilterOptions
    @OptionGroup var paging: PageOptions

    func run() async throws {
        let page = try await global.run { client in
            try await client.search(query, filter: filters.filter, limit: paging.limit, offset: paging.offset)
        }
        printPage(page, offset: paging.offset, json: global.json)
    }
}

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List entries, optionally filtered.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var paging: PageOptions

    func run() async throws {
        let page = try await global.run { client in
            try await client.list(filter: filters.filter, limit: paging.limit, offset: paging.offset)
        }
        printPage(page, offset: paging.offset, json: global.json)
    }
}

struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one entry in full.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entry's id.") var id: String

    func run() async throws {
        let entry = try await global.run { client in try await client.get(id: id) }
        if global.json { return Output.json(entry) }
        let rows: [[String]] = [
            ["id", entry.id], ["award", entry.award], ["nominee", entry.nominee], ["kind", entry.kind],
            ["status", entry.status], ["cycle", entry.cycle], ["region", entry.region],
            ["nominations", String(entry.nominations)], ["created", entry.createdAt], ["updated", entry.updatedAt],
        ] + entry.warnings.map { ["warning", $0] }
        let labels = rows.map { DisplayWidth.pad($0[0] + ":", to: 13) + $0[1] }
        Output.line(labels.joined(separator: "\n"))
        Output.line("")
        Output.line(entry.citation)
    }
}

struct Awards: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List awards and how many entries each has.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let awards = try await global.run { client in try await client.awards() }
        if global.json { return Output.json(awards) }
        Output.raw(
            TextTable(
                columns: [.init("AWARD"), .init("ENTRIES", alignRight: true)],
                rows: awards.map { [$0.award, String($0.entries)] }
            ).rendered())
    }
}

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show an entry's status changes.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entry's id.") var id: String

    func run() async throws {
        let history = try await global.run { client in try await client.history(id: id) }
        if global.json { return Output.json(history) }
        Output.raw(
            TextTable(
                columns: [.init("AT"), .init("FROM"), .init("TO"), .init("ACTOR"), .init("REASON", maxWidth: 50)],
                rows: history.map { [$0.at, $0.from.isEmpty ? "—" : $0.from, $0.to, "\($0.actor) (\($0.actorUID))", $0.reason] }
            ).rendered())
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export entries as JSON, JSON Lines, CSV or Markdown.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "json, jsonl, csv or md.") var format: String
    @OptionGroup var filters: FilterOptions
    @Option(help: "Write to this file (atomically) instead of stdout.") var output: String?

    func validate() throws {
        guard ExportFormat(rawValue: format) != nil else { throw ValidationError("--format must be json, jsonl, csv or md") }
    }

    struct Document: Encodable {
        var format: String
        var count: Int
        var output: String?
        var document: String?
    }

    func run() async throws {
        let format = ExportFormat(rawValue: format)!
        if let output {
            let (text, count) = try await fetch(format)
            do {
                try AtomicFile.write(Array(text.utf8), to: output)
            } catch {
                Output.error("laurelctl: \(error)")
                throw ExitCode(error.exitStatus)
            }
            if global.json { return Output.json(Document(format: format.rawValue, count: count, output: output)) }
            Output.error("exported \(count) record(s) to \(output)")
        } else if global.json {
            let (text, count) = try await fetch(format)
            Output.json(Document(format: format.rawValue, count: count, document: text))
        } else {
            // Stream to stdout as lines arrive: an export may be large.
            let count = try await global.run { client in
                try await client.export(format: format, filter: filters.filter) { line in Output.line(line) }
            }
            Output.error("exported \(count) record(s)")
        }
    }

    private func fetch(_ format: ExportFormat) async throws -> (String, Int) {
        try await global.run { client in
            var text = ""
            let count = try await client.export(format: format, filter: filters.filter) { line in text += line + "\n" }
            return (text, count)
        }
    }
}

/// MOVE for each status command.
struct MoveOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ids of the entries to move.") var ids: [String]
    @Option(help: "Why (kept in the entry's history).") var reason: String?

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one entry id") }
    }

    func move(to status: String) async throws {
        let moved = try await global.run { client in try await client.move(ids: ids, to: status, reason: reason) }
        if global.json { return Output.json(moved) }
        for entry in moved { Output.line("\(entry.id)  → \(entry.status)  \(entry.award) · \(entry.nominee)") }
    }
}

struct Shortlist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Move entries to shortlisted.")
    @OptionGroup var move: MoveOptions
    func run() async throws { try await move.move(to: "shortlisted") }
}

struct AwardEntry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "award", abstract: "Move shortlisted entries to awarded.")
    @OptionGroup var move: MoveOptions
    func run() async throws { try await move.move(to: "awarded") }
}

struct NotAward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "not-award", abstract: "Move shortlisted entries to not_awarded.")
    @OptionGroup var move: MoveOptions
    func run() async throws { try await move.move(to: "not_awarded") }
}

struct Withdraw: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Move nominated or shortlisted entries to withdrawn.")
    @OptionGroup var move: MoveOptions
    func run() async throws { try await move.move(to: "withdrawn") }
}

struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Move awarded entries to revoked.")
    @OptionGroup var move: MoveOptions
    func run() async throws { try await move.move(to: "revoked") }
}

struct ReloadDocument: Encodable {
    var reloaded: Bool
    var message: String
}

struct Reload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Ask the daemon to re-read its configuration, and wait for the outcome.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let message = try await global.run { client in try await client.reload() }
        if global.json { return Output.json(ReloadDocument(reloaded: true, message: message)) }
        Output.line(message)
    }
}
