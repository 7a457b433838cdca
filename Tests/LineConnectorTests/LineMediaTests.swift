import Foundation
import ParleyCore
import ParleyTesting
import Testing
@testable import LineConnector

@Suite("LINE content downloads")
struct LineMediaTests {
    @Test func onlyLINEHostedContentIsDownloaded() throws {
        let line = try LineFixtures.connector()
        #expect(line.mustDownload(MediaReference(location: "line-content:354718705033693861")))
        #expect(!line.mustDownload(MediaReference(location: "https://example.com/original.jpg")))
    }

    @Test func contentIsFetchedWithTheTokenAndItsType() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api)
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("pretend jpeg".utf8)
            await api.state.addContent(messageID: "354718705033693861", contentType: "image/jpeg", bytes: jpeg)
            let download = await line.download(MediaReference(location: "line-content:354718705033693861"), transport: transport)
            #expect(download == .file(bytes: jpeg, mimeType: "image/jpeg"))
            let request = try #require(await api.state.requests.first)
            #expect(request.method == "GET" && request.path == "/v2/bot/message/354718705033693861/content")
            #expect(request.authorization == "Bearer \(LineFixtures.accessToken)")
        }
    }

    @Test func videoStillBeingPreparedIsRetriedAndExpiredContentGivenUp() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api)
            await api.state.addContent(messageID: "325709", contentType: "video/mp4", bytes: Array("mp4".utf8), processingAnswers: 1)
            let video = MediaReference(location: "line-content:325709")
            #expect(await line.download(video, transport: transport)
                == .retryLater(reason: "LINE is still preparing the content of message 325709 (HTTP 202)"))
            #expect(await line.download(video, transport: transport) == .file(bytes: Array("mp4".utf8), mimeType: "video/mp4"))
            #expect(await line.download(MediaReference(location: "line-content:gone"), transport: transport)
                == .failed(reason: "LINE no longer has the content of message gone (HTTP 404)"))
            #expect(await line.download(MediaReference(location: "https://example.com/x.jpg"), transport: transport)
                == .failed(reason: "not a LINE content id: https://example.com/x.jpg"))
            #expect(await api.state.contentDownloads == ["325709", "325709", "gone"])
        }
    }
}
