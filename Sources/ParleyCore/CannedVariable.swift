/// What a canned response's text may fill in, written `{{contact.name}}`. Values come from the
/// conversation the response is sent to and the agent who sends it.
public enum CannedVariable: String, CaseIterable, Sendable {
    /// The contact's name as the channel or the pre-chat form gave it.
    case contactName = "contact.name"
    /// The address the contact left (web chat's email form).
    case contactEmail = "contact.email"
    /// The display name of the agent sending it.
    case agentName = "agent.name"
    /// The conversation's id, for the customer to quote.
    case conversationID = "conversation.id"
    /// The name of the channel the conversation is on.
    case channelName = "channel.name"

    /// `contact.name, contact.email, …` for messages that list what is allowed.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
