import Foundation
import ParleyCore
import ParleyTesting
import Testing
@testable import WhatsAppConnector

@Suite("WhatsApp media downloads")
struct WhatsAppMediaTests {
    @Test func onlyWhatsAppMediaIdsAreDownloaded() throws {
        let whatsapp = try WhatsAppFixtures.connector()
        #expect(whatsapp.mustDownload(MediaReference(location: "whatsapp-media:1479537139650973")))
        #expect(!whatsapp.mustDownload(MediaReference(location: "https://example.com/a.jpg")))
        #expect(!whatsapp.mustDownload(MediaReference(location: "/api/v1/media/3")))
    }

    @Test func theMediaIdIsLookedUpThenItsURLFetchedWithTheToken() async throws {
        try await withGraphAPI { api, transport in
            let whatsapp = try WhatsAppFixtures.connector(api)
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("pretend jpeg".utf8)
            await api.state.addMedia(id: "1479537139650973", mimeType: "image/jpeg", bytes: jpeg)
            let download = await whatsapp.download(MediaReference(location: "whatsapp-media:1479537139650973"), transport: transport)
            #expect(download == .file(bytes: jpeg, mimeType: "image/jpeg"))
            let requests = await api.state.requests
            #expect(requests.map(\.path) == ["/v25.0/1479537139650973", "/whatsapp_business/attachments/"])
            #expect(requests.map(\.authorization) == Array(repeating: "Bearer \(WhatsAppFixtures.accessToken)", count: 2))
            #expect(requests.last?.query["mid"] == "1479537139650973")
        }
    }

    @Test func expiredIdsFailAndOutagesAreRetried() async throws {
        try await withGraphAPI { api, transport in
            let whatsapp = try WhatsAppFixtures.connector(api)
            #expect(await whatsapp.download(MediaReference(location: "whatsapp-media:404404"), transport: transport) == .failed(
                reason: "WhatsApp no longer has media 404404 (HTTP 400: Unsupported get request. Object with ID '404404' does not exist (code 100, subcode 33))"
            ))
            await api.state.script([.serverError])
            guard case .retryLater = await whatsapp.download(MediaReference(location: "whatsapp-media:1"), transport: transport) else {
                Issue.record("a 500 must be retried")
                return
            }
            #expect(await whatsapp.download(MediaReference(location: "whatsapp-media:../../me"), transport: transport)
                == .failed(reason: "'../../me' is not a WhatsApp media id"))
        }
    }

    @Test func theTokenIsNeverSentToAHostThatIsNotMetas() async throws {
        try await withGraphAPI { api, transport in
            let whatsapp = try WhatsAppFixtures.connector(api)
            await api.state.addMedia(id: "11", mimeType: "image/jpeg", bytes: [1], url: "https://attacker.example/steal")
            await api.state.addMedia(id: "12", mimeType: "image/jpeg", bytes: [1], url: "http://169.254.169.254/latest/meta-data/")
            await api.state.addMedia(id: "13", mimeType: "image/jpeg", bytes: [1], url: "https://lookaside.fbsbx.com.attacker.example/x")
            #expect(await whatsapp.download(MediaReference(location: "whatsapp-media:11"), transport: transport)
                == .failed(reason: "WhatsApp media 11 not fetched: the media URL's host attacker.example is not the platform's"))
            #expect(await whatsapp.download(MediaReference(location: "whatsapp-media:12"), transport: transport)
                == .failed(reason: "WhatsApp media 12 not fetched: media is only fetched over https, not http"))
            guard case .failed = await whatsapp.download(MediaReference(location: "whatsapp-media:13"), transport: transport) else {
                Issue.record("a look-alike host must be refused")
                return
            }
            #expect(await api.state.downloads.isEmpty)
        }
    }
}
