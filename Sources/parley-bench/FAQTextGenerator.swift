import ParleyRouting

/// Made-up but FAQ-shaped text for `FAQBench`: each entry has its own topic words in both
/// languages, wrapped in the phrasing real questions use ("How do I … my …?", "请问…怎么办").
struct FAQTextGenerator {
    private let words: [String]
    private let hanzi: [Character]

    private static let englishFrames = ["How do I %@?", "Can I %@ please?", "What is the %@?", "Where can I find my %@?"]
    private static let chineseFrames = ["请问%@怎么办", "%@在哪里", "怎么%@", "你们的%@是什么"]
    private static let chatter = ["hi there,", "hello, quick question:", "thanks!", "order 48213", "你好，", "麻烦问一下", "谢谢", "急"]

    init(rng: inout SplitMix64) {
        let onsets = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "tr", "pl", "st"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ou"]
        var vocabulary: Set<String> = []
        while vocabulary.count < 4_000 {
            let syllables = Int.random(in: 2...3, using: &rng)
            vocabulary.insert((0..<syllables).map { _ in onsets.randomElement(using: &rng)! + vowels.randomElement(using: &rng)! }.joined())
        }
        words = vocabulary.sorted()
        // 2,500 characters from the start of the CJK block, where the common ones cluster.
        hanzi = (0x4E00..<(0x4E00 + 2_500)).compactMap { Unicode.Scalar($0).map(Character.init) }
    }

    func entry(number: Int, rng: inout SplitMix64) -> FAQEntry {
        let topic = (0..<Int.random(in: 3...5, using: &rng)).map { _ in words.randomElement(using: &rng)! }
        let chineseTopic = String((0..<Int.random(in: 4...7, using: &rng)).map { _ in hanzi.randomElement(using: &rng)! })
        let questions = [
            Self.frame(Self.englishFrames.randomElement(using: &rng)!, topic.prefix(3).joined(separator: " ")),
            Self.frame(Self.englishFrames.randomElement(using: &rng)!, topic.suffix(3).joined(separator: " ")),
            Self.frame(Self.chineseFrames.randomElement(using: &rng)!, chineseTopic),
            Self.frame(Self.chineseFrames.randomElement(using: &rng)!, String(chineseTopic.shuffled(using: &rng))),
        ]
        return FAQEntry(id: "entry-\(number)", questions: questions, answer: "Answer \(number).")
    }

    /// A customer message and the entry that should answer it, nil for an off-topic one:
    /// 40% a paraphrase (a word or character dropped, chatter added), 30% a question verbatim,
    /// 30% text about nothing in the knowledge base.
    func message(about entry: FAQEntry, rng: inout SplitMix64) -> (text: String, expected: String?) {
        let question = entry.questions.randomElement(using: &rng)!
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<4:
            var pieces = question.split(separator: " ").map(String.init)
            if pieces.count > 2 { pieces.remove(at: Int.random(in: 0..<pieces.count, using: &rng)) }
            var text = pieces.joined(separator: " ")
            if pieces.count == 1, text.count > 3 { text.remove(at: text.index(text.startIndex, offsetBy: Int.random(in: 0..<text.count, using: &rng))) }
            return (Self.chatter.randomElement(using: &rng)! + " " + text, entry.id)
        case 4..<7:
            return (question, entry.id)
        default:
            let english = (0..<4).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
            let chinese = String((0..<6).map { _ in hanzi.randomElement(using: &rng)! })
            return (Bool.random(using: &rng) ? english : chinese, nil)
        }
    }

    private static func frame(_ frame: String, _ topic: String) -> String {
        frame.replacingOccurrences(of: "%@", with: topic)
    }
}
