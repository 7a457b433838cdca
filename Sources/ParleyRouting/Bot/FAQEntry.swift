import ParleyCore

/// One knowledge-base entry: the ways customers ask one thing, and the answer the bot gives.
///
/// A value as an admin wrote it; `KnowledgeBase(entries:)` checks it. Every question variant is
/// matched on its own and the entry counts with its best one, so write the different ways people
/// ask ("How do I get a refund?", "Can I get my money back?", "退款怎么办") rather than one long
/// question.
public struct FAQEntry: Sendable, Equatable, Identifiable {
    /// Stable, unique in its knowledge base, e.g. "refund"; what logs and analytics name.
    public var id: String
    public var questions: [String]
    public var answer: String
    /// Free labels for admins and the agent workbench, e.g. "billing"; matching ignores them.
    public var tags: [String]
    /// The team whose customers this entry is for, if it is not for everyone.
    public var team: TeamID?

    public init(id: String, questions: [String], answer: String, tags: [String] = [], team: TeamID? = nil) {
        self.id = id
        self.questions = questions
        self.answer = answer
        self.tags = tags
        self.team = team
    }
}
