import ParleyCore

/// A Telegram bot channel's credentials and settings, validated once when the connector is
/// built so a typo surfaces at `channel add`, not at the first webhook or send.
public struct TelegramConfiguration: Sendable, Equatable {
    /// How updates reach Parley. Telegram refuses `getUpdates` while a webhook is set
    /// (CHANNELS.md §2.1), so a bot uses one or the other.
    public enum Mode: String, Sendable, CaseIterable {
        /// Telegram posts each update to the channel's webhook URL (`setWebhook`).
        case webhook
        /// Parley long-polls `getUpdates`; webhooks are not expected.
        case polling
    }

    public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
        case missingCredential(String)
        case invalidBotToken
        case invalidSecretToken
        case invalidMode(String)
        case invalidAPIBaseURL(String)

        public var description: String {
            switch self {
            case .missingCredential(let name): "Telegram credential '\(name)' is missing"
            // Never echo the token itself: this text reaches logs and the command line.
            case .invalidBotToken:
                "Telegram credential 'botToken' is not a bot token (expected <digits>:<letters, digits, _ or ->, as BotFather issues it)"
            case .invalidSecretToken:
                "Telegram credential 'secretToken' must be 1–256 characters from A–Z, a–z, 0–9, _ and -"
            case .invalidMode(let value):
                "Telegram setting mode='\(value)' is not one of \(Mode.allCases.map(\.rawValue).joined(separator: ", "))"
            case .invalidAPIBaseURL(let value): "Telegram setting apiBaseURL='\(value)' is not an http(s) URL"
            }
        }
    }

    public static let defaultAPIBaseURL = "https://api.telegram.org"

    /// BotFather's token: it authorizes every API call and goes in the URL path, so it is
    /// checked to be a single safe path segment.
    public var botToken: String
    /// What Telegram sends in `X-Telegram-Bot-Api-Secret-Token`; required in webhook mode.
    public var secretToken: String?
    public var mode: Mode
    public var apiBaseURL: String

    public init(channel: Channel, credentials: [String: String]) throws(ConfigurationError) {
        guard let token = credentials["botToken"], !token.isEmpty else { throw .missingCredential("botToken") }
        guard Self.isBotToken(token) else { throw .invalidBotToken }
        botToken = token
        let modeName = channel.settings["mode"] ?? Mode.webhook.rawValue
        guard let mode = Mode(rawValue: modeName) else { throw .invalidMode(modeName) }
        self.mode = mode
        if let secret = credentials["secretToken"], !secret.isEmpty {
            guard Self.isSecretToken(secret) else { throw .invalidSecretToken }
            secretToken = secret
        } else if mode == .webhook {
            throw .missingCredential("secretToken")
        }
        var base = channel.settings["apiBaseURL"] ?? Self.defaultAPIBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        let host = base.hasPrefix("https://") ? base.dropFirst(8) : base.hasPrefix("http://") ? base.dropFirst(7) : ""
        guard !host.isEmpty else { throw .invalidAPIBaseURL(base) }
        apiBaseURL = base
    }

    /// `123456789:AAH...`: the bot's numeric id, a colon, then URL-safe characters.
    static func isBotToken(_ token: String) -> Bool {
        let parts = token.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return parts[0].utf8.allSatisfy { (0x30...0x39).contains($0) } && parts[1].utf8.allSatisfy(isSecretByte)
    }

    /// The alphabet `setWebhook` allows for `secret_token` (CHANNELS.md §2.1).
    static func isSecretToken(_ secret: String) -> Bool {
        (1...256).contains(secret.utf8.count) && secret.utf8.allSatisfy(isSecretByte)
    }

    private static func isSecretByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }
}
