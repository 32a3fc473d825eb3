/// Character-level traditional → simplified Han mapping for search keys.
///
/// The table comes from ICU's `Hant-Hans` transform applied one character at a time
/// (`Scripts/generate-hant-hans.swift` → `Generated/HanVariantsData.swift`). We chose a
/// character table over OpenCC's phrase-level conversion because folding must be pure, fast (one
/// array load per scalar) and identical for the query and the index; its known over-folding
/// (乾 → 干, so 乾隆 folds like 干隆) is harmless there, because both sides fold the same way and
/// the folded form is never displayed.
enum HanVariants {
    /// First scalar covered by the dense table (CJK Ext A) and one past the last (end of the
    /// unified block).
    static let denseStart: UInt32 = 0x3400
    static let denseEnd: UInt32 = 0xA000

    private struct Tables: Sendable {
        /// `dense[v - denseStart]` is the simplified scalar, or 0 when `v` is unchanged.
        var dense: [UInt32]
        /// The few supplementary-plane and compatibility pairs.
        var sparse: [UInt32: UInt32]
    }

    private static let tables: Tables = {
        var dense = [UInt32](repeating: 0, count: Int(denseEnd - denseStart))
        var sparse: [UInt32: UInt32] = [:]
        var pending: UInt32? = nil
        for scalar in HanVariantsData.traditionalSimplifiedPairs.unicodeScalars where scalar.value > 0x20 {
            if let from = pending {
                if from >= denseStart && from < denseEnd {
                    dense[Int(from - denseStart)] = scalar.value
                } else {
                    sparse[from] = scalar.value
                }
                pending = nil
            } else {
                pending = scalar.value
            }
        }
        return Tables(dense: dense, sparse: sparse)
    }()

    /// The simplified form of one Han scalar (the scalar itself when it has none).
    @inline(__always)
    static func simplified(_ value: UInt32) -> UInt32 {
        if value >= denseStart && value < denseEnd {
            let mapped = tables.dense[Int(value - denseStart)]
            return mapped == 0 ? value : mapped
        }
        return tables.sparse[value] ?? value
    }
}
