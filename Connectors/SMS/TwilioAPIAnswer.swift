import Foundation
import ParleyCore

/// What one Messages API answer means (CHANNELS.md §6.3). Success is 201 with the Message
/// resource (`sid`); a failure carries Twilio's error body `{"code", "message", "more_info",
/// "status"}`, whose code says more than the HTTP status.
enum TwilioAPIAnswer: Equatable {
    case accepted(sid: String?)
    case retryLater(reason: String, after: TimeInterval?)
    case failed(reason: String)

    /// Twilio's error for a recipient who replied STOP (UNVERIFIED officially, §6.3; permanent).
    static let optedOutCode = 21610
    /// Not a valid phone number / not a mobile number.
    static let invalidNumberCodes: Set<Int> = [21211, 21614]
    static let optedOutReason = "the customer opted out (replied STOP); Twilio refuses to message them (error 21610)"

    private struct Body: Decodable {
        var sid: String?
        var code: Int?
        var message: String?
    }

    init(_ response: TransportResponse) {
        let body = try? JSONDecoder().decode(Body.self, from: Data(response.body))
        let status = response.status
        let code = body?.code
        /// `: <message> (HTTP 400, error 21211)`
        let explained = {
            let said = body?.message.flatMap { $0.isEmpty ? nil : ": \($0)" } ?? ""
            return said + " (HTTP \(status)" + (code.map { ", error \($0)" } ?? "") + ")"
        }()
        switch status {
        case 200..<300:
            self = .accepted(sid: body?.sid.flatMap { $0.isEmpty ? nil : $0 })
        case 429:
            let after = response.header("Retry-After").flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
            self = .retryLater(reason: "Twilio's rate limit\(explained)", after: after)
        case 500...:
            self = .retryLater(reason: "Twilio is unavailable\(explained)", after: nil)
        case _ where code == Self.optedOutCode:
            self = .failed(reason: Self.optedOutReason)
        case _ where code.map(Self.invalidNumberCodes.contains) == true:
            self = .failed(reason: "the customer's number cannot receive this message\(explained)")
        case 401:
            self = .failed(reason: "Twilio refused the channel's accountSid and authToken\(explained)")
        case 404:
            self = .failed(reason: "Twilio does not know this account or resource; check accountSid and apiBaseURL\(explained)")
        case 400..<500:
            self = .failed(reason: "Twilio refused the message\(explained)")
        default:
            self = .failed(reason: "Twilio answered unexpectedly\(explained)")
        }
    }
}
