import LaurelProtocol
import NIOCore
import NIOPosix

/// Serves read requests (``RequestHandler/readVerbs``) on the connection's event loop, so the
/// common case costs no wake-up of the connection's task: `PING` and `HELLO` are answered on the
/// loop itself, and `GET`, `SEARCH`, `LIST`, `AWARDS`, `HISTORY` and `STATS` make one trip to the
/// request thread pool and back. Everything else (`SUBMIT`, `MOVE`, `EXPORT`, `WATCH`, `RELOAD`,
/// `QUIT`) goes on to the connection's task, as before.
///
/// Replies stay in request order, one request at a time: a request is started only when every
/// earlier one has been answered. The handler counts the task's final reply lines (each request
/// the task gets ends with exactly one) to know when it is done; after a `WATCH` the handler
/// steps aside for good and passes every frame straight to the task, which owns that stream.
///
/// Back-pressure: while requests wait here, or the channel is not writable, read events from
/// further down the pipeline are held, so a client that pipelines without reading can queue at
/// most one socket read's worth of requests, and replies at most the write-buffer water mark
/// (``ConnectionGuard`` cuts it off after the stall timeout). End of input waits until every
/// queued request is answered, so a client that half-closes still gets all its replies.
final class FastLane: ChannelDuplexHandler {
    typealias InboundIn = RequestFrame
    typealias InboundOut = RequestFrame
    typealias OutboundIn = ReplyLine
    typealias OutboundOut = ReplyLine

    /// Sent down the pipeline by the connection task once it knows who the peer is and is ready
    /// to read; until then every frame (and end of input) waits here. NIO reads a socket whose
    /// peer has already half-closed as soon as it is registered, whatever `autoRead` says, so
    /// without this a request sent with the FIN could pass the pipeline before the task's
    /// `NIOAsyncChannel` handler is installed, and be lost.
    struct PeerKnown: Sendable {
        var peer: Peer
    }

    private let handler: RequestHandler
    private let pool: NIOThreadPool
    private var peer: Peer?
    private var queue = CircularBuffer<RequestFrame>(initialCapacity: 4)
    /// Frames handed to the task whose final reply line has not passed yet.
    private var taskOutstanding = 0
    /// A read is running on the thread pool.
    private var reading = false
    /// After a `WATCH`, every frame goes to the task.
    private var passthrough = false
    /// A `read` from further down was held back and must be issued when idle.
    private var readHeld = false
    /// End of input arrived while requests were still queued.
    private var inputClosedHeld = false
    private var wroteWithoutFlush = false
    /// Frames were passed to the task outside a read cycle: it only takes delivery of what it
    /// has buffered at `channelReadComplete`, so one must follow.
    private var forwardedWithoutReadComplete = false

    init(handler: RequestHandler, pool: NIOThreadPool) {
        self.handler = handler
        self.pool = pool
    }

    private var idle: Bool { queue.isEmpty && !reading && taskOutstanding == 0 }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if passthrough {
            context.fireChannelRead(data)
            return
        }
        queue.append(frame)
        drain(context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed, !passthrough, peer == nil || !queue.isEmpty || reading {
            inputClosedHeld = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        context.fireChannelWritabilityChanged()
        if context.channel.isWritable { drain(context) }
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let line = unwrapOutboundIn(data)
        context.write(data, promise: promise)
        if !passthrough, !line.more, line.status != .event, taskOutstanding > 0 {
            taskOutstanding -= 1
            if taskOutstanding == 0 { drain(context) }
        }
    }

    func read(context: ChannelHandlerContext) {
        if passthrough || peer != nil && queue.isEmpty && !reading && context.channel.isWritable {
            context.read()
        } else {
            readHeld = true
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if let known = event as? PeerKnown {
            peer = known.peer
            promise?.succeed()
            drain(context)
            return
        }
        context.triggerUserOutboundEvent(event, promise: promise)
    }

    // MARK: The queue

    /// Starts queued requests in order, as far as ordering and writability allow.
    private func drain(_ context: ChannelHandlerContext) {
        guard let peer else { return }
        while !reading, taskOutstanding == 0, !passthrough, let frame = queue.first {
            guard context.channel.isWritable else { break }
            queue.removeFirst()
            switch frame {
            case .malformed(let error):
                write(context, [error.reply])
            case .request(let request):
                guard RequestHandler.readVerbs.contains(request.verb) else {
                    toTask(context, frame, request: request)
                    continue
                }
                if RequestHandler.immediateVerbs.contains(request.verb) {
                    write(context, handler.readReply(request, peer: peer))
                } else {
                    startRead(context, request, peer: peer)
                }
            }
        }
        if wroteWithoutFlush {
            wroteWithoutFlush = false
            context.flush()
        }
        if forwardedWithoutReadComplete {
            forwardedWithoutReadComplete = false
            context.fireChannelReadComplete()
        }
        if queue.isEmpty && !reading {
            if inputClosedHeld {
                inputClosedHeld = false
                context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            }
            if readHeld, context.channel.isWritable {
                readHeld = false
                context.read()
            }
        }
    }

    private func toTask(_ context: ChannelHandlerContext, _ frame: RequestFrame, request: Request) {
        if request.verb == .watch {
            // The task owns the connection from here on: release everything still queued to it.
            passthrough = true
            context.fireChannelRead(wrapInboundOut(frame))
            while !queue.isEmpty { context.fireChannelRead(wrapInboundOut(queue.removeFirst())) }
            context.fireChannelReadComplete()
            if inputClosedHeld {
                inputClosedHeld = false
                context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            }
            if readHeld {
                readHeld = false
                context.read()
            }
            return
        }
        taskOutstanding += 1
        context.fireChannelRead(wrapInboundOut(frame))
        forwardedWithoutReadComplete = true
    }

    private func startRead(_ context: ChannelHandlerContext, _ request: Request, peer: Peer) {
        reading = true
        let handler = self.handler
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        pool.runIfActive(eventLoop: context.eventLoop) {
            handler.readReply(request, peer: peer)
        }.whenComplete { result in
            let (lane, context) = bound.value
            lane.reading = false
            switch result {
            case .success(let lines): lane.write(context, lines)
            case .failure: lane.write(context, [RequestHandler.shuttingDown])
            }
            lane.drain(context)
        }
    }

    private func write(_ context: ChannelHandlerContext, _ lines: [ReplyLine]) {
        for line in lines { context.write(wrapOutboundOut(line), promise: nil) }
        wroteWithoutFlush = true
    }
}
