import Foundation
import ParleyCore

/// What a push service's answer means (RFC 8030 §5, §6.2, §7; RFC 8292 §4), with the reason
/// the service gave where it gave one: Apple answers `{"reason":"BadJwtToken"}`, Mozilla
/// `{"errno":…,"message":…}`, FCM plain text.
enum PushServiceAnswer {
    static func outcome(of response: TransportResponse, host: String, now: Date) -> PushOutcome {
        let status = response.status
        let said = explanation(response.body).map { ": \($0)" } ?? ""
        switch status {
        case 200..<300:
            return .delivered
        case 404, 410:
            // The browser unsubscribed or the push service expired the subscription.
            return .subscriptionGone(status: status)
        case 429:
            return .retryLater(reason: "push service \(host) is rate limiting (HTTP 429)\(said)", after: retryAfter(response, now: now))
        case 500...:
            return .retryLater(reason: "push service \(host) answered HTTP \(status)\(said)", after: retryAfter(response, now: now))
        case 300..<400:
            return .failed(reason: "push service \(host) redirected (HTTP \(status)); redirects are not followed")
        case 413:
            return .failed(reason: "push service \(host) refused the payload as too large (HTTP 413)\(said)")
        case 401, 403:
            // A VAPID key other than the one the browser subscribed with, or a token it refused.
            return .failed(reason: "push service \(host) refused the VAPID authorization (HTTP \(status))\(said)")
        default:
            return .failed(reason: "push service \(host) refused the message (HTTP \(status))\(said)")
        }
    }

    /// `Retry-After` as seconds from now: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
    static func retryAfter(_ response: TransportResponse, now: Date) -> TimeInterval? {
        guard let value = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = TimeInterval(value), seconds.isFinite { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// What the service said, on one line and short enough for a log and an agent's screen.
    static func explanation(_ body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            let nested = (object["error"] as? [String: Any])?["message"] as? String
            let text = [object["reason"] as? String, object["message"] as? String, nested, object["error"] as? String]
                .compactMap { $0 }.first { !$0.isEmpty }
            return text.map(oneLine)
        }
        guard let text = String(bytes: body, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<")
        else { return nil }
        let line = oneLine(text)
        return line.isEmpty ? nil : line
    }

    private static func oneLine(_ text: String) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        let line = words.joined(separator: " ")
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}
