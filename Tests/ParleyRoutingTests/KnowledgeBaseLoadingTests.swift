import Foundation
import ParleyCore
import ParleyRouting
import Testing

@Suite("Knowledge base loading")
struct KnowledgeBaseLoadingTests {
    private static let refund = #"{"id": "refund", "questions": ["How do I get a refund?"], "answer": "Tap Refund."}"#
    private static let hours = #"{"id": "hours", "questions": ["营业时间"], "answer": "9:00–18:00"}"#
    private static let invoice = #"{"id": "invoice", "questions": ["怎么开发票"], "answer": "Orders → Invoice"}"#

    private func load(_ json: String) throws(FAQConfigurationError) -> KnowledgeBase {
        try KnowledgeBase(json: Data(json.utf8))
    }

    private func refusal(_ json: String) -> String? {
        do {
            _ = try load(json)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aValidFileKeepsEveryFieldAndTheOrder() throws {
        let knowledgeBase = try load(#"""
            {"entries": [
              {"id": " refund ", "questions": ["How do I get a refund?", "  退款怎么办 "], "answer": "Tap Refund.\n",
               "tags": ["billing"], "team": 3, "note": "ignored"},
              \#(Self.hours)
            ]}
            """#)
        #expect(knowledgeBase.entries == [
            FAQEntry(id: "refund", questions: ["How do I get a refund?", "退款怎么办"], answer: "Tap Refund.", tags: ["billing"], team: TeamID(3)),
            FAQEntry(id: "hours", questions: ["营业时间"], answer: "9:00–18:00"),
        ])
        #expect(knowledgeBase.entry(id: "hours")?.answer == "9:00–18:00")
        #expect(knowledgeBase.entry(id: "shipping") == nil)
    }

    /// Each mistake an admin makes in the file is reported at its place, in words they can act on.
    @Test(arguments: [
        (
            #"{"entries": [\#(refund), \#(hours), \#(invoice), {"id": "vat", "questions": ["VAT?"], "answer": "  "}]}"#,
            "entries[3].answer: must not be empty"
        ),
        (#"{"entries": [\#(refund), {"id": "hours", "questions": ["营业时间"]}]}"#, "entries[1].answer: is missing"),
        (#"{"entries": [{"id": "", "questions": ["Refund?"], "answer": "Tap Refund."}]}"#, "entries[0].id: must not be empty"),
        (#"{"entries": [{"questions": ["Refund?"], "answer": "Tap Refund."}]}"#, "entries[0].id: is missing"),
        (#"{"entries": [{"id": "refund", "questions": [], "answer": "Tap Refund."}]}"#, "entries[0].questions: must list at least one question"),
        (#"{"entries": [{"id": "refund", "questions": ["Refund?", " "], "answer": "x"}]}"#, "entries[0].questions[1]: must not be empty"),
        (
            #"{"entries": [{"id": "refund", "questions": ["Refund?", "？？！"], "answer": "x"}]}"#,
            #"entries[0].questions[1]: "？？！" has no letters, digits or CJK characters to match"#
        ),
        (#"{"entries": [{"id": "refund", "questions": "Refund?", "answer": "x"}]}"#, "entries[0].questions: must be a list of strings"),
        (#"{"entries": [{"id": "refund", "questions": ["Refund?", 7], "answer": "x"}]}"#, "entries[0].questions[1]: must be a string"),
        (#"{"entries": [\#(refund), {"id": "hours", "questions": ["Open?"], "answer": 42}]}"#, "entries[1].answer: must be a string"),
        (#"{"entries": [{"id": "refund", "questions": ["Refund?"], "answer": "x", "team": "billing"}]}"#, "entries[0].team: must be a team id (an integer)"),
        (#"{"entries": [\#(refund), "hours"]}"#, "entries[1]: must be an object"),
        (#"{"entries": {"refund": "x"}}"#, "entries: must be a list of entries"),
        (#"{"faq": []}"#, "entries: is missing"),
        (#"[\#(refund)]"#, #"must be an object with an "entries" list"#),
    ])
    func mistakesNameTheEntryAndField(json: String, expected: String) {
        #expect(refusal(json) == expected)
    }

    @Test func textThatIsNotJSONSaysSo() throws {
        let message = try #require(refusal(#"{"entries": [\#(Self.refund),]"#))
        #expect(message.hasPrefix("is not valid JSON"))
    }

    @Test func aDuplicateIDNamesBothEntries() {
        let duplicate = #"{"id": "refund", "questions": ["退款怎么办"], "answer": "申请退款"}"#
        #expect(refusal(#"{"entries": [\#(Self.refund), \#(Self.hours), \#(duplicate)]}"#)
            == #"entries[2].id: "refund" is already used by entries[0]"#)
        // Spaces around an id do not make it another id.
        let spaced = #"{"id": "hours ", "questions": ["When are you open?"], "answer": "9–18"}"#
        #expect(refusal(#"{"entries": [\#(Self.hours), \#(spaced)]}"#) == #"entries[1].id: "hours" is already used by entries[0]"#)
    }

    @Test func entriesFromTheAPIAreCheckedTheSameWay() {
        #expect(throws: FAQConfigurationError.self) {
            try KnowledgeBase(entries: [FAQEntry(id: "refund", questions: ["Refund?"], answer: "")])
        }
        do {
            _ = try KnowledgeBase(entries: [
                FAQEntry(id: "refund", questions: ["Refund?"], answer: "Tap Refund."),
                FAQEntry(id: "refund", questions: ["Money back?"], answer: "Tap Refund."),
            ])
            Issue.record("a duplicate id was accepted")
        } catch {
            #expect(error.field == "entries[1].id")
            #expect(error.problem == #""refund" is already used by entries[0]"#)
        }
    }
}
