import LaurelCore
import Testing

/// The parser must answer every input with nominations or a refusal: never crash, never hang.
/// A deterministic mutation run here; the real fuzzing comes later.
@Suite("Hostile input")
struct HostileInputTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let seeds: [(String, String)] = [
        (
            "a.nom",
            "Award: 最美社區(qū)團(tuán)隊(duì)\r\nNominee: 園博社區(qū)\nKind: team\nX: y\n\n社區(qū)書記葉莉(2020)。\n\n\n就夠了?!?/span>\n"
        ),
        (
            "a.json",
            #"[{"award":"A","nominee":"B\u00e9","citation":"c","cycle":2020,"extra":{"k":"v"}},{"award":"A","nominee":"C","citation":"d"}]"#
        ),
        (
            "a.jsonl",
            "{\"award\":\"A\",\"nominee\":\"B\",\"citation\":\"c\"}\n\n{\"award\":\"A\",\"nominee\":\"C\",\"citation\":\"d\",\"kind\":\"person\"}\n"
        ),
    ]

    @Test("mutated files give nominations or a refusal, never a crash", arguments: 0..<3)
    func mutations(_ which: Int) {
        let (name, text) = Self.seeds[which]
        let original = Array(text.utf8)
        let interesting: [UInt8] = [
            0, 0x0A, 0x0D, 0x22, 0x28, 0x29, 0x3A, 0x5B, 0x5C, 0x7B, 0x7D, 0x80, 0xC3, 0xE5, 0xED, 0xF4, 0xFF,
        ]
        var random = Generator(state: UInt64(which) + 1)
        var accepted = 0
        var refused = 0
        for _ in 0..<3_000 {
            var bytes = original
            for _ in 0..<(1 + random.below(4)) {
                let at = random.below(bytes.count + 1)
                switch random.below(4) {
                case 0 where at < bytes.count: bytes.remove(at: at)
                case 1: bytes.insert(interesting[random.below(interesting.count)], at: at)
                case 2 where at < bytes.count: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + random.below(16))], at: at)
                }
            }
            switch parse(bytes: bytes, as: name) {
            case .success(let list):
                accepted += 1
                #expect(!list.isEmpty)
            case .failure: refused += 1
            }
        }
        #expect(accepted > 0 && refused > 0)
    }

    @Test(
        "pathological shapes near the size limit are answered",
        arguments: [
            ("a.json", String(repeating: "[", count: 1 << 19)),
            ("a.json", "[" + String(repeating: "{},", count: 200_000) + "{}]"),
            ("a.json", "\"" + String(repeating: "\\u00e9", count: 150_000) + "\""),
            ("a.jsonl", String(repeating: "{}\n", count: 300_000)),
            ("a.nom", "Award: A\nNominee: B\n\n" + String(repeating: "區(", count: 300_000)),
            ("a.nom", "Award: A\nNominee: B\n\n" + String(repeating: "區(qū)", count: 100_000)),
            ("a.nom", String(repeating: "X: y\n", count: 200_000)),
            ("a.nom", "Award: A\nNominee: B\n\n" + String(repeating: "\n", count: 900_000) + "c"),
        ])
    func pathological(_ name: String, _ text: String) {
        let result = parse(text, as: name)
        switch result {
        case .success(let list): #expect(!list.isEmpty)
        case .failure(let refusal): #expect(!refusal.message.isEmpty)
        }
    }
}
