import ParleyCore
import Testing
@testable import TelegramConnector

@Suite("Telegram channel configuration")
struct TelegramConfigurationTests {
    private func configure(
        _ credentials: [String: String], settings: [String: String] = [:]
    ) -> Result<TelegramConfiguration, TelegramConfiguration.ConfigurationError> {
        let channel = Channel(id: ChannelID("ch_telegram"), kind: .telegram, name: "Bot", settings: settings)
        do {
            return .success(try TelegramConfiguration(channel: channel, credentials: credentials))
        } catch {
            return .failure(error)
        }
    }

    private let valid = ["botToken": TelegramFixtures.botToken, "secretToken": TelegramFixtures.secretToken]

    @Test func defaultsAreWebhookModeAndTheRealAPI() throws {
        let configuration = try configure(valid).get()
        #expect(configuration.mode == .webhook)
        #expect(configuration.apiBaseURL == "https://api.telegram.org")
        #expect(try configure(valid, settings: ["mode": "polling", "apiBaseURL": "http://127.0.0.1:9/"]).get().apiBaseURL
            == "http://127.0.0.1:9")
    }

    @Test func mistakesAreRefusedWithoutEchoingTheToken() {
        #expect(configure(["secretToken": "abc"]) == .failure(.missingCredential("botToken")))
        #expect(configure(["botToken": TelegramFixtures.botToken]) == .failure(.missingCredential("secretToken")))
        #expect(configure(["botToken": "no-colon", "secretToken": "abc"]) == .failure(.invalidBotToken))
        #expect(configure(["botToken": "123:abc/../x", "secretToken": "abc"]) == .failure(.invalidBotToken))
        #expect(configure(["botToken": TelegramFixtures.botToken, "secretToken": "has space"]) == .failure(.invalidSecretToken))
        #expect(configure(["botToken": TelegramFixtures.botToken, "secretToken": String(repeating: "a", count: 257)])
            == .failure(.invalidSecretToken))
        #expect(configure(valid, settings: ["mode": "push"]) == .failure(.invalidMode("push")))
        #expect(configure(valid, settings: ["apiBaseURL": "api.telegram.org"]) == .failure(.invalidAPIBaseURL("api.telegram.org")))
        #expect(!TelegramConfiguration.ConfigurationError.invalidBotToken.description.contains("no-colon"))
        #expect(TelegramConfiguration.ConfigurationError.invalidMode("push").description
            == "Telegram setting mode='push' is not one of webhook, polling")
    }

    @Test func pollingNeedsNoSecretButThenRefusesWebhooks() throws {
        let channel = Channel(id: ChannelID("ch_telegram"), kind: .telegram, name: "Bot", settings: ["mode": "polling"])
        let connector = try TelegramConnector(channel: channel, credentials: ["botToken": TelegramFixtures.botToken])
        let request = TelegramFixtures.request(TelegramFixtures.message(#""text":"hi""#))
        #expect(throws: ConnectorError.unauthorized("the channel is in polling mode and has no secretToken; webhooks are refused")) {
            try connector.authenticate(request)
        }
    }

    @Test func thePolicyIsTelegrams() throws {
        let policy = try TelegramFixtures.connector().policy
        #expect(policy.textLimit == .characters(4096))
        #expect(policy.replyWindow == nil && policy.outsideWindow == .push)
    }
}
