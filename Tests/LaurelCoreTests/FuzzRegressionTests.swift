import LaurelCore
import Testing

/// Inputs found by the fuzz targets under `Fuzz/` (see docs/RELIABILITY.md, "Fuzzing"). Each test
/// failed before the fix named in its description.
@Suite("Fuzz regressions: nomination parsing")
struct NominationFuzzRegressionTests {
    @Test(
        "a one-line field never keeps a line break (VT, FF, NEL, U+2028, U+2029 become one space)",
        arguments: ["\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"])
    func oneLineFieldHasNoLineBreak(_ lineBreak: String) throws {
        // fuzz-header: "Award: A<VT>Nominee: B" kept the VT inside the award.
        let n = try #require(parse("Award: A\(lineBreak)B \nNominee: N\(lineBreak)\n\nc\n").nominations.first)
        #expect(n.award == "A B")
        #expect(n.nominee == "N")
        #expect(TextNormalizer.field(n.award) == n.award)
    }
}

@Suite("Fuzz regressions: normalisation is idempotent")
struct NormalisationFuzzRegressionTests {
    @Test(
        "repeated reading annotations are all removed, so a second normalisation changes nothing",
        arguments: [("區(qū)(qū)", "區"), ("社區(qū)(qū)(qū)隊", "社區隊"), ("區(qū)(2020)", "區(2020)")])
    func repeatedAnnotations(_ input: String, _ expected: String) {
        // fuzz-header: "Award: 區(qū)(qū)" was stored as "區(qū)", which normalises again to "區".
        let once = TextNormalizer.field(input)
        #expect(once == expected)
        #expect(TextNormalizer.field(once) == once)
        #expect(TextNormalizer.citation(once) == once)
    }
}

@Suite("Fuzz regressions: NUL characters")
struct NULFuzzRegressionTests {
    @Test(
        "a \\u0000 escape is refused like a raw NUL byte, in .json and .jsonl, in values and in keys",
        arguments: [
            (#"{"award":"A\u0000","nominee":"B","citation":"c"}"#, "a.json"),
            (#"[{"award":"A","nominee":"B","citation":"c","extra":{"k\u0000":"v"}}]"#, "a.json"),
            ("{\"award\":\"A\",\"nominee\":\"B\",\"citation\":\"c\"}\n{\"award\":\"A\",\"nominee\":\"B\\u0000\",\"citation\":\"c\"}\n", "a.jsonl"),
        ])
    func escapedNUL(_ text: String, _ name: String) throws {
        // fuzz-json: a nominee holding U+0000 was accepted (the byte check only sees raw bytes).
        let refusal = try #require(parse(text, as: name).refusal)
        #expect(refusal.code == .nulByte)
        #expect(!refusal.message.isEmpty)
        #expect(refusal.line != nil)
    }
}
