import MetaSigning

/// The webhook body the Cloud API posts (CHANNELS.md §3.1; WhatsApp Node SDK
/// `src/types/webhooks.ts`). Every field a message kind may lack is optional, so a kind Parley
/// does not know still decodes and becomes `.unsupported` rather than failing the batch.
struct WhatsAppWebhook: Decodable {
    var object: String?
    var entry: [Entry]?

    struct Entry: Decodable {
        var id: LenientString?
        var changes: [Change]?
    }

    struct Change: Decodable {
        /// `messages` for messages and statuses; other fields (template reviews, account
        /// updates, `smb_message_echoes`) concern the business, not a customer.
        var field: String?
        var value: Value?
    }

    struct Value: Decodable {
        var messaging_product: String?
        var metadata: Metadata?
        var contacts: [Contact]?
        var messages: [Message]?
        var statuses: [Status]?
    }

    struct Metadata: Decodable {
        var display_phone_number: String?
        var phone_number_id: LenientString?
    }

    struct Contact: Decodable {
        struct Profile: Decodable { var name: String? }
        var profile: Profile?
        var wa_id: String?
    }

    struct Message: Decodable {
        var from: String?
        var id: String?
        var timestamp: LenientString?
        var type: String?
        var text: Text?
        var image: Media?
        var audio: Media?
        var video: Media?
        var document: Media?
        var sticker: Media?
        var location: Location?
        var contacts: [ContactCard]?
        var interactive: Interactive?
        var button: Button?
        var reaction: Reaction?
    }

    struct Text: Decodable { var body: String? }

    struct Media: Decodable {
        var id: String?
        var mime_type: String?
        var caption: String?
        var filename: String?
        var voice: Bool?
    }

    struct Location: Decodable {
        var latitude: Double?
        var longitude: Double?
        var name: String?
        var address: String?
    }

    struct ContactCard: Decodable {
        struct Name: Decodable {
            var formatted_name: String?
            var first_name: String?
            var last_name: String?
        }
        struct Phone: Decodable {
            var phone: String?
            var wa_id: String?
        }
        var name: Name?
        var phones: [Phone]?
    }

    struct Interactive: Decodable {
        struct Reply: Decodable {
            var id: String?
            var title: String?
        }
        struct FlowReply: Decodable {
            var response_json: String?
            var name: String?
        }
        var type: String?
        var button_reply: Reply?
        var list_reply: Reply?
        var nfm_reply: FlowReply?
    }

    /// A quick-reply button of a template the customer tapped.
    struct Button: Decodable {
        var payload: String?
        var text: String?
    }

    struct Reaction: Decodable {
        /// The wamid reacted to.
        var message_id: String?
        /// Empty or absent when the customer removes their reaction.
        var emoji: String?
    }

    struct Status: Decodable {
        struct Failure: Decodable {
            var code: LenientString?
            var title: String?
            var message: String?
            var error_data: ErrorData?
        }
        struct ErrorData: Decodable { var details: String? }
        /// The wamid of our outbound message.
        var id: String?
        /// `sent`, `delivered`, `read`, `failed` (and others Parley does not track).
        var status: String?
        var timestamp: LenientString?
        var recipient_id: String?
        var errors: [Failure]?
    }
}
