import Foundation
import Testing

// The same small file is in every test target that waits for something (LaurelServerTests,
// LaurelBinaryTests, LaurelClientTests): test targets cannot share a source file.

/// How much longer than usual this target's tests may wait: `LAUREL_TEST_TIME_SCALE`, a number
/// ≥ 1, default 1. CI's ThreadSanitizer stage sets it, because TSan makes the test process and
/// the TSan-built daemon 5–15× slower and deadlines meant for an ordinary build would fail at
/// random there. It stretches deadlines only: a test still polls for its condition and moves on
/// as soon as it holds, nothing sleeps longer, and nothing a test checks gets weaker.
enum TestTime {
    static let scale: Double = {
        guard let text = ProcessInfo.processInfo.environment["LAUREL_TEST_TIME_SCALE"], !text.isEmpty else { return 1 }
        guard let value = Double(text), value.isFinite, value >= 1 else {
            preconditionFailure("LAUREL_TEST_TIME_SCALE must be a number ≥ 1, not \"\(text)\"")
        }
        return value
    }()
}

extension Duration {
    /// This timeout stretched by ``TestTime/scale``. Apply it once, where a timeout becomes a
    /// deadline (a clock reading or a socket option), so that it is never scaled twice.
    var scaled: Duration { TestTime.scale == 1 ? self : self * TestTime.scale }
}

extension Trait where Self == TimeLimitTrait {
    /// `.timeLimit(.minutes(minutes))`, stretched by ``TestTime/scale`` (rounded up to whole minutes).
    static func scaledTimeLimit(minutes: Int) -> Self {
        .timeLimit(.minutes(Int((Double(minutes) * TestTime.scale).rounded(.up))))
    }
}
