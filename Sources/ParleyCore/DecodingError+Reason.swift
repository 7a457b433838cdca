import Foundation

extension DecodingError {
    /// A reason fit for a 400 and a log line, naming what is wrong and where
    /// (`entry[0].changes is missing`, `message.chat.id is not an integer`), never the body.
    public var reason: String {
        func path(_ context: Context, _ last: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (last.map { [$0] } ?? [])
            let names = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "the body" : names.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch self {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "the body is not valid JSON (truncated or malformed)"
        case .dataCorrupted(let context):
            return "\(path(context)) is invalid"
        case .keyNotFound(let key, let context):
            return "\(path(context, key)) is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context)) is not \(Self.article(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)) is null, expected \(Self.article(type))"
        @unknown default:
            return "the body could not be read"
        }
    }

    private static func article(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int64.Type, is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
