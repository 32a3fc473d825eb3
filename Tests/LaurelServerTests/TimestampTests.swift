import Foundation
import Testing

@testable import LaurelServer

@Suite("wire times")
struct TimestampTests {
    /// Foundation's formatter agrees to the second; its fraction is truncated from the binary
    /// `Double`, so for about half of all stored millisecond values it printed one millisecond
    /// less than stored (…:00.998Z for 999 ms). The wire now shows the stored millisecond.
    @Test("stored (millisecond) times are written as ISO 8601 UTC with exactly the stored millisecond")
    func matchesFoundation() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var samples: [Int64] = [0, 999, 1000, 86_399_999, 951_782_400_000, 1_764_521_792_407, 4_102_444_799_999]
        for _ in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            samples.append(Int64(state >> 23) % 4_102_444_800_000)
        }
        for millis in samples {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let second = Date(timeIntervalSince1970: Double(millis / 1000))
            let whole = second.formatted(Date.ISO8601FormatStyle())
            let fraction = String(millis % 1000)
            let expected = whole.dropLast() + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
            #expect(Timestamp.string(date) == expected, "at \(millis) ms")
        }
    }
}
