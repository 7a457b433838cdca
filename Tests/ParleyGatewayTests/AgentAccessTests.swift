import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing

@Suite("Agent access")
struct AgentAccessTests {
    @Test func agentsSeeQueuedAndTheirOwnOnly() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let alice = try await harness.addAgent("alice@example.com")
        let bob = try await harness.addAgent("bob@example.com")
        let supervisor = try await harness.addAgent("sup@example.com", role: .supervisor)
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("c1", "1", "hi")]))
        let conversation = try await harness.store.conversations(ConversationFilter())[0]

        let claimed = try await harness.gateway.assign(conversation.id, to: alice.id, by: alice)
        #expect(claimed.status == .assigned)
        #expect(claimed.assignee == alice.id)
        // Bob can neither see it nor take it; the answer is the same as for a missing conversation.
        await #expect(throws: GatewayError.notFound("conversation \(conversation.id) not found")) {
            try await harness.gateway.conversation(conversation.id, for: bob)
        }
        await #expect(throws: GatewayError.notFound("conversation \(conversation.id) not found")) {
            try await harness.gateway.reply(to: conversation.id, text: "mine now", by: bob)
        }
        #expect(try await harness.gateway.conversations(for: bob, status: nil, assignee: nil).isEmpty)
        #expect(try await harness.gateway.conversations(for: supervisor, status: .assigned, assignee: nil).count == 1)
        // Claiming twice is a conflict the agent can read.
        await #expect(throws: GatewayError.conflict("the conversation is already assigned to agent \(alice.id)")) {
            try await harness.gateway.assign(conversation.id, to: alice.id, by: alice)
        }
        let resolved = try await harness.gateway.resolve(conversation.id, by: alice)
        #expect(resolved.status == .resolved)
        await #expect(throws: GatewayError.conflict("cannot resolve a conversation that is resolved")) {
            try await harness.gateway.resolve(conversation.id, by: supervisor)
        }
    }

    @Test func loginIssuesATokenThatIdentifiesTheAgent() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let alice = try await harness.addAgent("alice@example.com")
        let (token, agent) = try await harness.gateway.login(email: "alice@example.com", password: "password123")
        #expect(agent == alice)
        #expect(try await harness.gateway.agent(forToken: token) == alice)
        await #expect(throws: GatewayError.unauthorized("wrong email or password")) {
            try await harness.gateway.login(email: "alice@example.com", password: "nope-nope")
        }
        await #expect(throws: GatewayError.unauthorized("wrong email or password")) {
            try await harness.gateway.login(email: "nobody@example.com", password: "password123")
        }
        harness.clock.advance(by: Gateway.tokenLifetime + 1)
        await #expect(throws: GatewayError.unauthorized("the token is unknown or expired")) {
            try await harness.gateway.agent(forToken: token)
        }
    }
}
