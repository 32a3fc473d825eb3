import LaurelCore
import Testing

@Suite("Mojibake detection")
struct MojibakeTests {
    @Test(
        "damaged text is flagged",
        arguments: [
            "我們吉慶社區人要將黨和政府的關懷落實到轄區內每一戶居民家中?!边@是吉慶社區書記",
            "記住我們是共產黨員就夠了?!?/span>",
            "因?yàn)榕挪榉揽毓ぷ髟鷮?shí)到位",
            "文字\u{FFFD}文字",
            "锟斤拷锟斤拷",
            "這是边@是，工ぷ作",  // two weak signs
        ])
    func flagged(_ text: String) {
        #expect(Mojibake.detect(text) != nil)
    }

    @Test(
        "clean text is not flagged",
        arguments: [
            "園博社區只有20名工作人員,卻負責著金銀湖街道居住人數最多的社區。",
            "真的嗎？！我們做到了。",
            "What? Yes! (2020)",
            "列夫・托爾斯泰",
            "聯繫方式: team@example.org",
            "感謝@張三的幫助",  // one weak sign is not enough
            "日本の首都は東京です。",
            "武漢(Wuhan)",
        ])
    func clean(_ text: String) {
        #expect(Mojibake.detect(text) == nil)
    }

    @Test("a damaged citation is accepted with a mojibake warning, not refused")
    func warningOnNomination() throws {
        let n = try #require(parse("Award: A\nNominee: B\n\n就夠了?!?/span>\n").nominations.first)
        #expect(n.warnings.map(\.code) == ["mojibake"])
        #expect(n.warnings.first?.message.contains("citation") == true)
        #expect(n.citation == "就夠了?!?/span>")
    }
}
