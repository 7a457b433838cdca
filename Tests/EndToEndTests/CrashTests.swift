import AsyncHTTPClient
import Foundation
import NIOCore
import GRDB
import ParleyStore
import ParleyTesting
import Testing

/// The real binary, 50 concurrent web-chat visitors sending 2,000 messages, `kill -9` midway,
/// a restart on the same data: every message that was acknowledged survived, nothing is
/// stored twice, and the rest go through on retry.
@Suite("Crash safety", .serialized)
struct CrashTests {
    static let visitors = 50
    static let messagesPerVisitor = 40
    static let killAfterAcknowledged = 600

    /// Acknowledged client ids, shared by the sending tasks.
    actor Ledger {
        var acknowledged: [String: Int] = [:]
        func record(_ clientID: String, id: Int) -> Int {
            acknowledged[clientID] = id
            return acknowledged.count
        }
    }

    @Test(.timeLimit(.minutes(5))) func killNineMidwayLosesNothingAcknowledgedAndDuplicatesNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.visitors + 10
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(20))
        try await withHTTPClient(configuration) { client in try await run(client, directory) }
    }

    private func run(_ client: HTTPClient, _ directory: URL) async throws {
        let first = try await ParleydProcess(dataDirectory: directory)
        let channel = try await Self.webChatChannel(client, first.baseURL)
        var sessions: [String] = []
        for _ in 0..<Self.visitors {
            sessions.append(try await Self.session(client, first.baseURL, channel))
        }
        let tokens = sessions

        // Phase 1: load, and kill -9 once enough messages were acknowledged.
        let ledger = Ledger()
        let killed = ManagedKill(first)
        await withTaskGroup(of: Void.self) { group in
            for visitor in 0..<Self.visitors {
                group.addTask {
                    for n in 0..<Self.messagesPerVisitor {
                        // Like a real client, stop once the server is gone and retry after it is back.
                        if await killed.fired { break }
                        let clientID = "v\(visitor)-m\(n)"
                        guard let id = try? await Self.post(client, first.baseURL, channel, tokens[visitor], clientID) else { continue }
                        if await ledger.record(clientID, id: id) >= Self.killAfterAcknowledged { await killed.fire() }
                    }
                }
            }
        }
        let acknowledgedBeforeCrash = await ledger.acknowledged
        #expect(await killed.fired, "the server was never killed: only \(acknowledgedBeforeCrash.count) messages were acknowledged")
        #expect(acknowledgedBeforeCrash.count < Self.visitors * Self.messagesPerVisitor, "the kill came too late to test anything")

        // Phase 2: restart on the same data; every acknowledged message is there.
        let second = try await ParleydProcess(dataDirectory: directory)
        var storedBeforeRetry: [String: Int] = [:]
        for token in tokens {
            for (clientID, id) in try await Self.thread(client, second.baseURL, channel, token) { storedBeforeRetry[clientID] = id }
        }
        let lost = acknowledgedBeforeCrash.filter { storedBeforeRetry[$0.key] != $0.value }
        #expect(lost.isEmpty, "acknowledged but lost after kill -9: \(lost.keys.sorted().prefix(10))")

        // Phase 3: the senders retry everything that was not acknowledged; all of it is accepted.
        let retried = try await withThrowingTaskGroup(of: Int.self) { group in
            for visitor in 0..<Self.visitors {
                group.addTask {
                    var accepted = 0
                    for n in 0..<Self.messagesPerVisitor where acknowledgedBeforeCrash["v\(visitor)-m\(n)"] == nil {
                        _ = try await Self.post(client, second.baseURL, channel, tokens[visitor], "v\(visitor)-m\(n)")
                        accepted += 1
                    }
                    return accepted
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(retried + acknowledgedBeforeCrash.count == Self.visitors * Self.messagesPerVisitor)
        second.stop()

        // Exactly once, checked in the database itself.
        let store = try SQLiteStore(path: directory.appendingPathComponent("parley.sqlite").path)
        let counts = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT platform_message_id, COUNT(*) AS n FROM messages WHERE direction = 'inbound' GROUP BY platform_message_id")
                .map { ($0["platform_message_id"] as String, $0["n"] as Int) }
        }
        #expect(counts.count == Self.visitors * Self.messagesPerVisitor)
        #expect(counts.allSatisfy { $0.1 == 1 }, "stored twice: \(counts.filter { $0.1 > 1 }.prefix(10))")
    }

    // MARK: - HTTP helpers

    static func webChatChannel(_ client: HTTPClient, _ base: String) async throws -> String {
        let page = try await text(client, HTTPClientRequest(url: base + "/demo")).body
        guard let range = page.range(of: #"data-channel=""#) else { throw ParleydProcess.Failure(description: "no channel on /demo") }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    static func session(_ client: HTTPClient, _ base: String, _ channel: String) async throws -> String {
        var request = HTTPClientRequest(url: "\(base)/widget/\(channel)/session")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "{}"))
        let object = try JSONSerialization.jsonObject(with: Data(try await text(client, request).body.utf8)) as? [String: Any]
        guard let token = object?["token"] as? String else { throw ParleydProcess.Failure(description: "no visitor token") }
        return token
    }

    /// Posts one visitor message; returns the stored message id, throws unless it was a 200.
    static func post(_ client: HTTPClient, _ base: String, _ channel: String, _ token: String, _ clientID: String) async throws -> Int {
        var request = HTTPClientRequest(url: "\(base)/hooks/\(channel)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.body = .bytes(ByteBuffer(string: #"{"clientId":"\#(clientID)","text":"message \#(clientID)"}"#))
        let (status, body) = try await text(client, request)
        guard status == 200, let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let id = object["id"] as? Int
        else { throw ParleydProcess.Failure(description: "post \(clientID): \(status) \(body)") }
        return id
    }

    /// The visitor's stored thread as (client id, message id).
    static func thread(_ client: HTTPClient, _ base: String, _ channel: String, _ token: String) async throws -> [(String, Int)] {
        var request = HTTPClientRequest(url: "\(base)/widget/\(channel)/messages?after=0")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let object = try JSONSerialization.jsonObject(with: Data(try await text(client, request).body.utf8)) as? [String: Any]
        return (object?["messages"] as? [[String: Any]] ?? []).compactMap { message in
            guard let clientID = message["clientId"] as? String, let id = message["id"] as? Int else { return nil }
            return (clientID, id)
        }
    }

    static func text(_ client: HTTPClient, _ request: HTTPClientRequest) async throws -> (status: Int, body: String) {
        let response = try await client.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }
}

/// Kills the server once, from whichever sender crosses the threshold first.
actor ManagedKill {
    private let process: ParleydProcess
    private(set) var fired = false

    init(_ process: ParleydProcess) {
        self.process = process
    }

    func fire() {
        guard !fired else { return }
        fired = true
        process.kill()
    }
}
