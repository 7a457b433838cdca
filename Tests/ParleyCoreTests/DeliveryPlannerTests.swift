import Foundation
import ParleyCore
import Testing

@Suite("Delivery planner")
struct DeliveryPlannerTests {
    private let now = Date(timeIntervalSince1970: 1_800_000_000)
    private let hour: TimeInterval = 3600

    private func identity(
        _ kind: ChannelKind, id: String? = nil, wrote: TimeInterval? = nil, replies: Int = 0, optedOut: Bool = false,
        outOfWindow: OutOfWindowCapability? = nil
    ) -> ReachableIdentity {
        let policy = ChannelPolicy.defaults(for: kind)
        return ReachableIdentity(
            channelID: ChannelID(id ?? "ch_\(kind.rawValue)"), kind: kind, policy: policy,
            outOfWindow: outOfWindow ?? OutOfWindowCapability(policy: policy, kind: kind),
            lastCustomerMessageAt: wrote.map { now.addingTimeInterval(-$0) }, repliesSinceCustomerMessage: replies, optedOut: optedOut
        )
    }

    private func plan(_ home: ReachableIdentity, visitor: VisitorReach = .unknown, linked: [ReachableIdentity] = []) -> DeliveryPlan {
        DeliveryPlanner.plan(home: home, visitor: visitor, linked: linked, now: now)
    }

    private let template = OutOfWindowCapability.available(.template, lasting: nil)
    private let humanAgent = OutOfWindowCapability.available(.messageTag, lasting: 7 * 24 * 3600)

    @Test func whatsAppIsFreeTextInsideItsWindowAndTheTemplateAtAndAfterItsEdge() {
        let inside = plan(identity(.whatsapp, wrote: 24 * hour - 1, outOfWindow: template))
        #expect(inside.window.state == .open && inside.window.closesAt == now.addingTimeInterval(1))
        #expect(inside.routes.map(\.route) == [.freeText, .template], "the template stays as the fallback if Meta says the window closed")
        #expect(inside.first?.until == now.addingTimeInterval(1))

        for silence in [24 * hour, 30 * 24 * hour] {
            let outside = plan(identity(.whatsapp, wrote: silence, outOfWindow: template))
            #expect(outside.window.state == .closed && outside.window.closesAt == nil)
            #expect(outside.routes.map(\.route) == [.template])
        }
        let untemplated = plan(identity(.whatsapp, wrote: 25 * hour, outOfWindow: .unavailable(reason: "no approved template is configured")))
        #expect(untemplated.routes.isEmpty)
        #expect(untemplated.impossibleReason == "the customer hasn't written on WhatsApp for 1d, so its reply window is closed; no approved template is configured")
    }

    @Test func weChatCountsFiveRepliesThenOnlyTheTemplate() {
        let fourth = plan(identity(.wechat, wrote: hour, replies: 4, outOfWindow: template))
        #expect(fourth.window.remainingSends == 1 && fourth.first?.route == .freeText)
        #expect(fourth.first?.reason == "inside WeChat's reply window, 1 of 5 replies left")

        let used = plan(identity(.wechat, wrote: hour, replies: 5, outOfWindow: template))
        #expect(used.window.state == .quotaUsed && used.window.remainingSends == 0)
        #expect(used.routes.map(\.route) == [.template])

        let noTemplate = plan(identity(.wechat, wrote: hour, replies: 5, outOfWindow: .unavailable(reason: "no template message is configured")))
        #expect(noTemplate.routes.isEmpty)
        #expect(noTemplate.unavailable.map(\.route) == [.freeText, .template])

        let edge = plan(identity(.wechat, wrote: 48 * hour, outOfWindow: template))
        #expect(edge.window.state == .closed && edge.first?.route == .template, "48 h after the last message the window is shut")
    }

    @Test func messengerTagsAfterTheWindowUntilTheTagsOwnWindowEnds() {
        let inside = plan(identity(.messenger, wrote: 23 * hour, outOfWindow: humanAgent))
        #expect(inside.routes.map(\.route) == [.freeText, .messageTag])

        let tagged = plan(identity(.messenger, wrote: 3 * 24 * hour, outOfWindow: humanAgent))
        #expect(tagged.first?.route == .messageTag && tagged.first?.until == now.addingTimeInterval(4 * 24 * hour))
        #expect(tagged.window.fallback == .available(.messageTag, until: now.addingTimeInterval(4 * 24 * hour)))

        let past = plan(identity(.messenger, wrote: 7 * 24 * hour, outOfWindow: humanAgent))
        #expect(past.routes.isEmpty && past.window.fallback == .expired(.messageTag, at: now))
        #expect(past.impossibleReason?.contains("HUMAN_AGENT-tagged message window has passed too") == true)

        let untagged = plan(identity(.messenger, wrote: 25 * hour))
        #expect(untagged.routes.isEmpty && untagged.impossibleReason?.contains("no message tag is enabled on the channel") == true)

        let never = plan(identity(.messenger, outOfWindow: humanAgent))
        #expect(never.window.state == .notOpened && never.routes.isEmpty)
    }

    @Test func windowlessChannelsAlwaysTakeTheirOwnAPI() {
        #expect(plan(identity(.telegram, wrote: 400 * hour)).routes.map(\.route) == [.freeText])
        #expect(plan(identity(.line)).routes.map(\.route) == [.push], "LINE pushes even to a customer who never wrote since")
        let sms = plan(identity(.sms, wrote: 90 * 24 * hour))
        #expect(sms.window.state == .always && sms.routes.map(\.route) == [.freeText])
    }

    @Test func anSMSCustomerWhoSentStopIsReachedOnlyElsewhere() {
        let stopped = identity(.sms, wrote: hour, optedOut: true)
        #expect(plan(stopped).routes.isEmpty)
        #expect(plan(stopped).impossibleReason == "the customer opted out of SMS messages (STOP); they must send START first")

        let withTelegram = plan(stopped, linked: [identity(.telegram, wrote: 30 * 24 * hour)])
        #expect(withTelegram.first?.route == .freeText && withTelegram.first?.channelKind == .telegram && withTelegram.first?.linked == true)
        #expect(withTelegram.first?.reason == "linked Telegram channel: Telegram accepts messages at any time")
    }

    @Test func aWebVisitorIsReachedLiveElseOnReturnThenByPushThenEmailThenALinkedChannel() {
        let web = identity(.webchat, wrote: hour)
        #expect(plan(web, visitor: VisitorReach(connected: true)).routes.map(\.route) == [.liveSocket])

        let away = plan(web, visitor: VisitorReach(connected: false, pushSubscriptions: 1, email: "ana@example.com"),
                        linked: [identity(.whatsapp, wrote: 2 * hour, outOfWindow: template)])
        #expect(away.routes.map(\.route) == [.heldForReturn, .webPush, .email, .freeText])
        #expect(away.routes.last?.channelKind == .whatsapp && away.routes.last?.linked == true)

        let bare = plan(web, visitor: VisitorReach(connected: false))
        #expect(bare.routes.map(\.route) == [.heldForReturn])
        #expect(bare.unavailable.map(\.reason) == ["the visitor has not allowed notifications", "the visitor left no email address"])

        let noSMTP = plan(web, visitor: VisitorReach(connected: false, email: "ana@example.com", mailConfigured: false))
        #expect(noSMTP.routes.map(\.route) == [.heldForReturn])
        #expect(noSMTP.unavailable.last?.reason
            == "the visitor left the address ana@example.com, but this server has no SMTP server to send from (PARLEY_SMTP_URL)")
    }

    @Test func linkedChannelsComeMostRecentlyUsedFirstAndSkipTheirOwnDeadEnds() {
        let home = identity(.wechat, wrote: 100 * hour, outOfWindow: .unavailable(reason: "no template message is configured"))
        let linked = [
            identity(.telegram, id: "ch_old", wrote: 50 * hour),
            identity(.line, id: "ch_recent", wrote: hour),
            identity(.messenger, id: "ch_closed", wrote: 30 * hour),
            identity(.webchat, id: "ch_web", wrote: 0),
        ]
        let result = plan(home, linked: linked)
        #expect(result.routes.map(\.channelID.rawValue) == ["ch_recent", "ch_old"], "Messenger is closed without its tag; web chat reaches no one who is away")
        #expect(result.routes.allSatisfy { $0.linked })
        #expect(result.unavailable.contains { $0.channelID == ChannelID("ch_closed") })
    }

    @Test func noRouteLeftNamesEveryReason() {
        let home = identity(.whatsapp, wrote: 48 * hour, outOfWindow: .unavailable(reason: "no approved template is configured"))
        let result = plan(home, linked: [identity(.sms, wrote: hour, optedOut: true)])
        #expect(result.first == nil)
        #expect(result.impossibleReason == """
            the customer hasn't written on WhatsApp for 1d, so its reply window is closed; no approved template is configured; \
            linked SMS channel: the customer opted out of SMS messages (STOP); they must send START first
            """)
    }
}
