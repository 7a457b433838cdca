import ArgumentParser
import AsyncHTTPClient
import EmailConnector
import Foundation
import Logging
import ParleyCore
import ParleyGateway
import ParleyHTTP
import Prometheus

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the gateway (the default).")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let settings = try Settings(options)
        var logger = Logger(label: "parleyd")
        logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
        let runtime = try Runtime(settings)

        let outcome = try await FirstStart.ensureDefaults(
            administration: runtime.administration, adminEmail: settings.adminEmail, adminPassword: settings.adminPassword
        )
        if let admin = outcome.createdAdmin {
            Console.line("Created admin \(admin.email)")
            if let password = outcome.generatedAdminPassword {
                Console.line("  generated password (shown once): \(password)")
            }
        }

        let registry = PrometheusCollectorRegistry()
        let httpClient = HTTPClient.platformClient()
        let transport = AsyncHTTPTransport(client: httpClient)
        let gateway = Gateway.assemble(
            store: runtime.store, vault: runtime.vault, connectors: Runtime.connectors,
            transport: transport, webhookPayload: WebhookPayload.encode,
            metricsFactory: PrometheusMetricsFactory(registry: registry), logger: logger,
            publicBaseURL: settings.publicURL, kindSettings: settings.kindSettings,
            webPush: try await WebPushSetup.sender(store: runtime.store, vault: runtime.vault, settings: settings),
            mail: try settings.smtpConfiguration().map { PushBackMail(mailer: CurlSMTPMailer(configuration: $0), from: $0.from) }
        )
        let webChat = outcome.webChatChannel
        let app = try buildApplication(
            configuration: HTTPConfiguration(host: settings.host, port: settings.port, demoChannelID: webChat.id),
            gateway: gateway, metricsRegistry: registry,
            services: [
                CheckpointService(checkpointer: try runtime.store.makeCheckpointer(), logger: logger),
                UpdatePoller(gateway: gateway, transport: transport),
            ],
            logger: logger
        ) { port in
            let local = "http://\(settings.host.contains(":") ? "[\(settings.host)]" : settings.host):\(port)"
            Console.line("""
                parleyd is listening on \(local)
                  widget demo:  \(local)/demo
                  agent API:    \(local)/api/v1  (POST /api/v1/auth/login)
                  web chat:     channel \(webChat.id), webhook \(settings.publicURL)\(webChat.webhookPath)
                  data:         \(settings.dataDir)
                """)
        }
        do {
            try await app.runService()
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }
}
