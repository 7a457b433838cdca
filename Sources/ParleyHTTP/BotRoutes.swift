import Foundation
import Hummingbird
import ParleyCore
import ParleyGateway

/// The knowledge base, suggested answers and VIP tags under `/api/v1` (see docs/openapi.yaml).
struct BotRoutes {
    let gateway: Gateway

    private struct SavedKnowledgeBase: Encodable {
        var entries: Int
    }

    private struct HandOverBody: Decodable {
        var reason: String?
    }

    private struct SuggestionList: Encodable {
        var messageId: Int64?
        var suggestions: [Suggestion]
    }

    private struct Suggestion: Encodable {
        var entryId: String
        var question: String
        var answer: String
        var confidence: Double
        var confident: Bool
    }

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1").add(middleware: AgentAuthenticator(gateway: gateway))
        api.get("knowledge-base") { _, context in
            _ = try context.requireAgent()
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try await gateway.knowledgeBaseDocument())))
        }
        api.put("knowledge-base") { request, context in
            let agent = try context.requireAgent()
            let body = try await request.body.collect(upTo: HTTPLimits.maximumBody)
            let count = try await gateway.saveKnowledgeBase(Data(body.readableBytesView), by: agent)
            return try JSONCoding.response(SavedKnowledgeBase(entries: count))
        }
        api.get("conversations/{id}/suggestions") { request, context in
            let agent = try context.requireAgent()
            let query = request.uri.queryParameters
            var messageID: MessageID?
            if let text = query["messageId"] {
                guard let value = Int64(String(text)) else { throw GatewayError.invalid(field: "messageId", reason: "must be a message id") }
                messageID = MessageID(value)
            }
            var limit = 3
            if let text = query["limit"] {
                guard let value = Int(String(text)) else { throw GatewayError.invalid(field: "limit", reason: "must be a whole number") }
                limit = value
            }
            let (message, answers) = try await gateway.suggestedAnswers(
                in: ConversationID(try Self.id(context, "id", "conversation")), message: messageID, limit: limit, for: agent
            )
            return try JSONCoding.response(SuggestionList(messageId: message?.id.rawValue, suggestions: answers.map {
                Suggestion(entryId: $0.entryID, question: $0.question, answer: $0.answer, confidence: $0.confidence, confident: $0.confident)
            }))
        }
        api.post("conversations/{id}/hand-over") { request, context in
            let body = try await JSONCoding.decodeBody(HandOverBody.self, from: request)
            let conversation = try await gateway.handOverFromBot(
                ConversationID(try Self.id(context, "id", "conversation")), reason: body.reason, by: try context.requireAgent()
            )
            return try JSONCoding.response(ConversationView(conversation, countdowns: await gateway.countdowns(for: conversation)))
        }
        api.put("contacts/{id}/vip") { _, context in
            try await gateway.setVIP(ContactID(try Self.id(context, "id", "contact")), true, by: try context.requireAgent())
            return Response(status: .noContent)
        }
        api.delete("contacts/{id}/vip") { _, context in
            try await gateway.setVIP(ContactID(try Self.id(context, "id", "contact")), false, by: try context.requireAgent())
            return Response(status: .noContent)
        }
    }

    private static func id(_ context: AppRequestContext, _ name: String, _ what: String) throws -> Int64 {
        let text = try context.parameters.require(name)
        guard let value = Int64(text) else { throw GatewayError.notFound("\(what) \(text) not found") }
        return value
    }
}
