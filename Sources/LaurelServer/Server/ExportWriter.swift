import Foundation
import LaurelCore
import LaurelProtocol
import LaurelStore

/// Renders entries as lines of an export document, page by page, so an export of any size
/// streams without holding the result in memory. Pure: rows in, lines out.
public struct ExportWriter: Sendable {
    /// Export formats of `EXPORT` / `laurelctl export`.
    public enum Format: String, Sendable, CaseIterable {
        case json, jsonl, csv, md
    }

    public let format: Format
    private var first = true
    private var currentAward: String?

    public init(format: Format) {
        self.format = format
    }

    static let csvColumns = ["id", "award", "nominee", "kind", "status", "cycle", "region", "citation", "nominations", "created_at", "updated_at"]

    public mutating func header() -> [String] {
        switch format {
        case .json: ["["]
        case .jsonl: []
        case .csv: [Self.csvColumns.joined(separator: ",")]
        case .md: []
        }
    }

    public mutating func lines(for row: EntryRow) -> [String] {
        let record = RequestHandler.record(row)
        switch format {
        case .jsonl:
            return [WireJSON.encode(record)]
        case .json:
            defer { first = false }
            return [(first ? "  " : ", ") + WireJSON.encode(record)]
        case .csv:
            let fields = [
                record.id, record.award, record.nominee, record.kind, record.status, record.cycle, record.region,
                record.citation, String(record.nominations), record.createdAt, record.updatedAt,
            ]
            // RFC 4180: a field with a comma, quote, CR or LF is quoted and quotes doubled. A
            // quoted field may span lines; each physical line travels as one reply line.
            let joined = fields.map(Self.csvField).joined(separator: ",")
            return joined.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        case .md:
            var out: [String] = []
            if currentAward != row.award {
                if currentAward != nil { out.append("") }
                out.append("# \(row.award)")
                currentAward = row.award
            }
            out.append("")
            var heading = "## \(row.nominee)"
            if !row.cycle.isEmpty || row.status != .awarded {
                let notes = [row.cycle, row.status == .awarded ? "" : row.status.rawValue.replacingOccurrences(of: "_", with: " ")]
                    .filter { !$0.isEmpty }
                heading += " (" + notes.joined(separator: ", ") + ")"
            }
            out.append(heading)
            out.append("")
            out.append(contentsOf: row.citation.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            return out
        }
    }

    public mutating func footer() -> [String] {
        switch format {
        case .json: ["]"]
        default: []
        }
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
