import Foundation

/// Folding for search keys only: what is displayed keeps what was submitted.
///
/// Folding works one scalar at a time, so it runs in linear time and needs no context:
/// ASCII is lower-cased inline, Han characters go through a dense traditional → simplified array
/// (see ``HanVariants``), and every other scalar below U+3400 or in U+F900–U+FFFF is looked up
/// in a table computed once, at first use, with the full (slow) rule. Rarer scalars take the slow
/// rule directly.
public enum SearchFolding {
    /// NFKC, case folded, diacritics removed, full-width to ASCII, traditional Han characters to
    /// simplified, runs of white space to one space, trimmed.
    ///
    /// Per-character: NFKC of each scalar, then lower-cased (plus `ß` → `ss`, `ς` → `σ`),
    /// nonspacing marks dropped, Han mapped traditional → simplified. Sequences that NFKC would
    /// compose across scalars (conjoining Hangul jamo) are not recomposed.
    public static func fold(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        let small = smallTable
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                switch value {
                case 0x09...0x0D, 0x20:
                    pendingSpace = !out.isEmpty
                case 0x41...0x5A:
                    if pendingSpace {
                        out.append(0x20)
                        pendingSpace = false
                    }
                    out.append(UInt8(value + 0x20))
                default:
                    if pendingSpace {
                        out.append(0x20)
                        pendingSpace = false
                    }
                    out.append(UInt8(value))
                }
            } else if value >= HanVariants.denseStart && value < HanVariants.denseEnd {
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                appendUTF8(HanVariants.simplified(value), to: &out)
            } else if let index = small.index(of: value) {
                let start = Int(small.starts[index])
                let end = Int(small.starts[index + 1])
                if start == end && small.identity[index] {
                    if pendingSpace {
                        out.append(0x20)
                        pendingSpace = false
                    }
                    appendUTF8(value, to: &out)
                } else {
                    for i in start..<end {
                        let folded = small.values[i]
                        if folded == 0x20 {
                            pendingSpace = !out.isEmpty
                        } else {
                            if pendingSpace {
                                out.append(0x20)
                                pendingSpace = false
                            }
                            appendUTF8(folded, to: &out)
                        }
                    }
                }
            } else {
                let props = scalar.properties
                if isHan(scalar) {
                    if pendingSpace {
                        out.append(0x20)
                        pendingSpace = false
                    }
                    appendUTF8(HanVariants.simplified(value), to: &out)
                } else if props.changesWhenNFKCCaseFolded || props.generalCategory == .nonspacingMark
                    || props.isWhitespace
                {
                    for folded in slowFold(scalar) {
                        if folded == 0x20 {
                            pendingSpace = !out.isEmpty
                        } else {
                            if pendingSpace {
                                out.append(0x20)
                                pendingSpace = false
                            }
                            appendUTF8(folded, to: &out)
                        }
                    }
                } else {
                    if pendingSpace {
                        out.append(0x20)
                        pendingSpace = false
                    }
                    appendUTF8(value, to: &out)
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `scalar` is a Han ideograph: CJK Unified Ideographs and Extensions A–H, and the CJK
    /// Compatibility Ideographs (and their supplement). The store tokenises runs of these.
    public static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        switch v {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF: return true
        case 0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0x2F800...0x2FA1F, 0x30000...0x323AF: return true
        default: return false
        }
    }

    // MARK: - The full rule, for one scalar

    /// The fold of one scalar by the full rule, as scalar values; white space comes out as 0x20.
    static func slowFold(_ scalar: Unicode.Scalar) -> [UInt32] {
        if scalar.properties.isWhitespace || scalar.value == 0x200B { return [0x20] }
        let nfkd = String(Character(scalar)).decomposedStringWithCompatibilityMapping
        var lowered = nfkd.lowercased()
        if lowered.unicodeScalars.contains(where: { $0 == "ß" || $0 == "ς" }) {
            lowered = String(
                String.UnicodeScalarView(
                    lowered.unicodeScalars.flatMap { s -> [Unicode.Scalar] in
                        s == "ß" ? ["s", "s"] : (s == "ς" ? ["σ"] : [s])
                    }))
        }
        var stripped = String.UnicodeScalarView()
        for s in lowered.decomposedStringWithCompatibilityMapping.unicodeScalars
        where s.properties.generalCategory != .nonspacingMark {
            stripped.append(s)
        }
        let composed = String(stripped).precomposedStringWithCompatibilityMapping
        return composed.unicodeScalars.map { s in
            if s.properties.isWhitespace { return 0x20 }
            return isHan(s) ? HanVariants.simplified(s.value) : s.value
        }
    }

    // MARK: - Precomputed table for U+0080–U+33FF and U+F900–U+FFFF

    struct SmallTable: Sendable {
        static let lowEnd: UInt32 = 0x3400
        static let highStart: UInt32 = 0xF900
        static let highEnd: UInt32 = 0x1_0000
        /// `values[starts[i]..<starts[i+1]]` is the fold of the i-th covered scalar.
        var starts: [UInt32]
        var values: [UInt32]
        /// True when the fold is the scalar itself (stored as an empty range to keep `values` small).
        var identity: [Bool]

        @inline(__always)
        func index(of value: UInt32) -> Int? {
            if value < Self.lowEnd { return Int(value - 0x80) }
            if value >= Self.highStart && value < Self.highEnd {
                return Int(Self.lowEnd - 0x80 + value - Self.highStart)
            }
            return nil
        }
    }

    static let smallTable: SmallTable = {
        var starts: [UInt32] = [0]
        var values: [UInt32] = []
        var identity: [Bool] = []
        let covered = Array(0x80..<SmallTable.lowEnd) + Array(SmallTable.highStart..<SmallTable.highEnd)
        for v in covered {
            if let scalar = Unicode.Scalar(v), !(0xD800...0xDFFF).contains(v) {
                let folded = slowFold(scalar)
                if folded == [v] {
                    identity.append(true)
                } else {
                    identity.append(false)
                    values.append(contentsOf: folded)
                }
            } else {
                identity.append(true)
            }
            starts.append(UInt32(values.count))
        }
        return SmallTable(starts: starts, values: values, identity: identity)
    }()

    @inline(__always)
    static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x1_0000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
