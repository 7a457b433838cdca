import Foundation

/// A person, known through one or more identities on different channels.
public struct Contact: Sendable, Equatable, Codable {
    public var id: ContactID
    public var name: String?
    public var createdAt: Date

    public init(id: ContactID, name: String?, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// How a contact is addressed on one channel account: a WeChat OpenID, a Telegram chat id,
/// a phone number, a web visitor id. One per (channel, external id).
public struct Identity: Sendable, Equatable, Codable {
    public var id: IdentityID
    public var contactID: ContactID
    public var channelID: ChannelID
    public var externalID: String

    public init(id: IdentityID, contactID: ContactID, channelID: ChannelID, externalID: String) {
        self.id = id
        self.contactID = contactID
        self.channelID = channelID
        self.externalID = externalID
    }
}
