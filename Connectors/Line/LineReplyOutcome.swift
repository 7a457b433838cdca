import ParleyCore

/// What became of a send through a reply token.
public enum LineReplyOutcome: Sendable, Equatable {
    case sent(platformMessageID: String?)
    /// LINE refused the token (already used, expired or unknown) and delivered nothing: push instead.
    case tokenRejected(reason: String)
    /// Any other answer, mapped as for a push. The reply endpoint takes no retry key, so after a
    /// 5xx or a timeout the reply may have arrived all the same.
    case other(SendOutcome)
}
