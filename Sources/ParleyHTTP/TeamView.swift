import Foundation
import ParleyCore
import ParleyStore

/// A team as `/api/v1/teams` answers it and `parleyd team` prints it: durations written as
/// they are set (`30m`), members by id.
public struct TeamView: Encodable, Sendable {
    public var id: Int64
    public var name: String
    public var strategy: String
    public var stickyWindow: String
    public var overflowTeamId: Int64?
    public var overflowAfter: String
    public var members: [Int64]
    public var hours: TeamSchedule?
    public var priority: TeamPriority
    public var texts: TeamTexts
    public var bot: TeamBot?

    public init(_ team: TeamRecord) {
        id = team.id.rawValue
        name = team.name
        strategy = team.strategy
        stickyWindow = DurationText.format(team.stickyWindow)
        overflowTeamId = team.overflowTeam?.rawValue
        overflowAfter = DurationText.format(team.overflowAfter)
        members = team.members.map(\.rawValue)
        hours = team.profile.hours
        priority = team.profile.priority
        texts = team.profile.texts
        bot = team.profile.bot
    }
}
