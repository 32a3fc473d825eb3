import LaurelProtocol
import NIOCore

/// Per-connection limits enforced on the event loop, so no request handling code has to think
/// about them:
/// - idle timeout: nothing received for `idleTimeout` closes the connection (not while a `WATCH`
///   subscription is running);
/// - write stall: once the queued replies pass the high water mark (the channel becomes
///   unwritable) the client has `stallTimeout` to read; after that it is cut off. With the
///   async writer suspended while unwritable, a client that pipelines without reading can never
///   make the daemon buffer more than the water mark.
final class ConnectionGuard: ChannelDuplexHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny

    /// Sent down the pipeline by the connection task while a `WATCH` subscription runs.
    enum Watching: Sendable { case on, off }

    private let idleTimeout: TimeAmount
    private let stallTimeout: TimeAmount
    private var lastRead: NIODeadline = .now()
    private var watching = false
    private var idleTask: Scheduled<Void>?
    private var stallTask: Scheduled<Void>?

    init(idleTimeout: TimeAmount, stallTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
        self.stallTimeout = stallTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { scheduleIdleCheck(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        scheduleIdleCheck(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTask?.cancel()
        stallTask?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        context.fireChannelRead(data)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallTask?.cancel()
            stallTask = nil
        } else if stallTask == nil {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            stallTask = context.eventLoop.scheduleTask(in: stallTimeout) {
                let context = loopBound.value
                if !context.channel.isWritable { context.close(promise: nil) }
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if let event = event as? Watching {
            watching = event == .on
            lastRead = .now()
            promise?.succeed()
            return
        }
        context.triggerUserOutboundEvent(event, promise: promise)
    }

    private func scheduleIdleCheck(_ context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleTask = context.eventLoop.scheduleTask(deadline: lastRead + idleTimeout) {
            let (handler, context) = loopBound.value
            if !handler.watching, NIODeadline.now() - handler.lastRead >= handler.idleTimeout {
                context.close(promise: nil)
            } else {
                handler.scheduleIdleCheck(context)
            }
        }
    }
}

/// Answers a framing error (line too long, bad encoding, HTTP probe) on the event loop itself:
/// stop reading, send the one error line (or nothing, for a hang-up), close. Waiting for the
/// connection's task to do it would let a client keep streaming an endless line into the
/// daemon while that task waits for a thread.
final class FramingErrorHandler: ChannelInboundHandler {
    typealias InboundIn = RequestFrame
    typealias InboundOut = RequestFrame
    typealias OutboundOut = ReplyLine

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let framing = error as? FramingError else {
            context.fireErrorCaught(error)
            return
        }
        _ = context.channel.setOption(.autoRead, value: false)
        if let reply = framing.reply {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in
                bound.value.close(promise: nil)
            }
        } else {
            context.close(promise: nil)
        }
    }
}
