/// Finds a hand-over phrase ("人工", "talk to a person") in a customer message.
///
/// A phrase matches when it appears **anywhere in the message**, not only as the whole message:
/// customers write "我要转人工!", "can I talk to a person please". Both are folded (`TextRun`:
/// case, full width, punctuation) and compared as a sequence of units — whole words for letters
/// and digits, single characters for CJK — so "agent" matches "Agent?" and "ＡＧＥＮＴ" but not
/// "agentic", and "talk to a person" matches "Talk to a person!!". The cost of containment is an
/// occasional hand-over nobody asked for ("人工智能" contains 人工); that is the cheaper mistake,
/// since a bot that will not let go of a customer is what they complain about most.
struct HandOverPhrases: Sendable {
    private let phrases: [(phrase: String, units: [String])]

    init(_ phrases: [String]) {
        self.phrases = phrases.map { ($0, FAQTokenizer.units(in: $0)) }.filter { !$0.units.isEmpty }
    }

    /// The longest phrase found in `text` (the most specific: "转人工" rather than "人工"), the
    /// first configured one among equals; nil when there is none.
    func firstMatch(in text: String) -> String? {
        let units = FAQTokenizer.units(in: text)
        var found: (phrase: String, length: Int)?
        for (phrase, phraseUnits) in phrases where phraseUnits.count > (found?.length ?? 0) {
            if Self.contains(units, phraseUnits) { found = (phrase, phraseUnits.count) }
        }
        return found?.phrase
    }

    private static func contains(_ units: [String], _ phrase: [String]) -> Bool {
        guard phrase.count <= units.count else { return false }
        return (0...(units.count - phrase.count)).contains { start in
            units[start..<(start + phrase.count)].elementsEqual(phrase)
        }
    }
}
