/// The byte-level checks every nomination file passes before its format is parsed: size, NUL
/// bytes, UTF-8 validity (with the line of the first bad byte), BOM, emptiness.
enum NominationInput {
    /// The file's text without BOM, or a refusal. Runs in one pass over the bytes.
    static func decode(_ bytes: [UInt8], limits: NominationLimits) throws(Refusal) -> String {
        if bytes.count > limits.maxFileBytes {
            throw Refusal(
                .tooLarge,
                "the file is \(bytes.count) bytes; the limit is \(limits.maxFileBytes) bytes"
            )
        }
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        var line = 1
        var allSpace = true
        var i = start
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                switch b {
                case 0:
                    throw Refusal(.nulByte, "the file contains a NUL byte; save it as plain UTF-8 text", line: line)
                case 0x0A:
                    line += 1
                case 0x0D:
                    if i + 1 >= n || bytes[i + 1] != 0x0A { line += 1 }
                case 0x09, 0x0B, 0x0C, 0x20:
                    break
                default:
                    allSpace = false
                }
                i += 1
                continue
            }
            allSpace = false
            let length = sequenceLength(bytes, at: i)
            if length == 0 {
                throw Refusal(.notUTF8, "the file is not valid UTF-8; save it as UTF-8", line: line)
            }
            i += length
        }
        if allSpace {
            throw Refusal(.emptyFile, "the file is empty or holds only white space")
        }
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    /// Length of the well-formed UTF-8 sequence at `i` (Unicode Table 3-7), or 0 if ill-formed.
    @inline(__always)
    static func sequenceLength(_ b: [UInt8], at i: Int) -> Int {
        let n = b.count
        let lead = b[i]
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i + k < n && b[i + k] >= lo && b[i + k] <= hi
        }
        switch lead {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    /// Split into lines on LF, CRLF or lone CR. Line i of the result is line i+1 of the file.
    static func lines(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var lineStart = text.startIndex
        var idx = text.startIndex
        let scalars = text.unicodeScalars
        while idx < scalars.endIndex {
            let s = scalars[idx]
            if s == "\n" || s == "\r" {
                result.append(Substring(scalars[lineStart..<idx]))
                var next = scalars.index(after: idx)
                if s == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                lineStart = next
                idx = next
            } else {
                idx = scalars.index(after: idx)
            }
        }
        result.append(Substring(scalars[lineStart..<scalars.endIndex]))
        return result
    }
}
