import Foundation
import ParleyCore
import ParleyTesting
import Synchronization
import Testing
@testable import SMSConnector

/// MMS media downloads: fetched from Twilio with the account's credentials, through Twilio's
/// redirect to its CDN, and never from anywhere else. Every request goes to the fake on
/// 127.0.0.1 whatever host it names (`LoopbackTransport`), so a refusal that fails would show
/// up in the fake's records rather than on the network.
@Suite("SMS media downloads")
struct SMSMediaTests {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("pretend jpeg".utf8)

    @Test func twilioMediaIsFetchedWithBasicAuthThroughTheCDNRedirect() async throws {
        try await withTwilioAPI { api, network in
            let transport = LoopbackTransport(base: network, target: api.baseURL)
            await api.state.addRedirect(path: SMSFixtures.mediaPath(), to: "https://mms.twiliocdn.com/AC0123/abcdef?Expires=1800014400&Signature=x")
            await api.state.addMedia(path: "/AC0123/abcdef", contentType: "image/jpeg", bytes: Self.jpeg, requiresAuth: false)
            let connector = try SMSFixtures.connector()
            let media = MediaReference(location: SMSFixtures.mediaURL(), mimeType: "image/jpeg")
            #expect(connector.mustDownload(media))
            #expect(await connector.download(media, transport: transport) == .file(bytes: Self.jpeg, mimeType: "image/jpeg"))
            #expect(await transport.intendedURLs == [
                SMSFixtures.mediaURL(), "https://mms.twiliocdn.com/AC0123/abcdef?Expires=1800014400&Signature=x",
            ])
            let requests = await api.state.mediaRequests
            #expect(requests.map(\.authorization) == [SMSFixtures.basicAuthorization, nil], "credentials go to Twilio, never to the CDN")
        }
    }

    @Test func aRedirectToAPrivateOrForeignHostIsNeverFollowed() async throws {
        try await withTwilioAPI { api, network in
            let reported = Mutex<[String]>([])
            let connector = try SMSFixtures.connector(log: { line in reported.withLock { $0.append(line) } })
            for (index, target) in [
                "https://169.254.169.254/latest/meta-data/", "http://mms.twiliocdn.com/x", "https://evil.example/x",
                "https://s3-external-1.amazonaws.com/media.twiliocdn.com/x",
            ].enumerated() {
                let transport = LoopbackTransport(base: network, target: api.baseURL)
                let path = SMSFixtures.mediaPath("ME0000000000000000000000000000000\(index)")
                await api.state.addRedirect(path: path, to: target)
                let media = MediaReference(location: "https://api.twilio.com" + path, mimeType: "image/jpeg")
                guard case .failed(let reason) = await connector.download(media, transport: transport) else {
                    Issue.record("the redirect to \(target) was not refused")
                    continue
                }
                #expect(reason.hasPrefix("the media download was redirected to a URL that is not fetched"))
                #expect(await transport.intendedURLs == ["https://api.twilio.com" + path], "only Twilio itself was asked")
            }
            #expect(await api.state.mediaRequests.count == 4)
            #expect(reported.withLock { $0.count } == 4)
        }
    }

    @Test func anOperatorCanAdmitAnotherCDNHost() async throws {
        try await withTwilioAPI { api, network in
            let transport = LoopbackTransport(base: network, target: api.baseURL)
            await api.state.addRedirect(path: SMSFixtures.mediaPath(), to: "https://s3-external-1.amazonaws.com/media.twiliocdn.com/x")
            await api.state.addMedia(path: "/media.twiliocdn.com/x", contentType: "image/gif", bytes: [1, 2, 3], requiresAuth: false)
            let connector = try SMSFixtures.connector(settings: ["mediaDomains": "mms.twiliocdn.com,s3-external-1.amazonaws.com"])
            let media = MediaReference(location: SMSFixtures.mediaURL(), mimeType: "image/gif")
            #expect(await connector.download(media, transport: transport) == .file(bytes: [1, 2, 3], mimeType: "image/gif"))
        }
    }

    @Test func urlsTheWebhookCouldNotHaveAdmittedAreNeitherQueuedNorFetched() async throws {
        try await withTwilioAPI { api, network in
            let transport = LoopbackTransport(base: network, target: api.baseURL)
            let connector = try SMSFixtures.connector()
            for location in [
                "http://127.0.0.1:\(api.port)/x", "https://169.254.169.254/latest/meta-data/", "https://evil.example/x.jpg",
                "https://[::1]/x", "https://2130706433/x", MediaReference.stored(for: MessageID(3)),
            ] {
                let media = MediaReference(location: location)
                #expect(!connector.mustDownload(media), "\(location)")
                guard case .failed = await connector.download(media, transport: transport) else {
                    Issue.record("\(location) was not refused")
                    continue
                }
            }
            #expect(await transport.intendedURLs.isEmpty)
            #expect(await api.state.requests.isEmpty)
        }
    }

    @Test func missingMediaFailsAndRefusedCredentialsToo() async throws {
        try await withTwilioAPI { api, network in
            let transport = LoopbackTransport(base: network, target: api.baseURL)
            let connector = try SMSFixtures.connector()
            let media = MediaReference(location: SMSFixtures.mediaURL(), mimeType: "image/jpeg")
            #expect(await connector.download(media, transport: transport) == .failed(reason: "Twilio no longer has this media (HTTP 404)"))
            await api.state.addMedia(path: SMSFixtures.mediaPath(), contentType: "image/jpeg", bytes: Self.jpeg)
            let stranger = try SMSFixtures.connector(credentials: SMSFixtures.credentials.merging(["authToken": "wrong"]) { $1 })
            #expect(await stranger.download(media, transport: transport)
                == .failed(reason: "Twilio refused the channel's credentials for this media (HTTP 401)"))
            #expect(await connector.download(media, transport: transport) == .file(bytes: Self.jpeg, mimeType: "image/jpeg"))
        }
    }
}
