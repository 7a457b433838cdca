import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing

@Suite("Update poller")
struct UpdatePollerTests {
    private static func page(_ updates: [(String, String, String)], next: String) -> ScriptedTransport.Step {
        let items = updates.map { #"{"from":"\#($0.0)","id":"\#($0.1)","text":"\#($0.2)"}"# }.joined(separator: ",")
        return .respond(TransportResponse(status: 200, body: Array(#"{"updates":[\#(items)],"next":"\#(next)"}"#.utf8)))
    }

    /// Updates are stored before the cursor that confirms them is saved; a failed poll keeps the
    /// cursor; updates fetched again are not stored twice.
    @Test func cursorAdvancesOnlyAfterTheUpdatesAreStored() async throws {
        let transport = ScriptedTransport([
            Self.page([("ann", "u1", "hello"), ("bob", "u2", "hi")], next: "3"),
            .respond(TransportResponse(status: 502)),
            Self.page([("bob", "u2", "hi"), ("ann", "u3", "still there?")], next: "4"),
        ])
        let harness = try TestGateway(transport: transport)
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel(settings: ["apiBaseURL": "http://127.0.0.1:9", "mode": "polling"])
        let connector = try #require(try await harness.gateway.registry.connector(for: channel.id) as? any PollingConnector)
        let poller = UpdatePoller(gateway: harness.gateway, transport: transport, wait: 0, pauseAfterFailure: .zero)

        #expect(await poller.pollOnce(connector) == 0)
        #expect(try await harness.store.pollCursor(channel.id) == "3")
        #expect(await poller.pollOnce(connector) == 1, "a 502 asks for a pause")
        #expect(try await harness.store.pollCursor(channel.id) == "3")
        #expect(await poller.pollOnce(connector) == 0)
        #expect(try await harness.store.pollCursor(channel.id) == "4")

        #expect(await transport.requests.map(\.url) == [
            "http://127.0.0.1:9/updates", "http://127.0.0.1:9/updates?after=3", "http://127.0.0.1:9/updates?after=3",
        ])
        var texts: [String] = []
        for conversation in try await harness.store.conversations(ConversationFilter()) {
            texts += try await harness.store.messages(in: conversation.id, before: nil, limit: 10).map(\.content.previewText)
        }
        #expect(texts.sorted() == ["hello", "hi", "still there?"])
    }
}
