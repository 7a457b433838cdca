/// The messaging platforms Parley connects to.
public enum ChannelKind: String, CaseIterable, Codable, Sendable {
    case webchat
    case wechat
    case telegram
    case whatsapp
    case messenger
    case line
    case sms
}
