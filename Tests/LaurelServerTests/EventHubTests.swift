import LaurelProtocol
import LaurelServer
import NIOConcurrencyHelpers
import Testing

@Suite("EventHub: bounded fan-out to watchers")
struct EventHubTests {
    static func event(_ n: Int) -> EventRecord {
        EventRecord(event: "accepted", at: "2025-01-01T00:00:00Z", entry: "e\(n)")
    }

    @Test("a watcher that falls `capacity` events behind is cut off once, and its buffer never grows past capacity")
    func overflowCutsOffOnce() async throws {
        let hub = EventHub(capacity: 8)
        let overflows = NIOLockedValueBox(0)
        let (_, events) = hub.subscribe(onOverflow: { overflows.withLockedValue { $0 += 1 } })
        #expect(hub.subscriberCount == 1)
        // The watcher reads nothing while 100 events are published.
        for n in 0..<100 { hub.publish(Self.event(n)) }
        #expect(overflows.withLockedValue { $0 } == 1)
        #expect(hub.subscriberCount == 0, "the cut-off watcher is no longer subscribed")

        // It gets the first `capacity` events it had room for, then Overflow: nothing more was kept.
        var received: [String] = []
        do {
            for try await event in events { received.append(event.entry ?? "") }
            Issue.record("the stream ended without Overflow")
        } catch is EventHub.Overflow {
        }
        #expect(received == (0..<8).map { "e\($0)" })
    }

    @Test("a watcher that keeps up is never cut off; unsubscribe ends its stream")
    func keepingUpIsFine() async throws {
        let hub = EventHub(capacity: 4)
        let overflows = NIOLockedValueBox(0)
        let (id, events) = hub.subscribe(onOverflow: { overflows.withLockedValue { $0 += 1 } })
        var iterator = events.makeAsyncIterator()
        for n in 0..<50 {
            hub.publish(Self.event(n))
            #expect(try await iterator.next()?.entry == "e\(n)")
        }
        #expect(overflows.withLockedValue { $0 } == 0)
        hub.unsubscribe(id)
        #expect(try await iterator.next() == nil)
        #expect(hub.subscriberCount == 0)
    }

    @Test("one stalled watcher does not stop events reaching the others")
    func stalledWatcherDoesNotBlockOthers() async throws {
        let hub = EventHub(capacity: 2)
        let (_, stalled) = hub.subscribe()
        let (_, reader) = hub.subscribe()
        var iterator = reader.makeAsyncIterator()
        for n in 0..<10 {
            hub.publish(Self.event(n))
            #expect(try await iterator.next()?.entry == "e\(n)")
        }
        #expect(hub.subscriberCount == 1)
        _ = stalled
    }
}
