import Foundation
import LaurelClient
import LaurelProtocol
import Testing

@Suite("Display width and tables")
struct DisplayWidthTests {
    @Test("CJK, kana, Hangul, fullwidth forms and emoji take two columns; marks take none", arguments: [
        ("abc", 3), ("葉莉", 4), ("最美 社區", 9), ("かな", 4), ("한국", 4), ("ＡＢ", 4), ("、。", 4), ("😀", 2),
        ("e\u{301}", 1), ("👍🏽", 2), ("❤️", 2), ("🇭🇰", 2), ("", 0), ("a\u{200B}b", 2), ("區(qū)", 6), ("\u{3000}", 2),
    ])
    func widths(text: String, expected: Int) {
        #expect(DisplayWidth.of(text) == expected)
    }

    @Test("truncation never exceeds the column budget and marks the cut")
    func truncate() {
        #expect(DisplayWidth.truncate("葉莉葉莉", to: 5) == "葉莉…")
        #expect(DisplayWidth.truncate("葉莉葉莉", to: 6) == "葉莉…")
        #expect(DisplayWidth.truncate("葉莉葉莉", to: 8) == "葉莉葉莉")
        #expect(DisplayWidth.truncate("abcdef", to: 4) == "abc…")
        for columns in 1...12 {
            #expect(DisplayWidth.of(DisplayWidth.truncate("最美社區ab葉莉", to: columns)) <= columns)
        }
    }

    @Test("table columns line up by display width, with no trailing spaces")
    func tableAlignment() {
        let table = TextTable(
            columns: [.init("ID"), .init("NOMINEE"), .init("CNT", alignRight: true), .init("CITATION", maxWidth: 10)],
            rows: [["a1", "葉莉", "3", "最美社區最美社區最美社區"], ["b22", "Lee Mei-ling", "12", "short\nline"]]
        ).rendered()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        // The third column (right-aligned numbers) ends at the same display column on every line.
        func columnEnd(_ line: String, of needle: String) -> Int {
            let range = line.range(of: needle)!
            return DisplayWidth.of(line[..<range.upperBound])
        }
        #expect(columnEnd(lines[0], of: "CNT") == columnEnd(lines[1], of: "  3"))
        #expect(columnEnd(lines[1], of: "  3") == columnEnd(lines[2], of: " 12"))
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
        #expect(lines[1].hasSuffix("最美社區…"))
        #expect(lines[2].hasSuffix("short line"))
        #expect(!table.contains("\u{1B}"))
    }
}

@Suite("Client errors")
struct ClientErrorTests {
    @Test("exit statuses follow docs/CLI.md")
    func exitStatuses() {
        #expect(LaurelClientError.server(code: .notFound, message: "x").exitStatus == 1)
        #expect(LaurelClientError.server(code: .badRequest, message: "x").exitStatus == 2)
        #expect(LaurelClientError.unreachable("x").exitStatus == 3)
        #expect(LaurelClientError.connectionClosed(socketPath: "/x").exitStatus == 3)
        #expect(LaurelClientError.server(code: .denied, message: "x").exitStatus == 4)
        #expect(LaurelClientError.server(code: .refused, message: "x").exitStatus == 5)
        #expect(LaurelClientError.server(code: .busy, message: "x").exitStatus == 5)
        #expect(LaurelClientError.protocolViolation("x").exitStatus == 5)
    }

    @Test("server errors read CODE: sentence")
    func description() {
        #expect("\(LaurelClientError.server(code: .notFound, message: "no entry with id \"x\""))" == "NOT_FOUND: no entry with id \"x\"")
    }
}
