import Foundation
import ParleyCore
import ParleyRouting
import ParleyStore

/// What agents do through the API: sign in, read conversations they may see, reply, claim,
/// transfer (resolving is in `Gateway+Survey`).
extension Gateway {
    public static let tokenLifetime: TimeInterval = 30 * 86_400

    public func login(email: String, password: String) async throws(GatewayError) -> (token: String, agent: Agent) {
        let found: (Agent, String)?
        do { found = try await agents.agentWithPasswordHash(email: email) } catch { throw GatewayError.unavailable("\(error)") }
        // Verify against a dummy hash when the email is unknown, so timing does not tell which emails exist.
        let hash = found?.1 ?? "pbkdf2-sha256$\(passwords.rounds)$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        guard passwords.verify(password, against: hash), let agent = found?.0 else {
            throw GatewayError.unauthorized("wrong email or password")
        }
        let token = TokenDigest.newToken()
        let now = clock.now()
        do {
            try await agents.insertToken(digest: TokenDigest.digest(token), agent: agent.id, expiresAt: now.addingTimeInterval(Self.tokenLifetime), at: now)
        } catch {
            throw GatewayError.unavailable("\(error)")
        }
        return (token, agent)
    }

    public func agent(forToken token: String) async throws(GatewayError) -> Agent {
        let agent: Agent?
        do { agent = try await agents.agent(tokenDigest: TokenDigest.digest(token), now: clock.now()) } catch {
            throw GatewayError.unavailable("\(error)")
        }
        guard let agent else { throw GatewayError.unauthorized("the token is unknown or expired") }
        return agent
    }

    /// The conversation, or `notFound` when it does not exist or this agent may not see it:
    /// the two are indistinguishable on purpose.
    public func conversation(_ id: ConversationID, for agent: Agent) async throws(GatewayError) -> Conversation {
        let conversation: Conversation?
        do { conversation = try await conversations.conversation(id) } catch { throw GatewayError.unavailable("\(error)") }
        guard let conversation, agent.canSee(conversation) else { throw GatewayError.notFound("conversation \(id) not found") }
        return conversation
    }

    /// A stored media file of a message the agent may see, with its type.
    public func mediaFile(of id: MessageID, for agent: Agent) async throws(GatewayError) -> (bytes: [UInt8], mimeType: String?) {
        let message: Message?
        do { message = try await media.message(id) } catch { throw GatewayError.unavailable("\(error)") }
        guard let message else { throw GatewayError.notFound("media \(id.rawValue) not found") }
        _ = try await conversation(message.conversationID, for: agent)
        let bytes: [UInt8]?
        do { bytes = try await media.mediaFile(of: id) } catch { throw GatewayError.unavailable("\(error)") }
        guard let bytes else { throw GatewayError.notFound("media \(id.rawValue) has not been downloaded") }
        return (bytes, message.content.media?.mimeType)
    }

    /// What the agent may see, most recently updated first, narrowed by any filter given (`label`
    /// as `checkedLabel` returns it).
    public func conversations(
        for agent: Agent, status: ConversationStatus?, assignee: AgentID?, label: String? = nil, contact: ContactID? = nil
    ) async throws(GatewayError) -> [Conversation] {
        var filter = ConversationFilter(status: status, assignee: assignee, label: label, contact: contact, limit: 200)
        if agent.role == .agent, assignee == nil {
            filter.assignee = agent.id
            filter.unassignedOnly = true
        }
        if agent.role == .bot { filter.status = .bot }
        do {
            return try await conversations.conversations(filter).filter(agent.canSee)
        } catch {
            throw GatewayError.unavailable("\(error)")
        }
    }

    public func messages(in id: ConversationID, for agent: Agent, before: MessageID?, limit: Int) async throws(GatewayError) -> [Message] {
        _ = try await conversation(id, for: agent)
        do { return try await conversations.messages(in: id, before: before, limit: limit) } catch {
            throw GatewayError.unavailable("\(error)")
        }
    }

    /// Records the reply and its outbox row in one transaction; the dispatcher sends it.
    public func reply(to id: ConversationID, text: String, by agent: Agent) async throws(GatewayError) -> Message {
        let conversation = try await conversation(id, for: agent)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw GatewayError.invalid(field: "text", reason: "must not be empty") }
        guard text.count <= 10_000 else { throw GatewayError.invalid(field: "text", reason: "longer than 10,000 characters") }
        do { try AssignmentRules.checkOwnership(actor: agent, conversation: conversation) } catch { throw GatewayError(error) }
        let (message, updated): (Message, Conversation)
        let timers = await timers(of: conversation)
        do {
            (message, updated) = try await conversations.appendOutbound(
                to: id, content: .text(text), sender: agent.role == .bot ? .bot : .agent(agent.id), timers: timers, at: clock.now()
            )
        } catch {
            throw GatewayError(error)
        }
        noteDeadlines(of: updated, timers)
        bus.publish([.messageCreated(message, updated)])
        dispatcher.wake()
        return message
    }

    public func assign(_ id: ConversationID, to target: AgentID, by agent: Agent) async throws(GatewayError) -> Conversation {
        let conversation = try await conversation(id, for: agent)
        do {
            guard try await agents.agent(target) != nil else { throw GatewayError.invalid(field: "agentId", reason: "no agent \(target)") }
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError.unavailable("\(error)")
        }
        do { try AssignmentRules.check(actor: agent, conversation: conversation, target: target) } catch { throw GatewayError(error) }
        let timers = await timers(of: conversation)
        do {
            let (assigned, transition) = try await workbench.assign(
                id, to: target, expecting: conversation.state, by: agent.id, timers: timers, at: clock.now()
            )
            noteDeadlines(of: assigned, timers)
            bus.publish([.conversationUpdated(assigned, transition)])
            return assigned
        } catch {
            throw GatewayError(error)
        }
    }

    private func apply(_ command: ConversationCommand, to current: Conversation, by agent: Agent) async throws(GatewayError) -> Conversation {
        let timers = await timers(of: current)
        do {
            let (conversation, transition) = try await conversations.apply(
                command, to: current.id, by: .agent(agent.id), timers: timers, at: clock.now()
            )
            noteDeadlines(of: conversation, timers)
            bus.publish([.conversationUpdated(conversation, transition)])
            return conversation
        } catch {
            throw GatewayError(error)
        }
    }

    /// The conversation's channel timers; none when the channel cannot be loaded.
    func timers(of conversation: Conversation) async -> TimerSettings {
        (try? await registry.connector(for: conversation.channelID))?.policy.timers ?? TimerSettings(idleTimeout: 0)
    }

    /// Wakes the scheduler for the timers the store just armed for `conversation`.
    func noteDeadlines(of conversation: Conversation, _ timers: TimerSettings) {
        if let earliest = ConversationTimers.deadlines(for: conversation, settings: timers).values.min() { scheduler.note(earliest) }
    }
}
