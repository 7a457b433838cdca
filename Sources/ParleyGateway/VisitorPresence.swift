import ParleyCore

/// Which web visitors have a widget socket open on this node, so the planner knows whether a
/// reply is seen at once or waits for the visitor's return. A visitor may have several tabs
/// open: they are away only once the last one closes.
public actor VisitorPresence {
    private struct Key: Hashable {
        let channelID: ChannelID
        let visitorID: String
    }

    private var openSockets: [Key: Int] = [:]

    public init() {}

    public func opened(channel: ChannelID, visitor: String) {
        openSockets[Key(channelID: channel, visitorID: visitor), default: 0] += 1
    }

    public func closed(channel: ChannelID, visitor: String) {
        let key = Key(channelID: channel, visitorID: visitor)
        guard let count = openSockets[key] else { return }
        openSockets[key] = count > 1 ? count - 1 : nil
    }

    public func isConnected(channel: ChannelID, visitor: String) -> Bool {
        openSockets[Key(channelID: channel, visitorID: visitor)] != nil
    }
}
