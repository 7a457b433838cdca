import Foundation
import ParleyCore

/// A waiting conversation ordered by how long it has been in its current team, for the overflow
/// wait threshold (the queue order cannot answer "who has waited longest here" once VIPs jump it).
struct WaitKey: Comparable, Hashable, Sendable {
    var enteredTeamAt: Date
    var conversation: ConversationID

    static func < (lhs: WaitKey, rhs: WaitKey) -> Bool {
        (lhs.enteredTeamAt, lhs.conversation) < (rhs.enteredTeamAt, rhs.conversation)
    }
}
