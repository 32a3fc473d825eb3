import Foundation
import LaurelClient
import LaurelProtocol

/// stdout and stderr for laurelctl. stdout is written through a buffer flushed at exit (and after each
/// watch event); stderr goes to file descriptor 2 directly (the C global `stderr` is refused in Swift 6).
enum Output {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func line(_ text: String) {
        write(1, text + "\n")
    }

    static func raw(_ text: String) {
        write(1, text)
    }

    static func error(_ text: String) {
        write(2, text.hasSuffix("\n") ? text : text + "\n")
    }

    /// One JSON document (compact, keys sorted) and LF.
    static func json(_ value: some Encodable) {
        do {
            line(String(decoding: try encoder.encode(value), as: UTF8.self))
        } catch {
            self.error("laurelctl: could not encode JSON output: \(error)")
        }
    }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                // The reader went away (`laurelctl watch | head`): nothing more can be said, stop quietly.
                if errno == EPIPE { _exit(0) }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The table of entries used by search and list.
    static func entryTable(_ entries: [EntryRecord]) -> String {
        TextTable(
            columns: [
                .init("ID"), .init("AWARD", maxWidth: 24), .init("NOMINEE", maxWidth: 24), .init("STATUS"),
                .init("CYCLE"), .init("REGION", maxWidth: 12), .init("CITATION", maxWidth: 40),
            ],
            rows: entries.map { [$0.id, $0.award, $0.nominee, $0.status, $0.cycle, $0.region, $0.citation] }
        ).rendered()
    }
}
