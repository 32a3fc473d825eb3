import Foundation
import Testing

/// `laurelctl export` end to end: what the registry holds comes out intact in every format.
@Suite(
    "Exports through laurelctl and laureld",
    .enabled(if: binariesBuilt, "laureld and laurelctl are not built next to the test bundle")
)
struct ExportTests {
    /// Citations that break naive CSV and line-based transports.
    static let hostile: [(nominee: String, citation: String)] = [
        ("Comma, Inc.", "Served, fed, housed."),
        ("\"Quoted\" Team", "She said \"never\" and then \"\"again\"\"."),
        ("Newline Crew", "First paragraph.\n\nSecond, with a \"quote\".\nThird line."),
        ("Spaces", "   padded   citation   \n  second line, padded  "),
        ("園博社區", "園博社區只有20名工作人員，卻負責著金銀湖街道居住人數最多的社區，「拼搏」：排查、送藥。"),
        ("Trailing \"", "ends with a quote\""),
        ("=SUM(A1)", "starts, like a formula"),
    ]

    /// A daemon holding the hostile entries (the first three awarded, the rest shortlisted),
    /// submitted as JSON so every character arrives as written.
    static func populated() throws -> (TestDaemon, [String]) {
        let daemon = try TestDaemon()
        do {
            var ids: [String] = []
            for (i, item) in hostile.enumerated() {
                let object: [String: Any] = [
                    "award": "Hostile, \"CSV\" Award", "nominee": item.nominee, "citation": item.citation,
                    "cycle": "2025",
                    "region": "武漢, 湖北",
                ]
                let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
                ids += try daemon.submit("h\(i).json", json)
            }
            #expect(try daemon.ctl(["shortlist"] + ids).status == 0)
            #expect(try daemon.ctl(["award"] + ids.prefix(3)).status == 0)
            return (daemon, ids)
        } catch {
            daemon.stop()
            throw error
        }
    }

    /// The registry's own view of the entries: `laurelctl export --format jsonl`.
    static func jsonl(_ daemon: TestDaemon, _ extra: [String] = []) throws -> [[String: Any]] {
        let result = try daemon.ctl(["export", "--format", "jsonl"] + extra)
        try #require(result.status == 0, "\(result)")
        return try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("CSV is RFC 4180: Python's csv module reads back every field of every entry")
    func csvRoundTripsThroughPython() throws {
        let (daemon, _) = try Self.populated()
        defer { daemon.stop() }
        let records = try Self.jsonl(daemon)
        #expect(records.count == Self.hostile.count)
        let out = daemon.dir.path + "/export.csv"
        let result = try daemon.ctl(["export", "--format", "csv", "--output", out])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("exported \(Self.hostile.count) record"))

        // Python parses the file (newline="" as the csv module requires) and prints JSON.
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline="", encoding="utf-8") as f:
                print(json.dumps(list(csv.reader(f)), ensure_ascii=False))
            """
        let parsed = try run(try python3(), ["-c", script, out])
        try #require(parsed.status == 0, "\(parsed)")
        let rows = try #require(try parsed.json() as? [[String]])
        let header = [
            "id", "award", "nominee", "kind", "status", "cycle", "region", "citation", "nominations", "created_at",
            "updated_at",
        ]
        try #require(rows.first == header)
        #expect(rows.count == records.count + 1)
        for (row, record) in zip(rows.dropFirst(), records) {
            #expect(row.count == header.count)
            for (column, value) in zip(header, row) {
                let expected = record[column].map { "\($0)" } ?? "<missing>"
                #expect(value == expected, "column \(column) of \(record["nominee"] ?? "?")")
            }
        }
        // The hostile citations really are in the registry as normalised (lines trimmed).
        let citations = Set(records.compactMap { $0["citation"] as? String })
        #expect(citations.contains("First paragraph.\n\nSecond, with a \"quote\".\nThird line."))
        #expect(citations.contains("padded   citation\nsecond line, padded"))
        #expect(citations.contains(Self.hostile[4].citation))
    }

    @Test("CSV streamed to stdout equals the --output file")
    func csvStdoutEqualsFile() throws {
        let (daemon, _) = try Self.populated()
        defer { daemon.stop() }
        let out = daemon.dir.path + "/x.csv"
        #expect(try daemon.ctl(["export", "--format", "csv", "--output", out]).status == 0)
        let streamed = try daemon.ctl(["export", "--format", "csv"])
        #expect(streamed.stdout == (try String(contentsOfFile: out, encoding: .utf8)))
    }

    @Test("JSON is one array that parses; JSON Lines is one object per line; filters apply")
    func jsonAndJsonLines() throws {
        let (daemon, ids) = try Self.populated()
        defer { daemon.stop() }
        let json = try daemon.ctl(["export", "--format", "json"])
        #expect(json.status == 0)
        let array = try #require(try json.json() as? [[String: Any]])
        #expect(array.map { $0["id"] as? String } == ids)
        let lines = try Self.jsonl(daemon)
        #expect(lines.map { $0["id"] as? String } == ids)
        #expect(lines.map { $0["citation"] as? String } == array.map { $0["citation"] as? String })

        let awarded = try Self.jsonl(daemon, ["--status", "awarded"])
        #expect(awarded.map { $0["id"] as? String } == Array(ids.prefix(3)))
        #expect(try Self.jsonl(daemon, ["--award", "hostile, \"csv\" award", "--cycle", "2025"]).count == ids.count)
        #expect(try Self.jsonl(daemon, ["--cycle", "1999"]).isEmpty)

        // An empty JSON export is still a JSON document.
        let empty = try daemon.ctl(["export", "--format", "json", "--cycle", "1999"])
        #expect((try empty.json() as? [Any])?.isEmpty == true)
    }

    @Test("the Markdown bulletin lists each award's nominees with their citations, the status of any not awarded")
    func markdownBulletin() throws {
        let (daemon, _) = try Self.populated()
        defer { daemon.stop() }
        let all = try daemon.ctl(["export", "--format", "md"])
        #expect(all.status == 0, "\(all)")
        #expect(all.stdout.hasPrefix("# Hostile, \"CSV\" Award\n"))
        #expect(all.stdout.contains("## 園博社區 (2025, shortlisted)\n\n\(Self.hostile[4].citation)\n"))
        #expect(all.stderr.contains("exported \(Self.hostile.count) record"))

        let honours = try daemon.ctl(["export", "--format", "md", "--status", "awarded"])
        let text = honours.stdout
        #expect(text.hasPrefix("# Hostile, \"CSV\" Award\n"))
        #expect(text.contains("## Comma, Inc. (2025)\n\nServed, fed, housed.\n"))
        #expect(text.contains("## Newline Crew (2025)\n\nFirst paragraph.\n\nSecond, with a \"quote\".\nThird line.\n"))
        #expect(!text.contains("園博社區"), "a shortlisted entry is not in the bulletin of honours")
        #expect(honours.stderr.contains("exported 3 record"))
    }

    @Test("a large export streams every record, in order")
    func largeExportStreams() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        let total = 2_400
        // Several files of JSON Lines (each well under the size limit).
        for file in 0..<3 {
            let lines = (0..<(total / 3)).map { i in
                #"{"award":"Bulk","nominee":"Nominee \#(file)-\#(i)","citation":"Citation \#(i), with a comma."}"#
            }
            _ = try daemon.submit("bulk\(file).jsonl", lines.joined(separator: "\n"))
        }
        let result = try daemon.ctl(["export", "--format", "csv"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == total + 1)
        #expect(result.stderr.contains("exported \(total) record"))
    }
}
