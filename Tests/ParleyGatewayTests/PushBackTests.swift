import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing

/// A web visitor who left before the agent's answer: the answer waits for their return, and
/// when they stay away past `offlineFallbackAfter` it is pushed back to them — Web Push, then
/// email, then nothing left (it still waits in the chat), each step visible on the message.
@Suite("Offline push-back")
struct PushBackTests {
    private static let p256dh = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    private static let auth = "BTBZMqHH6r4Tts7J_aSIgg"
    private static let endpoint = "https://fcm.googleapis.com/fcm/send/abc123"

    private struct Visit {
        let harness: TestGateway
        let channel: Channel
        let agent: Agent
        let token: String
        let visitorID: String
        let conversation: Conversation
    }

    /// A web-chat channel with a 2-minute fallback, a visitor who wrote once and closed the tab,
    /// and an agent who has taken the conversation.
    private func visit(_ harness: TestGateway, subscribed: Bool = true, email: String? = nil) async throws -> Visit {
        let channel = try await harness.administration.addChannel(
            kind: .webchat, name: "Acme Shop", credentials: [:], settings: ["offlineFallbackAfter": "2m"]
        )
        let agent = try await harness.administration.addAgent(email: "li@example.com", name: "Li Wei", password: "password123", role: .admin)
        let session = try await harness.gateway.visitorSession(channelID: channel.id, existingToken: nil)
        let body = Array(#"{"clientId":"c1","text":"Where is my parcel?"}"#.utf8)
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: WebhookRequest(
            method: .post, path: "/hooks/\(channel.id)", headers: [("Authorization", "Bearer \(session.token)")], body: body,
            publicBaseURL: "https://parley.example"
        ))
        if subscribed {
            let subscription = #"{"endpoint":"\#(Self.endpoint)","keys":{"p256dh":"\#(Self.p256dh)","auth":"\#(Self.auth)"}}"#
            try await harness.gateway.subscribeToPush(channelID: channel.id, token: session.token, subscription: Array(subscription.utf8))
        }
        if let email {
            try await harness.gateway.saveVisitorEmail(channelID: channel.id, token: session.token, email: email, name: "Ana")
        }
        let conversation = try #require(try await harness.store.conversations(ConversationFilter()).first)
        _ = try await harness.gateway.assign(conversation.id, to: agent.id, by: agent)
        return Visit(harness: harness, channel: channel, agent: agent, token: session.token, visitorID: session.visitorID, conversation: conversation)
    }

    /// The agent answers while the visitor is away; the reply is held for their return.
    private func answerWhileAway(_ visit: Visit, _ text: String = "It left our warehouse this morning.") async throws -> Message {
        let reply = try await visit.harness.gateway.reply(to: visit.conversation.id, text: text, by: visit.agent)
        await visit.harness.gateway.dispatcher.drainDue()
        let held = try #require(try await message(reply.id, in: visit))
        #expect(held.route == .heldForReturn && held.status == .sent)
        return held
    }

    private func message(_ id: MessageID, in visit: Visit) async throws -> Message? {
        try await visit.harness.store.messages(in: visit.conversation.id, before: nil, limit: 50).first { $0.id == id }
    }

    /// Time passes; the scheduler fires what is due and the push-back dispatcher works it off.
    private func wait(_ seconds: TimeInterval, _ visit: Visit) async {
        visit.harness.clock.advance(by: seconds)
        await visit.harness.gateway.scheduler.fireDue()
        while await visit.harness.gateway.pushBackDispatcher.drainDue() > 0 {}
    }

    @Test func aVisitorWhoStaysAwayIsNotifiedInTheirBrowserAfterTheFallbackDelay() async throws {
        let push = RecordingWebPush()
        let harness = try TestGateway(webPush: push)
        defer { harness.removeFiles() }
        let visit = try await visit(harness)
        let held = try await answerWhileAway(visit)
        #expect(try await harness.store.deadlines(of: visit.conversation.id)[.offlineFallback] == harness.clock.now().addingTimeInterval(120))

        await wait(119, visit)
        #expect(push.pushes.isEmpty, "not before offlineFallbackAfter")

        await wait(1, visit)
        let sent = try #require(push.pushes.first)
        #expect(push.pushes.count == 1 && sent.endpoint == Self.endpoint)
        #expect(sent.json["title"] as? String == "New reply from Acme Shop")
        #expect(sent.json["body"] as? String == "It left our warehouse this morning.")
        #expect(sent.json["url"] as? String == "https://parley.example/chat/\(visit.channel.id)#parley-token=\(visit.token)")
        #expect(sent.json["messageIds"] as? [Int] == [Int(held.id.rawValue)])
        #expect(sent.topic == "conversation-\(visit.conversation.id.rawValue)")

        let after = try #require(try await message(held.id, in: visit))
        #expect(after.route == .webPush && after.routeNote == "Web Push to 1 browser" && after.status == .sent)

        await wait(3600, visit)
        #expect(push.pushes.count == 1, "each held reply is pushed back once")
    }

    @Test func aVisitorWhoComesBackInTimeGetsNoNotification() async throws {
        let push = RecordingWebPush()
        let harness = try TestGateway(webPush: push)
        defer { harness.removeFiles() }
        let visit = try await visit(harness)
        let held = try await answerWhileAway(visit)

        harness.clock.advance(by: 60)
        // Their widget reconnects and its feed hands them the reply.
        await harness.gateway.markDelivered(held)
        await wait(600, visit)
        #expect(push.pushes.isEmpty)
        #expect(try await message(held.id, in: visit)?.status == .delivered)
    }

    @Test func aGoneSubscriptionIsDeletedAndTheReplyGoesByEmailWithAReopenLink() async throws {
        let push = RecordingWebPush()
        push.answerNext(.subscriptionGone(status: 410))
        let mailer = RecordingMailer()
        let harness = try TestGateway(webPush: push, mail: PushBackMail(mailer: mailer, from: MailAddress("help@acme.example")!))
        defer { harness.removeFiles() }
        let visit = try await visit(harness, email: "ana@example.com")
        let held = try await answerWhileAway(visit, "Your refund was approved.\nIt reaches your card in 3 days.")

        await wait(120, visit)
        #expect(push.pushes.count == 1)
        #expect(try await harness.store.pushSubscriptions(channel: visit.channel.id, visitor: visit.visitorID).isEmpty, "410 deletes it")
        let mail = try #require(mailer.sent.first)
        #expect(mailer.sent.count == 1 && mail.to.map(\.address) == ["ana@example.com"])
        #expect(mail.subject == "New reply from Acme Shop")
        #expect(mail.text.contains("Li Wei from Acme Shop replied:\n\nYour refund was approved.\nIt reaches your card in 3 days."))
        #expect(mail.text.contains("You: Where is my parcel?"))
        #expect(mail.text.contains("Continue the conversation: https://parley.example/chat/\(visit.channel.id)#parley-token=\(visit.token)"))

        let after = try #require(try await message(held.id, in: visit))
        #expect(after.route == .email && after.routeNote == "email to ana@example.com" && after.status == .delivered)
    }

    @Test func aTemporaryMailFailureIsRetriedOnTheSameRoute() async throws {
        let mailer = RecordingMailer()
        mailer.failNext(with: MailError(kind: .cannotConnect, reason: "cannot connect to mail.acme.example:587", isTemporary: true))
        let harness = try TestGateway(webPush: RecordingWebPush(), mail: PushBackMail(mailer: mailer, from: MailAddress("help@acme.example")!))
        defer { harness.removeFiles() }
        let visit = try await visit(harness, subscribed: false, email: "ana@example.com")
        let held = try await answerWhileAway(visit)

        await wait(120, visit)
        #expect(mailer.sent.isEmpty)
        #expect(try await message(held.id, in: visit)?.route == .heldForReturn)
        await wait(1, visit)  // the retry policy's first delay
        #expect(mailer.sent.count == 1)
        #expect(try await message(held.id, in: visit)?.route == .email)
    }

    @Test func withNoRouteLeftTheReplySaysWhyAndStillWaitsInTheChat() async throws {
        let harness = try TestGateway(webPush: RecordingWebPush())
        defer { harness.removeFiles() }
        let visit = try await visit(harness, subscribed: false)
        let held = try await answerWhileAway(visit)

        await wait(120, visit)
        let after = try #require(try await message(held.id, in: visit))
        #expect(after.route == .heldForReturn && after.status == .sent)
        #expect(after.routeNote == """
            no route reached the visitor while they were away: the visitor has not allowed notifications; \
            the visitor left no email address. The reply waits in the chat for their return.
            """)
    }

    @Test func aBadAddressIsRefusedNamingTheField() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addWebChat()
        let session = try await harness.gateway.visitorSession(channelID: channel.id, existingToken: nil)
        await #expect(throws: GatewayError.invalid(field: "email", reason: "'ana@' is not an email address such as ana@example.com")) {
            try await harness.gateway.saveVisitorEmail(channelID: channel.id, token: session.token, email: "ana@", name: nil)
        }
    }
}
