import LaurelCore
import Testing

@Suite("Byte-level refusals, for every format")
struct InputRefusalTests {
    static let names = ["n.nom", "n.json", "n.jsonl"]

    @Test("an empty or white-space-only file is empty_file", arguments: names)
    func emptyFile(_ name: String) {
        #expect(parse("", as: name).refusal?.code == .emptyFile)
        #expect(parse(" \n\r\n\t ", as: name).refusal?.code == .emptyFile)
        #expect(parse(bytes: [0xEF, 0xBB, 0xBF, 0x0A], as: name).refusal?.code == .emptyFile)
    }

    @Test("invalid UTF-8 is not_utf8 with the line of the first bad byte", arguments: names)
    func notUTF8(_ name: String) throws {
        let bad: [[UInt8]] = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE5, 0x9C], [0xF4, 0x90, 0x80, 0x80]]
        for sequence in bad {
            let bytes = Array("Award: A\r\nNominee: B\n\n".utf8) + sequence + Array("\n".utf8)
            let refusal = try #require(parse(bytes: bytes, as: name).refusal)
            #expect(refusal.code == .notUTF8)
            #expect(refusal.line == 4)
        }
    }

    @Test("a NUL byte is nul_byte with its line", arguments: names)
    func nulByte(_ name: String) throws {
        let refusal = try #require(parse(bytes: Array("a\nb".utf8) + [0] + Array("c".utf8), as: name).refusal)
        #expect(refusal.code == .nulByte)
        #expect(refusal.line == 2)
    }

    @Test("over the size limit is too_large, checked before anything else", arguments: names)
    func tooLarge(_ name: String) {
        let limits = NominationLimits(maxFileBytes: 16)
        // Even bytes that are not UTF-8 and contain NUL are refused for size first.
        let refusal = parse(bytes: [UInt8](repeating: 0, count: 17), as: name, limits: limits).refusal
        #expect(refusal?.code == .tooLarge)
        #expect(parse(bytes: [UInt8](repeating: 0x20, count: 16), as: name, limits: limits).refusal?.code == .emptyFile)
    }

    @Test("the format is chosen by file name")
    func formatByName() {
        #expect(NominationFormat(fileName: "a.JSON") == .json)
        #expect(NominationFormat(fileName: "a.jsonl") == .jsonLines)
        #expect(NominationFormat(fileName: "a.nom") == .headerBlock)
        #expect(NominationFormat(fileName: "a.txt") == .headerBlock)
    }

    @Test("refusals describe themselves with code, record, line and field")
    func description() {
        let refusal = Refusal(.wrongType, "bad", record: 2, line: 3, field: "award")
        #expect(refusal.description == "wrong_type: bad (record 2, line 3, field \"award\")")
    }
}
