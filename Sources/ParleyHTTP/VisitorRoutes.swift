import Hummingbird
import ParleyCore
import ParleyGateway

/// The widget's HTTP side: visitor sessions and the polling fallback for when WebSockets fail.
struct VisitorRoutes {
    let gateway: Gateway

    private struct SessionBody: Decodable {
        var token: String?
    }

    private struct SessionAnswer: Encodable {
        var token: String
        var visitorId: String
    }

    private struct ContactBody: Decodable {
        var email: String
        var name: String?
    }

    private struct PushKeyAnswer: Encodable {
        /// The VAPID public key, base64url: the widget's `applicationServerKey`.
        var publicKey: String
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/widget/push-key") { _, _ in
            try JSONCoding.response(PushKeyAnswer(publicKey: try gateway.pushApplicationServerKey()))
        }
        router.post("/widget/{channelId}/push-subscriptions") { request, context in
            let channelID = ChannelID(try context.parameters.require("channelId"))
            let token = try AgentAuthenticator.token(in: request, allowQuery: false)
            let body = try await request.body.collect(upTo: HTTPLimits.maximumBody)
            try await gateway.subscribeToPush(channelID: channelID, token: token, subscription: Array(buffer: body))
            return Response(status: .created)
        }
        router.post("/widget/{channelId}/contact") { request, context in
            let channelID = ChannelID(try context.parameters.require("channelId"))
            let token = try AgentAuthenticator.token(in: request, allowQuery: false)
            let body = try JSONCoding.decode(ContactBody.self, from: try await request.body.collect(upTo: HTTPLimits.maximumBody))
            try await gateway.saveVisitorEmail(channelID: channelID, token: token, email: body.email, name: body.name)
            return Response(status: .noContent)
        }
        router.post("/widget/{channelId}/session") { request, context in
            let channelID = ChannelID(try context.parameters.require("channelId"))
            // The body is optional: a first visit has no token to present.
            let raw = try await request.body.collect(upTo: HTTPLimits.maximumBody)
            let body = raw.readableBytes == 0 ? SessionBody() : try JSONCoding.decode(SessionBody.self, from: raw)
            let session = try await gateway.visitorSession(channelID: channelID, existingToken: body.token)
            return try JSONCoding.response(SessionAnswer(token: session.token, visitorId: session.visitorID))
        }
        router.get("/widget/{channelId}/messages") { request, context in
            let channelID = ChannelID(try context.parameters.require("channelId"))
            let visitorID = try await gateway.visitorID(channelID: channelID, token: try AgentAuthenticator.token(in: request, allowQuery: false))
            var after: MessageID?
            if let text = request.uri.queryParameters["after"], !text.isEmpty {
                guard let id = Int64(String(text)) else { throw GatewayError.invalid(field: "after", reason: "'\(text)' is not a message id") }
                after = MessageID(id)
            }
            let messages = try await gateway.visitorMessages(channelID: channelID, visitorID: visitorID, after: after)
            for message in messages { await gateway.markDelivered(message) }
            return try JSONCoding.response(VisitorMessageList(messages: messages.map(VisitorMessageView.init)))
        }
    }
}
