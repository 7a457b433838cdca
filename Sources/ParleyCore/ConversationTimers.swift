import Foundation

/// A channel's timer settings (CHANNELS.md §9 defaults, overridable per kind and per channel).
/// A zero duration switches that timer off.
public struct TimerSettings: Sendable, Equatable {
    public var idleTimeout: TimeInterval
    public var nudgeBefore: TimeInterval
    public var agentReplyTimeout: TimeInterval

    public init(idleTimeout: TimeInterval, nudgeBefore: TimeInterval = 0, agentReplyTimeout: TimeInterval = 0) {
        self.idleTimeout = idleTimeout
        self.nudgeBefore = nudgeBefore
        self.agentReplyTimeout = agentReplyTimeout
    }
}

/// Which timers a conversation runs and when each is due, from its state alone, so the store
/// can recompute them in the transaction of every event that changes them.
///
/// - **The idle clock counts customer silence only.** It runs from our last agent or bot
///   message while the customer has not answered it (`waitingSince == nil`); the nudge falls
///   `nudgeBefore` ahead of the close. System texts (the nudge itself, the close text) do not
///   restart it.
/// - **A customer waiting for us is never idle-closed.** From their first unanswered message
///   (`waitingSince`) the agent-reply timer runs instead, and escalates when it fires.
/// - By status: `bot` conversations idle-close (the bot answers at once, so it never owes an
///   answer); `assigned` run both clocks; `queued` run only the agent-reply clock (they wait for
///   a person: closing them for silence is exactly the complaint this prevents); `pending` (a
///   left message, answered in working hours) runs neither; `resolved` and `closed` none.
public enum ConversationTimers {
    public static func deadlines(for conversation: Conversation, settings: TimerSettings) -> [DeadlineKind: Date] {
        var due: [DeadlineKind: Date] = [:]
        let status = conversation.status
        if let waitingSince = conversation.waitingSince {
            if status == .queued || status == .assigned, settings.agentReplyTimeout > 0 {
                due[.agentReply] = waitingSince.addingTimeInterval(settings.agentReplyTimeout)
            }
        } else if let lastReply = conversation.lastReplyAt, status == .bot || status == .assigned, settings.idleTimeout > 0 {
            let close = lastReply.addingTimeInterval(settings.idleTimeout)
            due[.idleClose] = close
            if settings.nudgeBefore > 0, settings.nudgeBefore < settings.idleTimeout {
                due[.nudge] = close.addingTimeInterval(-settings.nudgeBefore)
            }
        }
        return due
    }
}
