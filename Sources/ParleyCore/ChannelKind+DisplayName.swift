extension ChannelKind {
    /// The platform's name as agents know it, for reasons shown in the workbench.
    public var displayName: String {
        switch self {
        case .webchat: "web chat"
        case .wechat: "WeChat"
        case .telegram: "Telegram"
        case .whatsapp: "WhatsApp"
        case .messenger: "Messenger"
        case .line: "LINE"
        case .sms: "SMS"
        }
    }
}
