import Foundation
import GRDB
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

/// The survey's rows: what resolving writes, what a rating writes, and that both survive what
/// the store does to teams and contacts later.
@Suite("Survey store")
struct SurveyStoreTests {
    private func item(_ channel: ChannelID, from user: String, id: String, text: String, at time: Date) -> IngestItem {
        IngestItem(
            channelID: channel, reopenWindow: 600,
            message: InboundMessage(externalUserID: user, displayName: nil, platformMessageID: id, content: .text(text), sentAt: time),
            receivedAt: time
        )
    }

    @Test func aTeamSavedBeforeTheSurveyTextsExistedKeepsItsTextsAndGetsTheSurveyDefaults() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let team = try await harness.store.saveTeam(
            id: nil, name: "Old", strategy: "least-busy", stickyWindow: 0, overflowTeam: nil, overflowAfter: 0, profile: TeamProfile(),
            at: harness.clock.now()
        )
        // The profile as 0014_team_profile wrote it: three texts, no survey.
        try await harness.store.pool.write { db in
            try db.execute(
                sql: "UPDATE teams SET profile = ? WHERE id = ?",
                arguments: [##"{"priority":{"vipFirst":false,"returningAfterFailedQueueFirst":true,"repeatVisitorsFirst":true},"texts":{"queue":"#{{position}}","closed":"","noAgent":"nobody"}}"##, team.id.rawValue]
            )
        }
        let read = try #require(try await harness.store.teams().first)
        #expect(!read.profile.priority.vipFirst)
        #expect(read.profile.texts == TeamTexts(queue: "#{{position}}", closed: "", noAgent: "nobody"))
        #expect(read.profile.texts.survey == TeamTexts.defaultSurvey)
    }

    @Test func aRatedContactMergesIntoAnotherWithItsRating() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let agent = try await harness.addAgent("ana@example.com")
        let start = harness.clock.now()
        let first = try await harness.store.ingest([item(channel.id, from: "u1", id: "1", text: "help", at: start)])[0].get().receipt
        let timers = TimerSettings(idleTimeout: 0)
        _ = try await harness.store.apply(.assign(agent.id), to: first.conversationID, by: .agent(agent.id), timers: timers, at: start)
        let resolved = try await harness.store.resolve(first.conversationID, by: .agent(agent.id), timers: timers, answerWindow: 3600, at: start)
        #expect(resolved.survey?.content == .text(TeamTexts.defaultSurvey))
        #expect(resolved.conversation.status == .resolved)

        let answer = try await harness.store.ingest([item(channel.id, from: "u1", id: "2", text: "3", at: start.addingTimeInterval(60))])[0].get()
        #expect(answer.queuedSends)
        #expect(answer.receipt.conversationID == first.conversationID)
        #expect(try await harness.store.rating(of: first.conversationID) == CustomerRating(score: 3, at: start.addingTimeInterval(60)))

        let other = try await harness.store.ingest([item(channel.id, from: "u2", id: "3", text: "hi", at: start)])[0].get().receipt
        let rated = try #require(try await harness.store.conversation(first.conversationID)?.contactID)
        let kept = try #require(try await harness.store.conversation(other.conversationID)?.contactID)
        try await harness.store.mergeContacts(rated, into: kept)
        let owner = try await harness.store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT contact_id FROM csat_responses") }
        #expect(owner == kept.rawValue)
    }
}

