import Hummingbird
import ParleyCore
import ParleyGateway
import ParleyStore

/// The agent API under `/api/v1` (see docs/openapi.yaml).
struct AgentRoutes {
    let gateway: Gateway

    private struct LoginBody: Decodable {
        var email: String
        var password: String
    }

    private struct LoginAnswer: Encodable {
        var token: String
        var agent: Agent
    }

    /// A typed reply (`text`) or a canned response filled in for the conversation (`cannedId`, or
    /// `canned` with its shortcut): exactly one of the three.
    private struct ReplyBody: Decodable {
        var text: String?
        var cannedId: Int64?
        var canned: String?
    }

    private struct NoteBody: Decodable {
        var text: String
    }

    private struct TransferBody: Decodable {
        var agentId: Int64?
        var teamId: Int64?
        var note: String?
    }

    /// `{"settings": {"idleTimeout": "30m", "nudgeText": null}}`: `null` removes a key.
    private struct ChannelSettingsBody: Decodable {
        var settings: [String: String?]
    }

    /// `{"agentId": 3}` or `{"agentId": "me"}`.
    private struct AssignBody: Decodable {
        var agentId: AgentTarget

        enum AgentTarget: Decodable {
            case me
            case agent(AgentID)

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let id = try? container.decode(Int64.self) {
                    self = .agent(AgentID(id))
                } else if let text = try? container.decode(String.self), text == "me" {
                    self = .me
                } else if let text = try? container.decode(String.self), let id = Int64(text) {
                    self = .agent(AgentID(id))
                } else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "agentId must be an agent id or \"me\"")
                }
            }
        }
    }

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1")
        api.post("auth/login") { request, _ in
            let body = try await JSONCoding.decodeBody(LoginBody.self, from: request)
            let (token, agent) = try await gateway.login(email: body.email, password: body.password)
            return try JSONCoding.response(LoginAnswer(token: token, agent: agent))
        }

        let authenticated = api.group().add(middleware: AgentAuthenticator(gateway: gateway))
        authenticated.get("me") { _, context in
            try JSONCoding.response(try context.requireAgent())
        }
        authenticated.get("conversations") { request, context in
            let agent = try context.requireAgent()
            let query = request.uri.queryParameters
            var status: ConversationStatus?
            if let text = query["status"], !text.isEmpty {
                guard let parsed = ConversationStatus(rawValue: String(text)) else {
                    throw GatewayError.invalid(
                        field: "status", reason: "'\(text)' is not one of \(ConversationStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                status = parsed
            }
            var assignee: AgentID?
            if let text = query["assignee"], !text.isEmpty {
                if text == "me" {
                    assignee = agent.id
                } else if let id = Int64(String(text)) {
                    assignee = AgentID(id)
                } else {
                    throw GatewayError.invalid(field: "assignee", reason: "'\(text)' is not an agent id or \"me\"")
                }
            }
            let label = try query["label"].flatMap { $0.isEmpty ? nil : try Gateway.checkedLabel(String($0)) }
            return try await Self.listResponse(
                try await gateway.conversations(for: agent, status: status, assignee: assignee, label: label), gateway: gateway
            )
        }
        authenticated.get("conversations/{id}") { _, context in
            let conversation = try await gateway.conversation(try Self.conversationID(context), for: try context.requireAgent())
            return try JSONCoding.response(ConversationView(
                conversation, countdowns: await gateway.countdowns(for: conversation), rating: try await gateway.rating(of: conversation)
            ))
        }
        authenticated.get("conversations/{id}/delivery-plan") { _, context in
            let conversation = try await gateway.conversation(try Self.conversationID(context), for: try context.requireAgent())
            let plan = try await gateway.deliveryPlan(for: conversation)
            let deadlines = try await gateway.timers(of: conversation.id)
            return try JSONCoding.response(DeliveryPlanView(conversation: conversation.id, plan: plan, deadlines: deadlines))
        }
        authenticated.get("media/{messageId}") { _, context in
            guard let id = Int64(try context.parameters.require("messageId")) else {
                throw GatewayError.notFound("media not found")
            }
            let file = try await gateway.mediaFile(of: MessageID(id), for: try context.requireAgent())
            return Response(
                status: .ok,
                headers: [.contentType: file.mimeType ?? "application/octet-stream", .cacheControl: "private, max-age=86400"],
                body: .init(byteBuffer: ByteBuffer(bytes: file.bytes))
            )
        }
        authenticated.get("conversations/{id}/messages") { request, context in
            let query = request.uri.queryParameters
            let before = try query["before"].map { text throws(GatewayError) in
                guard let id = Int64(String(text)) else { throw GatewayError.invalid(field: "before", reason: "'\(text)' is not a message id") }
                return MessageID(id)
            }
            var limit = 50
            if let text = query["limit"] {
                guard let value = Int(String(text)), (1...500).contains(value) else {
                    throw GatewayError.invalid(field: "limit", reason: "must be a whole number from 1 to 500")
                }
                limit = value
            }
            let messages = try await gateway.messages(
                in: try Self.conversationID(context), for: try context.requireAgent(), before: before, limit: limit
            )
            return try JSONCoding.response(MessageList(messages: messages.map(MessageView.init)))
        }
        authenticated.post("conversations/{id}/messages") { request, context in
            let body = try await JSONCoding.decodeBody(ReplyBody.self, from: request)
            let (id, agent) = (try Self.conversationID(context), try context.requireAgent())
            let message = switch (body.text, body.cannedId, body.canned) {
            case (let text?, nil, nil): try await gateway.reply(to: id, text: text, by: agent)
            case (nil, let canned?, nil): try await gateway.reply(to: id, canned: .id(CannedResponseID(canned)), by: agent)
            case (nil, nil, let shortcut?): try await gateway.reply(to: id, canned: .shortcut(shortcut), by: agent)
            default: throw GatewayError.invalid(field: "text", reason: "give exactly one of text, cannedId and canned")
            }
            return try JSONCoding.response(MessageView(message), status: .accepted)
        }
        authenticated.post("conversations/{id}/notes") { request, context in
            let body = try await JSONCoding.decodeBody(NoteBody.self, from: request)
            let note = try await gateway.addNote(to: try Self.conversationID(context), text: body.text, by: try context.requireAgent())
            return try JSONCoding.response(MessageView(note), status: .created)
        }
        authenticated.post("conversations/{id}/transfer") { request, context in
            let body = try await JSONCoding.decodeBody(TransferBody.self, from: request)
            let conversation = try await gateway.transfer(
                try Self.conversationID(context), toAgent: body.agentId.map(AgentID.init), toTeam: body.teamId.map(TeamID.init), note: body.note,
                by: try context.requireAgent()
            )
            return try JSONCoding.response(ConversationView(conversation, countdowns: await gateway.countdowns(for: conversation)))
        }
        authenticated.post("conversations/{id}/assign") { request, context in
            let agent = try context.requireAgent()
            let body = try await JSONCoding.decodeBody(AssignBody.self, from: request)
            let target: AgentID
            switch body.agentId {
            case .me: target = agent.id
            case .agent(let id): target = id
            }
            let conversation = try await gateway.assign(try Self.conversationID(context), to: target, by: agent)
            return try JSONCoding.response(ConversationView(conversation, countdowns: await gateway.countdowns(for: conversation)))
        }
        authenticated.post("conversations/{id}/resolve") { _, context in
            let conversation = try await gateway.resolve(try Self.conversationID(context), by: try context.requireAgent())
            return try JSONCoding.response(ConversationView(conversation, countdowns: await gateway.countdowns(for: conversation)))
        }
        authenticated.patch("channels/{id}") { request, context in
            let body = try await JSONCoding.decodeBody(ChannelSettingsBody.self, from: request)
            let channel = try await gateway.updateChannel(
                ChannelID(try context.parameters.require("id")), settings: body.settings, by: try context.requireAgent()
            )
            return try JSONCoding.response(ChannelView(channel, effective: gateway.registry.effective(channel)))
        }
    }

    /// `{"conversations": [...]}`, each with its countdowns.
    static func listResponse(_ conversations: [Conversation], gateway: Gateway) async throws -> Response {
        var views: [ConversationView] = []
        for conversation in conversations {
            views.append(ConversationView(conversation, countdowns: await gateway.countdowns(for: conversation)))
        }
        return try JSONCoding.response(ConversationList(conversations: views))
    }

    static func conversationID(_ context: AppRequestContext) throws -> ConversationID {
        let text = try context.parameters.require("id")
        guard let id = Int64(text) else { throw GatewayError.notFound("conversation \(text) not found") }
        return ConversationID(id)
    }
}
