import Foundation
import ParleyCore
import ParleyStore

/// Labels on conversations: any agent who can see a conversation tags it, every agent filters by them.
extension Gateway {
    static let labelLimit = 64

    /// A label as stored and compared: trimmed and in lower case, so `Refund` and `refund ` are
    /// one label (as Chatwoot and Zendesk treat tags); 1 to 64 characters, none of them a control
    /// character.
    public static func checkedLabel(_ text: String) throws(GatewayError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw GatewayError.invalid(field: "label", reason: "must not be empty") }
        guard trimmed.count <= labelLimit else { throw GatewayError.invalid(field: "label", reason: "longer than 64 characters") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw GatewayError.invalid(field: "label", reason: "must not contain control characters")
        }
        return trimmed.lowercased()
    }

    /// Puts the label on the conversation (`present`) or takes it off; doing what is already so
    /// changes nothing and tells nobody. A change reaches agents as `conversation.updated`.
    public func setLabel(_ label: String, on id: ConversationID, present: Bool, by agent: Agent) async throws(GatewayError) -> Conversation {
        _ = try await conversation(id, for: agent)
        let label = try Self.checkedLabel(label)
        let result: (conversation: Conversation, changed: Bool)
        do { result = try await workbench.setLabel(label, on: id, present: present, at: clock.now()) } catch { throw GatewayError(error) }
        if result.changed { bus.publish([.conversationUpdated(result.conversation, nil)]) }
        return result.conversation
    }

    /// Every label in use, with how many conversations carry it (all conversations, seen or not).
    public func labels(for agent: Agent) async throws(GatewayError) -> [LabelCount] {
        do { return try await workbench.labelCounts() } catch { throw GatewayError.unavailable("\(error)") }
    }
}
