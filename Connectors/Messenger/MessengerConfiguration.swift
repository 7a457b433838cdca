import Foundation
import MetaSigning
import ParleyCore

/// A Facebook Page's Messenger credentials and settings, validated once when the connector is
/// built so a typo surfaces at `channel add`, not at the first webhook or send.
///
/// Credentials: `pageId`, `pageAccessToken`, `appSecret`, `verifyToken`.
/// Settings: `humanAgentTag=true|false` (default false), `humanAgentWindow` (default `7d`,
/// UNVERIFIED), `apiBaseURL`, `graphVersion` (default `v25.0`), `mediaDomains` (default
/// `fbcdn.net,fbsbx.com`, UNVERIFIED).
public struct MessengerConfiguration: Sendable {
    public static let platform = "Messenger"
    /// Where attachment URLs have pointed (`scontent.xx.fbcdn.net`, `cdn.fbsbx.com`). CHANNELS.md
    /// names no host, so this is UNVERIFIED and the `mediaDomains` setting replaces it.
    public static let defaultMediaDomains = ["fbcdn.net", "fbsbx.com"]
    /// How long after the customer's last message the `HUMAN_AGENT` tag may be used: 7 days per
    /// Sinch and Bird, UNVERIFIED officially (CHANNELS.md §4.4).
    public static let defaultHumanAgentWindow: TimeInterval = 7 * 86_400

    /// The Page's Graph id: webhooks for other Pages of the same app are skipped.
    public var pageID: String
    /// Sent as `Authorization: Bearer …`; never logged or shown.
    public var pageAccessToken: String
    public var appSecret: String
    public var verifyToken: String
    /// Whether replies after the 24 h window go out with `tag: HUMAN_AGENT` (the Page needs
    /// Meta's human-agent permission).
    public var humanAgentTag: Bool
    public var humanAgentWindow: TimeInterval
    public var apiBaseURL: String
    public var graphVersion: String
    public var mediaDomains: [String]

    public init(channel: Channel, credentials: [String: String]) throws(MetaConfigurationError) {
        let meta = MetaSettings(platform: Self.platform, channel: channel, credentials: credentials)
        pageID = try meta.nodeID("pageId")
        pageAccessToken = try meta.credential("pageAccessToken")
        appSecret = try meta.credential("appSecret")
        verifyToken = try meta.credential("verifyToken")
        humanAgentTag = try meta.flag("humanAgentTag", default: false)
        humanAgentWindow = try meta.duration("humanAgentWindow", default: Self.defaultHumanAgentWindow)
        apiBaseURL = try meta.apiBaseURL()
        graphVersion = try meta.graphVersion()
        mediaDomains = try meta.mediaDomains(default: Self.defaultMediaDomains)
    }
}
