/// The header-block format: `Name: value` lines, one blank line, then the citation.
///
///     Award: Best Community Team
///     Nominee: 園博社區
///     Kind: team
///
///     The citation, in one or more paragraphs.
///
/// Header names are case-insensitive; unknown headers are kept in `extra` under the name as
/// written. Blank lines before the first header are skipped. A header name is one or more
/// characters without white space, followed by an ASCII colon.
enum HeaderFormat {
    static func parse(_ text: String, limits: NominationLimits) throws(Refusal) -> [Nomination] {
        var lines = NominationInput.lines(text)
        // A line end at the end of the file ends the last line; it does not start an empty one.
        if lines.count > 1 && lines[lines.count - 1].isEmpty { lines.removeLast() }
        var draft = NominationDraft()
        var seen: [String: Int] = [:]
        var index = 0
        while index < lines.count && TextNormalizer.trim(lines[index]).isEmpty { index += 1 }
        draft.line = index + 1
        var sawBlank = false
        while index < lines.count {
            let line = lines[index]
            let lineNumber = index + 1
            index += 1
            if TextNormalizer.trim(line).isEmpty {
                sawBlank = true
                break
            }
            if line.utf8.count > limits.maxHeaderLineBytes {
                throw Refusal(
                    .headerTooLong,
                    "a header line is longer than \(limits.maxHeaderLineBytes) bytes",
                    line: lineNumber
                )
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw Refusal(
                    .malformedHeader,
                    "expected a header line \"Name: value\" (or a blank line before the citation)",
                    line: lineNumber
                )
            }
            let name = line[..<colon]
            guard !name.isEmpty, !name.contains(where: \.isWhitespace) else {
                throw Refusal(
                    .malformedHeader,
                    "a header name must be one word before the colon, as in \"Award: …\"",
                    line: lineNumber
                )
            }
            let lowered = name.lowercased()
            if let first = seen[lowered] {
                throw Refusal(
                    .duplicateHeader,
                    "the header \"\(name)\" appears twice (first on line \(first))",
                    line: lineNumber,
                    field: lowered
                )
            }
            seen[lowered] = lineNumber
            let value = NominationDraft.Value(text: String(line[line.index(after: colon)...]), line: lineNumber)
            if lowered != "citation" && NominationDraft.knownFields.contains(lowered) {
                draft.fields[lowered] = value
            } else {
                draft.extra.append((String(name), value))
            }
        }
        if sawBlank {
            let body = lines[index...].joined(separator: "\n")
            draft.fields["citation"] = NominationDraft.Value(text: body, line: index + 1)
        }
        return [try draft.build()]
    }
}
