/// A knowledge-base entry that fits a customer's message, and how well.
public struct FAQMatch: Sendable, Equatable {
    public let entry: FAQEntry
    /// The entry's question variant that fits the message best — worth showing to an agent next
    /// to a suggested answer, so they see why it was suggested.
    public let question: String
    /// 0…1: the share of that question's (IDF-weighted) terms the message contains; see `FAQBot`.
    public let confidence: Double

    public init(entry: FAQEntry, question: String, confidence: Double) {
        self.entry = entry
        self.question = question
        self.confidence = confidence
    }
}
