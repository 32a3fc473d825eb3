/// The identity of an entry: award + nominee + cycle after search folding, so that
/// `社區` and `社区`, or `Team  A` and `team a`, are the same honour.
public struct EntryKey: Sendable, Hashable, CustomStringConvertible {
    /// The folded key, fields separated by U+001F.
    public let rawValue: String

    public init(award: String, nominee: String, cycle: String) {
        rawValue = [award, nominee, cycle].map { SearchFolding.fold($0) }.joined(separator: "\u{1F}")
    }

    public var description: String { rawValue }

    /// A short, stable, easy-to-type id derived from the key: 8 characters of Crockford base32
    /// (lower case, no I/L/O/U), 40 bits of a 64-bit FNV-1a hash. `attempt` > 0 derives the
    /// alternatives used when two keys collide.
    public func shortID(attempt: Int = 0) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in rawValue.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        for _ in 0..<attempt {
            hash ^= hash >> 29
            hash &*= 0xbf58_476d_1ce4_e5b9
            hash ^= hash >> 32
        }
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var out = ""
        var bits = hash >> 24
        for _ in 0..<8 {
            out.append(alphabet[Int(bits & 31)])
            bits >>= 5
        }
        return String(out.reversed())
    }
}
