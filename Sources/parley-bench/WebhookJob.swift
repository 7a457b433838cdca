import WeChatConnector

/// The channel a webhook phase posts to, and the secrets signing for it takes.
struct WebhookJob: Sendable {
    let channelID: String
    let platform: WebhookPlatform

    /// The same channel with every secret wrong: what someone without the channel's secret could
    /// send. The server must refuse it, or the phase would be measuring nothing.
    var forged: WebhookJob {
        WebhookJob(channelID: channelID, platform: platform.forged)
    }

    /// Connection `index`'s template, built when the connection is.
    func template(host: String, run: BenchRun, connection index: Int, unixTime: Int64) -> any WebhookRequestTemplate {
        let connection = WebhookConnection(channelID: channelID, host: host, run: run, index: index, unixTime: unixTime)
        switch platform {
        case .wechat(let token, let cipher): return WeChatCallbackTemplate(connection, token: token, cipher: cipher)
        case .telegram(let secretToken): return TelegramRequests.template(connection, secretToken: secretToken)
        case .whatsapp(let appSecret, let phoneNumberID):
            return MetaRequests.whatsapp(connection, appSecret: appSecret, phoneNumberID: phoneNumberID)
        case .messenger(let appSecret, let pageID): return MetaRequests.messenger(connection, appSecret: appSecret, pageID: pageID)
        case .line(let channelSecret): return LineRequests.template(connection, channelSecret: channelSecret)
        case .sms(let authToken, let publicURL): return TwilioRequests(connection, authToken: authToken, publicURL: publicURL)
        }
    }
}

/// Each platform's secrets, as given to `parleyd channel add` (see `WebhookOptions`).
enum WebhookPlatform: Sendable {
    /// `cipher` set: safe mode (built from --wechat-aes-key and --wechat-app-id).
    case wechat(token: String, cipher: WeChatCipher?)
    case telegram(secretToken: String)
    case whatsapp(appSecret: String, phoneNumberID: String)
    case messenger(appSecret: String, pageID: String)
    case line(channelSecret: String)
    /// `publicURL` is the server's `PARLEY_PUBLIC_URL`, which Twilio signatures cover.
    case sms(authToken: String, publicURL: String)

    fileprivate var forged: WebhookPlatform {
        // Still header-safe and within Telegram's secret alphabet.
        let wrong = "-forged"
        switch self {
        case .wechat(let token, let cipher): return .wechat(token: token + wrong, cipher: cipher)
        case .telegram(let secretToken): return .telegram(secretToken: secretToken + wrong)
        case .whatsapp(let appSecret, let phoneNumberID): return .whatsapp(appSecret: appSecret + wrong, phoneNumberID: phoneNumberID)
        case .messenger(let appSecret, let pageID): return .messenger(appSecret: appSecret + wrong, pageID: pageID)
        case .line(let channelSecret): return .line(channelSecret: channelSecret + wrong)
        case .sms(let authToken, let publicURL): return .sms(authToken: authToken + wrong, publicURL: publicURL)
        }
    }
}

/// What every connection's template is built from besides the platform's secrets.
struct WebhookConnection {
    let channelID: String
    /// The `Host` header.
    let host: String
    let run: BenchRun
    /// The connection's number in its phase; each connection is one sender.
    let index: Int
    /// When the connection was set up, in Unix seconds: the date of all its messages, as the
    /// platforms date them.
    let unixTime: Int64
}
