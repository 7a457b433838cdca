import Foundation

/// Durations as admins write them in settings: `90s`, `15m`, `60m`, `48h`, `7d`.
public enum DurationText {
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let text: String
        public init(text: String) { self.text = text }
        public var description: String {
            "'\(text)' is not a duration: write a whole number followed by s, m, h or d (e.g. 15m)"
        }
    }

    public static func parse(_ text: String) throws(ParseError) -> TimeInterval {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let unit = trimmed.last, let amount = Int(trimmed.dropLast()), amount >= 0 else {
            throw ParseError(text: text)
        }
        switch unit {
        case "s": return TimeInterval(amount)
        case "m": return TimeInterval(amount) * 60
        case "h": return TimeInterval(amount) * 3600
        case "d": return TimeInterval(amount) * 86_400
        default: throw ParseError(text: text)
        }
    }

    public static func format(_ interval: TimeInterval) -> String {
        let seconds = Int(interval)
        if seconds % 86_400 == 0, seconds > 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0, seconds > 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0, seconds > 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
