import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyStore
import Testing

@Suite("Media route")
struct MediaRouteTests {
    /// A downloaded file is served only to agents who may see its conversation, with its type.
    @Test func downloadedMediaIsServedToAgentsWhoMaySeeIt() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        let channel = try await app.harness.addRecordingChannel()
        _ = try await app.harness.addAgent("bob@example.com")
        let now = app.harness.clock.now()
        let picture = InboundMessage(
            externalUserID: "u1", platformMessageID: "pic-1",
            content: .image(MediaReference(location: "wechat-media:M1", mimeType: "image/jpeg")), sentAt: now
        )
        let stored = try await app.harness.store.ingest([
            IngestItem(channelID: channel.id, reopenWindow: 600, message: picture, receivedAt: now, downloadsMedia: true),
        ])
        let receipt = try stored[0].get().receipt
        let job = try #require(try await app.harness.store.dueMediaDownloads(now: now, limit: 10).first)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
        let message = try await app.harness.store.completeMediaDownload(job, bytes: png, mimeType: "image/png", at: now)
        #expect(message.content == .image(MediaReference(location: "/api/v1/media/\(receipt.messageID.rawValue)", mimeType: "image/png")))

        try await app.application().test(.router) { client in
            let path = "/api/v1/media/\(receipt.messageID.rawValue)"
            let admin = try await client.login("admin@example.com")
            try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(admin)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(Array(response.body.readableBytesView) == png)
            }
            #expect(try await client.json(path).status == 401)
            #expect(try await client.json("/api/v1/conversations/\(receipt.conversationID.rawValue)/assign", method: .post, token: admin, body: #"{"agentId":"me"}"#).status == 200)
            let bob = try await client.login("bob@example.com")
            #expect(try await client.json(path, token: bob).status == 404, "bob may not see the admin's conversation")
            #expect(try await client.json("/api/v1/media/999999", token: admin).status == 404)
        }
    }
}
