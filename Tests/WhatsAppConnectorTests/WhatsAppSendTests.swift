import Foundation
import ParleyCore
import ParleyTesting
import Testing
@testable import WhatsAppConnector

@Suite("WhatsApp sends against a fake Graph API")
struct WhatsAppSendTests {
    @Test func aReplyInsideTheWindowIsTheExactCloudAPIText() async throws {
        try await withGraphAPI { api, transport in
            let whatsapp = try WhatsAppFixtures.connector(api)
            let outcome = await whatsapp.send(WhatsAppFixtures.delivery(.text("Yes — in \"navy\" / red 🚚")), transport: transport)
            let sent = await api.state.sent
            #expect(outcome == .sent(platformMessageID: sent.first?.id, via: .freeText))
            let request = try #require(await api.state.requests.first)
            #expect(request.method == "POST" && request.path == "/v25.0/\(WhatsAppFixtures.phoneNumberID)/messages")
            #expect(request.authorization == "Bearer \(WhatsAppFixtures.accessToken)")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.query.isEmpty, "the token never travels in the URL")
            #expect(request.body == #"{"messaging_product":"whatsapp","recipient_type":"individual","text":{"body":"Yes — in \"navy\" / red 🚚","preview_url":false},"to":"16505551234","type":"text"}"#)
        }
    }

    @Test func nineThousandCharactersGoOutAsThreeMessagesInOrder() async throws {
        try await withGraphAPI { api, transport in
            let whatsapp = try WhatsAppFixtures.connector(api, settings: ["graphVersion": "v21.0"])
            let text = String(repeating: "a", count: 4096) + String(repeating: "b", count: 4096) + String(repeating: "c", count: 808)
            let outcome = await whatsapp.send(WhatsAppFixtures.delivery(.text(text)), transport: transport)
            let sent = await api.state.sent
            #expect(WhatsAppFixtures.texts(sent) == [String(repeating: "a", count: 4096), String(repeating: "b", count: 4096), String(repeating: "c", count: 808)])
            #expect(outcome == .sent(platformMessageID: sent.last?.id, via: .freeText), "receipts for the last piece find the message")
            #expect(await api.state.requests.allSatisfy { $0.path == "/v21.0/\(WhatsAppFixtures.phoneNumberID)/messages" })
        }
    }

    @Test func aRetryAfterARateLimitedPieceSendsOnlyWhatIsMissing() async throws {
        try await withGraphAPI { api, transport in
            let whatsapp = try WhatsAppFixtures.connector(api)
            let text = String(repeating: "a", count: 4096) + String(repeating: "b", count: 10)
            await api.state.script([.delay(seconds: 0), .graphError(status: 400, code: 130429, message: "(#130429) Rate limit hit", retryAfter: 7)])
            let first = await whatsapp.send(WhatsAppFixtures.delivery(.text(text)), transport: transport)
            #expect(first == .retryLater(
                reason: "WhatsApp rate limit (HTTP 400): (#130429) Rate limit hit (code 130429) (piece 2 of 2)", after: 7
            ))
            let second = await whatsapp.send(WhatsAppFixtures.delivery(.text(text), attempt: 2), transport: transport)
            let sent = await api.state.sent
            #expect(WhatsAppFixtures.texts(sent) == [String(repeating: "a", count: 4096), String(repeating: "b", count: 10)])
            #expect(second == .sent(platformMessageID: sent.last?.id, via: .freeText))
        }
    }

    @Test func outsideTheWindowTheConfiguredTemplateCarriesTheReply() async throws {
        try await withGraphAPI { api, transport in
            let whatsapp = try WhatsAppFixtures.connector(api, settings: ["templateName": "agent_reply", "templateLanguage": "de"])
            let stale = WhatsAppFixtures.now.addingTimeInterval(-25 * 3600)
            let outcome = await whatsapp.send(
                WhatsAppFixtures.delivery(.text("Ihr Paket ist da.\nDanke!"), lastCustomerMessageAt: stale), transport: transport
            )
            #expect(outcome == .sent(platformMessageID: await api.state.sent.first?.id, via: .template))
            #expect(await api.state.requests.map(\.body) == [
                #"{"messaging_product":"whatsapp","recipient_type":"individual","template":{"components":[{"parameters":[{"text":"Ihr Paket ist da. Danke!","type":"text"}],"type":"body"}],"language":{"code":"de"},"name":"agent_reply"},"to":"16505551234","type":"template"}"#,
            ])
        }
    }

    @Test func outsideTheWindowWithoutATemplateTheAgentIsToldWhy() async throws {
        try await withGraphAPI { api, transport in
            let whatsapp = try WhatsAppFixtures.connector(api)
            let stale = WhatsAppFixtures.now.addingTimeInterval(-24 * 3600 - 1)
            #expect(await whatsapp.send(WhatsAppFixtures.delivery(.text("hello?"), lastCustomerMessageAt: stale), transport: transport)
                == .failed(reason: "the customer hasn't written for 24 h — WhatsApp only allows an approved template now; configure templateName on the channel"))
            #expect(await whatsapp.send(WhatsAppFixtures.delivery(.text("hello?"), lastCustomerMessageAt: nil), transport: transport)
                == .failed(reason: WhatsAppConnector.neverWroteReason))
            #expect(await api.state.requests.isEmpty, "nothing is sent that WhatsApp would refuse")
            // An explicit template goes out whatever the window.
            let template = MessageContent.template(name: "order_update", language: "en_GB", parameters: ["A-1042", "Friday"])
            #expect(await whatsapp.send(WhatsAppFixtures.delivery(template, lastCustomerMessageAt: nil), transport: transport)
                == .sent(platformMessageID: await api.state.sent.first?.id, via: .template))
            #expect(await api.state.requests.last?.body
                == #"{"messaging_product":"whatsapp","recipient_type":"individual","template":{"components":[{"parameters":[{"text":"A-1042","type":"text"},{"text":"Friday","type":"text"}],"type":"body"}],"language":{"code":"en_GB"},"name":"order_update"},"to":"16505551234","type":"template"}"#)
        }
    }

    @Test func whatsAppsOwnWindowVerdictFallsBackToTheTemplate() async throws {
        try await withGraphAPI { api, transport in
            let reengagement = FakeMetaGraphAPI.Script.graphError(
                status: 400, code: 131047, message: "Re-engagement message", retryAfter: nil
            )
            let withTemplate = try WhatsAppFixtures.connector(api, settings: ["templateName": "agent_reply"])
            await api.state.script([reengagement])
            #expect(await withTemplate.send(WhatsAppFixtures.delivery(.text("still there?")), transport: transport)
                == .sent(platformMessageID: await api.state.sent.first?.id, via: .template))
            let bodies = await api.state.requests.map(\.json)
            #expect(bodies.count == 2)
            guard case .object(let second) = bodies[1] else { Issue.record("no JSON"); return }
            #expect(second["type"] == .string("template"))

            let without = try WhatsAppFixtures.connector(api)
            await api.state.script([reengagement])
            #expect(await without.send(WhatsAppFixtures.delivery(.text("still there?")), transport: transport)
                == .failed(reason: WhatsAppConnector.windowClosedReason))
        }
    }

    @Test func errorsMapToRetryOrAReadableFailureWithoutTheToken() async throws {
        try await withGraphAPI { api, transport in
            let whatsapp = try WhatsAppFixtures.connector(api)
            let reply = WhatsAppFixtures.delivery(.text("hi"))
            await api.state.script([
                .graphError(status: 429, code: 80007, message: "(#80007) Rate limit issues", retryAfter: 30),
                .graphError(status: 400, code: 4, message: "(#4) Application request limit reached"),
                .serverError,
                .graphError(status: 400, code: 131026, message: "Message undeliverable"),
                .graphError(status: 401, code: 190, message: "Error validating access token: \(WhatsAppFixtures.accessToken) has expired"),
                .graphError(status: 400, code: 100, message: "(#100) Invalid parameter"),
            ])
            #expect(await whatsapp.send(reply, transport: transport)
                == .retryLater(reason: "WhatsApp rate limit (HTTP 429): (#80007) Rate limit issues (code 80007)", after: 30))
            #expect(await whatsapp.send(reply, transport: transport)
                == .retryLater(reason: "WhatsApp rate limit (HTTP 400): (#4) Application request limit reached (code 4)", after: nil))
            #expect(await whatsapp.send(reply, transport: transport) == .retryLater(
                reason: "WhatsApp API answered HTTP 500: An unexpected error has occurred. Please retry your request later. (code 2)", after: nil
            ))
            #expect(await whatsapp.send(reply, transport: transport)
                == .failed(reason: "WhatsApp refused the message (HTTP 400: Message undeliverable (code 131026))"))
            let expired = await whatsapp.send(reply, transport: transport)
            #expect(expired == .failed(
                reason: "WhatsApp refused the access token; check the channel's credentials (HTTP 401: Error validating access token: [access token] has expired (code 190))"
            ))
            #expect(await whatsapp.send(reply, transport: transport)
                == .failed(reason: "WhatsApp refused the message (HTTP 400: (#100) Invalid parameter (code 100))"))
            #expect(await api.state.sent.isEmpty)
        }
    }

    @Test func aTimeoutIsRetriedLater() async throws {
        try await withGraphAPI { api, transport in
            let whatsapp = try WhatsAppFixtures.connector(api)
            await api.state.script([.delay(seconds: 2)])
            let outcome = await whatsapp.send(WhatsAppFixtures.delivery(.text("slow")), transport: ImpatientTransport(base: transport, timeout: 0.3))
            guard case .retryLater(let reason, nil) = outcome else { Issue.record("expected a retry, got \(outcome)"); return }
            #expect(reason.hasPrefix("WhatsApp API unreachable"))
            #expect(!reason.contains(WhatsAppFixtures.accessToken))
        }
    }

    @Test func mediaRepliesUseTheMediaIdOrAPublicLink() async throws {
        try await withGraphAPI { api, transport in
            let whatsapp = try WhatsAppFixtures.connector(api)
            _ = await whatsapp.send(WhatsAppFixtures.delivery(.image(MediaReference(location: "whatsapp-media:777", caption: "label"))), transport: transport)
            _ = await whatsapp.send(WhatsAppFixtures.delivery(.file(MediaReference(location: "https://cdn.example.com/i.pdf", fileName: "i.pdf"))), transport: transport)
            _ = await whatsapp.send(WhatsAppFixtures.delivery(.location(latitude: 1.5, longitude: 2.25, name: "Shop", address: nil)), transport: transport)
            #expect(await api.state.requests.map(\.body) == [
                #"{"image":{"caption":"label","id":"777"},"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"image"}"#,
                #"{"document":{"filename":"i.pdf","link":"https://cdn.example.com/i.pdf"},"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"document"}"#,
                #"{"location":{"latitude":1.5,"longitude":2.25,"name":"Shop"},"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"location"}"#,
            ])
            #expect(await whatsapp.send(WhatsAppFixtures.delivery(.image(MediaReference(location: "/api/v1/media/9"))), transport: transport)
                == .failed(reason: "a WhatsApp image reply needs a public https link or a WhatsApp media id"))
        }
    }
}
