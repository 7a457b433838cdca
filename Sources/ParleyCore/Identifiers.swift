/// Typed identifiers, so a contact id can never be passed where a conversation id is expected.
/// Rows use 64-bit integer keys; channels use short opaque strings because their id appears in
/// the webhook URL that admins paste into platform consoles.
public struct EntityID<Tag>: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int64

    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

public enum ContactTag {}
public enum IdentityTag {}
public enum ConversationTag {}
public enum MessageTag {}
public enum AgentTag {}
public enum TeamTag {}

public typealias ContactID = EntityID<ContactTag>
public typealias IdentityID = EntityID<IdentityTag>
public typealias ConversationID = EntityID<ConversationTag>
public typealias MessageID = EntityID<MessageTag>
public typealias AgentID = EntityID<AgentTag>
/// A team (skill group) that conversations are queued for and agents belong to.
public typealias TeamID = EntityID<TeamTag>

/// The id of one configured channel instance, e.g. `ch_4k2x9q...`.
public struct ChannelID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// A new random channel id. Lower-case letters and digits only, so it is safe in any URL.
    public static func random() -> ChannelID {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
        return ChannelID("ch_" + suffix)
    }
}
