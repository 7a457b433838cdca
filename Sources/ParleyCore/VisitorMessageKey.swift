/// Web visitors pick their own message ids (`clientId`), so two visitors may pick the same one.
/// The platform message id stored for a visitor message is therefore `<visitorId>:<clientId>`:
/// unique per channel as deduplication needs, and never letting one visitor's retry collide
/// with, or reveal, another visitor's message.
public enum VisitorMessageKey {
    public static func platformMessageID(visitorID: String, clientID: String) -> String {
        "\(visitorID):\(clientID)"
    }

    /// The visitor's own `clientId` back from a stored platform message id.
    public static func clientID(from platformMessageID: String) -> String {
        guard let colon = platformMessageID.firstIndex(of: ":") else { return platformMessageID }
        return String(platformMessageID[platformMessageID.index(after: colon)...])
    }
}
