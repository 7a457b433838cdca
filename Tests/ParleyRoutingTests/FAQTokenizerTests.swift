@testable import ParleyRouting
import Testing

/// The terms matching compares. Worth pinning down on their own: a change here moves every
/// confidence, and the rules are documented for admins writing questions.
@Suite("FAQ tokenizer")
struct FAQTokenizerTests {
    @Test func fullWidthFormsFoldToASCII() {
        #expect(FAQTokenizer.terms(in: "ＲＥＦＵＮＤ　ｉＰｈｏｎｅ１５？") == ["refund", "iphone15"])
        #expect(FAQTokenizer.terms(in: "Refund iPhone15?") == ["refund", "iphone15"])
    }

    @Test func chineseRunsBecomeBigramsAndALoneCharacterItself() {
        #expect(FAQTokenizer.terms(in: "退款流程") == ["退款", "款流", "流程"])
        #expect(FAQTokenizer.terms(in: "发票") == ["发票"])
        #expect(FAQTokenizer.terms(in: "票") == ["票"])
        // Punctuation of either width ends a run, so no bigram spans it.
        #expect(FAQTokenizer.terms(in: "退款，发票。") == ["退款", "发票"])
    }

    @Test func mixedTextKeepsWordsAndBigramsInOrder() {
        #expect(FAQTokenizer.terms(in: "iPhone 15的电池坏了") == ["iphone", "15", "电池", "池坏", "坏了"])
    }

    @Test func commonWordsAndFillersAreDroppedUnlessNothingElseIsLeft() {
        #expect(FAQTokenizer.terms(in: "How do I get a refund, please?") == ["refund"])
        #expect(FAQTokenizer.terms(in: "请问你们的营业时间是什么？") == ["营业", "业时", "时间", "间是"])
        #expect(FAQTokenizer.terms(in: "Who are you?") == ["who", "are", "you"])
        #expect(FAQTokenizer.terms(in: "你好") == ["你好"])
    }

    @Test func pluralsAndApostrophesAreNormalised() {
        #expect(FAQTokenizer.terms(in: "refunds deliveries hours") == ["refund", "delivery", "hour"])
        #expect(FAQTokenizer.terms(in: "address status analysis gas") == ["address", "status", "analysis", "gas"])
        #expect(FAQTokenizer.terms(in: "customer’s orders don't") == ["customer", "order"])
    }

    @Test func handOverUnitsAreWholeWordsAndSingleCharacters() {
        #expect(FAQTokenizer.units(in: "Talk to a PERSON, 转人工!") == ["talk", "to", "a", "person", "转", "人", "工"])
    }
}
