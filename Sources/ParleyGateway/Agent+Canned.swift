import ParleyCore
import ParleyStore

extension Agent {
    /// A response scoped to a team is for its members; supervisors and admins use every one.
    func mayUse(_ response: CannedResponse) -> Bool {
        guard let team = response.team, !oversees else { return true }
        return teams.contains(team)
    }
}
