import Foundation
import ParleyCore
import ParleyStore

/// Canned responses in the workbench: admins write them, agents list, preview and send them.
/// A response scoped to a team is for that team's members (and supervisors and admins); to
/// anyone else it does not exist.
extension Gateway {
    /// The checks and writes behind canned responses, shared with `parleyd canned`.
    public var cannedAdministration: CannedAdministration {
        CannedAdministration(canned: canned, teams: teams, clock: clock)
    }

    /// The responses the agent may use, by shortcut.
    public func cannedResponses(for agent: Agent) async throws(GatewayError) -> [CannedResponse] {
        try await cannedAdministration.list().filter(agent.mayUse)
    }

    public func cannedResponse(_ id: CannedResponseID, for agent: Agent) async throws(GatewayError) -> CannedResponse {
        let found = try await cannedAdministration.response(id)
        guard agent.mayUse(found) else { throw CannedAdministration.notFound(id) }
        return found
    }

    /// Creates (`id` nil) or replaces a canned response. Admins only.
    public func saveCannedResponse(
        id: CannedResponseID?, shortcut: String?, title: String?, text: String?, team: TeamID?, by agent: Agent
    ) async throws(GatewayError) -> CannedResponse {
        guard agent.role == .admin else { throw GatewayError.forbidden("only admins write canned responses") }
        return try await cannedAdministration.save(id: id, shortcut: shortcut, title: title, text: text, team: team)
    }

    public func deleteCannedResponse(_ id: CannedResponseID, by agent: Agent) async throws(GatewayError) {
        guard agent.role == .admin else { throw GatewayError.forbidden("only admins write canned responses") }
        try await cannedAdministration.delete(id)
    }

    /// The response's text as it would be sent in this conversation by this agent, and the
    /// variables that had no value there (each rendered as its fallback, or as nothing).
    public func renderCanned(
        _ id: CannedResponseID, in conversationID: ConversationID, for agent: Agent
    ) async throws(GatewayError) -> (response: CannedResponse, text: String, missing: [CannedVariable]) {
        let conversation = try await conversation(conversationID, for: agent)
        let response = try await cannedResponse(id, for: agent)
        let (text, missing) = try await render(response, in: conversation, by: agent)
        return (response, text, missing)
    }

    /// Sends a canned response, filled in for this conversation, exactly as a typed reply: same
    /// checks, same outbox. An unknown (or someone else's team's) response is a 400 naming the
    /// field it was given in.
    public func reply(to id: ConversationID, canned reference: CannedReference, by agent: Agent) async throws(GatewayError) -> Message {
        let conversation = try await conversation(id, for: agent)
        let field: String
        let found: CannedResponse?
        do {
            switch reference {
            case .id(let cannedID):
                field = "cannedId"
                found = try await canned.cannedResponse(cannedID)
            case .shortcut(let shortcut):
                field = "canned"
                found = try await canned.cannedResponse(shortcut: shortcut.trimmingCharacters(in: .whitespaces))
            }
        } catch {
            throw GatewayError.unavailable("\(error)")
        }
        guard let found, agent.mayUse(found) else {
            let named = switch reference {
            case .id(let cannedID): "\(cannedID)"
            case .shortcut(let shortcut): "'\(shortcut)'"
            }
            throw GatewayError.invalid(field: field, reason: "no canned response \(named)")
        }
        let (text, missing) = try await render(found, in: conversation, by: agent)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GatewayError.invalid(
                field: field, reason: "'\(found.shortcut)' leaves nothing to send here: no value for \(missing.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return try await reply(to: id, text: text, by: agent)
    }

    private func render(
        _ response: CannedResponse, in conversation: Conversation, by agent: Agent
    ) async throws(GatewayError) -> (text: String, missing: [CannedVariable]) {
        // Saved texts always parse; one that no longer does (an older server's) is refused, not sent raw.
        let template: CannedTemplate
        do { template = try CannedTemplate(response.text) } catch {
            throw GatewayError.conflict("canned response '\(response.shortcut)' cannot be filled in: \(error.description)")
        }
        var values: [CannedVariable: String] = [.agentName: agent.name, .conversationID: String(conversation.id.rawValue)]
        do {
            if template.variables.contains(where: { $0 == .contactName || $0 == .contactEmail }),
               let contact = try await reach.contact(conversation.contactID) {
                values[.contactName] = contact.name
                values[.contactEmail] = contact.email
            }
            if template.variables.contains(.channelName) {
                values[.channelName] = try await channels.channel(conversation.channelID)?.channel.name
            }
        } catch {
            throw GatewayError.unavailable("\(error)")
        }
        return template.render(values)
    }
}
