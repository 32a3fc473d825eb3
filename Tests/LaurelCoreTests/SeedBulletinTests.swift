import Foundation
import LaurelCore
import Testing

@Suite("The seed bulletin and the demo data")
struct SeedBulletinTests {
    static let expectedNominees = [
        "園博社區", "吉慶社區", "揚子社區", "銀湖翡翠“老公團”", "國際城社區",
        "武重社區復地東湖國際鼎園臨時黨小組", "武漢萬科物業", "東山亭社區", "珞獅路社區", "地質社區",
    ]
    /// The teams whose citations the seed garbled: `家中?!边@是` (吉慶), `就夠了?!?/span>` (武重),
    /// `因?yàn)榕挪榉揽毓ぷ髟鷮?shí)` (珞獅路, GBK read out of step) and `民生重?fù)?dān)` (東山亭,
    /// 負擔 lost to `?`).
    static let damaged: Set<String> = ["吉慶社區", "武重社區復地東湖國際鼎園臨時黨小組", "東山亭社區", "珞獅路社區"]

    static func seedText() throws -> String {
        let url = try #require(
            Bundle.module.url(forResource: "seed-bulletin", withExtension: "txt", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func importSeed() throws -> [Nomination] {
        try BulletinImporter.parse(try seedText(), cycle: "2020", region: "武漢")
    }

    @Test("the seed gives exactly the ten teams, in order, with the award")
    func tenTeams() throws {
        let list = try Self.importSeed()
        #expect(list.map(\.nominee) == Self.expectedNominees)
        #expect(Set(list.map(\.award)) == ["最美社區團隊"])
        #expect(list.allSatisfy { $0.kind == .team && !$0.citation.isEmpty })
    }

    @Test("no pinyin annotation survives anywhere in the imported seed")
    func noAnnotationSurvives() throws {
        let raw = try Self.seedText()
        let annotation = /\p{Han}\([a-zA-Z\u{00C0}-\u{024F}]+\)/
        #expect(raw.matches(of: annotation).count > 250)  // the check below is about something
        for n in try Self.importSeed() {
            for field in [n.award, n.nominee, n.citation] {
                #expect(field.firstMatch(of: annotation) == nil, "\(field.prefix(40))")
                #expect(field.firstMatch(of: /\([a-zA-Z\u{00C0}-\u{024F}]+\)/) == nil)
            }
        }
        // Nothing else was eaten: the text differs from the raw one only by the annotations.
        let stripped = raw.replacing(annotation) { String($0.output.first!) }
        let citations = try Self.importSeed().map(\.citation).joined(separator: "\n")
        for line in citations.split(separator: "\n") {
            #expect(stripped.contains(line))
        }
    }

    @Test("the publisher imprint is not part of the last citation")
    func imprintDropped() throws {
        let last = try #require(try Self.importSeed().last)
        #expect(last.citation.hasSuffix("確保社區環境干凈安全。"))
        #expect(!last.citation.contains("主管"))
        #expect(!last.citation.contains("ICP"))
        #expect(!last.citation.contains("版權所有"))
    }

    @Test("mojibake is flagged exactly on the damaged teams")
    func mojibake() throws {
        for n in try Self.importSeed() {
            let flagged = n.warnings.contains { $0.code == "mojibake" }
            #expect(flagged == Self.damaged.contains(n.nominee), "\(n.nominee)")
        }
    }

    @Test("each demo file parses to the same nomination the importer gives for its team")
    func demoFilesMatchImporter() throws {
        let demo = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/LaurelServer/Demo")
        let files = try FileManager.default.contentsOfDirectory(atPath: demo.path).filter { $0.hasSuffix(".nom") }
            .sorted()
        #expect(files.count == 10)
        let imported = try Self.importSeed()
        for (file, expected) in zip(files, imported) {
            let bytes = try [UInt8](Data(contentsOf: demo.appendingPathComponent(file)))
            let parsed = try NominationParser.parse(bytes, fileName: file)
            #expect(parsed == [expected], "\(file)")
            #expect(file.allSatisfy { $0.isASCII })
        }
    }

    @Test("the bulletin importer refuses text without a heading")
    func importerRefusals() {
        #expect(throws: Refusal.self) { try BulletinImporter.parse("   \n") }
        #expect(throws: Refusal.self) { try BulletinImporter.parse("noheading\nbody") }
    }
}
