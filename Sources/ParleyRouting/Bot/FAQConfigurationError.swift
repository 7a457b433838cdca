/// Why a knowledge base or the bot's settings were refused, naming the place to fix:
/// `entries[3].answer: must not be empty`, or with the file it came from,
/// `faq.json: entries[1].id: "refund" is already used by entries[0]`.
public struct FAQConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the knowledge base was read from, when it was read from one.
    public var file: String?
    /// The path of the offending value, e.g. `entries[3].questions[1]` or `threshold`; empty when
    /// the document as a whole is at fault (not JSON, not an object).
    public var field: String
    /// What is wrong with it, e.g. `must not be empty`.
    public var problem: String

    public var description: String {
        [file, field.isEmpty ? nil : field, problem].compactMap { $0 }.joined(separator: ": ")
    }

    public init(field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    /// The same refusal, naming the file the document came from.
    public func inFile(_ path: String) -> Self {
        var located = self
        located.file = path
        return located
    }
}
