import ArgumentParser
import WeChatConnector

/// The platform channels the webhook phases post to, and the secrets they were created with. The
/// channels are made as a user makes them, with `parleyd channel add <kind> … --credential …` (see the
/// README's Performance section); the bench only needs what that platform itself would know to sign.
struct WebhookOptions: ParsableArguments {
    @Option(help: "WeChat channel id (as printed by `parleyd channel add wechat`); required for the wechat phases.")
    var wechatChannel: String?

    @Option(help: "The WeChat channel's token credential; required for the wechat phases.")
    var wechatToken: String?

    @Option(help: "The WeChat channel's 43-character encodingAESKey; required for wechat-safe.")
    var wechatAesKey: String?

    @Option(help: "The WeChat channel's appId (sealed into every encrypted message); required for wechat-safe.")
    var wechatAppId: String?

    @Option(help: "Telegram channel id; required for the telegram phase.")
    var telegramChannel: String?

    @Option(help: "The Telegram channel's secretToken credential (sent as X-Telegram-Bot-Api-Secret-Token).")
    var telegramSecret: String?

    @Option(help: "WhatsApp channel id; required for the whatsapp phase.")
    var whatsappChannel: String?

    @Option(help: "The WhatsApp channel's appSecret credential (keys X-Hub-Signature-256).")
    var whatsappAppSecret: String?

    @Option(help: "The WhatsApp channel's phoneNumberId credential (webhooks for other numbers are skipped).")
    var whatsappPhoneNumberId: String?

    @Option(help: "Messenger channel id; required for the messenger phase.")
    var messengerChannel: String?

    @Option(help: "The Messenger channel's appSecret credential (keys X-Hub-Signature-256).")
    var messengerAppSecret: String?

    @Option(help: "The Messenger channel's pageId credential (entries for other Pages are skipped).")
    var messengerPageId: String?

    @Option(help: "LINE channel id; required for the line phase.")
    var lineChannel: String?

    @Option(help: "The LINE channel's channelSecret credential (keys x-line-signature).")
    var lineSecret: String?

    @Option(help: "SMS (Twilio) channel id; required for the sms phase.")
    var smsChannel: String?

    @Option(help: "The SMS channel's authToken credential (keys X-Twilio-Signature).")
    var smsAuthToken: String?

    @Option(
        help: """
            The base URL X-Twilio-Signature covers; must equal parleyd's public URL (PARLEY_PUBLIC_URL, which \
            parleyd defaults to http://<its host>:<its port>). Only signed, never connected to. \
            Default: http://<host:port of --url>.
            """
    )
    var publicUrl: String?

    /// The job of every webhook phase among `phases`, keyed by phase. Throws a `ValidationError` naming
    /// the first option that is missing or unusable for `mode`.
    func jobs(for phases: [PhaseKind], mode: BenchMode, target: Target) throws -> [PhaseKind: WebhookJob] {
        let need = Requirement(mode: mode)
        var jobs: [PhaseKind: WebhookJob] = [:]
        for kind in phases {
            switch kind {
            case .health, .ingest:
                continue
            case .wechatPlain, .wechatSafe:
                let channel = try need(wechatChannel, "--wechat-channel", "the id printed by `parleyd channel add wechat`")
                let token = try need(wechatToken, "--wechat-token", "the channel's token credential")
                let cipher = kind == .wechatSafe ? try wechatCipher(need) : nil
                jobs[kind] = WebhookJob(channelID: channel, platform: .wechat(token: token, cipher: cipher))
            case .telegram:
                let channel = try need(telegramChannel, "--telegram-channel", "the id printed by `parleyd channel add telegram`")
                let secret = try need(telegramSecret, "--telegram-secret", "the channel's secretToken credential")
                guard RequestBytes.isHeaderSafe(secret) else {
                    throw ValidationError("--telegram-secret must be visible ASCII (Telegram allows A–Z, a–z, 0–9, _ and -)")
                }
                jobs[kind] = WebhookJob(channelID: channel, platform: .telegram(secretToken: secret))
            case .whatsapp:
                let channel = try need(whatsappChannel, "--whatsapp-channel", "the id printed by `parleyd channel add whatsapp`")
                let secret = try need(whatsappAppSecret, "--whatsapp-app-secret", "the channel's appSecret credential")
                let number = try need(whatsappPhoneNumberId, "--whatsapp-phone-number-id", "the channel's phoneNumberId credential")
                try Self.requireDigits(number, "--whatsapp-phone-number-id")
                jobs[kind] = WebhookJob(channelID: channel, platform: .whatsapp(appSecret: secret, phoneNumberID: number))
            case .messenger:
                let channel = try need(messengerChannel, "--messenger-channel", "the id printed by `parleyd channel add messenger`")
                let secret = try need(messengerAppSecret, "--messenger-app-secret", "the channel's appSecret credential")
                let page = try need(messengerPageId, "--messenger-page-id", "the channel's pageId credential")
                try Self.requireDigits(page, "--messenger-page-id")
                jobs[kind] = WebhookJob(channelID: channel, platform: .messenger(appSecret: secret, pageID: page))
            case .line:
                let channel = try need(lineChannel, "--line-channel", "the id printed by `parleyd channel add line`")
                let secret = try need(lineSecret, "--line-secret", "the channel's channelSecret credential")
                jobs[kind] = WebhookJob(channelID: channel, platform: .line(channelSecret: secret))
            case .sms:
                let channel = try need(smsChannel, "--sms-channel", "the id printed by `parleyd channel add sms`")
                let token = try need(smsAuthToken, "--sms-auth-token", "the channel's authToken credential")
                jobs[kind] = WebhookJob(channelID: channel, platform: .sms(authToken: token, publicURL: try signedBaseURL(target)))
            }
        }
        return jobs
    }

    /// `--public-url` without trailing slashes, or the target's own address. Only signed, never
    /// connected to, so it need not be loopback.
    private func signedBaseURL(_ target: Target) throws -> String {
        guard var url = publicUrl else { return "http://\(target.hostHeader)" }
        while url.hasSuffix("/") { url.removeLast() }
        let rest = url.hasPrefix("https://") ? url.dropFirst(8) : url.hasPrefix("http://") ? url.dropFirst(7) : ""
        guard !rest.isEmpty, !rest.contains("?"), !rest.contains("#"), url.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ValidationError("--public-url must be an http(s) URL without query or fragment, like parleyd's PARLEY_PUBLIC_URL")
        }
        return url
    }

    /// The safe-mode cipher from --wechat-aes-key and --wechat-app-id.
    private func wechatCipher(_ need: Requirement) throws -> WeChatCipher {
        let key = try need(wechatAesKey, "--wechat-aes-key", "the channel's 43-character encodingAESKey")
        let appID = try need(wechatAppId, "--wechat-app-id", "the channel's appId credential")
        do {
            return try WeChatCipher(encodingAESKey: key, appID: appID)
        } catch {
            throw ValidationError("--wechat-aes-key: \(error.description)")
        }
    }

    /// Graph ids go into the JSON unescaped, and Meta's are digits.
    private static func requireDigits(_ value: String, _ option: String) throws {
        guard value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw ValidationError("\(option) must be digits, as Meta's Graph ids are")
        }
    }

    /// The value of an option the selected mode needs, or a message naming the option.
    private struct Requirement {
        let mode: BenchMode

        func callAsFunction(_ value: String?, _ option: String, _ what: String) throws -> String {
            guard let value, !value.isEmpty else {
                throw ValidationError("\(option) is required for --mode \(mode.rawValue) (\(what))")
            }
            return value
        }
    }
}
