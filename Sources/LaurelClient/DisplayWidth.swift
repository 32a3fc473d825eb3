// Terminal column widths: CJK ideographs, kana, Hangul, fullwidth forms and emoji take two columns;
// combining marks and format characters take none. `String.count` would misalign every table that
// holds Chinese names.

/// How many terminal columns text takes, by East Asian Width (Wide and Fullwidth count two).
public enum DisplayWidth {
    /// Columns taken by `text` in a terminal.
    public static func of(_ text: some StringProtocol) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// Columns taken by one character (grapheme cluster): 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        var width = 0
        for scalar in character.unicodeScalars {
            if scalar.value == 0xFE0F { return 2 }  // emoji presentation selector
            width = max(width, of(scalar))
        }
        return width
    }

    /// Columns taken by one scalar on its own: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x7F { return v < 0x20 ? 0 : 1 }
        if v < 0xA0 { return 0 }
        if v < 0x1100 { return isZeroWidth(scalar) ? 0 : 1 }
        if isWide(v) { return 2 }
        return isZeroWidth(scalar) ? 0 : 1
    }

    /// `text` cut to at most `columns` columns; a cut is marked with `…` (which takes one column).
    public static func truncate(_ text: some StringProtocol, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        guard of(text) > columns else { return String(text) }
        var out = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > columns - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// `text` followed by spaces up to `columns` columns (unchanged if already as wide or wider).
    public static func pad(_ text: String, to columns: Int) -> String {
        let missing = columns - of(text)
        return missing > 0 ? text + String(repeating: " ", count: missing) : text
    }

    private static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v == 0x200B || (0x1160...0x11FF).contains(v) { return true }  // zero width space, Hangul medial jamo
        if v == 0x00AD { return false }  // soft hyphen shows as a hyphen in terminals
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: return false
        }
    }

    // East Asian Width W and F ranges (Unicode 15), merged where adjacent; emoji blocks included.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1AFF0...0x1B2FF, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF,
        0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F1E6...0x1F1FF, 0x1F200...0x1F265, 0x1F300...0x1F320,
        0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393, 0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3,
        0x1F3E0...0x1F3F0, 0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440...0x1F440, 0x1F442...0x1F4FC,
        0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A...0x1F57A, 0x1F595...0x1F596,
        0x1F5A4...0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC...0x1F6CC, 0x1F6D0...0x1F6D2,
        0x1F6D5...0x1F6D7, 0x1F6DC...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC, 0x1F7E0...0x1F7EB,
        0x1F7F0...0x1F7F0, 0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FAFF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static func isWide(_ v: UInt32) -> Bool {
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = wideRanges[mid]
            if v < range.lowerBound {
                high = mid - 1
            } else if v > range.upperBound {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }
}

/// A plain-text table aligned by display width: columns separated by two spaces, no trailing
/// spaces, cells cut with `…` to their column's maximum, control characters shown as spaces. No colour
/// or escape codes, so output is the same whether or not it goes to a terminal.
public struct TextTable: Sendable, Hashable {
    /// One column.
    public struct Column: Sendable, Hashable {
        /// The heading.
        public var title: String
        /// The widest the column may be, in terminal columns; longer cells are cut with `…`.
        public var maxWidth: Int?
        /// Whether cells are aligned to the right (numbers).
        public var alignRight: Bool

        /// Creates a column.
        public init(_ title: String, maxWidth: Int? = nil, alignRight: Bool = false) {
            self.title = title
            self.maxWidth = maxWidth
            self.alignRight = alignRight
        }
    }

    /// The columns, in order.
    public var columns: [Column]
    /// The rows; each holds one cell per column (missing cells are empty).
    public var rows: [[String]]

    /// Creates a table.
    public init(columns: [Column], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The table as lines of text, heading first, each ending in LF.
    public func rendered() -> String {
        let cells: [[String]] = ([columns.map(\.title)] + rows).map { row in
            columns.indices.map { index in
                var cell = index < row.count ? Self.flatten(row[index]) : ""
                if let limit = columns[index].maxWidth { cell = DisplayWidth.truncate(cell, to: limit) }
                return cell
            }
        }
        var widths = Array(repeating: 0, count: columns.count)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], DisplayWidth.of(cell)) }
        }
        var out = ""
        for row in cells {
            var line = ""
            for (index, cell) in row.enumerated() {
                if index > 0 { line += "  " }
                let missing = widths[index] - DisplayWidth.of(cell)
                if columns[index].alignRight {
                    line += String(repeating: " ", count: missing) + cell
                } else if index < row.count - 1 {
                    line += cell + String(repeating: " ", count: missing)
                } else {
                    line += cell
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    /// Control characters (line ends, tabs, escapes) become spaces so one cell stays on one line.
    static func flatten(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) ? " " : $0 }))
    }
}
