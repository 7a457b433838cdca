import ParleyRouting
import Testing

@Suite("FAQ bot turns: answer, miss, hand-over")
struct FAQTurnTests {
    @Test(arguments: [
        ("人工", "人工"),
        ("转人工", "转人工"),
        ("我要人工客服！", "人工客服"),
        ("退款的事，转人工吧", "转人工"),
        ("HUMAN please", "human"),
        ("Can I speak to an agent?", "agent"),
        ("ＡＧＥＮＴ", "agent"),
        ("I'd like to talk to a person.", "talk to a person"),
    ])
    func aHandOverPhraseAnywhereInTheMessageHandsOver(message: String, phrase: String) throws {
        let bot = try FAQFixtures.shopBot()
        #expect(bot.turn(text: message, vip: false, consecutiveMisses: 0) == .handOver(.keyword(phrase)))
        // Even in a conversation the bot has been answering well.
        #expect(bot.turn(text: message, vip: false, consecutiveMisses: 1) == .handOver(.keyword(phrase)))
    }

    @Test func phrasesMatchWholeWordsNotPartsOfWords() throws {
        let bot = try FAQFixtures.shopBot()
        #expect(bot.turn(text: "Is your chat agentic?", vip: false, consecutiveMisses: 0) == .miss(consecutiveMisses: 1))
        #expect(bot.turn(text: "Can I talk to a manager?", vip: false, consecutiveMisses: 0) == .miss(consecutiveMisses: 1))
    }

    @Test func handOverPhrasesAreConfigurable() throws {
        let bot = try FAQFixtures.shopBot(FAQBotSettings(handOverPhrases: ["找客服", "real person"]))
        #expect(bot.turn(text: "我要找客服", vip: false, consecutiveMisses: 0) == .handOver(.keyword("找客服")))
        #expect(bot.turn(text: "Is there a REAL person there?", vip: false, consecutiveMisses: 0) == .handOver(.keyword("real person")))
        // The defaults are replaced, not added to.
        #expect(bot.turn(text: "转人工", vip: false, consecutiveMisses: 0) == .miss(consecutiveMisses: 1))
    }

    @Test func theSecondMissInARowHandsOverByDefault() throws {
        let decisions = FAQFixtures.converse(try FAQFixtures.shopBot(), ["Do you sell gift cards?", "你们有实体店吗"])
        #expect(decisions == [.miss(consecutiveMisses: 1), .handOver(.misses(2))])
    }

    @Test func theMissCountBeforeHandOverIsConfigurable() throws {
        let patient = try FAQFixtures.shopBot(FAQBotSettings(missesBeforeHandOver: 3))
        #expect(FAQFixtures.converse(patient, ["gift cards?", "实体店?", "loyalty points?"]) == [
            .miss(consecutiveMisses: 1), .miss(consecutiveMisses: 2), .handOver(.misses(3)),
        ])
        let impatient = try FAQFixtures.shopBot(FAQBotSettings(missesBeforeHandOver: 1))
        #expect(FAQFixtures.converse(impatient, ["gift cards?"]) == [.handOver(.misses(1))])
    }

    @Test func aHitResetsTheMissCount() throws {
        let decisions = FAQFixtures.converse(
            try FAQFixtures.shopBot(),
            ["Do you sell gift cards?", "怎么开发票", "Do you ship to Mars?", "有会员积分吗"]
        )
        #expect(decisions.count == 4)
        #expect(decisions[0] == .miss(consecutiveMisses: 1))
        #expect(decisions[1].answeredID == "invoice")
        #expect(decisions[1].consecutiveMisses == 0)
        // Two misses in the conversation, but not in a row: no hand-over yet.
        #expect(decisions[2] == .miss(consecutiveMisses: 1))
        #expect(decisions[3] == .handOver(.misses(2)))
    }

    @Test func aVIPGoesToAPersonEvenWhenTheBotKnowsTheAnswer() throws {
        let bot = try FAQFixtures.shopBot()
        #expect(bot.turn(text: "退款怎么办", vip: false, consecutiveMisses: 0).answeredID == "refund")
        #expect(bot.turn(text: "退款怎么办", vip: true, consecutiveMisses: 0) == .handOver(.vip))
        #expect(FAQFixtures.converse(bot, ["How do I get a refund?"], vip: true) == [.handOver(.vip)])
    }

    @Test func anAnswerCarriesTheEntryAndItsConfidence() throws {
        let bot = try FAQFixtures.shopBot()
        guard case .answer(let match) = bot.turn(text: "Can I get my money back?", vip: false, consecutiveMisses: 0) else {
            Issue.record("expected an answer")
            return
        }
        #expect(match.entry == FAQFixtures.entries[0])
        #expect(match.question == "Can I get my money back?")
        #expect(match.confidence == 1)
    }

    @Test func anEmptyKnowledgeBaseHandsOverAfterItsMisses() throws {
        let bot = FAQBot(knowledgeBase: try KnowledgeBase(entries: []))
        #expect(FAQFixtures.converse(bot, ["退款怎么办", "refund?"]) == [.miss(consecutiveMisses: 1), .handOver(.misses(2))])
    }

    @Test(arguments: [
        (1.5, 2, ["人工"], "threshold: must be between 0 and 1, not 1.5"),
        (-0.1, 2, ["人工"], "threshold: must be between 0 and 1, not -0.1"),
        (Double.nan, 2, ["人工"], "threshold: must be between 0 and 1, not nan"),
        (0.5, 0, ["人工"], "missesBeforeHandOver: must be at least 1, not 0"),
        (0.5, 2, ["人工", "!!"], #"handOverPhrases[1]: "!!" has no letters, digits or CJK characters to match"#),
    ])
    func badBotSettingsNameTheSetting(threshold: Double, misses: Int, phrases: [String], expected: String) {
        do {
            _ = try FAQBotSettings(threshold: threshold, missesBeforeHandOver: misses, handOverPhrases: phrases)
            Issue.record("accepted \(expected)")
        } catch {
            #expect(error.description == expected)
        }
    }
}
