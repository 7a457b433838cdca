/// One configured channel instance: a kind of platform plus the account it speaks for.
///
/// Credentials are deliberately not part of this value: they are decrypted only when a
/// connector is built, and never travel to listings or APIs.
public struct Channel: Sendable, Equatable, Codable {
    public var id: ChannelID
    public var kind: ChannelKind
    public var name: String
    /// Non-secret settings (`apiBaseURL`, `templateId`, policy overrides, ...).
    public var settings: [String: String]

    public init(id: ChannelID, kind: ChannelKind, name: String, settings: [String: String] = [:]) {
        self.id = id
        self.kind = kind
        self.name = name
        self.settings = settings
    }

    /// The path a platform posts to; the public URL is prefixed by whoever shows it.
    public var webhookPath: String { "/hooks/\(id.rawValue)" }

    /// The channel's policy: the kind's defaults with this instance's overrides applied.
    public var policy: ChannelPolicy {
        ChannelPolicy.defaults(for: kind).overridden(by: settings)
    }
}
