import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ParleyCore
import ParleyHTTP
import ParleyTesting

/// Builds the real application over a `TestGateway`, on an ephemeral port for `.live` tests.
struct TestApp {
    let harness: TestGateway
    let webChat: Channel
    let admin: Agent

    /// `transport` carries what connectors send to platforms (the recording channel's `/send`).
    init(transport: any HTTPTransport = ScriptedTransport([])) async throws {
        harness = try TestGateway(transport: transport)
        webChat = try await harness.addWebChat()
        admin = try await harness.addAgent("admin@example.com", role: .admin)
    }

    func application() throws -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["PARLEY_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return try buildApplication(
            configuration: HTTPConfiguration(host: "127.0.0.1", port: 0, demoChannelID: webChat.id),
            gateway: harness.gateway, metricsRegistry: harness.registry, logger: logger
        )
    }
}

extension TestClientProtocol {
    func json(
        _ uri: String, method: HTTPRequest.Method = .get, token: String? = nil, body: String? = nil
    ) async throws -> (status: Int, object: Any?, text: String) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            return (Int(response.status.code), try? JSONSerialization.jsonObject(with: Data(text.utf8)), text)
        }
    }

    func login(_ email: String, _ password: String = "password123") async throws -> String {
        let answer = try await json("/api/v1/auth/login", method: .post, body: #"{"email":"\#(email)","password":"\#(password)"}"#)
        guard let token = (answer.object as? [String: Any])?["token"] as? String else {
            throw TestFailure("login failed: \(answer.status) \(answer.text)")
        }
        return token
    }

    /// A web-chat visitor writes `text` through the widget's HTTP fallback.
    func visitorWrites(_ channel: Channel, token: String, clientID: String, text: String) async throws {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.authorization] = "Bearer \(token)"
        let status = try await execute(
            uri: "/hooks/\(channel.id)", method: .post, headers: headers,
            body: ByteBuffer(string: #"{"clientId":"\#(clientID)","text":"\#(text)"}"#)
        ) { Int($0.status.code) }
        guard status == 200 else { throw TestFailure("the visitor's message was refused: \(status)") }
    }

    func visitorToken(_ channel: Channel) async throws -> String {
        let answer = try await json("/widget/\(channel.id)/session", method: .post, body: "{}")
        guard let token = (answer.object as? [String: Any])?["token"] as? String else {
            throw TestFailure("session failed: \(answer.status) \(answer.text)")
        }
        return token
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
