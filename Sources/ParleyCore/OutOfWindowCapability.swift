import Foundation

/// What a configured channel can still send once its reply window has closed: the policy says
/// which form the platform offers, the channel's own settings say whether it is set up (a
/// template id, the `HUMAN_AGENT` tag switched on).
public enum OutOfWindowCapability: Sendable, Equatable {
    /// The form can be used for `lasting` after the customer's last message (`nil` = no limit).
    case available(OutOfWindowRoute, lasting: TimeInterval?)
    /// Nothing can be sent outside the window; the reason says what an admin could change.
    case unavailable(reason: String)

    /// What the policy alone allows, for channels with nothing to configure.
    public init(policy: ChannelPolicy, kind: ChannelKind) {
        switch policy.outsideWindow {
        case .push, .holdForReturn:
            self = .available(policy.outsideWindow, lasting: nil)
        case .none:
            self = .unavailable(reason: "\(kind.displayName) allows no message once its reply window has closed")
        case .template:
            self = .unavailable(reason: "no template is configured on the channel")
        case .messageTag:
            self = .unavailable(reason: "no message tag is enabled on the channel")
        }
    }
}
