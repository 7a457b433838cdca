import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyTesting
import Testing

/// `/api/v1/webhooks` as an admin uses it, and as everyone else is refused it.
@Suite("Webhook API")
struct WebhookRouteTests {
    private static func object(_ answer: (status: Int, object: Any?, text: String)) -> [String: Any] {
        answer.object as? [String: Any] ?? [:]
    }

    @Test func anAdminManagesASubscriptionAndItsSecretIsShownOnlyWhenIssued() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin@example.com")
            let created = try await client.json(
                "/api/v1/webhooks", method: .post, token: admin,
                body: #"{"url":"https://crm.example/parley","events":["message.created","conversation.created","message.created"]}"#
            )
            #expect(created.status == 201, "\(created.text)")
            let webhook = Self.object(created)
            let id = try #require(webhook["id"] as? Int)
            let secret = try #require(webhook["secret"] as? String)
            #expect(secret.count == 64 && secret.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(webhook["events"] as? [String] == ["message.created", "conversation.created"], "duplicates dropped")
            #expect(webhook["status"] as? String == "active" && webhook["active"] as? Bool == true && webhook["includeNotes"] as? Bool == false)
            #expect(webhook["pendingDeliveries"] as? Int == 0 && webhook["consecutiveFailures"] as? Int == 0)

            var reads = [
                try await client.json("/api/v1/webhooks", token: admin),
                try await client.json("/api/v1/webhooks/\(id)", token: admin),
                try await client.json("/api/v1/webhooks/\(id)", method: .patch, token: admin,
                                      body: #"{"events":["*"],"includeNotes":true,"active":false}"#),
                try await client.json("/api/v1/webhooks/\(id)/deliveries?limit=5", token: admin),
            ]
            #expect(reads.map(\.status) == [200, 200, 200, 200], "\(reads.map(\.text))")
            let listed = (Self.object(reads[0])["webhooks"] as? [[String: Any]])?.first
            #expect(listed?["url"] as? String == "https://crm.example/parley")
            let patched = Self.object(reads[2])
            #expect(patched["events"] as? [String] == ["*"] && patched["includeNotes"] as? Bool == true)
            #expect(patched["active"] as? Bool == false && patched["status"] as? String == "disabled")
            #expect(Self.object(reads[3])["deliveries"] as? [Any] != nil)

            let rotated = try await client.json("/api/v1/webhooks/\(id)/rotate-secret", method: .post, token: admin)
            #expect(rotated.status == 200)
            let newSecret = try #require(Self.object(rotated)["secret"] as? String)
            #expect(newSecret.count == 64 && newSecret != secret)
            reads.append(try await client.json("/api/v1/webhooks", token: admin))
            reads.append(try await client.json("/api/v1/webhooks/\(id)", token: admin))
            for read in reads {
                #expect(!read.text.contains(secret) && !read.text.contains(newSecret) && !read.text.contains("\"secret\""), "\(read.text)")
            }

            #expect(try await client.json("/api/v1/webhooks/\(id)", method: .delete, token: admin).status == 204)
            let gone = try await client.json("/api/v1/webhooks/\(id)", token: admin)
            #expect(gone.status == 404 && Self.object(gone)["error"] as? String == "webhook \(id) not found")
            #expect((Self.object(try await client.json("/api/v1/webhooks", token: admin))["webhooks"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func badInputIsRefusedNamingTheField() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin@example.com")
            let cases: [(String, String)] = [
                (#"{"events":["*"]}"#, "url: is required (the http(s) URL to POST events to)"),
                (#"{"url":"ftp://files.example/x","events":["*"]}"#, "url: 'ftp://files.example/x' is not an absolute http(s) URL"),
                (#"{"url":"/relative","events":["*"]}"#, "url: '/relative' is not an absolute http(s) URL"),
                (#"{"url":"https://user:pw@crm.example/x","events":["*"]}"#,
                 "url: must not carry a user name or password; receivers check the signature instead"),
                (#"{"url":"https://crm.example/x"}"#,
                 #"events: is required: some of message.created, conversation.created, conversation.updated, or ["*"] for all"#),
                (#"{"url":"https://crm.example/x","events":[]}"#, #"events: must name at least one event type, or "*" for all"#),
                (#"{"url":"https://crm.example/x","events":["message.deleted"]}"#,
                 "events: 'message.deleted' is not one of message.created, conversation.created, conversation.updated or *"),
                (#"{"url":"https://crm.example/x","events":"*"}"#, "body: events is not an array"),
                (#"{"url":"https://crm.example/x","events":["*"],"includeNotes":"yes"}"#, "body: includeNotes is not a boolean"),
            ]
            for (body, error) in cases {
                let answer = try await client.json("/api/v1/webhooks", method: .post, token: admin, body: body)
                #expect(answer.status == 400 && Self.object(answer)["error"] as? String == error, "\(body) → \(answer.text)")
            }
            let listed = try await client.json("/api/v1/webhooks", token: admin)
            #expect((Self.object(listed)["webhooks"] as? [Any])?.isEmpty == true, "nothing was stored: \(listed.text)")

            let created = try await client.json("/api/v1/webhooks", method: .post, token: admin, body: #"{"url":"https://crm.example/x","events":["*"]}"#)
            let id = try #require(Self.object(created)["id"] as? Int)
            let empty = try await client.json("/api/v1/webhooks/\(id)", method: .patch, token: admin, body: "{}")
            #expect(empty.status == 400 && Self.object(empty)["error"] as? String == "body: give at least one of url, events, includeNotes, active")
            let badURL = try await client.json("/api/v1/webhooks/\(id)", method: .patch, token: admin, body: #"{"url":"mailto:a@b.example"}"#)
            #expect(badURL.status == 400 && (Self.object(badURL)["error"] as? String)?.hasPrefix("url: ") == true)
            for limit in ["0", "501", "ten"] {
                let log = try await client.json("/api/v1/webhooks/\(id)/deliveries?limit=\(limit)", token: admin)
                #expect(log.status == 400 && Self.object(log)["error"] as? String == "limit: must be a whole number from 1 to 500")
            }
            for path in ["/api/v1/webhooks/999", "/api/v1/webhooks/abc", "/api/v1/webhooks/999/deliveries"] {
                let missing = try await client.json(path, token: admin)
                #expect(missing.status == 404 && (Self.object(missing)["error"] as? String)?.hasPrefix("webhook ") == true, "\(path): \(missing.text)")
            }
            #expect(try await client.json("/api/v1/webhooks/999/rotate-secret", method: .post, token: admin).status == 404)
            #expect(try await client.json("/api/v1/webhooks/999", method: .delete, token: admin).status == 404)
        }
    }

    @Test func agentsAndSupervisorsAreRefused() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        _ = try await app.harness.addAgent("ana@example.com")
        _ = try await app.harness.addAgent("sam@example.com", role: .supervisor)
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin@example.com")
            let created = try await client.json("/api/v1/webhooks", method: .post, token: admin, body: #"{"url":"https://crm.example/x","events":["*"]}"#)
            let id = try #require(Self.object(created)["id"] as? Int)
            for email in ["ana@example.com", "sam@example.com"] {
                let token = try await client.login(email)
                let calls: [(String, HTTPRequest.Method, String?)] = [
                    ("/api/v1/webhooks", .get, nil),
                    ("/api/v1/webhooks", .post, #"{"url":"https://evil.example/x","events":["*"]}"#),
                    ("/api/v1/webhooks/\(id)", .get, nil),
                    ("/api/v1/webhooks/\(id)", .patch, #"{"active":false}"#),
                    ("/api/v1/webhooks/\(id)", .delete, nil),
                    ("/api/v1/webhooks/\(id)/rotate-secret", .post, nil),
                    ("/api/v1/webhooks/\(id)/deliveries", .get, nil),
                ]
                for (path, method, body) in calls {
                    let answer = try await client.json(path, method: method, token: token, body: body)
                    #expect(answer.status == 403 && Self.object(answer)["error"] as? String == "only admins manage webhooks", "\(email) \(method) \(path)")
                }
            }
            #expect(try await client.json("/api/v1/webhooks", method: .get).status == 401)
            let still = Self.object(try await client.json("/api/v1/webhooks/\(id)", token: admin))
            #expect(still["active"] as? Bool == true && still["url"] as? String == "https://crm.example/x")
        }
    }
}
