import Foundation
import ParleyCore
import ParleyStore

/// Contacts in the workbench: who the customer is on every channel, their conversations across
/// all of them, and merging two contacts that turn out to be one person.
extension Gateway {
    /// The contact, or `notFound` when there is none or the agent may not see it: an `agent` sees
    /// the contact of any conversation they can see, supervisors and admins every contact.
    public func contact(_ id: ContactID, for agent: Agent) async throws(GatewayError) -> ContactRecord {
        let found: ContactRecord?
        do { found = try await reach.contact(id) } catch { throw GatewayError.unavailable("\(error)") }
        guard let found else { throw Self.contactNotFound(id) }
        if !agent.oversees {
            guard try await !conversations(for: agent, status: nil, assignee: nil, contact: id).isEmpty else { throw Self.contactNotFound(id) }
        }
        return found
    }

    /// The contact's conversations on every channel that the agent may see, most recently updated first.
    public func conversations(ofContact id: ContactID, for agent: Agent) async throws(GatewayError) -> [Conversation] {
        _ = try await contact(id, for: agent)
        return try await conversations(for: agent, status: nil, assignee: nil, contact: id)
    }

    /// `duplicate` becomes part of `kept`: its identities and conversations move over, and it is
    /// gone. Supervisors and admins. Each moved conversation reaches agents as `conversation.updated`.
    public func mergeContact(_ duplicate: ContactID, into kept: ContactID, by agent: Agent) async throws(GatewayError) -> ContactRecord {
        guard agent.oversees else { throw GatewayError.forbidden("only supervisors and admins merge contacts") }
        guard duplicate != kept else { throw GatewayError.invalid(field: "contactId", reason: "a contact cannot be merged into itself") }
        let moved: [Conversation]
        do { moved = try await reach.mergeContacts(duplicate, into: kept) } catch { throw GatewayError(error) }
        bus.publish(moved.map { .conversationUpdated($0, nil) })
        logger.info("contacts merged", metadata: ["kept": "\(kept)", "merged": "\(duplicate)", "conversations": "\(moved.count)", "agent": "\(agent.id)"])
        return try await contact(kept, for: agent)
    }

    static func contactNotFound(_ id: ContactID) -> GatewayError {
        GatewayError.notFound("contact \(id) not found")
    }
}
