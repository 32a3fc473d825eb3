import LaurelProtocol
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A connection to `laureld` over its Unix socket, with one typed method per verb.
///
/// Open one with ``withConnection(socketPath:isolation:_:)``; the connection is closed when the body
/// returns or throws. A client runs one request at a time: use it from one task (it is not `Sendable`).
///
/// ```swift
/// let page = try await LaurelClient.withConnection(socketPath: "/run/laurel/laureld.sock") { client in
///     try await client.search("葉莉", limit: 5)
/// }
/// ```
public final class LaurelClient {
    /// The socket this client is connected to.
    public let socketPath: String
    private var inbound: NIOAsyncChannelInboundStream<ReplyLine>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<Request>

    private init(
        socketPath: String,
        inbound: NIOAsyncChannelInboundStream<ReplyLine>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<Request>
    ) {
        self.socketPath = socketPath
        self.inbound = inbound
        self.outbound = outbound
    }

    /// The system daemon's socket.
    public static let systemSocketPath = "/run/laurel/laureld.sock"

    /// The socket path used when none is given: `$LAUREL_SOCKET`; else the system socket
    /// (`/run/laurel/laureld.sock`) when it exists; else the per-user demo socket of
    /// `laureld --demo` when that exists (`$XDG_RUNTIME_DIR/laurel-demo.sock`, or
    /// `$XDG_STATE_HOME/laurel-demo/laureld.sock` with `~/.local/state` as the default state
    /// home); else the system socket, so that errors name the usual path.
    public static var defaultSocketPath: String {
        if let path = getenv("LAUREL_SOCKET"), path.pointee != 0 { return String(cString: path) }
        if access(systemSocketPath, F_OK) == 0 { return systemSocketPath }
        var candidates: [String] = []
        if let runtime = getenv("XDG_RUNTIME_DIR"), runtime.pointee == 47 /* "/" */ {
            candidates.append(String(cString: runtime) + "/laurel-demo.sock")
        }
        if let state = getenv("XDG_STATE_HOME"), state.pointee == 47 {
            candidates.append(String(cString: state) + "/laurel-demo/laureld.sock")
        } else if let home = getenv("HOME"), home.pointee == 47 {
            candidates.append(String(cString: home) + "/.local/state/laurel-demo/laureld.sock")
        }
        return candidates.first { access($0, F_OK) == 0 } ?? systemSocketPath
    }

    /// Connects to the daemon at `socketPath`, runs `body` with a client, and closes the connection.
    ///
    /// - Throws: ``LaurelClientError`` with kind ``LaurelClientError/Kind/unreachable`` when no
    ///   connection can be made (the sentence names the path and the reason), and whatever `body` throws.
    public static func withConnection<Result>(
        socketPath: String,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (LaurelClient) async throws -> sending Result
    ) async throws -> sending Result {
        try checkSocketFile(socketPath)
        let channel: NIOAsyncChannel<ReplyLine, Request>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ReplyDecoder()))
                        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(RequestEncoder()))
                        return try NIOAsyncChannel<ReplyLine, Request>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw unreachable(socketPath, error)
        }
        return try await channel.executeThenClose { inbound, outbound in
            let client = LaurelClient(socketPath: socketPath, inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(client)
        }
    }

    // MARK: Raw requests

    /// Sends one request and reads its whole reply, `ERR` included (no error is thrown for `ERR`).
    public func send(_ request: Request) async throws(LaurelClientError) -> Reply {
        try await write([request])
        return try await readReply()
    }

    /// Sends all `requests` at once (pipelining) and reads their replies, in order.
    public func send(pipelined requests: [Request]) async throws(LaurelClientError) -> [Reply] {
        try await write(requests)
        var replies: [Reply] = []
        replies.reserveCapacity(requests.count)
        for _ in requests { replies.append(try await readReply()) }
        return replies
    }

    // MARK: Verbs

    /// `PING`: checks that the daemon answers.
    public func ping() async throws(LaurelClientError) {
        let reply = try await call(Request(.ping))
        guard reply.final.text == "PONG" else { throw .protocolViolation("PING was answered \(WireText.excerpt(reply.final.text))") }
    }

    /// `HELLO`: protocol version, server, capabilities, limits and the caller's role.
    public func hello(clientName: String? = nil) async throws(LaurelClientError) -> HelloRecord {
        try await single(Request(.hello, clientName.map { ["client=\($0)"] } ?? []))
    }

    /// `STATS`: the daemon's counters.
    public func stats() async throws(LaurelClientError) -> StatsRecord {
        try await single(Request(.stats))
    }

    /// `GET <id>`: one entry. Throws a `.server` error with ``WireErrorCode/notFound`` when there is none.
    public func get(id: String) async throws(LaurelClientError) -> EntryRecord {
        try await single(Request(.get, [id]))
    }

    /// `SEARCH <query>`: entries matching `query`, one page at a time.
    public func search(_ query: String, filter: EntryFilter = EntryFilter(), limit: Int? = nil, offset: Int? = nil)
        async throws(LaurelClientError) -> Page<EntryRecord>
    {
        try await page(Request(.search, [query] + filter.arguments + Self.paging(limit, offset)))
    }

    /// `LIST`: entries in the daemon's order, one page at a time.
    public func list(filter: EntryFilter = EntryFilter(), limit: Int? = nil, offset: Int? = nil)
        async throws(LaurelClientError) -> Page<EntryRecord>
    {
        try await page(Request(.list, filter.arguments + Self.paging(limit, offset)))
    }

    /// `AWARDS`: every award and its number of entries.
    public func awards() async throws(LaurelClientError) -> [AwardRecord] {
        try records(try await call(Request(.awards)))
    }

    /// `HISTORY <id>`: an entry's status changes, oldest first.
    public func history(id: String) async throws(LaurelClientError) -> [HistoryRecord] {
        try records(try await call(Request(.history, [id])))
    }

    /// `SUBMIT`: sends one nomination file. A refusal throws a `.server` error with ``WireErrorCode/refused``.
    public func submit(fileName: String, contents: [UInt8]) async throws(LaurelClientError) -> SubmitRecord {
        try await single(Request.submit(fileName: fileName, contents: contents))
    }

    /// `EXPORT`: the whole document, its lines joined with LF (and a final LF).
    public func export(format: ExportFormat, filter: EntryFilter = EntryFilter()) async throws(LaurelClientError) -> String {
        var document = ""
        do {
            try await export(format: format, filter: filter) { line in document += line + "\n" }
        } catch let error as LaurelClientError {
            throw error
        } catch {
            // The closure above cannot throw; every other failure is already a LaurelClientError.
            throw .protocolViolation("\(error)")
        }
        return document
    }

    /// `EXPORT`, streaming: calls `line` with each line of the document (without its LF) as it arrives.
    /// Returns the record count from the last line.
    @discardableResult
    public func export(
        format: ExportFormat, filter: EntryFilter = EntryFilter(), into line: (String) async throws -> Void
    ) async throws -> Int {
        let request = Request(.export, ["format=\(format.rawValue)"] + filter.arguments)
        try await write([request])
        while true {
            let next = try await readLine()
            if next.more {
                guard next.status == .ok else { throw LaurelClientError.protocolViolation("EXPORT sent a \(next.status.rawValue)- line") }
                try await line(next.text)
                continue
            }
            if let error = next.wireError { throw LaurelClientError.server(code: error.code, message: error.sentence) }
            return Int(next.summary["count"] ?? "") ?? 0
        }
    }

    /// `MOVE <status> <id>…`: moves entries to `status` (`shortlisted`, `awarded`, `not_awarded`,
    /// `withdrawn`, `revoked`) and returns them as they are now. An illegal move throws a `.server`
    /// error with ``WireErrorCode/refused``.
    public func move(ids: [String], to status: String, reason: String? = nil) async throws(LaurelClientError) -> [EntryRecord] {
        try records(try await call(Request(.move, [status] + ids + (reason.map { ["reason=\($0)"] } ?? []))))
    }

    /// `WATCH`: calls `handle` with each event until it returns ``WatchAction/stop``, the daemon ends
    /// the subscription, or the task is cancelled. On `.stop` the subscription is ended cleanly and the
    /// connection stays usable; on cancellation the method returns and the connection should be closed.
    public func watch(award: String? = nil, _ handle: (EventRecord) async throws -> WatchAction) async throws {
        do {
            try await watchUntilEnd(award: award, handle)
        } catch {
            // Cancellation (Ctrl-C in laurelctl) ends the subscription: the connection will be closed.
            if Task.isCancelled { return }
            throw error
        }
    }

    private func watchUntilEnd(award: String?, _ handle: (EventRecord) async throws -> WatchAction) async throws {
        try await write([Request(.watch, award.map { ["award=\($0)"] } ?? [])])
        let first = try await readLine()
        if let error = first.wireError { throw LaurelClientError.server(code: error.code, message: error.sentence) }
        guard first.status == .ok, first.more else {
            throw LaurelClientError.protocolViolation("WATCH was answered \(WireText.excerpt(first.serialized()))")
        }
        var stopping = false
        while true {
            let line = try await readLine()
            if !line.more {
                if let error = line.wireError { throw LaurelClientError.server(code: error.code, message: error.sentence) }
                return
            }
            guard line.status == .event else { continue }
            guard !stopping else { continue }
            let event: EventRecord
            do {
                event = try WireJSON.decode(EventRecord.self, from: line.text)
            } catch {
                throw LaurelClientError.protocolViolation(error.sentence)
            }
            if try await handle(event) == .stop {
                stopping = true
                // Any line ends the subscription; the daemon consumes it and answers `OK END`.
                try await write([Request(Verb(rawValue: "END"))])
            }
        }
    }

    /// `RELOAD`: asks the daemon to re-read its configuration and waits for the outcome.
    /// Returns the daemon's sentence (`reloaded`).
    public func reload() async throws(LaurelClientError) -> String {
        try await call(Request(.reload)).final.text
    }

    /// `QUIT`: asks the daemon to close the connection after answering.
    public func quit() async throws(LaurelClientError) {
        _ = try await call(Request(.quit))
    }

    // MARK: Plumbing

    private static func paging(_ limit: Int?, _ offset: Int?) -> [String] {
        (limit.map { ["limit=\($0)"] } ?? []) + (offset.map { ["offset=\($0)"] } ?? [])
    }

    private func write(_ requests: [Request]) async throws(LaurelClientError) {
        do {
            try await outbound.write(contentsOf: requests)
        } catch {
            throw .connectionClosed(socketPath: socketPath)
        }
    }

    private func readLine() async throws(LaurelClientError) -> ReplyLine {
        let line: ReplyLine?
        do {
            line = try await inbound.next()
        } catch let error as ReplyFramingError {
            throw .protocolViolation(error.sentence)
        } catch {
            throw .connectionClosed(socketPath: socketPath)
        }
        guard let line else { throw .connectionClosed(socketPath: socketPath) }
        return line
    }

    private func readReply() async throws(LaurelClientError) -> Reply {
        var lines: [ReplyLine] = []
        while true {
            let line = try await readLine()
            if !line.more { return Reply(lines: lines, final: line) }
            lines.append(line)
        }
    }

    /// Sends `request` and returns its reply, turning `ERR` into a thrown `.server` error.
    private func call(_ request: Request) async throws(LaurelClientError) -> Reply {
        let reply = try await send(request)
        if let error = reply.wireError { throw .server(code: error.code, message: error.sentence) }
        return reply
    }

    private func records<T: Decodable>(_ reply: Reply) throws(LaurelClientError) -> [T] {
        do {
            return try reply.records(T.self)
        } catch {
            throw .protocolViolation(error.sentence)
        }
    }

    private func single<T: Decodable>(_ request: Request) async throws(LaurelClientError) -> T {
        let items: [T] = try records(try await call(request))
        guard items.count == 1, let item = items.first else {
            throw .protocolViolation("\(request.verb) was answered with \(items.count) records instead of one")
        }
        return item
    }

    private func page(_ request: Request) async throws(LaurelClientError) -> Page<EntryRecord> {
        let reply = try await call(request)
        let items: [EntryRecord] = try records(reply)
        // `total=1000+`: the daemon stopped counting at its cap.
        let word = reply.final.summary["total"] ?? ""
        let exact = !word.hasSuffix("+")
        let total = Int(exact ? Substring(word) : word.dropLast()) ?? items.count
        return Page(items: items, total: total, totalIsExact: exact)
    }
}
