import Foundation
import ParleyCore
import ParleyRouting
import ParleyStore

/// Internal notes and transfers: what an agent does to a conversation besides answering.
extension Gateway {
    static let noteLimit = 5_000

    /// An internal note on the conversation: every agent who can see it reads it, the customer never.
    public func addNote(to id: ConversationID, text: String, by agent: Agent) async throws(GatewayError) -> Message {
        _ = try await conversation(id, for: agent)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw GatewayError.invalid(field: "text", reason: "must not be empty") }
        guard trimmed.count <= Self.noteLimit else { throw GatewayError.invalid(field: "text", reason: "longer than 5,000 characters") }
        do {
            let (note, conversation) = try await workbench.addNote(to: id, text: trimmed, by: agent.id, at: clock.now())
            bus.publish([.messageCreated(note, conversation)])
            return note
        } catch {
            throw GatewayError(error)
        }
    }

    /// Hands the conversation, history and all, to another agent (who must have a free slot) or
    /// into a team's queue, leaving a note that says who moved it where and why.
    public func transfer(
        _ id: ConversationID, toAgent receiver: AgentID?, toTeam team: TeamID?, note: String?, by agent: Agent
    ) async throws(GatewayError) -> Conversation {
        let current = try await conversation(id, for: agent)
        let why = note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard why.count <= Self.noteLimit else { throw GatewayError.invalid(field: "note", reason: "longer than 5,000 characters") }
        let destination: TransferDestination
        let moved: String
        switch (receiver, team) {
        case (let receiver?, nil):
            do { try AssignmentRules.check(actor: agent, conversation: current, target: receiver) } catch { throw GatewayError(error) }
            let load: AgentLoad
            let name: String
            do {
                guard let found = try await agents.agent(receiver), let known = try await teams.agentLoads([receiver]).first else {
                    throw GatewayError.invalid(field: "agentId", reason: "no agent \(receiver)")
                }
                (load, name) = (known, found.name)
            } catch let error as GatewayError {
                throw error
            } catch {
                throw GatewayError.unavailable("\(error)")
            }
            destination = .agent(receiver, capacity: load.capacity)
            moved = "Transferred to \(name)"
        case (nil, let team?):
            do { try AssignmentRules.checkOwnership(actor: agent, conversation: current) } catch { throw GatewayError(error) }
            let found: TeamRecord?
            do { found = try await teams.teams().first { $0.id == team } } catch { throw GatewayError.unavailable("\(error)") }
            guard let found else { throw GatewayError.invalid(field: "teamId", reason: "no team \(team)") }
            destination = .team(team)
            moved = "Moved to the \(found.name) queue"
        default:
            throw GatewayError.invalid(field: "agentId", reason: "give exactly one of agentId and teamId")
        }
        let text = "\(moved) by \(agent.name)" + (why.isEmpty ? "." : ": \(why)")
        let timers = await timers(of: current)
        let result: TransferResult
        do {
            result = try await workbench.transfer(id, to: destination, note: text, by: agent.id, timers: timers, at: clock.now())
        } catch {
            throw GatewayError(error)
        }
        noteDeadlines(of: result.conversation, timers)
        bus.publish([.conversationUpdated(result.conversation, result.transition), .messageCreated(result.note, result.conversation)])
        await routing.conversationsChanged([id])
        return result.conversation
    }
}
