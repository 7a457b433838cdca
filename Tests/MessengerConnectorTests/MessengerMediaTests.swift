import Foundation
import ParleyCore
import ParleyTesting
import Testing
@testable import MessengerConnector

@Suite("Messenger attachment downloads")
struct MessengerMediaTests {
    @Test func attachmentURLsAreDownloadedOnReceipt() throws {
        let messenger = try MessengerFixtures.connector()
        #expect(messenger.mustDownload(MediaReference(location: "https://scontent.xx.fbcdn.net/v/p.jpg")))
        #expect(!messenger.mustDownload(MediaReference(location: "/api/v1/media/5")))
    }

    @Test func anAttachmentIsFetchedWithoutTheToken() async throws {
        try await withPageAPI { api, transport in
            let messenger = try MessengerFixtures.connector(api)
            await api.state.addAttachment(name: "p.jpg", contentType: "image/jpeg", bytes: [0xFF, 0xD8, 1, 2])
            #expect(await messenger.download(MediaReference(location: "\(api.baseURL)/cdn/p.jpg"), transport: transport)
                == .file(bytes: [0xFF, 0xD8, 1, 2], mimeType: "image/jpeg"))
            let request = try #require(await api.state.requests.first)
            #expect(request.path == "/cdn/p.jpg" && request.authorization == nil)
            #expect(await messenger.download(MediaReference(location: "\(api.baseURL)/cdn/gone.jpg"), transport: transport)
                == .failed(reason: "the Messenger attachment is gone or its URL has expired (HTTP 404)"))
        }
    }

    @Test func urlsIntoTheGatewaysOwnNetworkAreRefused() async throws {
        try await withPageAPI { api, transport in
            // The fake listens on 127.0.0.1, so a Page using Meta's real hosts must never reach it.
            let production = try MessengerFixtures.connector()
            await api.state.addAttachment(name: "secret", contentType: "text/plain", bytes: Array("internal".utf8))
            #expect(await production.download(MediaReference(location: "https://127.0.0.1:\(api.port)/cdn/secret"), transport: transport)
                == .failed(reason: "Messenger attachment not fetched: the media URL points at a private or local address (127.0.0.1)"))
            #expect(await production.download(MediaReference(location: "http://127.0.0.1:\(api.port)/cdn/secret"), transport: transport)
                == .failed(reason: "Messenger attachment not fetched: media is only fetched over https, not http"))
            // Even with apiBaseURL on 127.0.0.1, the cloud metadata address stays out of reach.
            let local = try MessengerFixtures.connector(api)
            #expect(await local.download(MediaReference(location: "https://169.254.169.254/latest/meta-data/iam"), transport: transport)
                == .failed(reason: "Messenger attachment not fetched: the media URL points at a private or local address (169.254.169.254)"))
            #expect(await local.download(MediaReference(location: "https://scontent.fbcdn.net.evil.example/p.jpg"), transport: transport)
                == .failed(reason: "Messenger attachment not fetched: the media URL's host scontent.fbcdn.net.evil.example is not the platform's"))
            #expect(await api.state.downloads.isEmpty)
        }
    }
}
