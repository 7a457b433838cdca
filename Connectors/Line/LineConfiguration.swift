import Foundation
import ParleyCore

/// A LINE Messaging API channel's credentials and settings, validated once when the connector
/// is built so a typo surfaces at `channel add`, not at the first webhook.
public struct LineConfiguration: Sendable {
    public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
        case missingCredential(String)
        case invalidSetting(name: String, value: String)

        public var description: String {
            switch self {
            case .missingCredential(let name): "LINE credential '\(name)' is missing"
            case .invalidSetting(let name, let value): "LINE setting \(name)='\(value)' is not an http(s) URL"
            }
        }
    }

    public static let defaultAPIBaseURL = "https://api.line.me"
    /// Content downloads live on a separate host (CHANNELS.md §5.5).
    public static let defaultDataBaseURL = "https://api-data.line.me"
    /// A reply token older than this is not tried. LINE publishes no lifetime; a community test
    /// measured about 30 s (CHANNELS.md §5.4), so stay well inside it.
    public static let replyTokenMaxAge: TimeInterval = 20

    /// Keys the webhook signature (`x-line-signature`).
    public var channelSecret: String
    /// Sent as `Authorization: Bearer …` on every API call; never logged or shown.
    public var channelAccessToken: String
    /// Messages: push and reply.
    public var apiBaseURL: String
    /// Content of received images, video, audio and files.
    public var dataBaseURL: String

    public init(channel: Channel, credentials: [String: String]) throws(ConfigurationError) {
        func required(_ name: String) throws(ConfigurationError) -> String {
            guard let value = credentials[name], !value.isEmpty else { throw .missingCredential(name) }
            return value
        }
        func baseURL(_ name: String, default fallback: String) throws(ConfigurationError) -> String {
            let value = channel.settings[name] ?? fallback
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  url.host != nil
            else { throw .invalidSetting(name: name, value: value) }
            var trimmed = value[...]
            while trimmed.last == "/" { trimmed = trimmed.dropLast() }
            return String(trimmed)
        }
        channelSecret = try required("channelSecret")
        channelAccessToken = try required("channelAccessToken")
        apiBaseURL = try baseURL("apiBaseURL", default: Self.defaultAPIBaseURL)
        dataBaseURL = try baseURL("dataBaseURL", default: Self.defaultDataBaseURL)
    }
}
