import Foundation

extension MessageSender: Codable {
    private enum CodingKeys: String, CodingKey { case type, id }

    public var kindName: String {
        switch self {
        case .contact: "contact"
        case .agent: "agent"
        case .bot: "bot"
        case .system: "system"
        }
    }

    /// The contact or agent id, when the sender has one.
    public var participantID: Int64? {
        switch self {
        case .contact(let id): id.rawValue
        case .agent(let id): id.rawValue
        case .bot, .system: nil
        }
    }

    public init?(kindName: String, participantID: Int64?) {
        switch (kindName, participantID) {
        case ("contact", let id?): self = .contact(ContactID(id))
        case ("agent", let id?): self = .agent(AgentID(id))
        case ("bot", _): self = .bot
        case ("system", _): self = .system
        default: return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .type)
        let id = try container.decodeIfPresent(Int64.self, forKey: .id)
        guard let sender = MessageSender(kindName: kind, participantID: id) else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown sender \(kind)")
        }
        self = sender
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kindName, forKey: .type)
        try container.encodeIfPresent(participantID, forKey: .id)
    }
}

extension DeliveryStatus: Codable {
    private enum CodingKeys: String, CodingKey { case state, reason }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .state)
        let reason = try container.decodeIfPresent(String.self, forKey: .reason)
        guard let status = DeliveryStatus(name: name, failureReason: reason) else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: container, debugDescription: "unknown status \(name)")
        }
        self = status
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .state)
        try container.encodeIfPresent(failureReason, forKey: .reason)
    }
}
