import ParleyCore

/// A WeChat Official Account channel's credentials and settings, validated once when the
/// connector is built so a typo surfaces at `channel add`, not at the first callback.
public struct WeChatConfiguration: Sendable {
    /// How the account's console is set (消息加解密方式).
    public enum Mode: String, Sendable, CaseIterable {
        /// 明文模式: plaintext XML, `signature` only.
        case plain
        /// 兼容模式: both plaintext and `Encrypt`; encrypted requests are answered encrypted.
        case compatible
        /// 安全模式: every callback encrypted; a plaintext one is refused.
        case safe
    }

    public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
        case missingCredential(String)
        case invalidMode(String)
        case invalidCipher(String)

        public var description: String {
            switch self {
            case .missingCredential(let name): "WeChat credential '\(name)' is missing"
            case .invalidMode(let value):
                "WeChat setting mode='\(value)' is not one of \(Mode.allCases.map(\.rawValue).joined(separator: ", "))"
            case .invalidCipher(let reason): "WeChat credential 'encodingAESKey' is invalid: \(reason)"
            }
        }
    }

    public static let defaultAPIBaseURL = "https://api.weixin.qq.com"

    public var appID: String
    public var appSecret: String
    public var token: String
    public var mode: Mode
    /// Present whenever an `encodingAESKey` was given; required in compatible and safe mode.
    public var cipher: WeChatCipher?
    public var apiBaseURL: String
    /// Passively replied to a follower's `subscribe` event (关注回复), when set.
    public var greeting: String?
    /// The template message sent outside the 48-hour window, when configured.
    public var templateID: String?
    /// The template's data key that receives the reply text.
    public var templateField: String

    public init(channel: Channel, credentials: [String: String]) throws(ConfigurationError) {
        func required(_ name: String) throws(ConfigurationError) -> String {
            guard let value = credentials[name], !value.isEmpty else { throw .missingCredential(name) }
            return value
        }
        appID = try required("appId")
        appSecret = try required("appSecret")
        token = try required("token")
        let modeName = channel.settings["mode"] ?? Mode.plain.rawValue
        guard let mode = Mode(rawValue: modeName) else { throw .invalidMode(modeName) }
        self.mode = mode
        if let key = credentials["encodingAESKey"], !key.isEmpty {
            do {
                cipher = try WeChatCipher(encodingAESKey: key, appID: appID)
            } catch {
                throw .invalidCipher(error.description)
            }
        } else if mode != .plain {
            throw .missingCredential("encodingAESKey")
        }
        apiBaseURL = String((channel.settings["apiBaseURL"] ?? Self.defaultAPIBaseURL).trimmingSuffix("/"))
        greeting = channel.settings["greeting"].flatMap { $0.isEmpty ? nil : $0 }
        templateID = channel.settings["templateId"].flatMap { $0.isEmpty ? nil : $0 }
        templateField = channel.settings["templateField"] ?? "content"
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: Character) -> Substring {
        var result = self[...]
        while result.last == suffix { result = result.dropLast() }
        return result
    }
}
