import Foundation
import ParleyCore

/// The knowledge-base file, UTF-8 JSON:
///
/// ```json
/// {
///   "entries": [
///     {
///       "id": "refund",
///       "questions": ["How do I get a refund?", "Can I get my money back?", "退款怎么办", "怎么申请退款"],
///       "answer": "Open the order, tap Refund and pick a reason. 在订单页点击「退款」即可。",
///       "tags": ["billing"],
///       "team": 3
///     }
///   ]
/// }
/// ```
///
/// `id` (unique), `questions` (at least one) and `answer` are required and must not be blank;
/// `tags` (strings) and `team` (a team id) are optional; other keys are ignored. A refusal names
/// the file and the field: `faq.json: entries[3].answer: must not be empty`.
extension KnowledgeBase {
    /// Reads the knowledge-base JSON described above.
    public init(json: Data) throws(FAQConfigurationError) {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: json)
        } catch let error as DecodingError {
            throw Self.refusal(for: error)
        } catch {
            throw FAQConfigurationError(field: "", "could not be read as JSON")
        }
        guard let wireEntries = document.entries else { throw FAQConfigurationError(field: "entries", "is missing") }
        var entries: [FAQEntry] = []
        for (index, wire) in wireEntries.enumerated() {
            let path = "entries[\(index)]"
            guard let id = wire.id else { throw FAQConfigurationError(field: "\(path).id", "is missing") }
            guard let questions = wire.questions else { throw FAQConfigurationError(field: "\(path).questions", "is missing") }
            guard let answer = wire.answer else { throw FAQConfigurationError(field: "\(path).answer", "is missing") }
            entries.append(FAQEntry(id: id, questions: questions, answer: answer, tags: wire.tags ?? [], team: wire.team.map { TeamID($0) }))
        }
        try self.init(entries: entries)
    }

    /// The document as it arrives: everything optional, so a missing field is reported by the
    /// checks above in the same words as an empty one, and only a wrong type reaches the decoder.
    private struct Document: Decodable {
        struct Entry: Decodable {
            var id: String?
            var questions: [String]?
            var answer: String?
            var tags: [String]?
            var team: Int64?
        }

        var entries: [Entry]?
    }

    private static func refusal(for error: DecodingError) -> FAQConfigurationError {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let found), .valueNotFound(_, let found): context = found
        case .dataCorrupted(let found) where found.codingPath.isEmpty:
            let detail = (found.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return FAQConfigurationError(field: "", "is not valid JSON" + (detail.map { " (\($0))" } ?? ""))
        case .dataCorrupted(let found): context = found
        case .keyNotFound(_, let found): context = found  // every key is optional, so not expected
        @unknown default: return FAQConfigurationError(field: "", "could not be read as JSON")
        }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        let field = path.hasPrefix(".") ? String(path.dropFirst()) : path
        return FAQConfigurationError(field: field, expectation(at: context.codingPath))
    }

    /// What the value at `path` should have been, in the admin's terms rather than Swift's.
    private static func expectation(at path: [any CodingKey]) -> String {
        guard let last = path.last else { return "must be an object with an \"entries\" list" }
        if last.intValue != nil {
            switch path.dropLast().last?.stringValue {
            case "entries": return "must be an object"
            default: return "must be a string"
            }
        }
        switch last.stringValue {
        case "entries": return "must be a list of entries"
        case "questions", "tags": return "must be a list of strings"
        case "team": return "must be a team id (an integer)"
        default: return "must be a string"
        }
    }
}
