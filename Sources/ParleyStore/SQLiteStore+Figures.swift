import Foundation
import GRDB
import ParleyCore

/// The supervisor figures, counted in SQL. Every window reads an index that starts at its time
/// (`conversation_events_by_time`, the partial `messages_agent_replies`, `csat_responses_by_time`)
/// and then looks each conversation up by id, so a scrape costs what happened in the window,
/// not the history. `INDEXED BY` pins those indexes: without statistics SQLite prefers to walk
/// a by-conversation index whole to save the sort of a GROUP BY, which reads every event or
/// message ever stored. A conversation counts in the row of the team it waits in now: its own,
/// else its channel's.
extension SQLiteStore: FiguresRepository {
    private static let team = "COALESCE(c.team_id, ch.team_id)"
    private static let teamJoin = "JOIN conversations c ON c.id = q.conversation_id JOIN channels ch ON ch.id = c.channel_id"

    public func supervisorFigures(since: Date, at now: Date) async throws -> SupervisorFigures {
        try await pool.read { db in
            let teams = try Self.teams(db, where: nil)
            let names = Dictionary(
                try Row.fetchAll(db, sql: "SELECT id, name FROM agents").map { (AgentID($0["id"]), $0["name"] as String) }, uniquingKeysWith: { $1 }
            )
            let agents = try Self.agentLoads(db, nil).map {
                AgentFigures(id: $0.id, name: names[$0.id] ?? "", presence: $0.presence, capacity: $0.capacity, activeChats: $0.activeChats, teams: $0.teams)
            }
            var rows: [Int64?: TeamFigures] = [nil: TeamFigures(team: nil, name: nil, members: agents.filter(\.teams.isEmpty).map(\.id))]
            for team in teams { rows[team.id.rawValue] = TeamFigures(team: team.id, name: team.name, members: team.members) }
            let window: StatementArguments = ["since": since.timeIntervalSince1970]
            func each(_ sql: String, _ arguments: StatementArguments = [:], _ apply: (inout TeamFigures, Row) -> Void) throws {
                for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                    let team: Int64? = row["team"]
                    apply(&rows[team, default: TeamFigures(team: team.map(TeamID.init), name: nil, members: [])], row)
                }
            }
            try each("""
                SELECT \(Self.team) AS team, COUNT(*) AS queued, MIN(COALESCE(c.waiting_since, c.updated_at)) AS since
                FROM conversations c JOIN channels ch ON ch.id = c.channel_id WHERE c.status = 'queued' GROUP BY 1
                """) { figures, row in
                figures.queued = row["queued"]
                figures.waitingSince = Columns.date(row["since"])
            }
            // Entered the queue: any event into `queued` (opened there, handed over by the bot,
            // reopened, released, escalated). Picked up: an agent took it from the queue or the
            // leave-message pool afterwards; abandoned: closed from either (always `abandoned`).
            try each("""
                SELECT \(Self.team) AS team, COUNT(*) AS entered,
                       SUM(EXISTS (SELECT 1 FROM conversation_events a WHERE a.conversation_id = q.conversation_id AND a.command = 'assign'
                                   AND a.from_status IN ('queued', 'pending') AND a.at >= q.first_at)) AS picked_up,
                       SUM(EXISTS (SELECT 1 FROM conversation_events a WHERE a.conversation_id = q.conversation_id AND a.command = 'close'
                                   AND a.from_status IN ('queued', 'pending') AND a.at >= q.first_at)) AS abandoned
                FROM (SELECT conversation_id, MIN(at) AS first_at FROM conversation_events INDEXED BY conversation_events_by_time
                      WHERE at >= :since AND to_status = 'queued' GROUP BY conversation_id) q
                \(Self.teamJoin) GROUP BY 1
                """, window) { figures, row in
                figures.enteredQueue = row["entered"]
                figures.pickedUp = row["picked_up"]
                figures.abandoned = row["abandoned"]
            }
            // A conversation never returns to `bot`: one that left it resolved or closed was never handed over.
            try each("""
                SELECT \(Self.team) AS team, COUNT(*) AS opened,
                       SUM(EXISTS (SELECT 1 FROM conversation_events h WHERE h.conversation_id = q.conversation_id AND h.command = 'hand_over')) AS handed_over,
                       SUM(EXISTS (SELECT 1 FROM conversation_events r WHERE r.conversation_id = q.conversation_id
                                   AND r.command IN ('resolve', 'close') AND r.from_status = 'bot')) AS resolved
                FROM conversation_events q INDEXED BY conversation_events_by_time \(Self.teamJoin)
                WHERE q.at >= :since AND q.command = 'open' AND q.to_status = 'bot' GROUP BY 1
                """, window) { figures, row in
                figures.botOpened = row["opened"]
                figures.handedOver = row["handed_over"]
                figures.resolvedByBot = row["resolved"]
            }
            // Conversations with an agent reply in the window whose first agent reply is in it,
            // timed from the customer's first message (one that an agent wrote first is left out).
            try each("""
                SELECT team, COUNT(*) AS answered, SUM(first_reply - first_message) AS seconds FROM (
                    SELECT \(Self.team) AS team,
                           (SELECT created_at FROM messages m WHERE m.conversation_id = q.conversation_id
                            AND m.direction = 'outbound' AND m.sender_kind = 'agent' ORDER BY m.id LIMIT 1) AS first_reply,
                           (SELECT created_at FROM messages m WHERE m.conversation_id = q.conversation_id
                            AND m.direction = 'inbound' ORDER BY m.id LIMIT 1) AS first_message
                    FROM (SELECT DISTINCT conversation_id FROM messages INDEXED BY messages_agent_replies
                          WHERE created_at >= :since AND direction = 'outbound' AND sender_kind = 'agent') q
                    \(Self.teamJoin))
                WHERE first_reply >= :since AND first_message <= first_reply GROUP BY 1
                """, window) { figures, row in
                figures.firstResponses = row["answered"]
                figures.firstResponseSeconds = row["seconds"]
            }
            try each("SELECT team_id AS team, score, COUNT(*) AS count FROM csat_responses WHERE at >= :since GROUP BY 1, 2", window) { figures, row in
                let score: Int = row["score"]
                if SurveyRating.scores.contains(score) { figures.ratings[score - 1] = row["count"] }
            }
            let noTeam = rows.removeValue(forKey: .none) ?? TeamFigures(team: nil, name: nil, members: [])
            let ordered = rows.sorted { ($0.key ?? 0) < ($1.key ?? 0) }.map(\.value) + [noTeam]
            return SupervisorFigures(since: since, at: now, teams: ordered, agents: agents)
        }
    }
}
