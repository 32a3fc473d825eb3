/// Builds realistic nominations as bytes, deterministically from a seed.
///
/// Each nomination: an award, a nominee (a two- or three-character Chinese personal name, a team named
/// after a Wuhan place, or a Latin-script name with diacritics), a cycle, a region, and a citation of
/// 80–400 characters (Chinese) drawn from ``Corpus/citationWords`` with Zipf weights; about one in
/// twenty citations is English.
struct NominationGenerator {
    struct Nomination {
        var award: [UInt8]
        var nominee: [UInt8]
        var kind: String
        var cycle: [UInt8]
        var region: [UInt8]
        var nominator: [UInt8]
        var citation: [UInt8]
    }

    private var rng: SplitMix64
    private let words = ZipfTable(Corpus.citationWords)
    private let surnames = ZipfTable(Corpus.surnames, exponent: 1.0)
    private let given = ZipfTable(Corpus.givenCharacters, exponent: 0.0)
    private let places = ZipfTable(Corpus.places)
    private let latinWords = ZipfTable(Corpus.latinWords)
    private let awards = ZipfTable(Corpus.awards)

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func next() -> Nomination {
        let award = awards.draw(&rng)
        var kind = "person"
        var nominee: [UInt8] = []
        let roll = rng.below(100)
        if roll < 60 {
            nominee = surnames.draw(&rng) + given.draw(&rng)
            if rng.chance(55) { nominee += given.draw(&rng) }
        } else if roll < 90 {
            kind = "team"
            nominee = places.draw(&rng) + Array(Corpus.teamSuffixes[rng.below(Corpus.teamSuffixes.count)].utf8)
        } else {
            nominee = Array(Corpus.latinFirst[rng.below(Corpus.latinFirst.count)].utf8) + [0x20]
                + Array(Corpus.latinLast[rng.below(Corpus.latinLast.count)].utf8)
        }
        let cycle = Array(Corpus.cycles[rng.below(Corpus.cycles.count)].utf8)
        let region = Array(Corpus.regions[rng.below(Corpus.regions.count)].utf8)
        let nominator = Array(Corpus.nominators[rng.below(Corpus.nominators.count)].utf8)
        let citation = rng.chance(5) ? latinCitation(about: nominee) : chineseCitation(about: nominee)
        return Nomination(
            award: award, nominee: nominee, kind: kind, cycle: cycle, region: region, nominator: nominator,
            citation: citation)
    }

    /// 80–400 Han characters (counted as characters, not bytes), sentences of 3–9 words, sometimes two
    /// paragraphs; the nominee is named once near the start, as bulletins do.
    private mutating func chineseCitation(about nominee: [UInt8]) -> [UInt8] {
        let target = rng.within(80...400)
        var out: [UInt8] = []
        out.reserveCapacity(target * 3 + 16)
        out += nominee
        var characters = 0
        var inSentence = 0
        var sentenceLength = rng.within(3...9)
        var paragraphBreakAt = rng.chance(30) ? target / 2 : Int.max
        while characters < target {
            let word = words.draw(&rng)
            out += word
            characters += word.count / 3
            inSentence += 1
            if inSentence == sentenceLength {
                inSentence = 0
                sentenceLength = rng.within(3...9)
                if characters >= paragraphBreakAt {
                    out += Array("。\n\n".utf8)
                    paragraphBreakAt = .max
                } else {
                    out += Corpus.punctuation[rng.below(Corpus.punctuation.count)]
                }
                characters += 1
            }
        }
        out += Array("。".utf8)
        return out
    }

    private mutating func latinCitation(about nominee: [UInt8]) -> [UInt8] {
        var out = nominee
        let count = rng.within(15...60)
        for i in 0..<count {
            out.append(i % 9 == 8 ? 0x2E : 0x20)  // ". " every few words
            if i % 9 == 8 { out.append(0x20) }
            out += latinWords.draw(&rng)
        }
        out.append(0x2E)
        return out
    }
}

extension NominationGenerator.Nomination {
    /// The header-block format (`docs/FORMATS.md`): headers, one blank line, the citation.
    func headerFile() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(citation.count + 200)
        func header(_ name: String, _ value: [UInt8]) {
            if value.isEmpty { return }
            out += Array(name.utf8)
            out += [0x3A, 0x20]
            out += value
            out.append(0x0A)
        }
        header("Award", award)
        header("Nominee", nominee)
        header("Kind", Array(kind.utf8))
        header("Cycle", cycle)
        header("Region", region)
        header("Nominator", nominator)
        out.append(0x0A)
        out += citation
        out.append(0x0A)
        return out
    }

    /// One JSON Lines record (`docs/FORMATS.md`). Generated text holds no quote, backslash or control
    /// character except the paragraph break, which is escaped.
    func jsonLine() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(citation.count + 200)
        func field(_ name: String, _ value: [UInt8], first: Bool = false) {
            if value.isEmpty { return }
            out += Array((first ? "{\"" : ",\"").utf8)
            out += Array(name.utf8)
            out += [0x22, 0x3A, 0x22]
            for byte in value {
                if byte == 0x0A { out += [0x5C, 0x6E] } else { out.append(byte) }
            }
            out.append(0x22)
        }
        field("award", award, first: true)
        field("nominee", nominee)
        field("kind", Array(kind.utf8))
        field("cycle", cycle)
        field("region", region)
        field("nominator", nominator)
        field("citation", citation)
        out += [0x7D, 0x0A]
        return out
    }
}
