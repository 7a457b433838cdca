/// One way a reply can reach a customer. The planner orders them; the dispatcher takes the
/// first that works and the message's status names it.
public enum DeliveryRoute: String, Sendable, Codable, CaseIterable {
    /// The web visitor has the chat open: the reply appears at once.
    case liveSocket
    /// A free-form message through the channel's own API (inside its window, or a channel
    /// without one: Telegram, SMS).
    case freeText
    /// LINE's push message (a fresh reply token is used instead when there is one).
    case push
    /// A pre-approved template (WeChat template message, WhatsApp template).
    case template
    /// A tagged message allowed after the window (Messenger's `HUMAN_AGENT`).
    case messageTag
    /// Stored and shown when the web visitor comes back.
    case heldForReturn
    /// A notification through the browser's push service (the visitor allowed notifications).
    case webPush
    /// A mail to the address the visitor gave.
    case email

    /// How the route reads in a message's status: "delivered via email".
    public var phrase: String {
        switch self {
        case .liveSocket: "live chat"
        case .freeText: "message"
        case .push: "push message"
        case .template: "template message"
        case .messageTag: "HUMAN_AGENT-tagged message"
        case .heldForReturn: "held for the visitor's return"
        case .webPush: "web push notification"
        case .email: "email"
        }
    }
}

extension OutOfWindowRoute {
    /// The delivery route this out-of-window form takes; `nil` for `.none`.
    public var deliveryRoute: DeliveryRoute? {
        switch self {
        case .none: nil
        case .template: .template
        case .messageTag: .messageTag
        case .push: .push
        case .holdForReturn: .heldForReturn
        }
    }
}
