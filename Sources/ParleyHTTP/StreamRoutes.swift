import Foundation
import Hummingbird
import HummingbirdWebSocket
import ParleyCore
import ParleyGateway

/// `GET /api/v1/stream`: a WebSocket of JSON events for one agent, filtered to what that agent
/// may see. It ends when the agent closes it or the server shuts down.
struct StreamRoutes {
    let gateway: Gateway

    func register(on router: Router<AppRequestContext>) {
        router.ws("/api/v1/stream") { request, _ in
            // Authenticate before upgrading: a bad token never gets a socket (the upgrade is refused).
            _ = try await gateway.agent(forToken: try AgentAuthenticator.token(in: request, allowQuery: true))
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let agent = try await gateway.agent(forToken: try AgentAuthenticator.token(in: context.request, allowQuery: true))
            let events = gateway.bus.subscribe()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Drain what the client sends (pings, nothing else) and notice when it leaves.
                    for try await _ in inbound.messages(maxSize: 64 * 1024) {}
                }
                group.addTask {
                    for await event in events {
                        guard try await visible(event, to: agent) else { continue }
                        var countdowns: ConversationCountdowns?
                        if let conversation = event.conversation { countdowns = await gateway.countdowns(for: conversation) }
                        try await outbound.write(.text(try JSONCoding.text(EventView(event, countdowns: countdowns))))
                    }
                    // The bus ends its streams only at shutdown; a cancelled task means the client left.
                    if !Task.isCancelled { try? await outbound.close(.goingAway, reason: "server is shutting down") }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    private func visible(_ event: DomainEvent, to agent: Agent) async throws -> Bool {
        switch event {
        case .messageCreated(_, let conversation), .conversationCreated(let conversation),
            .conversationUpdated(let conversation, _):
            return agent.canSee(conversation)
        case .messageUpdated(let message):
            guard !agent.oversees else { return true }
            return (try? await gateway.conversation(message.conversationID, for: agent)) != nil
        }
    }
}
