import LaurelCore
import Testing

@Suite("JSON and JSON Lines formats")
struct JSONFormatTests {
    static let record =
        #"{"award":"Best Team","nominee":"Team A","kind":"person","cycle":"2021","region":"Hubei","nominator":"N","reference":"R","contact":"C","citation":"Did it.","extra":{"source":"web"}}"#

    @Test("one JSON object gives one nomination with every field")
    func singleObject() throws {
        let n = try #require(parse(Self.record, as: "a.json").nominations.first)
        #expect(n.award == "Best Team")
        #expect(n.nominee == "Team A")
        #expect(n.kind == .person)
        #expect(n.cycle == "2021")
        #expect(n.region == "Hubei")
        #expect(n.nominator == "N")
        #expect(n.reference == "R")
        #expect(n.contact == "C")
        #expect(n.citation == "Did it.")
        #expect(n.extra == ["source": "web"])
    }

    @Test("an array of objects gives one nomination each, in order")
    func array() {
        let text = "[\(Self.record),\n" + #"{"award":"X","nominee":"Y","citation":"Z"}]"#
        let list = parse(text, as: "a.json").nominations
        #expect(list.map(\.nominee) == ["Team A", "Y"])
        #expect(list.last?.kind == .team)
    }

    @Test("escapes, surrogate pairs and a BOM are understood")
    func escapes() throws {
        let text = #"{"award":"A\u00e9\n","nominee":"\ud83c\udfc6 \"B\"","citation":"c\/d\\e"}"#
        let n = try #require(parse(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8), as: "a.json").nominations.first)
        #expect(n.award == "Aé")
        #expect(n.nominee == "🏆 \"B\"")
        #expect(n.citation == "c/d\\e")
    }

    @Test("unknown top-level string keys go to extra; null means absent; cycle may be a whole number")
    func decisions() throws {
        let text = #"{"award":"A","nominee":"B","citation":"c","source":"web","region":null,"cycle":2020}"#
        let n = try #require(parse(text, as: "a.json").nominations.first)
        #expect(n.extra == ["source": "web"])
        #expect(n.region == "")
        #expect(n.cycle == "2020")
    }

    @Test("wrong JSON types are wrong_type naming the field and line")
    func wrongType() throws {
        let refusal = try #require(parse("{\"award\":\n7,\"nominee\":\"B\",\"citation\":\"c\"}", as: "a.json").refusal)
        #expect(refusal.code == .wrongType)
        #expect(refusal.field == "award")
        #expect(refusal.line == 2)
        #expect(
            parse(#"{"award":"A","nominee":"B","citation":"c","cycle":20.5}"#, as: "a.json").refusal?.field == "cycle")
        #expect(
            parse(#"{"award":"A","nominee":"B","citation":"c","extra":[]}"#, as: "a.json").refusal?.field == "extra")
        #expect(
            parse(#"{"award":"A","nominee":"B","citation":"c","extra":{"k":1}}"#, as: "a.json").refusal?.field
                == "extra.k")
        #expect(parse(#"{"award":"A","nominee":"B","citation":"c","score":1}"#, as: "a.json").refusal?.field == "score")
        #expect(parse(#""just a string""#, as: "a.json").refusal?.code == .wrongType)
        #expect(parse(#"[{"award":"A","nominee":"B","citation":"c"}, 3]"#, as: "a.json").refusal?.record == 2)
    }

    @Test("the same key at top level and in extra is invalid_value")
    func extraClash() {
        let refusal = parse(#"{"award":"A","nominee":"B","citation":"c","k":"1","extra":{"k":"2"}}"#, as: "a.json")
            .refusal
        #expect(refusal?.code == .invalidValue)
        #expect(refusal?.field == "k")
    }

    @Test(
        "malformed JSON is malformed_json with the line",
        arguments: [
            ("{\"award\":\"A\",\n\"nominee\" \"B\"}", 2),
            ("{\"award\":\"A\"\n\n,}", 3),
            ("{\"award\":\"A\"} x", 1),
            ("{\"award\":\"a\nb\"}", 1),
            ("{\"a\":1,\"a\":2}", 1),
            ("{\"a\":tru}", 1),
            ("{\"a\":01}", 1),
            ("{\"a\":\"\\ud800\"}", 1),
            ("[1,\n2,\n", 3),
        ])
    func malformed(_ text: String, _ line: Int) throws {
        let refusal = try #require(parse(text, as: "a.json").refusal)
        #expect(refusal.code == .malformedJSON)
        #expect(refusal.line == line)
    }

    @Test("nesting deeper than the limit is too_deep, at the limit is fine")
    func depth() {
        let limits = NominationLimits(maxJSONDepth: 3)
        let ok = #"[{"award":"A","nominee":"B","citation":"c","extra":{}}]"#
        #expect(parse(ok, as: "a.json", limits: limits).nominations.count == 1)
        let deep = #"{"award":"A","nominee":"B","citation":"c","extra":{"k":[[1]]}}"#
        #expect(parse(deep, as: "a.json", limits: limits).refusal?.code == .tooDeep)
        // A hostile nesting far beyond the limit is refused without recursing that deep.
        let hostile = String(repeating: "[", count: 200_000)
        #expect(parse(hostile, as: "a.json").refusal?.code == .tooDeep)
    }

    @Test("missing, empty and invalid fields name the record inside an array")
    func batchRefusalNamesRecord() throws {
        let text =
            "[\n" + #"{"award":"A","nominee":"B","citation":"c"},"# + "\n" + #"{"award":"A","citation":"c"}"# + "\n]"
        let refusal = try #require(parse(text, as: "a.json").refusal)
        #expect(refusal.code == .missingField)
        #expect(refusal.record == 2)
        #expect(refusal.field == "nominee")
        #expect(refusal.line == 3)
        let empty = parse(#"[{"award":"A","nominee":" ","citation":"c"}]"#, as: "a.json").refusal
        #expect(empty?.code == .emptyField)
        #expect(empty?.record == 1)
        let kind = parse(#"[{"award":"A","nominee":"B","citation":"c","kind":"robot"}]"#, as: "a.json").refusal
        #expect(kind?.code == .invalidValue)
        #expect(kind?.field == "kind")
    }

    @Test("an empty array is empty_batch; too many records is too_many_records")
    func batchLimits() {
        #expect(parse("[ ]", as: "a.json").refusal?.code == .emptyBatch)
        let one = #"{"award":"A","nominee":"B","citation":"c"}"#
        let limits = NominationLimits(maxRecords: 2)
        #expect(parse("[\(one),\(one)]", as: "a.json", limits: limits).nominations.count == 2)
        #expect(parse("[\(one),\(one),\(one)]", as: "a.json", limits: limits).refusal?.code == .tooManyRecords)
        #expect(parse("\(one)\n\(one)\n\(one)\n", as: "a.jsonl", limits: limits).refusal?.code == .tooManyRecords)
    }

    @Test("JSON Lines: one record per line, blank lines ignored, CRLF accepted")
    func jsonLines() {
        let text =
            #"{"award":"A","nominee":"1","citation":"c"}"# + "\r\n\r\n  \n"
            + #"{"award":"A","nominee":"2","citation":"c"}"#
        #expect(parse(text, as: "a.jsonl").nominations.map(\.nominee) == ["1", "2"])
    }

    @Test("JSON Lines: a bad record refuses the file and names record number and line")
    func jsonLinesRefusal() throws {
        let good = #"{"award":"A","nominee":"B","citation":"c"}"#
        let text = "\(good)\n\n\(good)\n" + #"{"award":"A","nominee":"B"}"#
        let refusal = try #require(parse(text, as: "a.jsonl").refusal)
        #expect(refusal.code == .missingField)
        #expect(refusal.field == "citation")
        #expect(refusal.record == 3)
        #expect(refusal.line == 4)
        let malformed = try #require(parse("\(good)\n{\"award\"\n", as: "a.jsonl").refusal)
        #expect(malformed.code == .malformedJSON)
        #expect(malformed.record == 2)
        #expect(malformed.line == 2)
        let array = try #require(parse("\(good)\n[\(good)]\n", as: "a.jsonl").refusal)
        #expect(array.code == .wrongType)
        #expect(array.record == 2)
    }

    @Test("JSON Lines with only blank lines is empty_file (blank lines are not records)")
    func jsonLinesEmpty() {
        #expect(parse("\n \t \n", as: "a.jsonl").refusal?.code == .emptyFile)
    }
}
