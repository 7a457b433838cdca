import Foundation
import ParleyCore
import ParleyStore

/// The supervisor figures as Prometheus gauges, appended to `/metrics`.
///
/// They are counted from the store on each scrape and written out directly rather than held in
/// the registry: registered gauges would keep the series of a renamed team and cannot say "no
/// value" for a rate with nothing counted, which is left out here instead. Rates, averages and
/// ratings cover the last 24 hours (`Gateway.figuresWindow`). A row's `team` label is the team's
/// name, empty for conversations without a team; agents are labelled by id only, since
/// `/metrics` asks no token.
enum FigureMetrics {
    private struct Family {
        var name: String
        var help: String
        var samples: [(labels: [(String, String)], value: Double?)]
    }

    static func render(_ figures: SupervisorFigures) -> String {
        let rows = figures.teams.map { (team: $0.name ?? "", row: $0, load: figures.load(of: $0)) }
        func perTeam(_ name: String, _ help: String, _ value: (TeamFigures, TeamLoad) -> Double?) -> Family {
            Family(name: name, help: help, samples: rows.map { ([("team", $0.team)], value($0.row, $0.load)) })
        }
        func perAgent(_ name: String, _ help: String, _ value: (AgentFigures) -> Double) -> Family {
            Family(name: name, help: help, samples: figures.agents.map { ([("agent", String($0.id.rawValue))], value($0)) })
        }
        let families = [
            perTeam("parley_team_queue_length", "Conversations waiting in the team's queue now.") { row, _ in Double(row.queued) },
            perTeam("parley_team_longest_wait_seconds", "How long the customer waiting longest in the queue has waited.") { row, _ in
                row.longestWait(at: figures.at)
            },
            perTeam("parley_team_agents_online", "Members of the team who are online.") { _, load in Double(load.online) },
            perTeam("parley_team_active_chats", "Chats the team's members hold now.") { _, load in Double(load.activeChats) },
            perTeam("parley_team_online_capacity", "Chats the team's online members can hold at once.") { _, load in Double(load.onlineCapacity) },
            perTeam("parley_team_pick_up_ratio", "Share of conversations that entered the queue in the last 24 h and were taken by an agent.") { row, _ in
                row.pickUpRate
            },
            perTeam("parley_bot_hand_over_ratio", "Share of conversations the bot opened in the last 24 h that it handed to a person.") { row, _ in
                row.handOverRate
            },
            perTeam("parley_bot_resolution_ratio", "Share of conversations the bot opened in the last 24 h that ended without a hand-over.") { row, _ in
                row.botResolutionRate
            },
            perTeam("parley_first_response_seconds_avg", "Average time from the customer's first message to the first agent reply, for first replies in the last 24 h.") {
                row, _ in row.averageFirstResponse
            },
            perTeam("parley_csat_average", "Average satisfaction score (1-5) given in the last 24 h.") { row, _ in row.averageRating },
            perTeam("parley_csat_responses", "Satisfaction ratings given in the last 24 h.") { row, _ in Double(row.ratingCount) },
            Family(
                name: "parley_csat_score_responses", help: "Satisfaction ratings given in the last 24 h, per score.",
                samples: rows.flatMap { entry in
                    zip(SurveyRating.scores, entry.row.ratings).map { ([("team", entry.team), ("score", String($0))], Double($1)) }
                }
            ),
            perAgent("parley_agent_active_chats", "Chats the agent holds now.") { Double($0.activeChats) },
            perAgent("parley_agent_capacity", "Chats the agent can hold at once.") { Double($0.capacity) },
            Family(
                name: "parley_agent_presence", help: "1 for the agent's presence now (online, away or offline).",
                samples: figures.agents.map { ([("agent", String($0.id.rawValue)), ("presence", $0.presence)], 1) }
            ),
        ]
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) gauge\n"
            for sample in family.samples {
                guard let value = sample.value else { continue }
                let labels = sample.labels.map { "\($0.0)=\"\(escaped($0.1))\"" }.joined(separator: ",")
                text += "\(family.name){\(labels)} \(number(value))\n"
            }
        }
        return text
    }

    /// Label values escape backslash, double quote and line feed (exposition format 0.0.4).
    private static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole numbers without a fraction (`300`, not `300.0`); others as Swift prints them.
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
