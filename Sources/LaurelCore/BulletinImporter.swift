/// Imports a published bulletin of honours: a heading line `<award> <nominee>` (the award is the
/// heading's first word and repeats on every heading) followed by citation paragraphs, one per
/// line, and possibly a publisher's imprint at the end.
///
/// The imprint is found generically, walking back from the last line while a line looks like one:
/// a short label and a colon (`主管:`, `地址:`, `國內統一刊號:` — at most 8 characters, none of
/// them punctuation or space), or a line mentioning `ICP`, `刊號`/`刊号`, `版權所有`/`版权所有`,
/// `Copyright`, `©` or `All rights reserved`. A line ending in sentence punctuation (`。！？”…`)
/// is prose and stops the walk. The checks see the line after annotation removal, so
/// `國內(nèi)統(tǒng)一刊號` counts as six characters.
public enum BulletinImporter {
    public static func parse(
        _ text: String,
        kind: NomineeKind = .team,
        cycle: String = "",
        region: String = ""
    ) throws(Refusal) -> [Nomination] {
        let lines = NominationInput.lines(text)
        guard let firstIndex = lines.firstIndex(where: { !TextNormalizer.trim($0).isEmpty }) else {
            throw Refusal(.emptyFile, "the bulletin is empty")
        }
        let first = TextNormalizer.trim(lines[firstIndex])
        guard let space = first.firstIndex(where: \.isWhitespace) else {
            throw Refusal(
                .malformedHeader, "the first line must be a heading \"<award> <nominee>\"", line: firstIndex + 1)
        }
        let award = first[..<space]
        var sections: [(heading: Substring, line: Int, body: [Substring])] = []
        for (offset, raw) in lines.enumerated().dropFirst(firstIndex) {
            let line = TextNormalizer.trim(raw)
            if line.hasPrefix(award), let after = line.dropFirst(award.count).first, after.isWhitespace {
                sections.append((TextNormalizer.trim(line.dropFirst(award.count)), offset + 1, []))
            } else if !line.isEmpty {
                sections[sections.count - 1].body.append(line)
            }
        }
        while let last = sections.last?.body.last, isImprint(last) {
            sections[sections.count - 1].body.removeLast()
        }
        return try sections.enumerated().map { (offset, section) throws(Refusal) -> Nomination in
            var draft = NominationDraft()
            draft.record = offset + 1
            draft.line = section.line
            draft.fields["award"] = .init(text: String(award), line: section.line)
            draft.fields["nominee"] = .init(text: String(section.heading), line: section.line)
            draft.fields["kind"] = .init(text: kind.rawValue, line: nil)
            draft.fields["cycle"] = .init(text: cycle, line: nil)
            draft.fields["region"] = .init(text: region, line: nil)
            draft.fields["citation"] = .init(text: section.body.joined(separator: "\n"), line: section.line + 1)
            return try draft.build()
        }
    }

    /// Whether a line looks like part of a publisher's imprint (see the type's documentation).
    static func isImprint(_ raw: Substring) -> Bool {
        let line = TextNormalizer.field(String(raw))
        if let last = line.last, "。！？!?”」…".contains(last) { return false }
        for marker in ["ICP", "刊號", "刊号", "版權所有", "版权所有", "Copyright", "©", "All rights reserved"]
        where line.localizedCaseInsensitiveContainsPure(marker) {
            return true
        }
        guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return false }
        let label = line[..<colon]
        return !label.isEmpty && label.count <= 8
            && label.allSatisfy { !$0.isWhitespace && !$0.isPunctuation }
    }
}

extension String {
    /// Case-insensitive `contains` for ASCII markers, without Foundation's locale machinery.
    fileprivate func localizedCaseInsensitiveContainsPure(_ marker: String) -> Bool {
        lowercased().contains(marker.lowercased())
    }
}
