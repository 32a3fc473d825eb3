import LaurelProtocol
import Synchronization

/// Fans live events (accepted, refused, status) out to `WATCH` subscribers.
///
/// Each subscriber has a bounded buffer. A subscriber that falls `capacity` events behind (it
/// stopped reading) is cut off: its stream ends with ``Overflow`` and its connection is closed,
/// so a stalled watcher never grows the daemon's memory.
public final class EventHub: Sendable {
    public struct Overflow: Error, Sendable {}

    private struct State {
        var next = 0
        var subscribers: [Int: AsyncThrowingStream<EventRecord, any Error>.Continuation] = [:]
    }

    private let state = Mutex(State())
    private let capacity: Int

    public init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// How many watchers are subscribed now.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Subscribe; the stream ends when `unsubscribe` is called with the returned id, or throws
    /// ``Overflow`` when the subscriber falls behind.
    public func subscribe() -> (id: Int, events: AsyncThrowingStream<EventRecord, any Error>) {
        let (stream, continuation) = AsyncThrowingStream<EventRecord, any Error>.makeStream(bufferingPolicy: .bufferingOldest(capacity))
        let id = state.withLock { state in
            state.next += 1
            state.subscribers[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            self?.remove(id)
        }
        return (id, stream)
    }

    public func unsubscribe(_ id: Int) {
        remove(id)?.finish()
    }

    @discardableResult
    private func remove(_ id: Int) -> AsyncThrowingStream<EventRecord, any Error>.Continuation? {
        state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    /// Deliver `event` to every subscriber without waiting for any of them.
    public func publish(_ event: EventRecord) {
        let subscribers = state.withLock { $0.subscribers }
        for (id, continuation) in subscribers {
            if case .dropped = continuation.yield(event) {
                remove(id)
                continuation.finish(throwing: Overflow())
            }
        }
    }
}
