/// Words that say how a question is asked rather than what it is about, dropped before matching
/// (see `FAQTokenizer`). Kept short on purpose: every word here is one a customer could not use to
/// tell two FAQ entries apart. Negations ("not", "no", "没") are not here — they change meaning.
enum CommonWords {
    /// Folded English words, as `TextRun` leaves them (lower case, apostrophes dropped: "what's" is
    /// "whats"), compared before the plural is taken off.
    static let english: Set<String> = [
        "a", "an", "the", "and", "or", "but", "if", "so", "as", "to", "of", "for", "in", "into", "on", "at", "by",
        "with", "from", "about",
        "i", "im", "ive", "id", "me", "my", "mine", "we", "us", "our", "you", "your", "yours", "it", "its",
        "they", "them", "their",
        "is", "am", "are", "was", "were", "be", "been", "do", "does", "did", "have", "has", "had",
        "can", "could", "will", "would", "shall", "should", "may", "might", "must", "dont", "cant",
        "this", "that", "these", "those", "there", "theres", "here",
        "what", "whats", "which", "who", "whom", "when", "where", "wheres", "why", "how", "hows",
        "get", "want", "need", "like", "let", "lets", "tell", "know", "just", "also", "any", "some",
        "please", "pls", "hi", "hello", "hey", "dear", "thanks", "thank",
    ]

    /// Chinese politeness, pronouns, question words and sentence particles. Longer entries win:
    /// "你们" goes as one filler before "你" is looked at.
    static let chinese: Set<String> = [
        "请问", "你好", "您好", "谢谢", "麻烦", "一下",
        "你们", "您们", "我们", "咱们", "我想", "我要", "想要",
        "怎么", "怎么办", "怎样", "如何", "什么", "为什么", "哪里", "哪儿",
        "可以", "能否", "能不能", "可不可以", "是不是", "有没有",
        "的", "吗", "呢", "吧", "啊", "呀", "嘛", "哦", "哈", "我", "你", "您",
    ]

    /// The fillers by their first character, longest first, so a run is scanned without building
    /// strings.
    private static let chineseByFirst: [Unicode.Scalar: [[Unicode.Scalar]]] = Dictionary(
        grouping: chinese.map { Array($0.unicodeScalars) }, by: { $0[0] }
    ).mapValues { $0.sorted { $0.count > $1.count } }

    /// The pieces of a CJK run left between its fillers, each still in order; empty pieces are
    /// left out. "请问你们的营业时间" gives one piece, 营业时间.
    static func withoutChineseFillers(_ run: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var pieces: [ArraySlice<Unicode.Scalar>] = []
        var pieceStart = 0
        var index = 0
        while index < run.count {
            if let length = fillerLength(in: run, at: index) {
                if pieceStart < index { pieces.append(run[pieceStart..<index]) }
                index += length
                pieceStart = index
            } else {
                index += 1
            }
        }
        if pieceStart < run.count { pieces.append(run[pieceStart...]) }
        return pieces
    }

    private static func fillerLength(in run: [Unicode.Scalar], at index: Int) -> Int? {
        guard let candidates = chineseByFirst[run[index]] else { return nil }
        let rest = run[index...]
        return candidates.first { rest.starts(with: $0) }?.count
    }
}
