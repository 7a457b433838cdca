/// The webhook body LINE posts (line-openapi `webhook.yml`; line-bot-sdk `CallbackRequest`).
/// Every field an event kind may lack is optional, so an event or message type Parley does not
/// know still decodes and becomes `.unsupported` rather than failing the whole request.
struct LineWebhook: Decodable {
    var destination: String?
    /// Empty when the console's "Verify" button checks the URL.
    var events: [Event]

    struct Event: Decodable {
        var type: String
        var timestamp: Int64?
        var source: Source?
        var webhookEventId: String?
        var deliveryContext: DeliveryContext?
        var replyToken: String?
        var message: Message?
        var postback: Postback?
        var follow: Follow?
        var unsend: Unsend?
    }

    struct Source: Decodable {
        /// `user`, `group` or `room`.
        var type: String
        var userId: String?
        var groupId: String?
        var roomId: String?
    }

    struct DeliveryContext: Decodable {
        var isRedelivery: Bool?
    }

    struct Message: Decodable {
        var id: String
        var type: String
        var text: String?
        var fileName: String?
        var title: String?
        var address: String?
        var latitude: Double?
        var longitude: Double?
        var packageId: String?
        var stickerId: String?
        var contentProvider: ContentProvider?
    }

    struct ContentProvider: Decodable {
        /// `line` (fetch from the data API) or `external` (the URLs below).
        var type: String
        var originalContentUrl: String?
        var previewImageUrl: String?
    }

    struct Postback: Decodable {
        var data: String
    }

    struct Follow: Decodable {
        var isUnblocked: Bool?
    }

    struct Unsend: Decodable {
        var messageId: String
    }
}
