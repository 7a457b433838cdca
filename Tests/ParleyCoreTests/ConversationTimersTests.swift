import Foundation
import ParleyCore
import Testing

@Suite("Conversation timers")
struct ConversationTimersTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)
    private let settings = TimerSettings(idleTimeout: 15 * 60, nudgeBefore: 5 * 60, agentReplyTimeout: 3 * 60)

    private func conversation(_ status: ConversationStatus, lastReplyAt: Date? = nil, waitingSince: Date? = nil) -> Conversation {
        Conversation(
            id: ConversationID(1), channelID: ChannelID("ch"), contactID: ContactID(1), identityID: IdentityID(1), externalID: "c",
            state: ConversationState(status: status, assignee: status == .assigned ? AgentID(1) : nil),
            createdAt: start, updatedAt: start, lastReplyAt: lastReplyAt, waitingSince: waitingSince
        )
    }

    @Test func silenceAfterOurReplyRunsTheNudgeThenTheClose() {
        let replied = start.addingTimeInterval(60)
        for status in [ConversationStatus.assigned, .bot] {
            #expect(ConversationTimers.deadlines(for: conversation(status, lastReplyAt: replied), settings: settings) == [
                .nudge: replied.addingTimeInterval(10 * 60), .idleClose: replied.addingTimeInterval(15 * 60),
            ], "\(status)")
        }
    }

    /// The third complaint: a customer waiting for us is never idle-closed, only escalated.
    @Test func aWaitingCustomerIsEscalatedNeverClosed() {
        let wrote = start.addingTimeInterval(120)
        let waiting = conversation(.assigned, lastReplyAt: start, waitingSince: wrote)
        #expect(ConversationTimers.deadlines(for: waiting, settings: settings) == [.agentReply: wrote.addingTimeInterval(180)])
        #expect(ConversationTimers.deadlines(for: conversation(.queued, waitingSince: wrote), settings: settings) == [
            .agentReply: wrote.addingTimeInterval(180),
        ])
    }

    @Test func eachStatusFollowsItsOwnRules() {
        let wrote = start
        // The bot answers at once; a left message waits for working hours; finished ones run nothing.
        #expect(ConversationTimers.deadlines(for: conversation(.bot, waitingSince: wrote), settings: settings).isEmpty)
        #expect(ConversationTimers.deadlines(for: conversation(.pending, waitingSince: wrote), settings: settings).isEmpty)
        #expect(ConversationTimers.deadlines(for: conversation(.pending, lastReplyAt: wrote), settings: settings).isEmpty)
        #expect(ConversationTimers.deadlines(for: conversation(.queued, lastReplyAt: wrote), settings: settings).isEmpty)
        for status in [ConversationStatus.resolved, .closed] {
            #expect(ConversationTimers.deadlines(for: conversation(status, lastReplyAt: wrote), settings: settings).isEmpty)
            #expect(ConversationTimers.deadlines(for: conversation(status, waitingSince: wrote), settings: settings).isEmpty)
        }
        // Nobody has written to a customer who has not written either.
        #expect(ConversationTimers.deadlines(for: conversation(.assigned), settings: settings).isEmpty)
    }

    @Test func zeroSwitchesATimerOffAndANudgeMustFallBeforeTheClose() {
        let replied = start
        let noIdle = TimerSettings(idleTimeout: 0, nudgeBefore: 60, agentReplyTimeout: 0)
        #expect(ConversationTimers.deadlines(for: conversation(.assigned, lastReplyAt: replied), settings: noIdle).isEmpty)
        #expect(ConversationTimers.deadlines(for: conversation(.assigned, waitingSince: replied), settings: noIdle).isEmpty)
        let nudgeTooEarly = TimerSettings(idleTimeout: 300, nudgeBefore: 300)
        #expect(ConversationTimers.deadlines(for: conversation(.assigned, lastReplyAt: replied), settings: nudgeTooEarly) == [
            .idleClose: replied.addingTimeInterval(300),
        ])
    }

    @Test func policySettingsReachTheTimers() {
        let policy = ChannelPolicy.defaults(for: .webchat).overridden(by: [
            "idleTimeout": "90s", "nudgeBefore": "30s", "agentReplyTimeout": "0s", "nudgeText": "Still there?", "closeText": "",
        ])
        #expect(policy.timers == TimerSettings(idleTimeout: 90, nudgeBefore: 30, agentReplyTimeout: 0))
        #expect(policy.nudgeText == "Still there?" && policy.closeText.isEmpty)
        #expect(ChannelPolicy.defaults(for: .wechat).timers == TimerSettings(idleTimeout: 3600, nudgeBefore: 300, agentReplyTimeout: 600))
    }
}
