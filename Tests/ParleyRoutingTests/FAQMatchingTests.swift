import Foundation
import ParleyCore
import ParleyRouting
import Testing

@Suite("FAQ bot matching")
struct FAQMatchingTests {
    private func answer(_ message: String, bot: FAQBot? = nil) throws -> (id: String?, decision: BotDecision) {
        let decision = try (bot ?? FAQFixtures.shopBot()).turn(text: message, vip: false, consecutiveMisses: 0)
        return (decision.answeredID, decision)
    }

    @Test(arguments: [
        ("退款怎么办？", "refund"),
        ("我想申请退款", "refund"),
        ("请问怎么退货", "returns"),
        ("怎么开发票？", "invoice"),
        ("你们的营业时间是几点", "opening-hours"),
        ("我的物流信息在哪查", "shipping"),
        ("地址填错了怎么改", "change-address"),
    ])
    func chineseQuestionsGetTheirEntrysAnswer(message: String, expected: String) throws {
        let (id, decision) = try answer(message)
        #expect(id == expected, "\(message) → \(decision)")
    }

    @Test(arguments: [
        ("How do I get a refund?", "refund"),
        ("I want a refund for my order", "refund"),
        ("how do i return an item", "returns"),
        ("Do you send invoices?", "invoice"),
        ("what are your opening hours", "opening-hours"),
        ("Where is my parcel? It's been a week", "shipping"),
        ("I entered the wrong address!", "change-address"),
    ])
    func englishQuestionsGetTheirEntrysAnswer(message: String, expected: String) throws {
        let (id, decision) = try answer(message)
        #expect(id == expected, "\(message) → \(decision)")
    }

    /// Wordings that are none of the entry's variants: extra words, other word order, plurals.
    @Test(arguments: [
        ("When can I expect my money back?", "refund"),
        ("My parcels still haven't come", "shipping"),
        ("Are you open on Saturday?", "opening-hours"),
        ("退款一般多久能到账", "refund"),
        ("发票怎么下载", "invoice"),
        ("几点开门啊", "opening-hours"),
        ("收货地址怎么修改", "change-address"),
        ("iPhone 15 退货流程", "returns"),
    ])
    func paraphrasesStillHit(message: String, expected: String) throws {
        let (id, decision) = try answer(message)
        #expect(id == expected, "\(message) → \(decision)")
    }

    @Test func everyQuestionAnAdminWroteAnswersItsOwnEntryWithFullConfidence() throws {
        let bot = try FAQFixtures.shopBot()
        for entry in FAQFixtures.entries {
            for question in entry.questions {
                let best = try #require(bot.suggestions(for: question, limit: 1).first, "\(question)")
                #expect(best.entry.id == entry.id, "\(question)")
                #expect(best.question == question)
                #expect(best.confidence == 1, "\(question)")
            }
        }
    }

    @Test(arguments: [
        ("ＲＥＦＵＮＤ？", "refund"),
        ("Ｗｈｅｒｅ　ｉｓ　ｍｙ　ｐａｒｃｅｌ？", "shipping"),
        ("怎么开发票？", "invoice"),
        ("ＶＡＴ　ｉｎｖｏｉｃｅ", "invoice"),
    ])
    func fullWidthInputMatchesLikeHalfWidth(message: String, expected: String) throws {
        let bot = try FAQFixtures.shopBot()
        let (id, _) = try answer(message, bot: bot)
        #expect(id == expected)
        let halfWidth = String(String.UnicodeScalarView(message.unicodeScalars.map { scalar in
            switch scalar.value {
            case 0xFF01...0xFF5E: Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar
            case 0x3000: " "
            default: scalar
            }
        }))
        #expect(halfWidth != message)
        #expect(bot.suggestions(for: message, limit: 3) == bot.suggestions(for: halfWidth, limit: 3))
    }

    /// A question that shares a word with an entry but asks something else: the bot must not
    /// answer it, while an agent still sees the weak suggestion.
    @Test(arguments: [("How long is the warranty?", "shipping"), ("保修期多久", "shipping")])
    func aWeakMatchIsAMissButStillASuggestion(message: String, weakEntry: String) throws {
        let bot = try FAQFixtures.shopBot()
        #expect(bot.turn(text: message, vip: false, consecutiveMisses: 0) == .miss(consecutiveMisses: 1))
        let suggestion = try #require(bot.suggestions(for: message, limit: 3).first)
        #expect(suggestion.entry.id == weakEntry)
        #expect(suggestion.confidence > 0 && suggestion.confidence < bot.settings.threshold)
    }

    @Test(arguments: ["Do you sell gift cards?", "你们有实体店吗", "😀👍", "", "？？？"])
    func somethingTheKnowledgeBaseDoesNotCoverIsAMissWithNoSuggestion(message: String) throws {
        let bot = try FAQFixtures.shopBot()
        #expect(bot.turn(text: message, vip: false, consecutiveMisses: 0) == .miss(consecutiveMisses: 1))
        #expect(bot.suggestions(for: message, limit: 5).isEmpty)
    }

    @Test func suggestionsRankEntriesBestFirstWithTheirBestQuestion() throws {
        let bot = try FAQFixtures.shopBot()
        let ranked = bot.suggestions(for: "How long does a refund take?", limit: 5)
        #expect(ranked.map(\.entry.id) == ["refund", "shipping"])
        #expect(ranked.map(\.question) == ["How do I get a refund?", "How long does shipping take?"])
        #expect(ranked[0].confidence == 1)
        #expect(ranked[1].confidence > 0 && ranked[1].confidence < 1)

        #expect(bot.suggestions(for: "How long does a refund take?", limit: 1).map(\.entry.id) == ["refund"])
        #expect(bot.suggestions(for: "How long does a refund take?", limit: 0).isEmpty)
    }

    /// Asking for fewer suggestions gives the first of the longer list, never other ones.
    @Test(arguments: ["How long does a refund take?", "我想退货退款，发票和地址也要改", "order address invoice refund return parcel"])
    func aShorterListIsThePrefixOfALongerOne(message: String) throws {
        let bot = try FAQFixtures.shopBot()
        let all = bot.suggestions(for: message, limit: 100)
        #expect(all.count >= 2)
        for limit in 1...all.count {
            #expect(bot.suggestions(for: message, limit: limit) == Array(all.prefix(limit)), "limit \(limit)")
        }
    }

    @Test func aMessageAboutTwoThingsSuggestsBoth() throws {
        let both = try FAQFixtures.shopBot().suggestions(for: "退款还是退货？", limit: 5)
        #expect(Set(both.map(\.entry.id)) == ["refund", "returns"])
        #expect(both.map(\.confidence) == [1, 1])
    }

    /// "Can I cancel my order?" shares only "order" with "When will my order arrive?": half of that
    /// question, which the default threshold does not take for an answer.
    @Test func oneWordOfATwoWordQuestionIsNotEnough() throws {
        let bot = try FAQFixtures.shopBot()
        let weak = try #require(bot.suggestions(for: "Can I cancel my order?", limit: 1).first)
        #expect(weak.entry.id == "shipping")
        #expect(weak.confidence == 0.5)
        #expect(bot.turn(text: "Can I cancel my order?", vip: false, consecutiveMisses: 0) == .miss(consecutiveMisses: 1))
    }

    @Test func theThresholdDecidesBetweenAnswerAndMiss() throws {
        let message = "发票怎么下载"
        let confidence = try #require(try FAQFixtures.shopBot().suggestions(for: message, limit: 1).first).confidence
        #expect(confidence > FAQBotSettings.defaultThreshold && confidence < 1)

        let atThreshold = try FAQFixtures.shopBot(FAQBotSettings(threshold: confidence))
        #expect(atThreshold.turn(text: message, vip: false, consecutiveMisses: 0).answeredID == "invoice")
        let stricter = try FAQFixtures.shopBot(FAQBotSettings(threshold: confidence + 0.01))
        #expect(stricter.turn(text: message, vip: false, consecutiveMisses: 0) == .miss(consecutiveMisses: 1))
    }

    @Test func theSampleKnowledgeBaseLoadsAndAnswers() throws {
        let sample = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("samples/faq/knowledge-base.json")
        let knowledgeBase = try KnowledgeBase(json: Data(contentsOf: sample))
        #expect(knowledgeBase.entries.map(\.id) == FAQFixtures.entries.map(\.id))
        #expect(knowledgeBase.entry(id: "invoice")?.team == TeamID(3))
        let bot = FAQBot(knowledgeBase: knowledgeBase)
        #expect(bot.turn(text: "退款多久到账？", vip: false, consecutiveMisses: 0).answeredID == "refund")
        #expect(bot.turn(text: "When are you open?", vip: false, consecutiveMisses: 0).answeredID == "opening-hours")
    }
}
