/// A conversation in some team's queue, with the keys it is filed under there (kept so removal
/// finds it by binary search without recomputing ranks under a since-changed config).
struct QueuedConversation: Sendable {
    var entry: QueueEntry
    var key: QueueKey
    var waitKey: WaitKey { WaitKey(enteredTeamAt: entry.enteredTeamAt, conversation: entry.conversationID) }
}
