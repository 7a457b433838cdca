import Foundation
import ParleyStore

/// `GET /api/v1/contacts/{id}`: who the customer is, on every channel.
struct ContactView: Encodable {
    struct IdentityView: Encodable {
        var id: Int64
        var channelId: String
        var channelKind: String
        var channelName: String
        /// The customer's id on the platform: OpenID, chat id, phone number, visitor id.
        var externalId: String
        var optedOut: Bool
    }

    var id: Int64
    var name: String?
    var email: String?
    var vip: Bool
    var createdAt: Date
    var identities: [IdentityView]

    init(_ contact: ContactRecord) {
        id = contact.id.rawValue
        name = contact.name
        email = contact.email
        vip = contact.vip
        createdAt = contact.createdAt
        identities = contact.identities.map {
            IdentityView(
                id: $0.id.rawValue, channelId: $0.channelID.rawValue, channelKind: $0.channelKind, channelName: $0.channelName,
                externalId: $0.externalID, optedOut: $0.optedOut
            )
        }
    }
}
