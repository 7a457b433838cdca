import Foundation

/// Which customers jump the queue, each rule switchable per team. Enabled rules rank in this order —
/// VIP, then a customer back after a failed queue earlier today, then a repeat visitor — and wait
/// time (original enqueue time, oldest first) decides within a rank; conversation id breaks ties.
public struct PriorityRules: Sendable, Equatable, Codable {
    /// Contacts tagged VIP first.
    public var vipFirst: Bool
    /// A customer who gave up waiting (or left a message) earlier the same local day comes back ahead
    /// of people who have not waited yet.
    public var returningAfterFailedQueueFirst: Bool
    /// Contacts who have talked to the business before ahead of first-time visitors.
    public var repeatVisitorsFirst: Bool

    public init(vipFirst: Bool = true, returningAfterFailedQueueFirst: Bool = true, repeatVisitorsFirst: Bool = true) {
        self.vipFirst = vipFirst
        self.returningAfterFailedQueueFirst = returningAfterFailedQueueFirst
        self.repeatVisitorsFirst = repeatVisitorsFirst
    }

    /// Every rule off: strictly first come, first served.
    public static let waitTimeOnly = PriorityRules(vipFirst: false, returningAfterFailedQueueFirst: false, repeatVisitorsFirst: false)

    /// The entry's rank, lower first. One bit per rule, the most important rule the highest bit, so a
    /// VIP repeat visitor outranks a VIP first-timer and every VIP outranks every non-VIP.
    /// `calendar` is the team's, so "earlier today" means the team's local day.
    func rank(of entry: QueueEntry, calendar: Calendar) -> UInt8 {
        var rank: UInt8 = 0
        if !(vipFirst && entry.isVIP) { rank |= 0b100 }
        if !(returningAfterFailedQueueFirst && entry.failedEarlierToday(calendar: calendar)) { rank |= 0b010 }
        if !(repeatVisitorsFirst && entry.isRepeatVisitor) { rank |= 0b001 }
        return rank
    }
}
