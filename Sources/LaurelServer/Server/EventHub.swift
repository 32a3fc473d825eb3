import LaurelProtocol
import NIOConcurrencyHelpers

/// Fans live events (accepted, refused, status) out to `WATCH` subscribers.
///
/// Each subscriber has a bounded buffer. A subscriber that falls `capacity` events behind (it
/// stopped reading) is cut off: its stream ends with ``Overflow`` and its connection is closed,
/// so a stalled watcher never grows the daemon's memory.
public final class EventHub: Sendable {
    public struct Overflow: Error, Sendable {}

    private struct State {
        var next = 0
        var subscribers: [Int: Subscriber] = [:]
    }

    private struct Subscriber {
        var continuation: AsyncThrowingStream<EventRecord, any Error>.Continuation
        var onOverflow: (@Sendable () -> Void)?
    }

    private let state = NIOLockedValueBox(State())
    private let capacity: Int

    public init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// How many watchers are subscribed now.
    public var subscriberCount: Int { state.withLockedValue { $0.subscribers.count } }

    /// Subscribe; the stream ends when `unsubscribe` is called with the returned id, or throws
    /// ``Overflow`` when the subscriber falls behind.
    ///
    /// `onOverflow` is called once, at the moment the subscriber is cut off. The stream still
    /// delivers the events it buffered before ``Overflow``, and a subscriber that stopped reading
    /// never gets that far: the connection uses this to close at once rather than waiting for
    /// the write-stall timeout.
    public func subscribe(
        onOverflow: (@Sendable () -> Void)? = nil
    ) -> (id: Int, events: AsyncThrowingStream<EventRecord, any Error>) {
        let (stream, continuation) = AsyncThrowingStream<EventRecord, any Error>.makeStream(bufferingPolicy: .bufferingOldest(capacity))
        let id = state.withLockedValue { state in
            state.next += 1
            state.subscribers[state.next] = Subscriber(continuation: continuation, onOverflow: onOverflow)
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            self?.remove(id)
        }
        return (id, stream)
    }

    public func unsubscribe(_ id: Int) {
        remove(id)?.continuation.finish()
    }

    @discardableResult
    private func remove(_ id: Int) -> Subscriber? {
        state.withLockedValue { $0.subscribers.removeValue(forKey: id) }
    }

    /// Deliver `event` to every subscriber without waiting for any of them.
    public func publish(_ event: EventRecord) {
        let subscribers = state.withLockedValue { $0.subscribers }
        for (id, subscriber) in subscribers {
            if case .dropped = subscriber.continuation.yield(event) {
                // Only the publisher that removes it reports the overflow (publishers may race).
                guard remove(id) != nil else { continue }
                subscriber.continuation.finish(throwing: Overflow())
                subscriber.onOverflow?()
            }
        }
    }
}
