import Foundation
import LaurelClient
import LaurelProtocol
import NIOCore
import NIOPosix
import Testing

/// A real NIO Unix-socket server that answers each request with canned lines (`nil`: hang up).
func withCannedServer(
    _ answer: @escaping @Sendable (Request) -> [ReplyLine]?,
    _ body: (String) async throws -> Void
) async throws {
    var template = Array("/tmp/lrl-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    let path = directory + "/s"
    defer {
        unlink(path)
        rmdir(directory)
    }
    // Connections are wrapped in a NIOAsyncChannel only by the task that serves them (as
    // laureld's SocketServer does): one wrapped in the initializer but never served, because the
    // accept loop was being cancelled, trips NIO's "Deinited NIOAsyncWriter without calling
    // finish()" precondition and crashes the test process (seen once in a full run).
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .childChannelOption(.autoRead, value: false)
        .bind(unixDomainSocketPath: path) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RequestDecoder()))
                try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(ReplyEncoder()))
                return UnservedChannel(channel: channel)
            }
        }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { handlers in
                    for try await accepted in connections {
                        handlers.addTask {
                            let channel = accepted.channel
                            guard
                                let connection = try? await channel.eventLoop.submit({
                                    let wrapped = try NIOAsyncChannel<RequestFrame, ReplyLine>(wrappingChannelSynchronously: channel)
                                    try channel.syncOptions?.setOption(.autoRead, value: true)
                                    return wrapped
                                }).get()
                            else { return }
                            try? await connection.executeThenClose { input, output in
                                for try await frame in input {
                                    guard case .request(let request) = frame else { continue }
                                    guard let lines = answer(request) else { return }
                                    try await output.write(contentsOf: lines)
                                }
                            }
                        }
                    }
                }
            }
        }
        // Stop the server whether the body passed or threw, or the group would wait for it forever.
        defer { group.cancelAll() }
        try await body(path)
    }
}

/// An accepted connection not yet wrapped for async use.
struct UnservedChannel: Sendable {
    let channel: any Channel
}

func entry(_ id: String, nominee: String = "葉莉") -> EntryRecord {
    EntryRecord(
        id: id, award: "最美 社區", nominee: nominee, kind: "person", status: "nominated", cycle: "2025", region: "荃灣",
        citation: "為社區服務", nominations: 1, warnings: [], createdAt: "t", updatedAt: "t")
}

func event(_ n: Int) -> ReplyLine {
    .record(EventRecord(event: "accepted", at: "t\(n)", entry: "e\(n)"), status: .event)
}

@Sendable func cannedAnswers(_ request: Request) -> [ReplyLine]? {
    switch request.verb {
    case .ping: return [ReplyLine(.ok, more: false, "PONG")]
    case .get:
        if request.positionals.first == "k1" { return [.record(entry("k1")), ReplyLine(.ok, more: false, "1")] }
        if request.positionals.first == "garbage" { return [ReplyLine(.ok, more: true, "{not json"), ReplyLine(.ok, more: false, "1")] }
        return [.error(.notFound, "no entry with id \(WireText.excerpt(request.positionals.first ?? ""))")]
    case .search:
        let limit = Int(request.options["limit"] ?? "20") ?? 20
        let items = (0..<min(limit, 3)).map { entry("s\($0)", nominee: request.positionals.first ?? "") }
        return items.map { ReplyLine.record($0) } + [ReplyLine(.ok, more: false, "total=42 count=\(items.count)")]
    case .submit:
        if request.payload == Array("bad".utf8) { return [.error(.refused, "E_NO_AWARD: no award (record 1, line 1, field \"award\")")] }
        return [.record(SubmitRecord(outcome: "accepted", entries: ["n\(request.payload?.count ?? -1)"])), ReplyLine(.ok, more: false, "accepted")]
    case .export:
        return [ReplyLine(.ok, more: true, "id,award"), ReplyLine(.ok, more: true, "k1,\"最美 社區\""), ReplyLine(.ok, more: false, "count=1")]
    case .watch:
        if request.options["award"] == "short" { return [ReplyLine(.ok, more: true, "watching"), event(1), ReplyLine(.ok, more: false, "END")] }
        if request.options["award"] == "quiet" { return [ReplyLine(.ok, more: true, "watching")] }
        return [ReplyLine(.ok, more: true, "watching"), event(1), event(2)]
    case Verb(rawValue: "END"): return [ReplyLine(.ok, more: false, "END")]
    case .quit: return nil
    default: return [.error(.unknownVerb, "unknown verb \(request.verb)")]
    }
}

@Suite("Client against a canned server", .scaledTimeLimit(minutes: 1))
struct CannedServerTests {
    @Test("typed calls decode records, pages and summaries")
    func typedCalls() async throws {
        try await withCannedServer(cannedAnswers) { path in
            try await LaurelClient.withConnection(socketPath: path) { client in
                try await client.ping()
                #expect(try await client.get(id: "k1").nominee == "葉莉")
                let page = try await client.search("葉 莉", limit: 2)
                #expect(page.total == 42)
                #expect(page.items.map(\.nominee) == ["葉 莉", "葉 莉"])
                #expect(try await client.submit(fileName: "a b.txt", contents: Array("hello".utf8)).entries == ["n5"])
                #expect(try await client.export(format: .csv) == "id,award\nk1,\"最美 社區\"\n")
            }
        }
    }

    @Test("ERR replies become server errors and the connection stays usable")
    func serverErrors() async throws {
        try await withCannedServer(cannedAnswers) { path in
            try await LaurelClient.withConnection(socketPath: path) { client in
                do throws(LaurelClientError) {
                    _ = try await client.get(id: "nope")
                    Issue.record("expected NOT_FOUND")
                } catch {
                    #expect(error.kind == .server)
                    #expect(error.serverCode == .notFound)
                    #expect(error.exitStatus == 1)
                }
                do throws(LaurelClientError) {
                    _ = try await client.submit(fileName: "x", contents: Array("bad".utf8))
                    Issue.record("expected REFUSED")
                } catch {
                    #expect(error.serverCode == .refused)
                    #expect(error.message.contains("field \"award\""))
                }
                try await client.ping()
            }
        }
    }

    @Test("pipelined requests get their replies in order")
    func pipelining() async throws {
        try await withCannedServer(cannedAnswers) { path in
            try await LaurelClient.withConnection(socketPath: path) { client in
                let replies = try await client.send(pipelined: (0..<200).map { $0 % 2 == 0 ? Request(.ping) : Request(.get, ["k1"]) })
                #expect(replies.count == 200)
                for (index, reply) in replies.enumerated() {
                    #expect(reply.final.text == (index % 2 == 0 ? "PONG" : "1"))
                }
            }
        }
    }

    @Test("watch stopped by the handler ends with OK END and leaves the connection in step")
    func watchStop() async throws {
        try await withCannedServer(cannedAnswers) { path in
            try await LaurelClient.withConnection(socketPath: path) { client in
                var seen: [String] = []
                try await client.watch { event in
                    seen.append(event.at)
                    return .stop
                }
                #expect(seen == ["t1"])
                try await client.ping()
            }
        }
    }

    @Test("watch ended by the daemon returns after the events it sent")
    func watchServerEnd() async throws {
        try await withCannedServer(cannedAnswers) { path in
            try await LaurelClient.withConnection(socketPath: path) { client in
                var seen: [String] = []
                try await client.watch(award: "short") { event in
                    seen.append(event.at)
                    return .continue
                }
                #expect(seen == ["t1"])
            }
        }
    }

    @Test("watch returns quietly when its task is cancelled")
    func watchCancelled() async throws {
        try await withCannedServer(cannedAnswers) { path in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await LaurelClient.withConnection(socketPath: path) { client in
                        try await client.watch(award: "quiet") { _ in .continue }
                    }
                }
                group.cancelAll()
                try await group.waitForAll()
            }
        }
    }

    @Test("watch returns quietly when cancelled while waiting for events")
    func watchCancelledWhileWaiting() async throws {
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let answer: @Sendable (Request) -> [ReplyLine]? = { request in
            if request.verb == .watch { startedContinuation.yield() }
            return cannedAnswers(request)
        }
        try await withCannedServer(answer) { path in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await LaurelClient.withConnection(socketPath: path) { client in
                        try await client.watch(award: "quiet") { _ in .continue }
                    }
                }
                for await _ in started { break }
                group.cancelAll()
                try await group.waitForAll()
            }
        }
    }

    @Test("a daemon that hangs up mid-request is connectionClosed; garbage records are protocol violations")
    func brokenDaemon() async throws {
        try await withCannedServer(cannedAnswers) { path in
            try await LaurelClient.withConnection(socketPath: path) { client in
                do throws(LaurelClientError) {
                    _ = try await client.get(id: "garbage")
                    Issue.record("expected a protocol violation")
                } catch {
                    #expect(error.kind == .protocolViolation)
                    #expect(error.exitStatus == 5)
                }
                do throws(LaurelClientError) {
                    try await client.quit()
                    Issue.record("expected the connection to close")
                } catch {
                    #expect(error.kind == .connectionClosed)
                    #expect(error.description.contains(path))
                }
            }
        }
    }

    @Test("unreachable daemons are named with the path and the reason")
    func unreachable() async throws {
        do {
            try await LaurelClient.withConnection(socketPath: "/tmp/lrl-does-not-exist/s") { _ in }
            Issue.record("expected unreachable")
        } catch let error as LaurelClientError {
            #expect(error.kind == .unreachable)
            #expect(error.description == "no daemon is listening at /tmp/lrl-does-not-exist/s (the socket file does not exist); start one with `laureld --demo` or set $LAUREL_SOCKET")
            #expect(error.exitStatus == 3)
        }

        // A socket file nobody listens on (left by a stopped daemon): connection refused.
        var template = Array("/tmp/lrl-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        let path = directory + "/s"
        defer {
            unlink(path)
            rmdir(directory)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(fd)
        do {
            try await LaurelClient.withConnection(socketPath: path) { _ in }
            Issue.record("expected unreachable")
        } catch let error as LaurelClientError {
            #expect(error.kind == .unreachable)
            #expect(error.description.contains("connection refused"))
            #expect(error.description.contains(path))
        }
    }
}
