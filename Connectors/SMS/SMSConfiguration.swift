import Foundation
import ParleyCore

/// A Twilio Programmable Messaging channel's credentials and settings, validated once when the
/// connector is built so a typo surfaces at `channel add`, not at the first webhook or send.
///
/// Credentials: `accountSid`, `authToken`, and the sender: `fromNumber` (E.164 number, short
/// code or alphanumeric sender id) or `messagingServiceSid` (when both are given, the Messaging
/// Service wins, as Twilio itself prefers it). Settings: `apiBaseURL`, `statusCallback`,
/// `mediaDomains` (see below).
public struct SMSConfiguration: Sendable, Equatable {
    public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
        case missingCredential(String)
        case missingSender
        case invalidSid(name: String, prefix: String)
        case invalidSetting(name: String, value: String, expected: String)

        public var description: String {
            switch self {
            case .missingCredential(let name): "Twilio credential '\(name)' is missing"
            case .missingSender: "Twilio needs a sender: credential 'fromNumber' or 'messagingServiceSid'"
            // The value itself is not echoed: this text reaches logs and the command line.
            case .invalidSid(let name, let prefix): "Twilio credential '\(name)' is not a Twilio SID (\(prefix) followed by 32 hex digits)"
            case .invalidSetting(let name, let value, let expected): "Twilio setting \(name)='\(value)' is not \(expected)"
            }
        }
    }

    /// Who the messages come from.
    public enum Sender: Sendable, Equatable {
        case number(String)
        case messagingService(String)
    }

    public static let defaultAPIBaseURL = "https://api.twilio.com"
    /// Media URLs in webhooks are on `api.twilio.com` (CHANNELS.md §6.1); fetching one redirects
    /// to a short-lived URL on a CDN host. CHANNELS.md names no CDN host. Twilio's support article
    /// "Protect Media Access with HTTP Basic Authentication" (223183748) names `mms.twiliocdn.com`
    /// for media behind Basic auth and `s3-external-1.amazonaws.com` for older public media.
    /// UNVERIFIED: only the first is admitted by default; the `mediaDomains` setting replaces
    /// this list (comma-separated; each admits its subdomains).
    public static let defaultMediaDomains = ["mms.twiliocdn.com"]
    /// Always admitted for media, whatever `mediaDomains` says.
    public static let platformDomain = "twilio.com"

    public var accountSid: String
    /// Keys webhook signatures and is the Basic-auth password of every API call; never logged,
    /// never part of a reason.
    public var authToken: String
    public var sender: Sender
    public var apiBaseURL: String
    /// Sent as `StatusCallback` with every message, so Twilio posts delivery receipts there
    /// (normally `<public URL>/hooks/<channel id>`). Unset: no per-message callback; a status
    /// callback configured on the number or Messaging Service in Twilio's console works as well.
    public var statusCallback: String?
    /// CDN hosts media downloads may be redirected to (and fetched from), besides `twilio.com`.
    public var mediaDomains: [String]

    public init(channel: Channel, credentials: [String: String]) throws(ConfigurationError) {
        func credential(_ name: String) -> String? {
            credentials[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let accountSid = credential("accountSid") else { throw .missingCredential("accountSid") }
        guard Self.isSid(accountSid, prefix: "AC") else { throw .invalidSid(name: "accountSid", prefix: "AC") }
        guard let authToken = credential("authToken") else { throw .missingCredential("authToken") }
        self.accountSid = accountSid
        self.authToken = authToken
        if let service = credential("messagingServiceSid") {
            guard Self.isSid(service, prefix: "MG") else { throw .invalidSid(name: "messagingServiceSid", prefix: "MG") }
            sender = .messagingService(service)
        } else if let number = credential("fromNumber") {
            sender = .number(number)
        } else {
            throw .missingSender
        }
        apiBaseURL = try Self.httpURL(channel.settings["apiBaseURL"] ?? Self.defaultAPIBaseURL, name: "apiBaseURL")
        if let callback = channel.settings["statusCallback"], !callback.isEmpty {
            statusCallback = try Self.httpURL(callback, name: "statusCallback", trimSlash: false)
        } else {
            statusCallback = nil
        }
        mediaDomains = Self.defaultMediaDomains
        if let listed = channel.settings["mediaDomains"] {
            var domains: [String] = []
            for item in listed.split(separator: ",") {
                let domain = item.trimmingCharacters(in: .whitespaces).lowercased()
                guard domain.contains("."), domain.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
                else { throw .invalidSetting(name: "mediaDomains", value: listed, expected: "a comma-separated list of host names") }
                domains.append(domain)
            }
            mediaDomains = domains
        }
    }

    /// `AC` / `MG` / `SM` followed by 32 hex digits: the account SID also goes into URL paths.
    static func isSid(_ text: String, prefix: String) -> Bool {
        text.utf8.count == 34 && text.hasPrefix(prefix) && text.utf8.dropFirst(2).allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
        }
    }

    private static func httpURL(_ value: String, name: String, trimSlash: Bool = true) throws(ConfigurationError) -> String {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty
        else { throw .invalidSetting(name: name, value: value, expected: "an http(s) URL") }
        guard trimSlash else { return value }
        var trimmed = value[...]
        while trimmed.last == "/" { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// The channel's Basic credentials, `accountSid:authToken` in base64.
    var basicAuthorization: String {
        "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
    }
}
