import Foundation
import Hummingbird
import HummingbirdWebSocket
import ParleyCore
import ParleyGateway

/// `GET /widget/{channelId}/ws?token=`: the visitor's live connection. The visitor sends
/// `resume` with the last message id it has seen, then its messages; it receives its thread
/// after that id and everything new, in id order, each message once.
struct VisitorSocketRoutes {
    let gateway: Gateway

    private struct ClientFrame: Decodable {
        var type: String
        var after: Int64?
    }

    private struct MessageFrame: Encodable {
        var type = "message"
        var message: VisitorMessageView
    }

    private struct AckFrame: Encodable {
        var type = "ack"
        var clientId: String
        var id: Int64
        var duplicate: Bool
    }

    private struct ErrorFrame: Encodable {
        var type = "error"
        var reason: String
    }

    private struct Acknowledgement: Decodable {
        var id: Int64
        var clientId: String
        var duplicate: Bool
    }

    func register(on router: Router<AppRequestContext>) {
        router.ws("/widget/{channelId}/ws") { request, context in
            let channelID = ChannelID(try context.parameters.require("channelId"))
            _ = try await gateway.visitorID(channelID: channelID, token: try AgentAuthenticator.token(in: request, allowQuery: true))
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let channelID = ChannelID(try context.requestContext.parameters.require("channelId"))
            let token = try AgentAuthenticator.token(in: context.request, allowQuery: true)
            let visitorID = try await gateway.visitorID(channelID: channelID, token: token)
            let feed = VisitorFeed(gateway: gateway, channelID: channelID, visitorID: visitorID) { message in
                try await outbound.write(.text(try JSONCoding.text(MessageFrame(message: VisitorMessageView(message)))))
            }
            // Subscribe before the visitor's resume is read, so nothing committed in between is missed.
            let events = gateway.bus.subscribe { event in
                guard case .messageCreated(let message, let conversation) = event else { return false }
                return message.direction != .note && conversation.channelID == channelID && conversation.externalID == visitorID
            }
            await gateway.visitors.opened(channel: channelID, visitor: visitorID)
            do {
                try await serve(inbound: inbound, outbound: outbound, events: events, token: token, channelID: channelID, visitorID: visitorID, feed: feed)
            } catch {
                await gateway.visitors.closed(channel: channelID, visitor: visitorID)
                throw error
            }
            await gateway.visitors.closed(channel: channelID, visitor: visitorID)
        }
    }

    private func serve(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, events: AsyncStream<DomainEvent>, token: String,
        channelID: ChannelID, visitorID: String, feed: VisitorFeed
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await frame in inbound.messages(maxSize: HTTPLimits.maximumBody) {
                    guard case .text(let text) = frame else { continue }
                    try await handle(text, token: token, channelID: channelID, feed: feed, outbound: outbound)
                }
            }
            group.addTask {
                for await _ in events { try await feed.catchUp() }
                if !Task.isCancelled { try? await outbound.close(.goingAway, reason: "server is shutting down") }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func handle(
        _ text: String, token: String, channelID: ChannelID, feed: VisitorFeed, outbound: WebSocketOutboundWriter
    ) async throws {
        let frame: ClientFrame
        do {
            frame = try JSONDecoder().decode(ClientFrame.self, from: Data(text.utf8))
        } catch {
            try await outbound.write(.text(try JSONCoding.text(ErrorFrame(reason: "frames must be JSON with a 'type'"))))
            return
        }
        switch frame.type {
        case "resume":
            try await feed.resume(after: MessageID(max(0, frame.after ?? 0)))
        case "message":
            // The same path as the HTTP fallback: the connector authenticates and decodes it.
            let request = WebhookRequest(
                method: .post, path: "/hooks/\(channelID)", headers: [("Authorization", "Bearer \(token)")],
                body: Array(text.utf8), publicBaseURL: gateway.publicBaseURL
            )
            do {
                let answer = try await gateway.handleWebhook(channelID: channelID, request: request)
                let ack = try JSONDecoder().decode(Acknowledgement.self, from: Data(answer.body))
                try await outbound.write(.text(try JSONCoding.text(AckFrame(clientId: ack.clientId, id: ack.id, duplicate: ack.duplicate))))
            } catch let error as GatewayError {
                gateway.metrics.refused(error.metricLabel, route: "/widget/ws")
                try await outbound.write(.text(try JSONCoding.text(ErrorFrame(reason: error.description))))
            }
        default:
            try await outbound.write(.text(try JSONCoding.text(ErrorFrame(reason: "unknown frame type '\(frame.type)'"))))
        }
    }
}
