import Foundation
import ParleyCore

/// A waiting conversation's place in its team's queue: rank (priority rules), then original wait,
/// then id, so the order is total and the same on every node.
struct QueueKey: Comparable, Hashable, Sendable {
    var rank: UInt8
    var enqueuedAt: Date
    var conversation: ConversationID

    static func < (lhs: QueueKey, rhs: QueueKey) -> Bool {
        (lhs.rank, lhs.enqueuedAt, lhs.conversation) < (rhs.rank, rhs.enqueuedAt, rhs.conversation)
    }
}
