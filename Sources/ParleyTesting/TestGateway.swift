import Foundation
import Logging
import ParleyCore
import ParleyGateway
import ParleyHTTP
import ParleyStore
import Prometheus
import LineConnector
import WeChatConnector
import WebChatConnector

/// A gateway over a fresh temporary database, with the web-chat connector and the recording
/// test connector (registered for `.telegram`, which no real connector claims yet), a settable
/// clock and a fast password hasher.
public struct TestGateway: Sendable {
    public let gateway: Gateway
    public let store: SQLiteStore
    public let vault: CredentialVault
    public let clock: SettableClock
    public let registry: PrometheusCollectorRegistry
    public let directory: URL

    public init(
        transport: any HTTPTransport = ScriptedTransport([]),
        retry: RetryPolicy = RetryPolicy(initialDelay: 1, maximumDelay: 60, maximumAttempts: 5, jitter: 0),
        clock: SettableClock = SettableClock(),
        connectors extra: [ChannelKind: ConnectorBuilder] = [:],
        webPush: (any WebPushSending)? = nil,
        mail: PushBackMail? = nil
    ) throws {
        let (pool, directory) = try ParleyDatabase.temporary()
        store = SQLiteStore(pool: pool)
        vault = try CredentialVault(base64Key: Data(repeating: 7, count: 32).base64EncodedString())
        self.clock = clock
        self.directory = directory
        registry = PrometheusCollectorRegistry()
        var logger = Logger(label: "test")
        // PARLEY_TEST_LOG=debug shows the gateway's log while a test runs.
        logger.logLevel = ProcessInfo.processInfo.environment["PARLEY_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        let connectors: [ChannelKind: ConnectorBuilder] = [
            .webchat: { channel, credentials in try WebChatConnector(channel: channel, credentials: credentials) },
            .telegram: { channel, credentials in RecordingConnector(channel: channel, credentials: credentials) },
            .wechat: { channel, credentials in try WeChatConnector(channel: channel, credentials: credentials, now: { clock.now() }) },
            .line: { channel, credentials in try LineConnector(channel: channel, credentials: credentials, now: { clock.now() }) },
        ]
        gateway = Gateway.assemble(
            store: store, vault: vault, connectors: connectors.merging(extra) { $1 },
            transport: transport, webhookPayload: WebhookPayload.encode, metricsFactory: PrometheusMetricsFactory(registry: registry), logger: logger,
            publicBaseURL: "https://parley.example", clock: clock, retry: retry, passwords: PasswordHasher(rounds: 1_000),
            webPush: webPush, mail: mail
        )
    }

    public var administration: ChannelAdministration { gateway.administration }

    public func addWebChat() async throws -> Channel {
        try await administration.addChannel(kind: .webchat, name: "Website", credentials: [:], settings: [:])
    }

    /// A channel served by `RecordingConnector`.
    public func addRecordingChannel(settings: [String: String] = ["apiBaseURL": "http://127.0.0.1:9"]) async throws -> Channel {
        try await administration.addChannel(kind: .telegram, name: "Recording", credentials: ["secret": "test-secret"], settings: settings)
    }

    public func addAgent(_ email: String = "agent@example.com", role: AgentRole = .agent) async throws -> Agent {
        try await administration.addAgent(email: email, name: email, password: "password123", role: role)
    }

    /// A webhook for `RecordingConnector`: messages as (from, id, text).
    public func recordingWebhook(_ messages: [(String, String, String)], secret: String = "test-secret") -> WebhookRequest {
        let array = messages.map { ["from": $0.0, "id": $0.1, "text": $0.2] }
        let body = try! JSONSerialization.data(withJSONObject: array)
        return WebhookRequest(method: .post, path: "/hooks/x", headers: [("X-Test-Secret", secret)], body: Array(body), publicBaseURL: "https://parley.example")
    }

    public func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }
}
