import ParleyCore

/// The actions of the event being handled, and for each team whose queue changed the earliest
/// position affected, folded into one `queueMoved` per team at the end.
struct DecisionLog: Sendable {
    var actions: [RoutingAction] = []
    /// Few teams change per event, so a small array beats a dictionary.
    private var moved: [(team: TeamID, from: Int)] = []

    mutating func append(_ action: RoutingAction) { actions.append(action) }

    /// Positions from `position` (1-based) on changed in `team`'s queue.
    mutating func queueChanged(_ team: TeamID, at position: Int) {
        if let index = moved.firstIndex(where: { $0.team == team }) {
            moved[index].from = min(moved[index].from, position)
        } else {
            moved.append((team, position))
        }
    }

    /// The actions followed by a `queueMoved` for each team where someone's position changed (a change
    /// past the end of a queue moved nobody), teams in id order; the log is empty again afterwards.
    mutating func finish(teams: [TeamID: TeamState]) -> [RoutingAction] {
        var result = actions
        for change in moved.sorted(by: { $0.team < $1.team }) where change.from <= teams[change.team]?.queue.count ?? 0 {
            result.append(.queueMoved(change.team, fromPosition: change.from))
        }
        actions.removeAll()
        moved.removeAll()
        return result
    }
}
