import Foundation
import ParleyCore
import ParleyRouting
import ParleyStore

/// Resolving a conversation and the satisfaction survey that follows it.
extension Gateway {
    /// How long a customer's next message can still answer the survey. After it, a "5" is an
    /// ordinary message.
    public static let surveyAnswerWindow: TimeInterval = 24 * 3600

    /// Resolves the conversation; its customer gets the team's survey on their own channel
    /// (written in the same transaction, sent by the dispatcher).
    public func resolve(_ id: ConversationID, by agent: Agent) async throws(GatewayError) -> Conversation {
        let current = try await conversation(id, for: agent)
        do { try AssignmentRules.checkOwnership(actor: agent, conversation: current) } catch { throw GatewayError(error) }
        let timers = await timers(of: current)
        let resolved: ResolvedConversation
        do {
            resolved = try await surveys.resolve(id, by: .agent(agent.id), timers: timers, answerWindow: Self.surveyAnswerWindow, at: clock.now())
        } catch {
            throw GatewayError(error)
        }
        noteDeadlines(of: resolved.conversation, timers)
        bus.publish([.conversationUpdated(resolved.conversation, resolved.transition)] + (resolved.survey.map { [.messageCreated($0, resolved.conversation)] } ?? []))
        if resolved.survey != nil { dispatcher.wake() }
        return resolved.conversation
    }

    /// The customer's latest rating of a conversation the agent may see.
    public func rating(of conversation: Conversation) async throws(GatewayError) -> CustomerRating? {
        do { return try await surveys.rating(of: conversation.id) } catch { throw GatewayError.unavailable("\(error)") }
    }
}
