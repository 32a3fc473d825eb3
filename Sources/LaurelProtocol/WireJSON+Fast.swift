// A hand-written JSON writer for the records that travel in bulk (entries, history, awards, events,
// submit outcomes). It writes exactly what the shared JSONEncoder writes with `.sortedKeys` and
// `.withoutEscapingSlashes` (a test compares the two on random records), without Codable's boxing.

/// A record that can write itself as one line of wire JSON.
protocol FastWireJSON {
    func writeJSON(into writer: inout JSONLineWriter)
}

struct JSONLineWriter {
    private(set) var bytes: [UInt8] = []
    private var first = true

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func open() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    mutating func close() { bytes.append(UInt8(ascii: "}")) }

    private mutating func key(_ name: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        field(name, value)
    }

    mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func field(_ name: StaticString, _ values: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(Self.hex[Int(byte >> 4)])
                    bytes.append(Self.hex[Int(byte & 0x0F)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

// Keys in sorted order (as `.sortedKeys` writes them).

extension EntryRecord: FastWireJSON {
    func writeJSON(into writer: inout JSONLineWriter) {
        writer.open()
        writer.field("award", award)
        writer.field("citation", citation)
        writer.field("created_at", createdAt)
        writer.field("cycle", cycle)
        writer.field("id", id)
        writer.field("kind", kind)
        writer.field("nominations", nominations)
        writer.field("nominee", nominee)
        writer.field("region", region)
        writer.field("status", status)
        writer.field("updated_at", updatedAt)
        writer.field("warnings", warnings)
        writer.close()
    }
}

extension HistoryRecord: FastWireJSON {
    func writeJSON(into writer: inout JSONLineWriter) {
        writer.open()
        writer.field("actor", actor)
        writer.field("actor_uid", actorUID)
        writer.field("at", at)
        writer.field("from", from)
        writer.field("reason", reason)
        writer.field("to", to)
        writer.close()
    }
}

extension AwardRecord: FastWireJSON {
    func writeJSON(into writer: inout JSONLineWriter) {
        writer.open()
        writer.field("award", award)
        writer.field("entries", entries)
        writer.close()
    }
}

extension SubmitRecord: FastWireJSON {
    func writeJSON(into writer: inout JSONLineWriter) {
        writer.open()
        writer.field("entries", entries)
        writer.field("outcome", outcome)
        writer.close()
    }
}

extension EventRecord: FastWireJSON {
    func writeJSON(into writer: inout JSONLineWriter) {
        writer.open()
        writer.field("at", at)
        writer.field("award", award)
        writer.field("entry", entry)
        writer.field("event", event)
        writer.field("file", file)
        writer.field("from", from)
        writer.field("nominee", nominee)
        writer.field("reason", reason)
        writer.field("to", to)
        writer.close()
    }
}
