import LaurelProtocol
import Testing

/// A small deterministic generator so failures reproduce (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum RandomRequests {
    static let pieces: [String] = [
        "a", "Z", "0", "葉莉", "最美", "社區", "區(qū)", " ", "\t", "\"", "\\", "\n", "\r", "=", "award=", "é",
        "\u{1}", "\u{7F}", "😀", "ab", "limit=20", "\u{3000}", "、", "\\n", "'",
    ]

    static func argument(using rng: inout SeededGenerator) -> String {
        let count = Int.random(in: 0...6, using: &rng)
        var out = ""
        for _ in 0..<count { out += pieces.randomElement(using: &rng)! }
        return out
    }

    static func request(using rng: inout SeededGenerator) -> Request {
        var verb = Verb.all.randomElement(using: &rng)!
        if Bool.random(using: &rng), Int.random(in: 0..<4, using: &rng) == 0 { verb = Verb(rawValue: "FROB") }
        let arguments = (0..<Int.random(in: 0...5, using: &rng)).map { _ in argument(using: &rng) }
        return Request(verb, arguments)
    }
}

@Suite("Request line grammar")
struct RequestGrammarTests {
    @Test("print → parse gives back the request, and print again gives the same line (5,000 random requests)")
    func randomRoundTrip() throws {
        var rng = SeededGenerator(seed: 0x1A0E1)
        for _ in 0..<5000 {
            let request = RandomRequests.request(using: &rng)
            let line = request.serialized()
            #expect(!line.contains("\n") && !line.contains("\r"), "line must stay one line: \(line)")
            let parsed = try Request.parse(line: line)
            #expect(parsed == request, "line was \(line)")
            #expect(parsed.serialized() == line)
        }
    }

    @Test("plain words travel unquoted, awkward ones quoted with escapes")
    func quotingExamples() {
        #expect(Request(.get, ["k3m9q2xa"]).serialized() == "GET k3m9q2xa")
        #expect(Request(.search, ["葉莉", "limit=5"]).serialized() == "SEARCH 葉莉 limit=5")
        #expect(Request(.search, ["award=最美 社區"]).serialized() == "SEARCH \"award=最美 社區\"")
        #expect(Request(.move, ["withdrawn", "x", "reason=a \"b\"\\c\nd\te"]).serialized()
            == #"MOVE withdrawn x "reason=a \"b\"\\c\nd\te""#)
        #expect(Request(.search, [""]).serialized() == "SEARCH \"\"")
    }

    @Test("verbs are case-insensitive; tabs and runs of spaces separate; CRLF is accepted")
    func lenientWhitespace() throws {
        let request = try Request.parse(line: "  search\t葉莉   limit=5 \r")
        #expect(request.verb == .search)
        #expect(request.arguments == ["葉莉", "limit=5"])
        #expect(request.positionals == ["葉莉"])
        #expect(request.options == ["limit": "5"])
    }

    @Test("quoted options and escapes decode")
    func quotedOption() throws {
        let request = try Request.parse(line: #"SEARCH 葉莉 "award=最美 社區" "reason=\"\\\n\r\t""#)
        #expect(request.options["award"] == "最美 社區")
        #expect(request.options["reason"] == "\"\\\n\r\t")
    }

    @Test(
        "bad quoting is a syntax error with the right kind",
        arguments: [
            (#"GET "ab"cd"#, RequestSyntaxError.Kind.textAfterQuote),
            (#"GET ab"cd"#, .strayQuote),
            (#"GET "abc"#, .unterminatedQuote),
            (#"GET "a\qb""#, .badEscape),
            (#"GET "a\"#, .unterminatedQuote),
            ("GET a\u{1}b", .controlCharacter),
            ("", .emptyRequest),
            (" \t ", .emptyRequest),
        ])
    func syntaxErrors(line: String, kind: RequestSyntaxError.Kind) {
        #expect {
            try Request.parse(line: line)
        } throws: { error in
            guard let error = error as? RequestSyntaxError else { return false }
            return error.kind == kind && error.reply.status == .err && error.reply.text.hasPrefix("BAD_REQUEST ")
        }
    }

    @Test("an error sentence echoes at most 128 bytes of the bad input and stays one line")
    func boundedEcho() throws {
        let junk = String(repeating: "葉", count: 200) + "\"" + "\r\n"
        do {
            _ = try Request.parse(line: "GET \"" + junk)
            Issue.record("expected an error")
        } catch {
            #expect(error.sentence.utf8.count < 128 + 120)
            #expect(!error.sentence.contains("\n") && !error.sentence.contains("\r"))
            #expect(error.sentence.hasSuffix("…"))
        }
    }

    @Test("excerpt keeps short text whole and quotes control characters")
    func excerpt() {
        #expect(WireText.excerpt("abc") == "\"abc\"")
        #expect(WireText.excerpt("a\nb") == "\"a\\nb\"")
        #expect(WireText.excerpt(String(repeating: "x", count: 128)).hasSuffix("x\""))
        #expect(WireText.excerpt(String(repeating: "x", count: 129)).hasSuffix("\"…"))
    }

    @Test("SUBMIT helper announces the payload length")
    func submitHelper() {
        let request = Request.submit(fileName: "a b.txt", contents: Array("hi".utf8))
        #expect(request.serialized() == "SUBMIT \"a b.txt\" 2")
        #expect(request.payload == Array("hi".utf8))
    }
}

@Suite("Reply lines")
struct ReplyLineTests {
    @Test("status and separator round-trip", arguments: [
        ReplyLine(.ok, more: false, "PONG"), ReplyLine(.ok, more: true, "{\"a\":1}"),
        ReplyLine(.err, more: false, "NOT_FOUND no entry with id \"x\""), ReplyLine(.event, more: true, "{}"),
        ReplyLine(.ok, more: false, ""), ReplyLine(.ok, more: true, "葉莉 - x"),
    ])
    func roundTrip(line: ReplyLine) {
        #expect(ReplyLine.parse(line.serialized()) == line)
    }

    @Test("lines that are not replies do not parse", arguments: ["", "HELLO", "OKAY", "ok PONG", "OK:x", "ER x"])
    func rejects(text: String) {
        #expect(ReplyLine.parse(text) == nil)
    }

    @Test("error lines give code and sentence; unknown codes read as INTERNAL")
    func wireError() {
        let known = ReplyLine.error(.notFound, "no entry with id \"x\"")
        #expect(known.wireError?.code == .notFound)
        #expect(known.wireError?.sentence == "no entry with id \"x\"")
        let unknown = ReplyLine(.err, more: false, "WEIRD something")
        #expect(unknown.wireError?.code == .internal)
        #expect(unknown.wireError?.sentence == "WEIRD something")
    }

    @Test("summary words parse")
    func summary() {
        #expect(ReplyLine(.ok, more: false, "total=120 count=20").summary == ["total": "120", "count": "20"])
    }
}

@Suite("Wire JSON")
struct WireJSONTests {
    @Test("records encode with sorted snake_case keys, unescaped slashes and CJK, and decode back")
    func entryRoundTrip() throws {
        let entry = EntryRecord(
            id: "k3m9q2xa", award: "最美 社區", nominee: "葉莉", kind: "person", status: "nominated", cycle: "2024/25",
            region: "荃灣", citation: "line one\nline \"two\"", nominations: 2, warnings: ["w"],
            createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-02T00:00:00Z")
        let text = WireJSON.encode(entry)
        #expect(!text.contains("\n"))
        #expect(text.contains("\"cycle\":\"2024/25\""))
        #expect(text.contains("葉莉"))
        #expect(text.hasPrefix("{\"award\":"))
        #expect(text.contains("\"created_at\""))
        #expect(try WireJSON.decode(EntryRecord.self, from: text) == entry)
    }

    @Test("unknown keys are ignored by readers")
    func unknownKeys() throws {
        let record = try WireJSON.decode(AwardRecord.self, from: #"{"award":"x","entries":3,"future":true}"#)
        #expect(record == AwardRecord(award: "x", entries: 3))
    }

    @Test("a record line that is not the expected JSON throws a bounded sentence")
    func badJSON() {
        #expect(throws: WireJSON.DecodingError.self) { try WireJSON.decode(AwardRecord.self, from: "{nope") }
    }

    @Test("HELLO record uses the documented keys")
    func hello() throws {
        let hello = HelloRecord(
            protocol: 1, server: "laureld/0.1.0", capabilities: ["PING"],
            limits: .init(maxLine: 65536, maxSubmit: 1_048_576), role: "admin", uid: 0, user: "root")
        #expect(
            WireJSON.encode(hello)
                == #"{"capabilities":["PING"],"limits":{"max_line":65536,"max_submit":1048576},"protocol":1,"role":"admin","server":"laureld/0.1.0","uid":0,"user":"root"}"#
        )
    }

    @Test("a Reply decodes its continuation lines as records")
    func replyRecords() throws {
        let reply = Reply(
            lines: [.record(AwardRecord(award: "a", entries: 1)), .record(AwardRecord(award: "b", entries: 2))],
            final: ReplyLine(.ok, more: false, "count=2"))
        #expect(try reply.records(AwardRecord.self).map(\.award) == ["a", "b"])
        #expect(!reply.isError)
    }
}

@Suite("Fast record JSON")
struct FastJSONTests {
    static func text(using rng: inout SeededGenerator) -> String {
        let pieces = ["a", "葉莉", "/", "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{1}", "\u{1F}", "\u{7F}", "\u{2028}", "😀", "é", " ", "<", "&"]
        return (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    @Test("the hand-written writer matches JSONEncoder (sortedKeys, unescaped slashes) on 2,000 random records")
    func matchesFoundation() throws {
        var rng = SeededGenerator(seed: 99)
        func t() -> String { Self.text(using: &rng) }
        func maybe() -> String? { Bool.random(using: &rng) ? Self.text(using: &rng) : nil }
        for _ in 0..<2000 {
            let entry = EntryRecord(
                id: t(), award: t(), nominee: t(), kind: t(), status: t(), cycle: t(), region: t(), citation: t(),
                nominations: Int.random(in: -5...100_000, using: &rng), warnings: (0..<Int.random(in: 0...3, using: &rng)).map { _ in t() },
                createdAt: t(), updatedAt: t())
            #expect(WireJSON.encode(entry) == WireJSON.encodeWithFoundation(entry))
            let history = HistoryRecord(at: t(), from: t(), to: t(), actorUID: Int.random(in: 0...70000, using: &rng), actor: t(), reason: t())
            #expect(WireJSON.encode(history) == WireJSON.encodeWithFoundation(history))
            let award = AwardRecord(award: t(), entries: Int.random(in: 0...9, using: &rng))
            #expect(WireJSON.encode(award) == WireJSON.encodeWithFoundation(award))
            let submit = SubmitRecord(outcome: t(), entries: [t(), t()])
            #expect(WireJSON.encode(submit) == WireJSON.encodeWithFoundation(submit))
            let event = EventRecord(event: t(), at: t(), file: maybe(), entry: maybe(), award: maybe(), nominee: maybe(), from: maybe(), to: maybe(), reason: maybe())
            #expect(WireJSON.encode(event) == WireJSON.encodeWithFoundation(event))
        }
    }
}
