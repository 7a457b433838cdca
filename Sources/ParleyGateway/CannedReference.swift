import ParleyStore

/// How an agent names the canned response to send: by id, or by the shortcut they typed.
public enum CannedReference: Sendable, Equatable {
    case id(CannedResponseID)
    case shortcut(String)
}
