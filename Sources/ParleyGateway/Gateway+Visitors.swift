import Foundation
import ParleyCore

/// The visitor side of web chat: sessions identified by a token the channel issued, and the
/// visitor's own thread for reconnects and the HTTP fallback.
extension Gateway {
    /// Returns the visitor's token back when it is still valid, or a new visitor otherwise.
    public func visitorSession(channelID: ChannelID, existingToken: String?) async throws(GatewayError) -> (token: String, visitorID: String) {
        let connector = try await visitorConnector(channelID)
        if let existingToken, let visitorID = connector.visitorID(fromToken: existingToken) {
            return (existingToken, visitorID)
        }
        let issued = connector.issueVisitorToken()
        return (issued.token, issued.visitorID)
    }

    /// Whether `id` names a web-chat channel: the chat page a reopen link targets embeds the
    /// widget only for one.
    public func isWebChatChannel(_ id: ChannelID) async throws(GatewayError) -> Bool {
        do {
            return try await channels.channel(id)?.channel.kind == .webchat
        } catch {
            throw GatewayError.unavailable("cannot read channel \(id): \(error)")
        }
    }

    /// The visitor id a token proves on this channel.
    public func visitorID(channelID: ChannelID, token: String) async throws(GatewayError) -> String {
        let connector = try await visitorConnector(channelID)
        guard let visitorID = connector.visitorID(fromToken: token) else {
            throw GatewayError.unauthorized("the visitor token is missing or invalid")
        }
        return visitorID
    }

    /// The visitor left an email address (pre-chat or leave-message form): replies that find
    /// them gone can be mailed there. The address must be one mail can be sent to.
    public func saveVisitorEmail(channelID: ChannelID, token: String, email: String, name: String?) async throws(GatewayError) {
        let visitorID = try await visitorID(channelID: channelID, token: token)
        let address = email.trimmingCharacters(in: .whitespaces)
        guard address.utf8.count <= 254, let parsed = MailAddress(address) else {
            throw GatewayError.invalid(field: "email", reason: "'\(email)' is not an email address such as ana@example.com")
        }
        let trimmedName = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let trimmedName, trimmedName.count > 200 || trimmedName.contains(where: \.isNewline) {
            throw GatewayError.invalid(field: "name", reason: "must be one line of at most 200 characters")
        }
        do {
            try await reach.saveVisitorEmail(
                parsed.address, name: trimmedName.flatMap { $0.isEmpty ? nil : $0 }, channel: channelID, visitor: visitorID, at: clock.now()
            )
        } catch {
            throw GatewayError.unavailable("the address was not stored: \(error)")
        }
    }

    /// The visitor's thread after a cursor, across all their conversations, in order.
    public func visitorMessages(channelID: ChannelID, visitorID: String, after: MessageID?, limit: Int = 500) async throws(GatewayError) -> [Message] {
        do {
            return try await conversations.messages(channel: channelID, externalID: visitorID, after: after, limit: limit)
        } catch {
            throw GatewayError.unavailable("\(error)")
        }
    }

    /// Marks an outbound web-chat message delivered once a visitor socket has taken it.
    public func markDelivered(_ message: Message) async {
        guard message.direction == .outbound, message.status.canAdvance(to: .delivered) else { return }
        do {
            if let updated = try await conversations.advance(message.id, to: .delivered) {
                bus.publish([.messageUpdated(updated)])
            }
        } catch {
            logger.warning("cannot mark message delivered", metadata: ["message": "\(message.id)", "error": "\(error)"])
        }
    }

    private func visitorConnector(_ channelID: ChannelID) async throws(GatewayError) -> any VisitorChannelConnector {
        guard let connector = try await registry.connector(for: channelID) as? any VisitorChannelConnector else {
            throw GatewayError.channelNotFound(channelID)
        }
        return connector
    }
}
