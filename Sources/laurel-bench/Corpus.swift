import Foundation

/// SplitMix64: a small, fast, seedable generator, so that `generate --seed S` writes the same bytes on
/// every machine and every run (the system generator is neither seedable nor stable across platforms).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (bound > 0); the modulo bias is far below anything a benchmark can see.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// A value in `range`.
    mutating func within(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Words drawn with Zipf weights (weight of rank r ∝ 1/r): a few words are in most citations, most
/// words are rare, as in real text. Sampling is a binary search over the cumulative weights.
struct ZipfTable {
    let items: [[UInt8]]
    private let cumulative: [Double]

    init(_ words: [String], exponent: Double = 1.0) {
        items = words.map { Array($0.utf8) }
        var sum = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(words.count)
        for rank in 1...words.count {
            sum += 1.0 / pow(Double(rank), exponent)
            cumulative.append(sum)
        }
        self.cumulative = cumulative.map { $0 / sum }
    }

    func draw(_ rng: inout SplitMix64) -> [UInt8] {
        let u = Double(rng.next() >> 11) * 0x1.0p-53
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return items[lo]
    }
}

/// The vocabulary of the generated registry: Wuhan community-service bulletins (the seed's domain),
/// in traditional and simplified script, plus Latin-script names with diacritics.
enum Corpus {
    /// Citation words, most common first (Zipf rank = position). Common ones appear in most citations
    /// (社區, 志願者, 武漢); the tail appears in a fraction of a percent.
    static let citationWords: [String] = [
        "社區", "志願者", "武漢", "疫情", "防控", "居民", "工作人員", "堅守", "一線", "服務",
        "街道", "黨員", "群眾", "物資", "老人", "小區", "團隊", "隔離", "排查", "配送",
        "金銀湖", "百步亭", "江岸區", "武昌區", "漢陽區", "洪山區", "青山區", "江漢區", "東西湖區", "硚口區",
        "防疫", "口罩", "消毒", "測溫", "值守", "卡點", "網格員", "樓棟長", "下沉幹部", "醫護人員",
        "蔬菜", "藥品", "買藥", "送菜", "獨居", "困難家庭", "孤寡老人", "殘疾人", "兒童", "孕婦",
        "日夜", "連續", "主動", "帶領", "組織", "協調", "聯繫", "保障", "落實", "宣傳",
        "核酸檢測", "方艙醫院", "發熱門診", "轉運", "救治", "康復", "心理疏導", "熱線", "微信群", "電話",
        "感動", "溫暖", "守護", "家園", "責任", "擔當", "奉獻", "榜樣", "先進", "表彰",
        "錦旗", "感謝信", "鄰里", "互助", "愛心", "捐贈", "企業", "物業", "業主", "保安",
        "珞珈山", "東湖", "長江", "漢江", "黃鶴樓", "光谷", "漢口", "漢陽", "武昌", "沌口",
        "冬天", "春節", "元宵", "凌晨", "深夜", "寒風", "雨中", "七十六天", "封城", "解封",
        "復工", "復產", "開學", "返崗", "菜市場", "超市", "藥店", "醫院", "學校", "幼兒園",
        "民警", "社工", "快遞員", "司機", "廚師", "教師", "學生", "退伍軍人", "黨支部書記", "居委會",
        "團購", "清單", "登記", "台賬", "上門", "入戶", "走訪", "摸排", "巡查", "勸導",
        "鄂A", "湖北", "江城", "九省通衢", "熱乾麵", "戶部巷", "吉慶街", "江灘", "琴台", "歸元寺",
        "錦旗感", "晴川閣", "古琴台", "龜山", "蛇山", "墨水湖", "南湖", "沙湖", "後官湖", "湯遜湖",
        "無人機", "擴音器", "小喇叭", "紅袖章", "防護服", "護目鏡", "體溫計", "消毒液", "酒精", "手套",
    ]

    static let punctuation: [[UInt8]] = ["，", "，", "，", "。", "、", "；"].map { Array($0.utf8) }

    /// Common surnames first (Zipf over surnames too: 王, 李, 張 dominate).
    static let surnames: [String] = [
        "王", "李", "張", "劉", "陳", "楊", "黃", "趙", "吳", "周", "徐", "孫", "馬", "朱", "胡", "郭", "何", "高",
        "林", "羅", "鄭", "梁", "謝", "宋", "唐", "許", "韓", "馮", "鄧", "曹", "彭", "曾", "蕭", "田", "董", "袁",
        "潘", "於", "蔣", "蔡", "余", "杜", "葉", "程", "蘇", "魏", "呂", "丁", "任", "沈", "姚", "盧", "姜", "崔",
        "鍾", "譚", "陸", "汪", "范", "金", "石", "廖", "賈", "夏", "韋", "付", "方", "白", "鄒", "孟", "熊", "秦",
        "邱", "江", "尹", "薛", "閻", "段", "雷", "侯", "龍", "史", "陶", "黎", "賀", "顧", "毛", "郝", "龔", "邵",
        "萬", "錢", "嚴", "覃", "武", "戴", "莫", "孔", "向", "湯", "單", "歐陽", "司馬", "諸葛",
    ]

    static let givenCharacters: [String] = Array(
        "偉芳娜秀英敏靜麗強磊軍洋勇艷傑娟濤明超秀蘭霞平剛桂英華紅玉蘭萍建華文輝鑫力明永健世廣志義興良海山仁波寧貴福生龍元全國勝學祥才發武新利清飛彬富順信子杰涛昌成康星光天達安岩中茂進林有堅和彪博誠先敬震振壯會思群豪心邦承樂紹功松善厚慶磊民友裕河哲江超浩亮政謙亨奇固之輪翰朗伯宏言若鳴朋斌梁棟維啟克倫翔旭鵬澤晨辰士以建家致樹炎德行時泰盛雄琛鈞冠策騰楠榕風航弘莉"
    ).map { String($0) }

    /// Latin-script nominees (some with diacritics, composed as users type them).
    static let latinFirst: [String] = [
        "José", "Zoë", "María", "François", "Søren", "Björn", "Renée", "Ángel", "Chloé", "Jürgen", "Ana",
        "Lukas", "Noémie", "Íñigo", "Łukasz", "Anaïs", "Mei", "Wei", "John", "Sarah", "David", "Emma",
    ]
    static let latinLast: [String] = [
        "Álvarez", "Schrödinger", "Müller", "Núñez", "Dvořák", "García", "Lefèvre", "Østergaard", "Gómez",
        "Brontë", "Čapek", "Wójcik", "Smith", "Nguyen", "Okafor", "Rossi", "Dubois", "Kowalski", "Andersson",
    ]
    static let latinWords: [String] = [
        "volunteer", "community", "delivered", "medicine", "elderly", "residents", "night", "shifts",
        "lockdown", "Wuhan", "Hubei", "translated", "hotline", "groceries", "district", "neighbours",
        "coordinated", "quarantine", "hospital", "tirelessly", "schrödinger",
    ]

    static let places: [String] = [
        "金銀湖", "百步亭", "園博", "吉慶", "楊子", "銀湖翡翠", "郭集村", "吳中丁苑", "萬科", "東山亭",
        "珞獅路", "地質", "紫陽", "南湖", "水果湖", "中南", "首義", "積玉橋", "徐家棚", "白沙洲",
        "二七", "後湖", "塔子湖", "台北", "花橋", "唐家墩", "漢興", "常青", "萬松", "民族",
    ]
    static let teamSuffixes: [String] = ["社區", "社區志願隊", "社區黨支部", "街道", "物業服務中心", "志願服務隊"]
    static let awards: [String] = [
        "最美社區團隊", "抗疫先鋒", "優秀志願者", "社區之星", "最美逆行者", "Community Service Award",
    ]
    static let regions: [String] = ["武漢", "江岸區", "武昌區", "漢陽區", "洪山區", "青山區", "江漢區", "東西湖區", ""]
    static let cycles: [String] = ["2019", "2020", "2021", "2022", "2023", "2024", "2025"]
    static let nominators: [String] = ["金銀湖街道", "湖北廣播電視報", "江岸區委", "武漢市民政局", "Wuhan Volunteers Network", ""]
}
