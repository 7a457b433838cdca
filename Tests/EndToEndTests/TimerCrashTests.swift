import AsyncHTTPClient
import Foundation
import GRDB
import NIOCore
import ParleyStore
import ParleyTesting
import Testing

/// The real binary with a 4-second idle timeout set through the admin API (the texts from the
/// configuration file's `[channels.webchat]`): the agent answers,
/// parleyd is killed with `kill -9` before anything is due and restarted after everything is:
/// the conversation closes once, the nudge is sent at most once, and a further restart fires
/// nothing again.
@Suite("Timers across kill -9", .serialized)
struct TimerCrashTests {
    @Test(.timeLimit(.minutes(2))) func deadlinesFireOnceAcrossAKillAndRestarts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-timers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withHTTPClient { client in try await run(client, directory) }
    }

    private func run(_ client: HTTPClient, _ directory: URL) async throws {
        // The texts come from the kind's section of the configuration file, the durations from the API.
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("parley.toml")
        try #"""
            [channels.webchat]
            nudgeText = "Still there?"   # a comment after a value
            closeText = "Bye for now."
            """#.write(to: config, atomically: true, encoding: .utf8)
        let misspelt = directory.appendingPathComponent("misspelt.toml")
        try "[channels.webchat]\nidleTimout = \"5m\"\n".write(to: misspelt, atomically: true, encoding: .utf8)
        do {
            let refused = try await ParleydProcess(dataDirectory: directory, environment: ["PARLEY_CONFIG": misspelt.path])
            refused.stop()
            Issue.record("parleyd started with an unknown channel setting in its configuration")
        } catch {
            #expect("\(error)".contains("idleTimout"), "\(error)")
        }
        let environment = ["PARLEY_CONFIG": config.path]
        let first = try await ParleydProcess(dataDirectory: directory, environment: environment)
        let channel = try await CrashTests.webChatChannel(client, first.baseURL)
        let admin = try await Self.login(client, first.baseURL)
        let patched = try await Self.call(client, first.baseURL, "PATCH", "/api/v1/channels/\(channel)", admin, body: """
            {"settings":{"idleTimeout":"4s","nudgeBefore":"2s","agentReplyTimeout":"0s"}}
            """)
        #expect(patched.status == 200, "\(patched.body)")
        let refused = try await Self.call(client, first.baseURL, "PATCH", "/api/v1/channels/\(channel)", admin, body: #"{"settings":{"idleTimout":"4s"}}"#)
        #expect(refused.status == 400 && refused.body.contains("idleTimout"), "\(refused.body)")

        let visitor = try await CrashTests.session(client, first.baseURL, channel)
        _ = try await CrashTests.post(client, first.baseURL, channel, visitor, "hello-1")
        let conversation = try #require(try await Self.json(Self.call(client, first.baseURL, "GET", "/api/v1/conversations", admin))["conversations"] as? [[String: Any]])
        let id = try #require(conversation.first?["id"] as? Int)
        #expect(try await Self.call(client, first.baseURL, "POST", "/api/v1/conversations/\(id)/assign", admin, body: #"{"agentId":"me"}"#).status == 200)
        #expect(try await Self.call(client, first.baseURL, "POST", "/api/v1/conversations/\(id)/messages", admin, body: #"{"text":"How can I help?"}"#).status == 202)
        first.kill()

        try await Task.sleep(for: .seconds(5))
        let second = try await ParleydProcess(dataDirectory: directory, environment: environment)
        let secondAdmin = try await Self.login(client, second.baseURL)
        var status = ""
        for _ in 0..<100 where status != "closed" {
            let view = try await Self.json(Self.call(client, second.baseURL, "GET", "/api/v1/conversations/\(id)", secondAdmin))
            status = view["status"] as? String ?? ""
            if status != "closed" { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(status == "closed")
        second.stop()
        let third = try await ParleydProcess(dataDirectory: directory, environment: environment)
        try await Task.sleep(for: .seconds(1))
        third.stop()

        let store = try SQLiteStore(path: directory.appendingPathComponent("parley.sqlite").path)
        let (closes, texts) = try await store.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversation_events WHERE conversation_id = ? AND command = 'close'", arguments: [id]) ?? 0,
                try String.fetchAll(db, sql: "SELECT content FROM messages WHERE conversation_id = ? AND sender_kind = 'system' ORDER BY id", arguments: [id])
            )
        }
        #expect(closes == 1)
        #expect(texts.count == 2 && texts[0].contains("Still there?") && texts[1].contains("Bye for now."), "\(texts)")
    }

    static func login(_ client: HTTPClient, _ base: String) async throws -> String {
        let answer = try await call(client, base, "POST", "/api/v1/auth/login", nil, body: #"{"email":"admin@parley.local","password":"crash-test-password"}"#)
        guard let token = try json(answer)["token"] as? String else { throw ParleydProcess.Failure(description: "login: \(answer.body)") }
        return token
    }

    static func call(
        _ client: HTTPClient, _ base: String, _ method: String, _ path: String, _ token: String?, body: String? = nil
    ) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: base + path)
        request.method = .RAW(value: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        return try await CrashTests.text(client, request)
    }

    static func json(_ answer: (status: Int, body: String)) throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]) ?? [:]
    }
}
