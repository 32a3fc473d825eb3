import LaurelCore
import Testing

@Suite("SHA-256 identifies dropped files")
struct SHA256Tests {
    @Test("matches the FIPS 180-4 test vectors")
    func vectors() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // 1,000,000 × "a" crosses many blocks.
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("padding boundaries: 55, 56 and 64 bytes differ and are stable")
    func boundaries() {
        let a = SHA256.hex([UInt8](repeating: 1, count: 55))
        let b = SHA256.hex([UInt8](repeating: 1, count: 56))
        let c = SHA256.hex([UInt8](repeating: 1, count: 64))
        #expect(Set([a, b, c]).count == 3)
        #expect(SHA256.hex(Array("The quick brown fox jumps over the lazy dog".utf8)) == "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592")
    }
}
