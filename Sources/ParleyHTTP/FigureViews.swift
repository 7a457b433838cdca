import Foundation
import ParleyCore
import ParleyStore

/// `GET /api/v1/supervisor/figures`: a row per team, one for conversations without a team, and
/// their total. Rates and averages are absent when nothing was counted for them.
struct FiguresView: Encodable {
    var since: Date
    var at: Date
    var teams: [TeamFiguresView]
    var noTeam: TeamFiguresView
    var total: TeamFiguresView

    init(_ figures: SupervisorFigures) {
        since = figures.since
        at = figures.at
        let rows = figures.teams.map { TeamFiguresView($0, of: figures, listsMembers: true) }
        teams = rows.filter { $0.team != nil }
        noTeam = rows.first { $0.team == nil } ?? TeamFiguresView(TeamFigures(team: nil, name: nil, members: []), of: figures, listsMembers: true)
        total = TeamFiguresView(figures.total, of: figures, listsMembers: false)
    }
}

struct TeamFiguresView: Encodable {
    struct TeamRef: Encodable {
        var id: Int64
        var name: String
    }

    struct Queue: Encodable {
        var length: Int
        var longestWaitSeconds: Double
    }

    struct Agents: Encodable {
        var online: Int
        var away: Int
        var offline: Int
        /// Chats the agents hold now, and how many the online ones can hold.
        var activeChats: Int
        var onlineCapacity: Int
        var members: [Member]?
    }

    struct Member: Encodable {
        var id: Int64
        var name: String
        var presence: String
        var activeChats: Int
        var capacity: Int
    }

    struct PickUp: Encodable {
        var entered: Int
        var pickedUp: Int
        var abandoned: Int
        var rate: Double?
    }

    struct Bot: Encodable {
        var opened: Int
        var handedOver: Int
        var resolved: Int
        var handOverRate: Double?
        var resolutionRate: Double?
    }

    struct FirstResponse: Encodable {
        var conversations: Int
        var averageSeconds: Double?
    }

    struct CSAT: Encodable {
        var responses: Int
        var average: Double?
        /// How many gave each score, "1" to "5".
        var scores: [String: Int]
    }

    var team: TeamRef?
    var queue: Queue
    var agents: Agents
    var pickUp: PickUp
    var bot: Bot
    var firstResponse: FirstResponse
    var csat: CSAT

    /// `listsMembers`: each member's presence and load besides the counts (not for the total).
    init(_ row: TeamFigures, of figures: SupervisorFigures, listsMembers: Bool) {
        if let id = row.team { team = TeamRef(id: id.rawValue, name: row.name ?? "") }
        queue = Queue(length: row.queued, longestWaitSeconds: row.longestWait(at: figures.at))
        let load = figures.load(of: row)
        agents = Agents(
            online: load.online, away: load.away, offline: load.offline, activeChats: load.activeChats, onlineCapacity: load.onlineCapacity,
            members: listsMembers
                ? figures.members(of: row).map {
                    Member(id: $0.id.rawValue, name: $0.name, presence: $0.presence, activeChats: $0.activeChats, capacity: $0.capacity)
                }
                : nil
        )
        pickUp = PickUp(entered: row.enteredQueue, pickedUp: row.pickedUp, abandoned: row.abandoned, rate: row.pickUpRate)
        bot = Bot(
            opened: row.botOpened, handedOver: row.handedOver, resolved: row.resolvedByBot, handOverRate: row.handOverRate,
            resolutionRate: row.botResolutionRate
        )
        firstResponse = FirstResponse(conversations: row.firstResponses, averageSeconds: row.averageFirstResponse)
        csat = CSAT(
            responses: row.ratingCount, average: row.averageRating,
            scores: Dictionary(uniqueKeysWithValues: zip(SurveyRating.scores.map(String.init), row.ratings))
        )
    }
}
