#if canImport(Glibc)
import Glibc
#endif
import LaurelProtocol
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import NIOConcurrencyHelpers

/// The line-protocol server on a Unix socket.
///
/// Connections run as children of one discarding task group; each one reads requests in order
/// and writes replies in order (pipelining), with the limits of ``LaureldSettings/Limits``.
public final class SocketServer: Service, Sendable {
    public enum Listener: Sendable {
        /// Bind this path ourselves (and remove the socket file when we stop).
        case path(String, mode: UInt32)
        /// Adopt a listening socket passed by systemd; never unlink it.
        case inherited(CInt)
    }

    let listener: Listener
    let limits: LaureldSettings.Limits
    let maxPayloadBytes: Int
    let handler: RequestHandler
    let logger: Logger
    let group: any EventLoopGroup
    let onListening: @Sendable () -> Void
    private let connections = NIOLockedValueBox(ConnectionTable())

    struct ConnectionTable {
        var next = 0
        var channels: [Int: any Channel] = [:]
        var shuttingDown = false
    }

    public init(
        listener: Listener,
        limits: LaureldSettings.Limits,
        maxPayloadBytes: Int,
        handler: RequestHandler,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        onListening: @escaping @Sendable () -> Void = {}
    ) {
        self.listener = listener
        self.limits = limits
        self.maxPayloadBytes = maxPayloadBytes
        self.handler = handler
        self.group = group
        self.logger = logger
        self.onListening = onListening
    }

    /// Connections open now.
    public var connectionCount: Int { connections.withLockedValue { $0.channels.count } }

    public func run() async throws {
        let limits = self.limits
        let maxPayloadBytes = self.maxPayloadBytes
        let handler = self.handler
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: limits.outputBufferBytes / 2, high: limits.outputBufferBytes))
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // Nothing is read before the connection task wraps the channel (see AcceptedConnection).
            .childChannelOption(.autoRead, value: false)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<AcceptedConnection> = { channel in
            channel.eventLoop.makeCompletedFuture {
                let sync = channel.pipeline.syncOperations
                try sync.addHandler(
                    ConnectionGuard(
                        idleTimeout: .seconds(Int64(limits.idleTimeoutSeconds)),
                        stallTimeout: .seconds(Int64(limits.writeStallSeconds))))
                try sync.addHandler(ByteToMessageHandler(RequestDecoder(maxLineBytes: limits.maxLineBytes, maxPayloadBytes: maxPayloadBytes)))
                try sync.addHandler(MessageToByteHandler(ReplyEncoder()))
                try sync.addHandler(FramingErrorHandler())
                try sync.addHandler(FastLane(handler: handler, pool: handler.pool))
                return AcceptedConnection(channel)
            }
        }

        let server: NIOAsyncChannel<AcceptedConnection, Never>
        var boundPath: String?
        switch listener {
        case .inherited(let fd):
            server = try await bootstrap.bind(fd, childChannelInitializer: initializer)
            // NIO calls listen() again with its own backlog; restore the kernel maximum.
            let copy = dup(fd)
            if copy >= 0 {
                listen(copy, SOMAXCONN)
                close(copy)
            }
        case .path(let path, let mode):
            try Self.clearStaleSocket(path)
            let old = umask(0o777 & ~mode_t(mode))
            defer { umask(old) }
            server = try await bootstrap.bind(unixDomainSocketPath: path, childChannelInitializer: initializer)
            boundPath = path
        }
        logger.info("listening", metadata: ["laurel.socket": "\(boundPath ?? "inherited from systemd")"])
        onListening()

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await accepted in inbound {
                        let channel = accepted.take()
                        let id = self.register(channel)
                        group.addTask {
                            guard let connection = try? await AcceptedConnection.wrap(channel) else {
                                if let id { self.unregister(id) }
                                return
                            }
                            if let id {
                                await self.serve(connection)
                                self.unregister(id)
                            } else {
                                await self.refuseBusy(connection)
                            }
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            self.beginShutdown(server.channel)
        }
        if let boundPath { unlink(boundPath) }
        logger.info("socket server stopped")
    }

    /// A socket file left behind by a daemon that died: remove it, but never one a live daemon
    /// is listening on.
    static func clearStaleSocket(_ path: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        guard (st.st_mode & S_IFMT) == S_IFSOCK else {
            throw SocketServerError("\(path) exists and is not a socket; refusing to replace it")
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SocketServerError("socket path \(path) is longer than the 107 bytes a Unix socket path may have")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if connected == 0 {
            throw SocketServerError("another laureld is already listening on \(path); stop it first or choose another socket with --socket")
        }
        unlink(path)
    }

    private func register(_ channel: any Channel) -> Int? {
        connections.withLockedValue { table in
            guard !table.shuttingDown, table.channels.count < limits.maxConnections else { return nil }
            table.next += 1
            table.channels[table.next] = channel
            return table.next
        }
    }

    private func unregister(_ id: Int) {
        _ = connections.withLockedValue { $0.channels.removeValue(forKey: id) }
    }

    private func beginShutdown(_ server: any Channel) {
        let open = connections.withLockedValue { table in
            table.shuttingDown = true
            return Array(table.channels.values)
        }
        server.close(promise: nil)
        // Stop reading from every client; each finishes the reply in hand, then closes.
        for channel in open {
            channel.close(mode: .input, promise: nil)
        }
    }

    private func refuseBusy(_ connection: NIOAsyncChannel<RequestFrame, ReplyLine>) async {
        try? await connection.executeThenClose { _, outbound in
            try await outbound.write(.error(.busy, "too many connections (limit \(limits.maxConnections)); try again later"))
        }
    }

    private func serve(_ connection: NIOAsyncChannel<RequestFrame, ReplyLine>) async {
        let handler = self.handler
        let credentials = await PeerCredentials.read(connection.channel)
        let peer = credentials.map { handler.policy.peer(uid: $0.uid, gid: $0.gid, pid: $0.pid) }
            ?? Peer(uid: UInt32.max, gid: UInt32.max, pid: 0, userName: "unknown", roles: [.none])
        let channel = connection.channel
        // From here on the event loop serves read requests itself (see FastLane).
        try? await channel.triggerUserOutboundEvent(FastLane.PeerKnown(peer: peer))
        do {
            try await connection.executeThenClose { inbound, outbound in
                // The only child task is a running WATCH subscription's event forwarder.
                try await withThrowingTaskGroup(of: Void.self) { watchers in
                    var watching = false
                    func endWatch() async throws {
                        guard watching else { return }
                        watching = false
                        watchers.cancelAll()
                        while let _ = try? await watchers.next() {}
                        channel.triggerUserOutboundEvent(ConnectionGuard.Watching.off, promise: nil)
                        try await outbound.write(ReplyLine(.ok, more: false, "END"))
                    }
                    do {
                        for try await frame in inbound {
                            // While a WATCH runs, any line from the client only ends it: the line
                            // is consumed, not executed, and `OK END` closes the WATCH reply.
                            if watching {
                                try await endWatch()
                                continue
                            }
                            switch frame {
                            case .malformed(let error):
                                try await outbound.write(error.reply)
                            case .request(let request):
                                if request.verb == .quit {
                                    try await outbound.write(ReplyLine(.ok, more: false, "BYE"))
                                    return
                                }
                                if request.verb == .watch, let refusal = handler.checkWatch(request, peer: peer) {
                                    try await outbound.write(refusal)
                                } else if request.verb == .watch {
                                    // A watcher that stopped reading is stuck in a write and would
                                    // only see the overflow after the stall timeout: cut it off now.
                                    let (id, events) = handler.events.subscribe(onOverflow: {
                                        channel.writeAndFlush(
                                            ReplyLine.error(.busy, "this watcher fell too far behind and was cut off; reconnect to watch again"),
                                            promise: nil)
                                        channel.close(promise: nil)
                                    })
                                    watching = true
                                    channel.triggerUserOutboundEvent(ConnectionGuard.Watching.on, promise: nil)
                                    try await outbound.write(ReplyLine(.ok, more: true, "watching"))
                                    let award = request.options["award"]
                                    watchers.addTask {
                                        defer { handler.events.unsubscribe(id) }
                                        do {
                                            for try await event in events {
                                                if let award, !RequestHandler.sameKey(event.award ?? "", award) { continue }
                                                try await outbound.write(ReplyLine.record(event, status: .event))
                                            }
                                        } catch is CancellationError {
                                        } catch is EventHub.Overflow {
                                            try? await outbound.write(.error(.busy, "this watcher fell too far behind and was cut off; reconnect to watch again"))
                                            channel.close(promise: nil)
                                        }
                                    }
                                } else {
                                    try await handler.handle(request, peer: peer) { lines in
                                        try await outbound.write(contentsOf: lines)
                                    }
                                }
                            }
                        }
                        try? await endWatch()
                    } catch let error as FramingError {
                        // FramingErrorHandler has already answered and is closing the channel.
                        watchers.cancelAll()
                        self.logger.debug("closing a connection after a framing error", metadata: [LogKey.reason: "\(error)"])
                    }
                }
            }
        } catch {
            logger.debug("connection ended", metadata: [LogKey.reason: "\(error)"])
        }
    }
}

/// A connection accepted by the server and not yet served.
///
/// The channel is wrapped in a `NIOAsyncChannel` only by the task that serves it (reads stay off
/// until then), and an accepted connection dropped unserved (the accept loop was cancelled while
/// connections were queued) just closes its channel. Wrapping in the child initializer instead
/// would trip NIO's "NIOAsyncWriter deinited without finish()" precondition in that case.
final class AcceptedConnection: Sendable {
    private let channel: any Channel
    private let taken = NIOLockedValueBox(false)

    init(_ channel: any Channel) {
        self.channel = channel
    }

    /// Hand the channel to the task that serves it.
    func take() -> any Channel {
        taken.withLockedValue { $0 = true }
        return channel
    }

    /// Install the async handlers on the event loop, then start reading.
    static func wrap(_ channel: any Channel) async throws -> NIOAsyncChannel<RequestFrame, ReplyLine> {
        try await channel.eventLoop.submit {
            let connection = try NIOAsyncChannel<RequestFrame, ReplyLine>(wrappingChannelSynchronously: channel)
            try channel.syncOptions?.setOption(.autoRead, value: true)
            return connection
        }.get()
    }

    deinit {
        if !taken.withLockedValue({ $0 }) {
            channel.close(promise: nil)
        }
    }
}

public struct SocketServerError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
