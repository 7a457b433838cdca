extension ChannelKind {
    /// Every setting a channel of this kind reads: the policy's keys (all kinds) and its
    /// connector's own. Anything else is refused when a channel is added or updated, naming the
    /// key, so a misspelt `idleTimout` never silently keeps the default.
    public var settingKeys: Set<String> {
        let connector: [String]
        switch self {
        case .webchat: connector = ["offlineFallbackAfter", "reopenURL"]
        case .wechat: connector = ["mode", "apiBaseURL", "greeting", "templateId", "templateField"]
        case .telegram: connector = ["mode", "apiBaseURL"]
        case .whatsapp: connector = ["apiBaseURL", "graphVersion", "mediaDomains", "templateName", "templateLanguage"]
        case .messenger: connector = ["apiBaseURL", "graphVersion", "mediaDomains", "humanAgentTag", "humanAgentWindow"]
        case .line: connector = ["apiBaseURL", "dataBaseURL"]
        case .sms: connector = ["apiBaseURL", "statusCallback", "mediaDomains"]
        }
        return Set(ChannelPolicy.settingKeys + connector)
    }
}
