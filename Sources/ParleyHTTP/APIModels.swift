import Foundation
import ParleyCore
import ParleyStore

/// The agent API's JSON shapes. Kept apart from the domain types so the wire format changes
/// only on purpose (docs/openapi.yaml describes these).
struct ConversationView: Encodable {
    var id: Int64
    var channelId: String
    var contactId: Int64
    /// The customer's id on the channel (WeChat OpenID, chat id, visitor id).
    var externalId: String
    var status: String
    var assigneeId: Int64?
    var closeReason: String?
    var createdAt: Date
    var updatedAt: Date
    var lastCustomerMessageAt: Date?
    var lastMessageAt: Date?
    var lastMessagePreview: String?
    var replyWindow: ReplyWindowView?
    /// The conversation's running timers, for the workbench's countdowns.
    var timers: TimersView?
    /// The customer's latest answer to the satisfaction survey (only on `GET /conversations/{id}`).
    var csat: RatingView?
    /// Sorted; empty when it has none.
    var labels: [String]

    init(_ conversation: Conversation, countdowns: ConversationCountdowns?, rating: CustomerRating? = nil) {
        id = conversation.id.rawValue
        channelId = conversation.channelID.rawValue
        contactId = conversation.contactID.rawValue
        externalId = conversation.externalID
        status = conversation.status.rawValue
        assigneeId = conversation.assignee?.rawValue
        closeReason = conversation.state.closeReason?.rawValue
        createdAt = conversation.createdAt
        updatedAt = conversation.updatedAt
        lastCustomerMessageAt = conversation.lastCustomerMessageAt
        lastMessageAt = conversation.lastMessageAt
        lastMessagePreview = conversation.lastMessagePreview
        replyWindow = countdowns.map { ReplyWindowView($0.window) }
        timers = countdowns.map { TimersView($0.timers) }
        csat = rating.map { RatingView(score: $0.score, at: $0.at) }
        labels = conversation.labels
    }
}

/// A satisfaction rating: 1 (poor) to 5 (excellent).
struct RatingView: Encodable {
    var score: Int
    var at: Date
}

struct ReplyWindowView: Encodable {
    /// always, open, closed, quotaUsed, notOpened.
    var state: String
    var open: Bool
    var closesAt: Date?
    var remainingSends: Int?
    var fallback: FallbackView

    struct FallbackView: Encodable {
        var available: Bool
        /// template, messageTag, push, heldForReturn.
        var route: String?
        var until: Date?
        var reason: String?
    }

    init(_ window: ReplyWindow) {
        state = window.state.rawValue
        open = window.isOpen
        closesAt = window.closesAt
        remainingSends = window.remainingSends
        switch window.fallback {
        case .available(let form, let until):
            fallback = FallbackView(available: true, route: form.deliveryRoute?.rawValue, until: until)
        case .expired(let form, let at):
            fallback = FallbackView(
                available: false, route: form.deliveryRoute?.rawValue, until: at, reason: "its window ended too"
            )
        case .unavailable(let reason):
            fallback = FallbackView(available: false, reason: reason)
        }
    }
}

/// When a conversation's timers fire: the nudge, the idle close, the escalation of a waiting customer.
struct TimersView: Encodable {
    var nudgeAt: Date?
    var idleClosesAt: Date?
    var escalatesAt: Date?

    init(_ deadlines: [DeadlineKind: Date]) {
        nudgeAt = deadlines[.nudge]
        idleClosesAt = deadlines[.idleClose]
        escalatesAt = deadlines[.agentReply]
    }
}

/// `GET /api/v1/conversations/{id}/delivery-plan`.
struct DeliveryPlanView: Encodable {
    var conversationId: Int64
    var replyWindow: ReplyWindowView
    /// What a reply written now becomes; absent when nothing can reach the customer.
    var reply: RouteView?
    var routes: [RouteView]
    var unavailable: [UnavailableView]
    var impossible: String?
    var timers: TimersView

    struct RouteView: Encodable {
        var route: String
        var channelId: String
        var channelKind: String
        var linked: Bool
        var until: Date?
        var reason: String

        init(_ planned: PlannedRoute) {
            route = planned.route.rawValue
            channelId = planned.channelID.rawValue
            channelKind = planned.channelKind.rawValue
            linked = planned.linked
            until = planned.until
            reason = planned.reason
        }
    }

    struct UnavailableView: Encodable {
        var route: String
        var channelId: String
        var reason: String
    }

    init(conversation: ConversationID, plan: DeliveryPlan, deadlines: [DeadlineKind: Date]) {
        conversationId = conversation.rawValue
        replyWindow = ReplyWindowView(plan.window)
        reply = plan.first.map(RouteView.init)
        routes = plan.routes.map(RouteView.init)
        unavailable = plan.unavailable.map { UnavailableView(route: $0.route.rawValue, channelId: $0.channelID.rawValue, reason: $0.reason) }
        impossible = plan.impossibleReason
        timers = TimersView(deadlines)
    }
}

struct MessageView: Encodable {
    var id: Int64
    var conversationId: Int64
    var channelId: String
    var direction: String
    var sender: MessageSender
    var content: MessageContent
    var platformMessageId: String?
    var status: DeliveryStatus
    /// The route a sent reply took: freeText, template, messageTag, push, liveSocket, heldForReturn, webPush, email.
    var route: String?
    /// Where a held web-chat reply was pushed back to the away visitor ("email to ana@example.com"),
    /// or why no route was left.
    var routeNote: String?
    var createdAt: Date

    init(_ message: Message) {
        id = message.id.rawValue
        conversationId = message.conversationID.rawValue
        channelId = message.channelID.rawValue
        direction = message.direction.rawValue
        sender = message.sender
        content = message.content
        platformMessageId = message.platformMessageID
        status = message.status
        route = message.route?.rawValue
        routeNote = message.routeNote
        createdAt = message.createdAt
    }
}

struct TransitionView: Encodable {
    var command: String
    var from: String
    var to: String
    var previousAssigneeId: Int64?
    var assigneeId: Int64?
    var actor: String
    var actorId: Int64?
    var at: Date

    init(_ transition: ConversationTransition) {
        command = transition.command.name
        from = transition.from.rawValue
        to = transition.to.rawValue
        previousAssigneeId = transition.previousAssignee?.rawValue
        assigneeId = transition.assignee?.rawValue
        switch transition.actor {
        case .contact(let id): actor = "contact"; actorId = id.rawValue
        case .agent(let id): actor = "agent"; actorId = id.rawValue
        case .bot: actor = "bot"
        case .system: actor = "system"
        }
        at = transition.at
    }
}

/// One event on the agent stream: `{"type": "message.created", "message": ..., "conversation": ...}`.
struct EventView: Encodable {
    var type: String
    var message: MessageView?
    var conversation: ConversationView?
    var transition: TransitionView?

    /// `countdowns` belong to the event's conversation, so the workbench's countdowns follow every change.
    init(_ event: DomainEvent, countdowns: ConversationCountdowns?) {
        type = event.type
        switch event {
        case .messageCreated(let message, let conversation):
            self.message = MessageView(message)
            self.conversation = ConversationView(conversation, countdowns: countdowns)
        case .messageUpdated(let message):
            self.message = MessageView(message)
        case .conversationCreated(let conversation):
            self.conversation = ConversationView(conversation, countdowns: countdowns)
        case .conversationUpdated(let conversation, let transition):
            self.conversation = ConversationView(conversation, countdowns: countdowns)
            self.transition = transition.map(TransitionView.init)
        }
    }
}

/// A message as the visitor's widget sees it: no internal ids beyond the cursor.
struct VisitorMessageView: Encodable {
    struct Sender: Encodable {
        var type: String
    }

    var id: Int64
    var direction: String
    var text: String
    var content: MessageContent
    var clientId: String?
    var sender: Sender
    var createdAt: Date

    init(_ message: Message) {
        id = message.id.rawValue
        direction = message.direction.rawValue
        text = message.content.previewText
        content = message.content
        clientId = message.direction == .inbound ? message.platformMessageID.map(VisitorMessageKey.clientID(from:)) : nil
        sender = Sender(type: message.sender.kindName)
        createdAt = message.createdAt
    }
}

struct ConversationList: Encodable { var conversations: [ConversationView] }
struct MessageList: Encodable { var messages: [MessageView] }
struct VisitorMessageList: Encodable { var messages: [VisitorMessageView] }
struct ErrorBody: Encodable { var error: String }

/// A channel as admins see it: never its credentials. `settings` are the channel's own;
/// `timers` the values in force (kind defaults, then `[channels.<kind>]` configuration, then the
/// channel's settings), durations written as settings are.
struct ChannelView: Encodable {
    struct Timers: Encodable {
        var idleTimeout: String
        var nudgeBefore: String
        var nudgeText: String
        var closeText: String
        var agentReplyTimeout: String
        var reopenWindow: String
    }

    var id: String
    var kind: String
    var name: String
    var webhookPath: String
    var settings: [String: String]
    var timers: Timers

    init(_ channel: Channel, effective: Channel) {
        let policy = effective.policy
        id = channel.id.rawValue
        kind = channel.kind.rawValue
        name = channel.name
        webhookPath = channel.webhookPath
        settings = channel.settings
        timers = Timers(
            idleTimeout: DurationText.format(policy.idleTimeout), nudgeBefore: DurationText.format(policy.nudgeBefore),
            nudgeText: policy.nudgeText, closeText: policy.closeText,
            agentReplyTimeout: DurationText.format(policy.agentReplyTimeout), reopenWindow: DurationText.format(policy.reopenWindow)
        )
    }
}
