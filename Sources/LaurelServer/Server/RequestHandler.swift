import Foundation
import LaurelCore
import LaurelProtocol
import LaurelStore
import Logging
import NIOPosix

/// Live figures that are not in the database, for `STATS`.
public struct LiveFigures: Sendable {
    public var queueDepth = 0
    public var connections = 0
    public var lastIngest: Date?
    public var pausedReason: String?
    public init() {}
}

/// Turns one request into reply lines. The one place where registry results and refusals
/// become wire replies (`OK-…`, `ERR <CODE> …`).
public struct RequestHandler: Sendable {
    public let registry: Registry
    public let ingestor: Ingestor
    public let events: EventHub
    public let policy: RolePolicy
    let pool: NIOThreadPool
    let started = Date()
    let limits: (maxLine: Int, maxSubmit: Int)
    let live: @Sendable () -> LiveFigures
    let reload: @Sendable () async -> Result<String, ConfigError>
    let logger: Logger

    public init(
        ingestor: Ingestor,
        policy: RolePolicy,
        pool: NIOThreadPool,
        maxLineBytes: Int,
        maxSubmitBytes: Int,
        logger: Logger,
        live: @escaping @Sendable () -> LiveFigures,
        reload: @escaping @Sendable () async -> Result<String, ConfigError>
    ) {
        self.registry = ingestor.registry
        self.ingestor = ingestor
        self.events = ingestor.events
        self.policy = policy
        self.pool = pool
        self.limits = (maxLineBytes, maxSubmitBytes)
        self.logger = logger
        self.live = live
        self.reload = reload
    }

    static let serverVersion = "laureld/0.1.0"

    /// Verbs answered from the registry alone, with one reply and no side effect. The connection's
    /// ``FastLane`` serves them on the event loop and the request thread pool, without waking the
    /// connection's task; ``readReply(_:peer:)`` is the one implementation both paths use.
    static let readVerbs: Set<Verb> = [.ping, .hello, .stats, .get, .search, .list, .awards, .history]

    /// Read verbs that need no database (answered on the event loop itself).
    static let immediateVerbs: Set<Verb> = [.ping, .hello]

    /// Handle one request; `write` is called with batches of lines, the last batch ending with
    /// the final line.
    public func handle(_ request: Request, peer: Peer, write: ([ReplyLine]) async throws -> Void) async throws {
        if Self.readVerbs.contains(request.verb) {
            if Self.immediateVerbs.contains(request.verb) {
                try await write(readReply(request, peer: peer))
            } else {
                do {
                    try await write(db { readReply(request, peer: peer) })
                } catch is NIOThreadPoolError.ThreadPoolInactive {
                    try await write([Self.shuttingDown])
                }
            }
            return
        }
        if let refusal = refusal(request, peer: peer) {
            try await write([refusal])
            return
        }
        do {
            try await dispatch(request, peer: peer, write: write)
        } catch let error as RequestError {
            try await write([error.reply])
        } catch let error as RegistryError {
            try await write([reply(error)])
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            try await write([Self.shuttingDown])
        }
    }

    static let shuttingDown = ReplyLine.error(.busy, "the daemon is shutting down")

    /// `ERR UNKNOWN_VERB` or `ERR DENIED` when the request cannot run for this peer, else nil.
    func refusal(_ request: Request, peer: Peer) -> ReplyLine? {
        let needed = Role.required(for: request.verb)
        guard Verb.all.contains(request.verb) else {
            return .error(.unknownVerb, "unknown verb \(WireText.excerpt(request.verb.rawValue)); send HELLO for the list of verbs")
        }
        guard peer.roles.contains(needed) else {
            return .error(.denied, "\(request.verb.rawValue) needs the \(needed.rawValue) role; user \(peer.userName) (uid \(peer.uid)) does not have it")
        }
        return nil
    }

    /// A registry error as a wire reply (unexpected ones are logged).
    func reply(_ error: RegistryError) -> ReplyLine {
        let code: WireErrorCode
        switch error.code {
        case RegistryError.notFoundCode: code = .notFound
        case RegistryError.illegalMoveCode: code = .refused
        case RegistryError.storageFullCode: code = .busy
        default:
            code = .internal
            logger.error("registry error", metadata: [LogKey.reason: "\(error)", LogKey.code: "\(error.code)"])
        }
        return .error(code, error.description)
    }

    /// The whole reply to a read verb (``readVerbs``), refusals and errors included. Blocks on the
    /// database for all but ``immediateVerbs``: call it on the request thread pool.
    func readReply(_ request: Request, peer: Peer) -> [ReplyLine] {
        if let refusal = refusal(request, peer: peer) { return [refusal] }
        do {
            return try read(request, peer: peer)
        } catch let error as RequestError {
            return [error.reply]
        } catch let error as RegistryError {
            return [reply(error)]
        } catch {
            logger.error("unexpected error in a read", metadata: [LogKey.reason: "\(error)"])
            return [.error(.internal, "the request failed unexpectedly; the daemon log has the details")]
        }
    }

    private func read(_ request: Request, peer: Peer) throws -> [ReplyLine] {
        let registry = self.registry
        switch request.verb {
        case .ping:
            return [ReplyLine(.ok, more: false, "PONG")]
        case .hello:
            let hello = HelloRecord(
                protocol: 1, server: Self.serverVersion, capabilities: Verb.all.map(\.rawValue),
                limits: .init(maxLine: limits.maxLine, maxSubmit: limits.maxSubmit),
                role: peer.primaryRole.rawValue, uid: Int(peer.uid), user: peer.userName)
            return [.record(hello), ReplyLine(.ok, more: false, "HELLO")]
        case .stats:
            let counts = try registry.stats()
            let live = self.live()
            let stats = StatsRecord(
                entries: counts.entries, nominations: counts.nominations, files: counts.files,
                rejectedFiles: counts.rejectedFiles, queueDepth: live.queueDepth, connections: live.connections,
                uptimeSeconds: Date().timeIntervalSince(started), lastIngest: live.lastIngest.map(Timestamp.string),
                ingestPaused: live.pausedReason)
            return [.record(stats), ReplyLine(.ok, more: false, "STATS")]
        case .get:
            let id = try single(request, "GET needs one entry id, e.g. GET k3m9q2xa")
            guard let row = try registry.entry(id: id) else { throw RequestError.notFound(id) }
            return [.record(Self.record(row)), ReplyLine(.ok, more: false, "1")]
        case .search:
            guard !request.positionals.isEmpty else {
                throw RequestError(.badRequest, "SEARCH needs a query, e.g. SEARCH 葉莉 limit=10")
            }
            let text = request.positionals.joined(separator: " ")
            let (filter, limit, offset) = try listArguments(request)
            let page = try registry.search(text, filter: filter, limit: limit, offset: offset)
            return page.items.map { .record(Self.record($0)) } + [Self.pageSummary(page)]
        case .list:
            let (filter, limit, offset) = try listArguments(request)
            let page = try registry.list(filter: filter, limit: limit, offset: offset)
            return page.items.map { .record(Self.record($0)) } + [Self.pageSummary(page)]
        case .awards:
            let awards = try registry.awards()
            return awards.map { .record(AwardRecord(award: $0.award, entries: $0.entries)) } + [ReplyLine(.ok, more: false, "count=\(awards.count)")]
        case .history:
            let id = try single(request, "HISTORY needs one entry id")
            guard let changes = try registry.history(id: id) else { throw RequestError.notFound(id) }
            let lines = changes.map { change in
                ReplyLine.record(
                    HistoryRecord(
                        at: Timestamp.string(change.at), from: change.from?.rawValue ?? "", to: change.to.rawValue,
                        actorUID: change.actorUID ?? -1, actor: change.actorName, reason: change.reason))
            }
            return lines + [ReplyLine(.ok, more: false, "count=\(changes.count)")]
        default:
            throw RequestError(.unknownVerb, "\(request.verb.rawValue) is not a read verb")
        }
    }

    /// `WATCH` is served by the connection itself (it keeps streaming); check it here.
    func checkWatch(_ request: Request, peer: Peer) -> ReplyLine? {
        peer.roles.contains(.reader) ? nil : .error(.denied, "WATCH needs the reader role; user \(peer.userName) (uid \(peer.uid)) does not have it")
    }

    static func sameKey(_ a: String, _ b: String) -> Bool {
        SearchFolding.fold(a) == SearchFolding.fold(b)
    }

    private func dispatch(_ request: Request, peer: Peer, write: ([ReplyLine]) async throws -> Void) async throws {
        let registry = self.registry
        switch request.verb {
        case .submit:
            guard let payload = request.payload, let name = request.positionals.first else {
                throw RequestError(.badRequest, "SUBMIT needs a file name and a byte count, followed by the file")
            }
            let safeName = Self.safeFileName(name)
            switch try await ingestor.submit(name: safeName, bytes: payload, submitterUID: peer.uid) {
            case .success(let record):
                try await write([.record(record), ReplyLine(.ok, more: false, record.outcome)])
            case .failure(let refusal):
                throw RequestError(.refused, refusal.description)
            }
        case .move:
            guard let target = request.positionals.first, let status = EntryStatus(wireName: target) else {
                throw RequestError(.badRequest, "MOVE needs a status (shortlisted, awarded, not_awarded, withdrawn, revoked) and entry ids")
            }
            let ids = Array(request.positionals.dropFirst())
            guard !ids.isEmpty else { throw RequestError(.badRequest, "MOVE needs at least one entry id") }
            let reason = request.options["reason"] ?? ""
            let moves = try await db {
                try registry.moves(ids: ids, to: status, actorUID: Int(peer.uid), actorName: peer.userName, reason: reason, at: Date())
            }
            let now = Timestamp.now()
            for move in moves {
                let row = move.entry
                events.publish(
                    EventRecord(
                        event: "status", at: now, entry: row.id, award: row.award, nominee: row.nominee,
                        from: move.from.rawValue, to: row.status.rawValue, reason: reason.isEmpty ? nil : reason))
            }
            try await write(moves.map { .record(Self.record($0.entry)) } + [ReplyLine(.ok, more: false, "moved=\(moves.count)")])
        case .export:
            try await export(request, write: write)
        case .reload:
            switch await reload() {
            case .success(let summary): try await write([ReplyLine(.ok, more: false, "reloaded \(summary)")])
            case .failure(let error): throw RequestError(.refused, "the new configuration was not applied; the old one stays in force: \(error)")
            }
        default:
            throw RequestError(.unknownVerb, "\(request.verb.rawValue) is not served on this connection")
        }
    }

    private func export(_ request: Request, write: ([ReplyLine]) async throws -> Void) async throws {
        guard let format = ExportWriter.Format(rawValue: (request.options["format"] ?? "jsonl").lowercased()) else {
            throw RequestError(.badRequest, "EXPORT format must be json, jsonl, csv or md")
        }
        let (filter, _, _) = try listArguments(request)
        let registry = self.registry
        var writer = ExportWriter(format: format)
        try await write(writer.header().map { ReplyLine(.ok, more: true, $0) })
        // The Markdown bulletin groups by award: export award by award.
        var filters = [filter]
        if format == .md, filter.award == nil {
            filters = try await db { try registry.awards() }.map { award in
                var f = filter
                f.award = award.award
                return f
            }
        }
        var count = 0
        for pageFilter in filters {
            var after: Int64? = 0
            while let cursor = after {
                let page = try await db { try registry.exportPage(filter: pageFilter, after: cursor, limit: 500) }
                count += page.rows.count
                after = page.next
                let lines = page.rows.flatMap { writer.lines(for: $0) }
                if !lines.isEmpty { try await write(lines.map { ReplyLine(.ok, more: true, $0) }) }
            }
        }
        try await write(writer.footer().map { ReplyLine(.ok, more: true, $0) } + [ReplyLine(.ok, more: false, "count=\(count)")])
    }

    private func single(_ request: Request, _ usage: String) throws(RequestError) -> String {
        guard request.positionals.count == 1 else { throw RequestError(.badRequest, usage) }
        return request.positionals[0]
    }

    private func listArguments(_ request: Request) throws(RequestError) -> (EntryFilter, Int, Int) {
        let options = request.options
        var filter = EntryFilter()
        filter.award = options["award"]
        filter.cycle = options["cycle"]
        filter.region = options["region"]
        if let status = options["status"] {
            guard let s = EntryStatus(wireName: status) else {
                throw RequestError(.badRequest, "unknown status \(WireText.excerpt(status)); one of \(EntryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = s
        }
        let limit = try intOption(options["limit"], "limit", default: 20, 0...1000)
        let offset = try intOption(options["offset"], "offset", default: 0, 0...10_000_000)
        return (filter, limit, offset)
    }

    private func intOption(_ value: String?, _ name: String, default fallback: Int, _ range: ClosedRange<Int>) throws(RequestError) -> Int {
        guard let value else { return fallback }
        guard let n = Int(value), range.contains(n) else {
            throw RequestError(.badRequest, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    private func db<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    /// A name from a client, made safe to use as a spool file name (no path, no dotfile).
    static func safeFileName(_ name: String) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? "submitted"
        let cleaned = base.hasPrefix(".") ? "_" + base.dropFirst() : base
        return cleaned.isEmpty ? "submitted" : String(cleaned.prefix(200))
    }

    /// `OK total=<N> count=<n>`; `total=1000+` when the count stopped at the cap.
    static func pageSummary(_ page: LaurelStore.Page<EntryRow>) -> ReplyLine {
        ReplyLine(.ok, more: false, "total=\(page.total)\(page.totalIsExact ? "" : "+") count=\(page.items.count)")
    }

    static func record(_ row: EntryRow) -> EntryRecord {
        EntryRecord(
            id: row.id, award: row.award, nominee: row.nominee, kind: row.kind.rawValue, status: row.status.rawValue,
            cycle: row.cycle, region: row.region, citation: row.citation, nominations: row.nominations,
            warnings: row.warnings, createdAt: Timestamp.string(row.createdAt), updatedAt: Timestamp.string(row.updatedAt))
    }
}

/// A semantic error for one request: the connection stays open.
struct RequestError: Error {
    var code: WireErrorCode
    var sentence: String
    var reply: ReplyLine { .error(code, sentence) }
    init(_ code: WireErrorCode, _ sentence: String) {
        self.code = code
        self.sentence = sentence
    }
    static func notFound(_ id: String) -> RequestError {
        RequestError(.notFound, "no entry with id \(WireText.excerpt(id))")
    }
}

extension EntryStatus {
    /// Accepts the wire spelling and the CLI's (`not-awarded`).
    init?(wireName: String) {
        self.init(rawValue: wireName.lowercased().replacingOccurrences(of: "-", with: "_"))
    }
}
