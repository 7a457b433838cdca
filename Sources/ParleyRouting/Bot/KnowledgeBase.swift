import Foundation
import ParleyCore

/// The FAQ bot's checked set of entries, in the order the admin gave them.
///
/// Built from values (the admin API) with `init(entries:)` or from a JSON document with
/// `init(json:)` (the gateway reads files: `init(contentsOf:)`); both refuse the same mistakes with the same
/// `FAQConfigurationError`, naming the entry and field. Surrounding whitespace is taken off ids,
/// questions and answers. An empty knowledge base is allowed: its bot misses every time and so
/// hands over after the configured number of misses.
public struct KnowledgeBase: Sendable, Equatable {
    public let entries: [FAQEntry]

    /// Refuses an entry with an empty id, question or answer, with no questions, with a question
    /// that has nothing to match (only punctuation or emoji), or whose id an earlier entry has.
    public init(entries: [FAQEntry]) throws(FAQConfigurationError) {
        var firstIndexOfID: [String: Int] = [:]
        var checked: [FAQEntry] = []
        checked.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            let clean = try Self.checked(entry, at: "entries[\(index)]")
            if let earlier = firstIndexOfID[clean.id] {
                throw FAQConfigurationError(field: "entries[\(index)].id", "\"\(clean.id)\" is already used by entries[\(earlier)]")
            }
            firstIndexOfID[clean.id] = index
            checked.append(clean)
        }
        self.entries = checked
    }

    /// The entries a team's bot answers from: those for the team and those for every team.
    public func scoped(to team: TeamID?) -> KnowledgeBase {
        KnowledgeBase(checked: entries.filter { $0.team == nil || $0.team == team })
    }

    private init(checked entries: [FAQEntry]) {
        self.entries = entries
    }

    /// The entry with this id, if there is one.
    public func entry(id: String) -> FAQEntry? {
        entries.first { $0.id == id }
    }

    private static func checked(_ entry: FAQEntry, at path: String) throws(FAQConfigurationError) -> FAQEntry {
        var clean = entry
        clean.id = trimmed(entry.id)
        guard !clean.id.isEmpty else { throw FAQConfigurationError(field: "\(path).id", "must not be empty") }
        guard !entry.questions.isEmpty else {
            throw FAQConfigurationError(field: "\(path).questions", "must list at least one question")
        }
        clean.questions = entry.questions.map(trimmed)
        for (index, question) in clean.questions.enumerated() {
            let field = "\(path).questions[\(index)]"
            guard !question.isEmpty else { throw FAQConfigurationError(field: field, "must not be empty") }
            guard !FAQTokenizer.terms(in: question).isEmpty else {
                throw FAQConfigurationError(field: field, "\"\(question)\" has no letters, digits or CJK characters to match")
            }
        }
        clean.answer = trimmed(entry.answer)
        guard !clean.answer.isEmpty else { throw FAQConfigurationError(field: "\(path).answer", "must not be empty") }
        return clean
    }

    private static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
