import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing

/// The routing engine wired to the store: teams, presence and capacity decide who gets which
/// conversation, and the queue drains the moment capacity appears.
@Suite("Routing service")
struct RoutingServiceTests {
    private struct Floor {
        let harness: TestGateway
        let admin: Agent
        let channel: Channel
        let support: TeamRecord
        let sales: TeamRecord
        let ana: Agent
        let ben: Agent
        let cai: Agent
        let loop: Task<Void, any Error>

        /// Stops routing and removes the floor's database.
        func close() {
            loop.cancel()
            harness.removeFiles()
        }
    }

    /// Support (Ana, capacity 1; Ben, capacity 2) overflows to Sales (Cai, capacity 2) when nobody
    /// in Support is online; the recording channel's conversations wait in Support.
    /// On a fresh gateway; `close()` it when done.
    private func floor(overflowAfter: String? = nil, agentReplyTimeout: String = "0s", stickyWindow: String = "1h") async throws -> Floor {
        let harness = try TestGateway()
        do {
            return try await floor(on: harness, overflowAfter: overflowAfter, agentReplyTimeout: agentReplyTimeout, stickyWindow: stickyWindow)
        } catch {
            harness.removeFiles()
            throw error
        }
    }

    private func floor(on harness: TestGateway, overflowAfter: String?, agentReplyTimeout: String, stickyWindow: String) async throws -> Floor {
        let admin = try await harness.addAgent("admin@example.com", role: .admin)
        let channel = try await harness.addRecordingChannel(settings: ["apiBaseURL": "http://127.0.0.1:9", "agentReplyTimeout": agentReplyTimeout])
        let gateway = harness.gateway
        let sales = try await gateway.saveTeam(id: nil, name: "Sales", strategy: "least-busy", stickyWindow: nil, overflowTeam: nil, overflowAfter: nil, by: admin)
        let support = try await gateway.saveTeam(
            id: nil, name: "Support", strategy: "least-busy", stickyWindow: stickyWindow, overflowTeam: sales.id, overflowAfter: overflowAfter, by: admin
        )
        let ana = try await harness.addAgent("ana@example.com")
        let ben = try await harness.addAgent("ben@example.com")
        let cai = try await harness.addAgent("cai@example.com")
        for (agent, team, capacity) in [(ana, support, 1), (ben, support, 2), (cai, sales, 2)] {
            try await gateway.setTeamMembership(team: team.id, agent: agent.id, member: true, by: admin)
            try await gateway.setCapacity(capacity, of: agent.id, by: admin)
        }
        try await gateway.setChannelTeam(channel.id, team: support.id, by: admin)
        let loop = Task { try await gateway.routing.run() }
        return Floor(harness: harness, admin: admin, channel: channel, support: support, sales: sales, ana: ana, ben: ben, cai: cai, loop: loop)
    }

    private func write(_ floor: Floor, from customer: String, _ id: String) async throws -> ConversationID {
        _ = try await floor.harness.gateway.handleWebhook(channelID: floor.channel.id, request: floor.harness.recordingWebhook([(customer, id, "hello")]))
        return try #require(try await floor.harness.store.conversations(ConversationFilter(limit: 500)).first { $0.externalID == customer }?.id)
    }

    private func assignee(_ floor: Floor, _ id: ConversationID) async throws -> AgentID? {
        try await floor.harness.store.conversation(id)?.assignee
    }

    /// Polls until `condition` holds (the service works on its own task), failing after 5 s.
    private func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<500 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting until \(what)")
    }

    @Test func theQueueDrainsWhenAnAgentComesOnlineAChatEndsOrCapacityIsRaised() async throws {
        let floor = try await floor(overflowAfter: "1h")
        defer { floor.close() }
        let harness = floor.harness
        let gateway = harness.gateway
        try await gateway.setPresence("online", by: floor.ana)

        let first = try await write(floor, from: "c1", "m1")
        try await eventually("Ana has the first chat") { try await assignee(floor, first) == floor.ana.id }
        let second = try await write(floor, from: "c2", "m2")
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await assignee(floor, second) == nil, "Ana is at capacity 1 and Ben is offline")
        #expect(await gateway.routing.position(of: second) == 1)

        try await gateway.setPresence("online", by: floor.ben)
        try await eventually("Ben takes the waiting chat as he comes online") { try await assignee(floor, second) == floor.ben.id }

        let third = try await write(floor, from: "c3", "m3")
        try await eventually("Ben takes the third (Ana is full)") { try await assignee(floor, third) == floor.ben.id }
        let fourth = try await write(floor, from: "c4", "m4")
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await assignee(floor, fourth) == nil)

        _ = try await gateway.resolve(first, by: floor.ana)
        try await eventually("Ana's resolved chat frees her slot for the fourth") { try await assignee(floor, fourth) == floor.ana.id }

        let fifth = try await write(floor, from: "c5", "m5")
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await assignee(floor, fifth) == nil)
        try await gateway.setCapacity(2, of: floor.ana.id, by: floor.admin)
        try await eventually("raising Ana's capacity gives her the fifth") { try await assignee(floor, fifth) == floor.ana.id }
    }

    @Test func withNobodyOnlineInSupportAConversationOverflowsToSales() async throws {
        let floor = try await floor()
        defer { floor.close() }
        let harness = floor.harness
        try await harness.gateway.setPresence("online", by: floor.cai)

        let waiting = try await write(floor, from: "c1", "m1")
        try await eventually("Cai in Sales takes Support's overflow") { try await assignee(floor, waiting) == floor.cai.id }
    }

    /// Reopening within the channel's reopen window goes back to the same agent even when the team
    /// routes nobody sticky (0s); the sticky window adds new conversations of the same contact.
    @Test(arguments: ["1h", "0s"])
    func aCustomerWhoReopensGetsTheSameAgent(stickyWindow: String) async throws {
        let floor = try await floor(overflowAfter: "1h", stickyWindow: stickyWindow)
        defer { floor.close() }
        let harness = floor.harness
        let gateway = harness.gateway
        try await gateway.setCapacity(2, of: floor.ana.id, by: floor.admin)
        try await gateway.setPresence("online", by: floor.ben)
        let first = try await write(floor, from: "c1", "m1")
        try await eventually("Ben has it") { try await assignee(floor, first) == floor.ben.id }
        _ = try await gateway.resolve(first, by: floor.ben)
        try await gateway.setPresence("online", by: floor.ana)

        // Least-busy alone would pick either (both hold nothing); the sticky rule picks Ben.
        let again = try await write(floor, from: "c1", "m2")
        #expect(again == first, "within the reopen window the same conversation reopens")
        try await eventually("the reopened conversation goes back to Ben") { try await assignee(floor, again) == floor.ben.id }
    }

    @Test func aCustomerKeptWaitingIsTakenFromTheSlowAgentAndTheSupervisorIsTold() async throws {
        let floor = try await floor(overflowAfter: "1h", agentReplyTimeout: "10m")
        defer { floor.close() }
        let harness = floor.harness
        let gateway = harness.gateway
        let supervisor = try await harness.addAgent("sue@example.com", role: .supervisor)
        try await gateway.setPresence("online", by: floor.ana)
        try await gateway.setPresence("online", by: floor.ben)
        let waiting = try await write(floor, from: "c1", "m1")
        try await eventually("Ana (both idle, lower id) has the chat") { try await assignee(floor, waiting) == floor.ana.id }

        let events = gateway.bus.subscribe()
        harness.clock.advance(by: 10 * 60)
        #expect(await gateway.scheduler.fireDue() == 1)
        // Ana is free again and sticky for this contact, and least-busy ties; Ben still gets it.
        try await eventually("Ben takes the escalated chat") { try await assignee(floor, waiting) == floor.ben.id }

        let note = "Escalated: the customer waited 10m for an answer from ana@example.com; offered to the team again."
        var supervisorSaw: [String] = []
        for await event in events where event.conversationID == waiting {
            if let conversation = event.conversation { #expect(supervisor.canSee(conversation), "on the supervisor's stream") }
            switch event {
            case .conversationUpdated(_, let transition?) where transition.command == .escalate: supervisorSaw.append("escalated")
            case .messageCreated(let message, _) where message.direction == .note: supervisorSaw.append(message.content.previewText)
            default: break
            }
            if supervisorSaw.count == 2 { break }
        }
        #expect(supervisorSaw == ["escalated", note])
        let messages = try await gateway.messages(in: waiting, for: floor.ben, before: nil, limit: 50)
        #expect(messages.map(\.direction) == [.inbound, .note], "the note goes along to Ben; nothing was sent to the customer")
        #expect(messages.last?.content.previewText == note)
    }

    @Test func anEscalatedChatOverflowsWhenNobodyElseInTheTeamIsFree() async throws {
        let floor = try await floor(overflowAfter: "1h", agentReplyTimeout: "10m")
        defer { floor.close() }
        let harness = floor.harness
        let gateway = harness.gateway
        try await gateway.setPresence("online", by: floor.cai)
        try await gateway.setPresence("online", by: floor.ana)
        // Routing works changes off in order, so once Ana has the chat it also knows Cai is online.
        let waiting = try await write(floor, from: "c1", "m1")
        try await eventually("Ana has the chat") { try await assignee(floor, waiting) == floor.ana.id }

        harness.clock.advance(by: 10 * 60)
        #expect(await gateway.scheduler.fireDue() == 1)
        try await eventually("Cai, only in Sales, takes it rather than Ana again") { try await assignee(floor, waiting) == floor.cai.id }
    }

    private func customerSees(_ floor: Floor, _ id: ConversationID) async throws -> [String] {
        try await floor.harness.store.messages(in: id, before: nil, limit: 50).filter { $0.direction == .outbound }.map(\.content.previewText)
    }

    @Test func outsideBusinessHoursTheCustomerIsToldWhenTheTeamOpensAndTheChatWaitsInTheLeaveMessagePool() async throws {
        let floor = try await floor()
        defer { floor.close() }
        let harness = floor.harness
        let gateway = harness.gateway
        try await gateway.setPresence("online", by: floor.ana)
        // The clock reads Friday 2027-01-15 16:00 in Shanghai, a holiday; Monday is the next workday.
        let hours = TeamSchedule(
            timeZone: "Asia/Shanghai", weekly: Dictionary(uniqueKeysWithValues: ["mon", "tue", "wed", "thu", "fri"].map { ($0, ["09:00-18:00"]) }),
            holidays: ["2027-01-15"]
        )
        _ = try await gateway.saveTeam(
            id: floor.support.id, name: "Support", strategy: "least-busy", stickyWindow: nil, overflowTeam: nil, overflowAfter: nil,
            profile: TeamProfile(hours: hours), by: floor.admin
        )
        let waiting = try await write(floor, from: "c1", "m1")
        try await eventually("the conversation is left for later") { try await harness.store.conversation(waiting)?.status == .pending }
        #expect(try await customerSees(floor, waiting) == [
            "We're closed right now and open again on Monday at 09:00 (Asia/Shanghai). Leave your message here and we'll answer then.",
        ])
        #expect(try await assignee(floor, waiting) == nil, "Ana is online, but the team is closed")
        await #expect(throws: GatewayError.invalid(field: "hours.weekly.fri[0]", reason: "'9-18' is not HH:MM-HH:MM with the start before the end")) {
            _ = try await gateway.saveTeam(
                id: floor.support.id, name: "Support", strategy: "least-busy", stickyWindow: nil, overflowTeam: nil, overflowAfter: nil,
                profile: TeamProfile(hours: TeamSchedule(timeZone: "Asia/Shanghai", weekly: ["fri": ["9-18"]])), by: floor.admin
            )
        }
        await #expect(throws: GatewayError.invalid(field: "hours.timeZone", reason: "'Mars/Olympus' is not an IANA time zone such as Europe/Berlin")) {
            _ = try await gateway.saveTeam(
                id: floor.support.id, name: "Support", strategy: "least-busy", stickyWindow: nil, overflowTeam: nil, overflowAfter: nil,
                profile: TeamProfile(hours: TeamSchedule(timeZone: "Mars/Olympus", weekly: [:])), by: floor.admin
            )
        }
    }

    @Test func waitingCustomersAreToldTheirPlaceAndHearWhenItMovesUp() async throws {
        let floor = try await floor(overflowAfter: "1h")
        defer { floor.close() }
        let harness = floor.harness
        let gateway = harness.gateway
        try await gateway.setPresence("online", by: floor.ana)
        let first = try await write(floor, from: "c1", "m1")
        try await eventually("Ana has the first chat") { try await assignee(floor, first) == floor.ana.id }
        let second = try await write(floor, from: "c2", "m2")
        let third = try await write(floor, from: "c3", "m3")
        try await eventually("the third customer hears their place") { try await customerSees(floor, third).count == 1 }
        #expect(try await customerSees(floor, second) == ["Thanks for waiting. You are number 1 in line."])
        #expect(try await customerSees(floor, third) == ["Thanks for waiting. You are number 2 in line."])

        harness.clock.advance(by: 61)
        _ = try await gateway.resolve(first, by: floor.ana)
        try await eventually("Ana takes the second") { try await assignee(floor, second) == floor.ana.id }
        try await eventually("the third moves up") { try await customerSees(floor, third).count == 2 }
        #expect(try await customerSees(floor, third) == [
            "Thanks for waiting. You are number 2 in line.", "Thanks for waiting. You are number 1 in line.",
        ])
        #expect(try await customerSees(floor, second) == ["Thanks for waiting. You are number 1 in line."], "nothing once served")
    }

    @Test func withNobodyOnlineAnywhereTheCustomerIsToldOnceAndStillWaits() async throws {
        let floor = try await floor(overflowAfter: "1h")
        defer { floor.close() }
        let harness = floor.harness
        let waiting = try await write(floor, from: "c1", "m1")
        try await eventually("the customer is told") { try await customerSees(floor, waiting).count == 1 }
        #expect(try await customerSees(floor, waiting) == [
            "No one is available right now. Leave your message here and we'll answer as soon as someone is back.",
        ])
        _ = try await harness.gateway.handleWebhook(channelID: floor.channel.id, request: harness.recordingWebhook([("c1", "m2", "hello?")]))
        // Nobody was online in Support, so it overflowed to Sales, where Cai is the first back.
        try await harness.gateway.setPresence("online", by: floor.cai)
        try await eventually("Cai takes it when he comes online") { try await assignee(floor, waiting) == floor.cai.id }
        #expect(try await customerSees(floor, waiting).count == 1, "told once")
    }

    @Test func anAgentTransfersToAColleagueThenToAnotherTeamAndTheNotesGoAlong() async throws {
        let floor = try await floor(overflowAfter: "1h")
        defer { floor.close() }
        let harness = floor.harness
        let gateway = harness.gateway
        for agent in [floor.ana, floor.ben, floor.cai] { try await gateway.setPresence("online", by: agent) }
        let chat = try await write(floor, from: "c1", "m1")
        try await eventually("Ana has it") { try await assignee(floor, chat) == floor.ana.id }

        _ = try await gateway.addNote(to: chat, text: "Customer is upset about order 1234", by: floor.ana)
        let moved = try await gateway.transfer(chat, toAgent: floor.ben.id, toTeam: nil, note: "needs a refund", by: floor.ana)
        #expect(moved.status == .assigned && moved.assignee == floor.ben.id)
        await #expect(throws: GatewayError.notFound("conversation \(chat) not found"), "Ana no longer sees it") {
            _ = try await gateway.transfer(chat, toAgent: floor.ana.id, toTeam: nil, note: nil, by: floor.ana)
        }
        _ = try await gateway.transfer(chat, toAgent: nil, toTeam: floor.sales.id, note: nil, by: floor.ben)
        try await eventually("Cai in Sales gets it from the Sales queue") { try await assignee(floor, chat) == floor.cai.id }

        let thread = try await gateway.messages(in: chat, for: floor.cai, before: nil, limit: 50)
        #expect(thread.map(\.direction) == [.inbound, .note, .note, .note])
        #expect(thread.dropFirst().map(\.content.previewText) == [
            "Customer is upset about order 1234",
            "Transferred to ben@example.com by ana@example.com: needs a refund",
            "Moved to the Sales queue by ben@example.com.",
        ])
        #expect(thread.dropFirst().map(\.sender) == [.agent(floor.ana.id), .agent(floor.ana.id), .agent(floor.ben.id)])
        #expect(try await customerSees(floor, chat).isEmpty, "notes never reach the customer")
    }

    @Test func aTransferNeverOverloadsAnAgentAndNamesWhatIsWrong() async throws {
        let floor = try await floor(overflowAfter: "1h")
        defer { floor.close() }
        let harness = floor.harness
        let gateway = harness.gateway
        try await gateway.setPresence("online", by: floor.ana)
        let chat = try await write(floor, from: "c1", "m1")
        try await eventually("Ana has it") { try await assignee(floor, chat) == floor.ana.id }
        try await gateway.setCapacity(0, of: floor.ben.id, by: floor.admin)

        await #expect(throws: GatewayError.conflict("agent \(floor.ben.id) is at capacity (0 of 0 chats)")) {
            _ = try await gateway.transfer(chat, toAgent: floor.ben.id, toTeam: nil, note: nil, by: floor.ana)
        }
        await #expect(throws: GatewayError.invalid(field: "agentId", reason: "give exactly one of agentId and teamId")) {
            _ = try await gateway.transfer(chat, toAgent: floor.ben.id, toTeam: floor.sales.id, note: nil, by: floor.ana)
        }
        await #expect(throws: GatewayError.invalid(field: "teamId", reason: "no team 99")) {
            _ = try await gateway.transfer(chat, toAgent: nil, toTeam: TeamID(99), note: nil, by: floor.ana)
        }
        await #expect(throws: GatewayError.invalid(field: "text", reason: "must not be empty")) {
            _ = try await gateway.addNote(to: chat, text: "  ", by: floor.ana)
        }
        #expect(try await assignee(floor, chat) == floor.ana.id, "nothing moved")
        #expect(try await harness.store.messages(in: chat, before: nil, limit: 50).count == 1, "and no note was written")
    }

    @Test func twoHundredConcurrentConversationsNeverOverfillAnAgentOrAssignTwice() async throws {
        let floor = try await floor(overflowAfter: "1h")
        defer { floor.close() }
        let harness = floor.harness
        let gateway = harness.gateway
        for agent in [floor.ana, floor.ben] {
            try await gateway.setCapacity(5, of: agent.id, by: floor.admin)
            try await gateway.setPresence("online", by: agent)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    _ = try await gateway.handleWebhook(
                        channelID: floor.channel.id, request: harness.recordingWebhook([("c\(index)", "m\(index)", "hi")])
                    )
                }
            }
            try await group.waitForAll()
        }
        try await eventually("ten chats are assigned") {
            try await harness.store.conversations(ConversationFilter(status: .assigned, limit: 500)).count == 10
        }
        try await Task.sleep(for: .milliseconds(200))
        let assigned = try await harness.store.conversations(ConversationFilter(status: .assigned, limit: 500))
        #expect(assigned.count == 10)
        #expect(assigned.filter { $0.assignee == floor.ana.id }.count == 5)
        #expect(assigned.filter { $0.assignee == floor.ben.id }.count == 5)
        let loads = try await harness.store.agentLoads([floor.ana.id, floor.ben.id])
        #expect(loads.map(\.activeChats) == [5, 5])
    }

    @Test func badTeamSettingsAreRefusedNamingTheField() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let admin = try await harness.addAgent("admin@example.com", role: .admin)
        let agent = try await harness.addAgent("ana@example.com")
        let gateway = harness.gateway
        await #expect(throws: GatewayError.invalid(field: "strategy", reason: "'fastest' is not one of least-busy, round-robin, manual-claim")) {
            _ = try await gateway.saveTeam(id: nil, name: "Sales", strategy: "fastest", stickyWindow: nil, overflowTeam: nil, overflowAfter: nil, by: admin)
        }
        await #expect(throws: GatewayError.invalid(field: "stickyWindow", reason: "'soon' is not a duration such as 90s, 15m, 2h or 0s")) {
            _ = try await gateway.saveTeam(id: nil, name: "Sales", strategy: "round-robin", stickyWindow: "soon", overflowTeam: nil, overflowAfter: nil, by: admin)
        }
        await #expect(throws: GatewayError.forbidden("only admins configure teams")) {
            _ = try await gateway.saveTeam(id: nil, name: "Sales", strategy: "round-robin", stickyWindow: nil, overflowTeam: nil, overflowAfter: nil, by: agent)
        }
        await #expect(throws: GatewayError.invalid(field: "presence", reason: "'busy' is not one of online, away, offline")) {
            try await gateway.setPresence("busy", by: agent)
        }
        #expect(try await gateway.teams(for: admin).isEmpty, "nothing was written")
    }
}
