import Foundation
import ParleyCore

/// A contact as the workbench shows it: who they are and every channel they are known on.
public struct ContactRecord: Sendable, Equatable {
    /// One channel account of the contact, with the channel it belongs to.
    public struct Identity: Sendable, Equatable {
        public var id: IdentityID
        public var channelID: ChannelID
        /// As stored (`webchat`, `wechat`, ...).
        public var channelKind: String
        public var channelName: String
        /// The customer's id on the platform: OpenID, chat id, phone number, visitor id.
        public var externalID: String
        public var optedOut: Bool

        public init(id: IdentityID, channelID: ChannelID, channelKind: String, channelName: String, externalID: String, optedOut: Bool) {
            self.id = id
            self.channelID = channelID
            self.channelKind = channelKind
            self.channelName = channelName
            self.externalID = externalID
            self.optedOut = optedOut
        }
    }

    public var id: ContactID
    public var name: String?
    public var email: String?
    /// Tagged VIP by a supervisor: served by people first.
    public var vip: Bool
    public var createdAt: Date
    /// Oldest first.
    public var identities: [Identity]

    public init(id: ContactID, name: String?, email: String?, vip: Bool, createdAt: Date, identities: [Identity]) {
        self.id = id
        self.name = name
        self.email = email
        self.vip = vip
        self.createdAt = createdAt
        self.identities = identities
    }
}
