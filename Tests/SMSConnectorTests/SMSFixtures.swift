import Foundation
import ParleyCore
@testable import SMSConnector

/// An SMS channel's credentials and webhooks shaped the way Twilio posts them (CHANNELS.md §6.1:
/// form-encoded, signed with `X-Twilio-Signature` over the public URL and every parameter).
enum SMSFixtures {
    static let accountSid = "AC0123456789abcdef0123456789abcdef"
    static let authToken = "f4e3d2c1b0a998877665544332211000"
    static let serviceSid = "MG0123456789abcdef0123456789abcdef"
    static let ourNumber = "+14155550199"
    static let customer = "+14155550100"
    static let publicURL = "https://parley.example"
    static let channelID = ChannelID("ch_sms")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static var credentials: [String: String] {
        ["accountSid": accountSid, "authToken": authToken, "fromNumber": ourNumber]
    }

    static func connector(
        settings: [String: String] = [:], credentials: [String: String] = credentials, requestTimeout: TimeInterval = 15,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> SMSConnector {
        let channel = Channel(id: channelID, kind: .sms, name: "Support SMS", settings: settings)
        return try SMSConnector(channel: channel, credentials: credentials, requestTimeout: requestTimeout, now: { now }, log: log)
    }

    /// `name=value&…` as a browser or Twilio encodes a form: spaces as `+`.
    static func formBody(_ fields: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._* ")
        func escape(_ text: String) -> String {
            (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: " ", with: "+")
        }
        return fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// A POST as Twilio sends it, signed over `signedURL` (by default the URL Twilio was given:
    /// the public URL plus the path and query) unless `signature` is given.
    static func request(
        _ fields: [(String, String)], signature: String? = nil, signedURL: String? = nil, token: String = authToken,
        path: String = "/hooks/ch_sms", query: [(name: String, value: String)] = [], publicBaseURL: String = publicURL,
        contentType: String? = "application/x-www-form-urlencoded; charset=utf-8", host: String = "parley.example"
    ) -> WebhookRequest {
        let queryText = query.isEmpty ? "" : "?" + query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        let url = signedURL ?? publicBaseURL + path + queryText
        var headers: [(name: String, value: String)] = [("Host", host), ("User-Agent", "TwilioProxy/1.1")]
        if let contentType { headers.append(("Content-Type", contentType)) }
        headers.append((TwilioSignature.header, signature ?? TwilioSignature.sign(url: url, parameters: fields.map { ($0.0, $0.1) }, authToken: token)))
        return WebhookRequest(
            method: .post, path: path, query: query, headers: headers, body: Array(formBody(fields).utf8), publicBaseURL: publicBaseURL
        )
    }

    /// An inbound SMS with the fields Twilio's docs list, plus a few it sends besides.
    static func sms(_ body: String, sid: String = "SM11111111111111111111111111111111", from: String = customer) -> [(String, String)] {
        [
            ("ToCountry", "US"), ("ToState", "CA"), ("SmsMessageSid", sid), ("NumMedia", "0"), ("ToCity", "SAN FRANCISCO"),
            ("FromZip", "94105"), ("SmsSid", sid), ("FromState", "CA"), ("SmsStatus", "received"), ("FromCity", "SAN FRANCISCO"),
            ("Body", body), ("FromCountry", "US"), ("To", ourNumber), ("MessagingServiceSid", serviceSid), ("ToZip", "94105"),
            ("NumSegments", "1"), ("MessageSid", sid), ("AccountSid", accountSid), ("From", from), ("ApiVersion", "2010-04-01"),
        ]
    }

    /// An inbound MMS whose media are `(url, content type)`.
    static func mms(
        _ body: String, media: [(String, String)], sid: String = "MM22222222222222222222222222222222", from: String = customer
    ) -> [(String, String)] {
        var fields = sms(body, sid: sid, from: from).filter { $0.0 != "NumMedia" }
        fields.append(("NumMedia", String(media.count)))
        for (index, item) in media.enumerated() {
            fields.append(("MediaContentType\(index)", item.1))
            fields.append(("MediaUrl\(index)", item.0))
        }
        return fields
    }

    /// A status callback for one of our messages.
    static func statusCallback(_ status: String, sid: String, errorCode: String? = nil) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("SmsSid", sid), ("SmsStatus", status), ("MessageStatus", status), ("To", customer), ("MessageSid", sid),
            ("AccountSid", accountSid), ("From", ourNumber), ("ApiVersion", "2010-04-01"),
        ]
        if let errorCode { fields.append(("ErrorCode", errorCode)) }
        return fields
    }

    /// A Twilio media URL for this account.
    static func mediaURL(_ media: String = "ME0123456789abcdef0123456789abcdef", message: String = "MM22222222222222222222222222222222") -> String {
        "https://api.twilio.com" + mediaPath(media, message: message)
    }

    static func mediaPath(_ media: String = "ME0123456789abcdef0123456789abcdef", message: String = "MM22222222222222222222222222222222") -> String {
        "/2010-04-01/Accounts/\(accountSid)/Messages/\(message)/Media/\(media)"
    }

    static func delivery(_ content: MessageContent, id: Int64 = 42, to recipient: String = customer, attempt: Int = 1) -> OutboundDelivery {
        OutboundDelivery(
            messageID: MessageID(id), conversationID: ConversationID(1), recipient: recipient, content: content, attempt: attempt,
            lastCustomerMessageAt: nil
        )
    }
}
