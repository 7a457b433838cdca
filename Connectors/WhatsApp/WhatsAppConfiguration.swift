import Foundation
import MetaSigning
import ParleyCore

/// A WhatsApp Cloud API number's credentials and settings, validated once when the connector is
/// built so a typo surfaces at `channel add`, not at the first webhook or send.
///
/// Credentials: `phoneNumberId`, `accessToken`, `appSecret`, `verifyToken`.
/// Settings: `templateName` + `templateLanguage` (default `en_US`) for replies outside the 24 h
/// window; `apiBaseURL` (default `https://graph.facebook.com`); `graphVersion` (default `v25.0`);
/// `mediaDomains` (default `fbsbx.com,whatsapp.net`, UNVERIFIED: the hosts media URLs point at).
public struct WhatsAppConfiguration: Sendable {
    public static let platform = "WhatsApp"
    /// Where the Graph API's media URLs have pointed (`lookaside.fbsbx.com`). CHANNELS.md names
    /// no host, so this is UNVERIFIED and the `mediaDomains` setting replaces it.
    public static let defaultMediaDomains = ["fbsbx.com", "whatsapp.net"]
    public static let defaultTemplateLanguage = "en_US"

    /// The business number's Graph id: the sender of every reply, and the filter for webhooks.
    public var phoneNumberID: String
    /// Sent as `Authorization: Bearer …`; never logged or shown.
    public var accessToken: String
    /// Keys `X-Hub-Signature-256`.
    public var appSecret: String
    /// Answers the `hub.verify_token` handshake.
    public var verifyToken: String
    /// An approved template that carries the reply as its one body parameter outside the window.
    public var templateName: String?
    public var templateLanguage: String
    public var apiBaseURL: String
    public var graphVersion: String
    public var mediaDomains: [String]

    public init(channel: Channel, credentials: [String: String]) throws(MetaConfigurationError) {
        let meta = MetaSettings(platform: Self.platform, channel: channel, credentials: credentials)
        phoneNumberID = try meta.nodeID("phoneNumberId")
        accessToken = try meta.credential("accessToken")
        appSecret = try meta.credential("appSecret")
        verifyToken = try meta.credential("verifyToken")
        templateName = meta.text("templateName")
        templateLanguage = meta.text("templateLanguage") ?? Self.defaultTemplateLanguage
        apiBaseURL = try meta.apiBaseURL()
        graphVersion = try meta.graphVersion()
        mediaDomains = try meta.mediaDomains(default: Self.defaultMediaDomains)
    }
}
