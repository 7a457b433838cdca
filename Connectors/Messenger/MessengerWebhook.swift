import MetaSigning

/// The webhook body a Page posts (CHANNELS.md §4.1; Messenger webhook references for
/// `messages`, `messaging_postbacks`, `message_deliveries`, `message_reads`,
/// `message_reactions`). Every field is optional so an event kind Parley does not know still
/// decodes and becomes `.unsupported`.
struct MessengerWebhook: Decodable {
    var object: String?
    var entry: [Entry]?

    struct Entry: Decodable {
        var id: LenientString?
        var time: LenientString?
        /// Events for the app that owns the conversation; `standby` (another app owns the
        /// thread under the handover protocol) is not read.
        var messaging: [Event]?
        /// The field names of each `messaging` event, to name kinds Parley does not read.
        var messagingKinds: [[String]]

        private enum CodingKeys: String, CodingKey { case id, time, messaging }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeIfPresent(LenientString.self, forKey: .id)
            time = try container.decodeIfPresent(LenientString.self, forKey: .time)
            messaging = try container.decodeIfPresent([Event].self, forKey: .messaging)
            messagingKinds = (try? container.decodeIfPresent([FieldNames].self, forKey: .messaging))?.map(\.names) ?? []
        }
    }

    /// The keys of a JSON object, whatever their values.
    struct FieldNames: Decodable {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        var names: [String]

        init(from decoder: any Decoder) throws {
            names = try decoder.container(keyedBy: Key.self).allKeys.map(\.stringValue).sorted()
        }
    }

    struct Party: Decodable { var id: LenientString? }

    struct Event: Decodable {
        var sender: Party?
        var recipient: Party?
        var timestamp: LenientString?
        var message: Message?
        var postback: Postback?
        var delivery: Delivery?
        var read: Read?
        var reaction: Reaction?
        var referral: Referral?
        var optin: Optin?
    }

    struct Message: Decodable {
        var mid: String?
        var text: String?
        var is_echo: Bool?
        var quick_reply: QuickReply?
        var attachments: [Attachment]?
    }

    struct QuickReply: Decodable { var payload: String? }

    struct Attachment: Decodable {
        /// `image`, `video`, `audio`, `file`, `location`, `fallback`, `template`, `reel`…
        var type: String?
        /// Where Messenger's older location attachments name the place (newer ones put it in `payload`).
        var title: String?
        var payload: Payload?
    }

    struct Payload: Decodable {
        struct Coordinates: Decodable {
            var lat: Double?
            var long: Double?
        }
        var url: String?
        var title: String?
        var sticker_id: LenientString?
        var coordinates: Coordinates?
    }

    struct Postback: Decodable {
        var mid: String?
        var title: String?
        var payload: String?
    }

    struct Delivery: Decodable {
        var mids: [String]?
        var watermark: LenientString?
    }

    struct Read: Decodable {
        var watermark: LenientString?
        /// Not in the Messenger reference; Instagram-style reads name the message.
        var mid: String?
    }

    struct Reaction: Decodable {
        var mid: String?
        var action: String?
        var reaction: String?
        var emoji: String?
    }

    struct Referral: Decodable {
        var ref: String?
        var source: String?
    }

    struct Optin: Decodable {
        var ref: String?
        var type: String?
    }
}
