import Foundation
import ParleyGateway
import ParleyRouting
import Testing

@Suite("Knowledge base file")
struct KnowledgeBaseFileTests {
    @Test func aRefusedFileIsNamedInTheMessage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let file = directory.appendingPathComponent("faq.json")
        try Data(#"{"entries": [{"id": "refund", "questions": ["Refund?"], "answer": ""}]}"#.utf8).write(to: file)
        #expect(throws: FAQConfigurationError.self) { try KnowledgeBase(contentsOf: file) }
        do {
            _ = try KnowledgeBase(contentsOf: file)
        } catch {
            #expect(error.description == "\(file.path): entries[0].answer: must not be empty")
            #expect(error.file == file.path)
        }

        let missing = directory.appendingPathComponent("absent.json")
        do {
            _ = try KnowledgeBase(contentsOf: missing)
            Issue.record("a missing file was read")
        } catch {
            #expect(error.file == missing.path)
            #expect(error.problem.hasPrefix("cannot be read"))
        }
    }
}
