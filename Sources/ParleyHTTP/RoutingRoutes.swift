import Foundation
import Hummingbird
import ParleyCore
import ParleyGateway
import ParleyStore

/// Teams, presence and capacity under `/api/v1` (see docs/openapi.yaml): admins configure teams
/// and map channels to them, supervisors set capacity, every agent sets their own presence.
struct RoutingRoutes {
    let gateway: Gateway

    private struct TeamBody: Decodable {
        var name: String
        var strategy: String?
        var stickyWindow: String?
        var overflowTeamId: Int64?
        var overflowAfter: String?
        var hours: HoursBody?
        var priority: PriorityBody?
        /// Texts left out take their defaults (`TeamTexts` decodes that way).
        var texts: TeamTexts?
        /// Present (even `{}`): the team has a bot, with these settings over the defaults.
        var bot: BotBody?

        /// What the body sets; anything left out takes its default (PUT replaces the settings).
        var profile: TeamProfile {
            let defaults = TeamProfile()
            return TeamProfile(
                hours: hours.map { TeamSchedule(timeZone: $0.timeZone, weekly: $0.weekly ?? [:], holidays: $0.holidays ?? []) },
                priority: TeamPriority(
                    vipFirst: priority?.vipFirst ?? defaults.priority.vipFirst,
                    returningAfterFailedQueueFirst: priority?.returningAfterFailedQueueFirst ?? defaults.priority.returningAfterFailedQueueFirst,
                    repeatVisitorsFirst: priority?.repeatVisitorsFirst ?? defaults.priority.repeatVisitorsFirst
                ),
                texts: texts ?? defaults.texts,
                bot: bot.map { body in
                    TeamBot(
                        external: body.external ?? false, threshold: body.threshold ?? TeamBot.defaultThreshold,
                        missesBeforeHandOver: body.missesBeforeHandOver ?? TeamBot.defaultMissesBeforeHandOver,
                        handOverPhrases: body.handOverPhrases ?? TeamBot.defaultHandOverPhrases,
                        missText: body.missText ?? TeamBot.defaultMissText, handOverText: body.handOverText ?? TeamBot.defaultHandOverText
                    )
                }
            )
        }
    }

    private struct HoursBody: Decodable {
        var timeZone: String
        var weekly: [String: [String]]?
        var holidays: [String]?
    }

    private struct PriorityBody: Decodable {
        var vipFirst: Bool?
        var returningAfterFailedQueueFirst: Bool?
        var repeatVisitorsFirst: Bool?
    }

    private struct BotBody: Decodable {
        var external: Bool?
        var threshold: Double?
        var missesBeforeHandOver: Int?
        var handOverPhrases: [String]?
        var missText: String?
        var handOverText: String?
    }

    private struct TeamList: Encodable {
        var teams: [TeamView]
    }

    private struct ChannelTeamBody: Decodable {
        var teamId: Int64?
    }

    private struct PresenceBody: Decodable {
        var presence: String
    }

    private struct CapacityBody: Decodable {
        var capacity: Int
    }

    private struct AgentLoadView: Encodable {
        var id: Int64
        var email: String
        var name: String
        var role: String
        var presence: String
        var capacity: Int
        var activeChats: Int
        var teams: [Int64]
    }

    private struct AgentList: Encodable {
        var agents: [AgentLoadView]
    }

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1").add(middleware: AgentAuthenticator(gateway: gateway))
        api.get("teams") { _, context in
            try JSONCoding.response(TeamList(teams: try await gateway.teams(for: try context.requireAgent()).map(TeamView.init)))
        }
        api.post("teams") { request, context in
            let body = try await JSONCoding.decodeBody(TeamBody.self, from: request)
            let team = try await save(body, id: nil, by: try context.requireAgent())
            return try JSONCoding.response(TeamView(team), status: .created)
        }
        api.put("teams/{id}") { request, context in
            let body = try await JSONCoding.decodeBody(TeamBody.self, from: request)
            let team = try await save(body, id: try Self.id(context, "id", TeamID.init, "team"), by: try context.requireAgent())
            return try JSONCoding.response(TeamView(team))
        }
        api.put("teams/{id}/members/{agentId}") { _, context in
            try await gateway.setTeamMembership(
                team: try Self.id(context, "id", TeamID.init, "team"), agent: try Self.id(context, "agentId", AgentID.init, "agent"),
                member: true, by: try context.requireAgent()
            )
            return Response(status: .noContent)
        }
        api.delete("teams/{id}/members/{agentId}") { _, context in
            try await gateway.setTeamMembership(
                team: try Self.id(context, "id", TeamID.init, "team"), agent: try Self.id(context, "agentId", AgentID.init, "agent"),
                member: false, by: try context.requireAgent()
            )
            return Response(status: .noContent)
        }
        api.put("channels/{id}/team") { request, context in
            let body = try await JSONCoding.decodeBody(ChannelTeamBody.self, from: request)
            try await gateway.setChannelTeam(
                ChannelID(try context.parameters.require("id")), team: body.teamId.map(TeamID.init), by: try context.requireAgent()
            )
            return Response(status: .noContent)
        }
        api.get("agents") { _, context in
            let loads = try await gateway.agentLoads(for: try context.requireAgent())
            return try JSONCoding.response(AgentList(agents: loads.map { agent, load in
                AgentLoadView(
                    id: agent.id.rawValue, email: agent.email, name: agent.name, role: agent.role.rawValue, presence: load.presence,
                    capacity: load.capacity, activeChats: load.activeChats, teams: load.teams.map(\.rawValue)
                )
            }))
        }
        api.put("agents/me/presence") { request, context in
            let body = try await JSONCoding.decodeBody(PresenceBody.self, from: request)
            try await gateway.setPresence(body.presence, by: try context.requireAgent())
            return Response(status: .noContent)
        }
        api.put("agents/{id}/capacity") { request, context in
            let body = try await JSONCoding.decodeBody(CapacityBody.self, from: request)
            try await gateway.setCapacity(body.capacity, of: try Self.id(context, "id", AgentID.init, "agent"), by: try context.requireAgent())
            return Response(status: .noContent)
        }
    }

    private func save(_ body: TeamBody, id: TeamID?, by agent: Agent) async throws -> TeamRecord {
        try await gateway.saveTeam(
            id: id, name: body.name, strategy: body.strategy ?? "least-busy", stickyWindow: body.stickyWindow,
            overflowTeam: body.overflowTeamId.map(TeamID.init), overflowAfter: body.overflowAfter, profile: body.profile, by: agent
        )
    }

    private static func id<ID>(_ context: AppRequestContext, _ name: String, _ make: (Int64) -> ID, _ what: String) throws -> ID {
        let text = try context.parameters.require(name)
        guard let value = Int64(text) else { throw GatewayError.notFound("\(what) \(text) not found") }
        return make(value)
    }
}
