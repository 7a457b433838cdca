import Foundation
import ParleyCore
import ParleyHTTP
import ParleyTesting
import Testing
@testable import TelegramConnector

@Suite("Telegram media downloads against a fake Bot API")
struct TelegramMediaTests {
    private func withAPI(_ body: (FakeTelegramAPI, TelegramConnector, any HTTPTransport) async throws -> Void) async throws {
        try await withPlatform(try await FakeTelegramAPI(botToken: TelegramFixtures.botToken)) { api, transport in
            try await body(api, try TelegramFixtures.connector(settings: ["apiBaseURL": api.baseURL]), transport)
        }
    }

    @Test func onlyTelegramFileIDsAreDownloaded() throws {
        let telegram = try TelegramFixtures.connector()
        #expect(telegram.mustDownload(MediaReference(location: "telegram-file:AgAC")))
        #expect(!telegram.mustDownload(MediaReference(location: "https://cdn.example.com/x.jpg")))
        #expect(!telegram.mustDownload(MediaReference(location: "/api/v1/media/3")))
    }

    @Test func aPhotoFromAnUpdateIsFetchedThroughGetFile() async throws {
        try await withAPI { api, telegram, transport in
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("pretend jpeg".utf8)
            await api.state.addFile(id: "AgAC-large", path: "photos/file_7.jpg", bytes: jpeg, contentType: "image/jpeg")
            // The media reference exactly as the webhook decoder produced it.
            let request = TelegramFixtures.request(TelegramFixtures.message(
                #""photo":[{"file_id":"AgAC-small","file_unique_id":"a","width":90,"height":67},{"file_id":"AgAC-large","file_unique_id":"b","width":800,"height":600}]"#
            ))
            guard case .message(let message) = try telegram.decode(request).first, let media = message.content.media else {
                Issue.record("no photo decoded")
                return
            }
            #expect(telegram.mustDownload(media))
            #expect(await telegram.download(media, transport: transport) == .file(bytes: jpeg, mimeType: "image/jpeg"))
            let requests = await api.state.requests
            #expect(requests.map(\.apiMethod) == ["getFile"])
            #expect(requests[0].httpMethod == "GET" && requests[0].query == ["file_id": "AgAC-large"])
            #expect(await api.state.fileDownloads == ["photos/file_7.jpg"])
        }
    }

    @Test func aGenericContentTypeGivesWayToTheDeclaredOne() async throws {
        try await withAPI { api, telegram, transport in
            await api.state.addFile(id: "voice-1", path: "voice/file_9.oga", bytes: [1, 2, 3], contentType: "application/octet-stream")
            let media = MediaReference(location: "telegram-file:voice-1", mimeType: "audio/ogg")
            #expect(await telegram.download(media, transport: transport) == .file(bytes: [1, 2, 3], mimeType: "audio/ogg"))
        }
    }

    @Test func tooLargeUnknownAndFailingFilesMapLikeSends() async throws {
        try await withAPI { api, telegram, transport in
            await api.state.addFile(id: "big", path: "videos/big.mp4", bytes: [0], contentType: "video/mp4", reportedSize: 25_000_000)
            #expect(await telegram.download(MediaReference(location: "telegram-file:big"), transport: transport)
                == .failed(reason: TelegramConnector.tooLargeReason))
            #expect(await telegram.download(MediaReference(location: "telegram-file:nope"), transport: transport)
                == .failed(reason: "Telegram refused the request (Telegram: Bad Request: invalid file_id)"))

            await api.state.addFile(id: "ok", path: "documents/a.pdf", bytes: [0x25, 0x50], contentType: "application/pdf")
            await api.state.answerNext([.tooManyRequests(retryAfter: 5), .serverError])
            let ok = MediaReference(location: "telegram-file:ok")
            #expect(await telegram.download(ok, transport: transport)
                == .retryLater(reason: "Telegram's flood limit (Telegram: Too Many Requests: retry after 5)"))
            #expect(await telegram.download(ok, transport: transport) == .retryLater(reason: "Telegram is unavailable (Telegram: Internal Server Error)"))
            #expect(await telegram.download(ok, transport: transport) == .file(bytes: [0x25, 0x50], mimeType: "application/pdf"))
            #expect(await api.state.fileDownloads == ["documents/a.pdf"], "nothing is downloaded for a file Telegram refused")
        }
    }
}
