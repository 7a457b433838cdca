import Foundation
import ParleyCore

/// JSON helpers both Meta connectors share.
public enum MetaJSON {
    public static var decoder: JSONDecoder { JSONDecoder() }

    /// Sorted keys and unescaped slashes: bodies are stable, so tests compare them exactly.
    public static func encode(_ value: some Encodable) -> [UInt8]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map(Array.init)
    }

    /// Decodes a webhook body, turning a failure into a 400 that names the field instead of
    /// `DecodingError`'s debug dump.
    public static func decodeWebhook<Body: Decodable>(_ type: Body.Type, from body: [UInt8], platform: String) throws(ConnectorError) -> Body {
        guard !body.isEmpty else { throw .malformedPayload("the body is empty; \(platform) posts a JSON object") }
        do {
            return try decoder.decode(type, from: Data(body))
        } catch let error as DecodingError {
            throw .malformedPayload("not a \(platform) webhook body: \(error.reason)")
        } catch {
            throw .malformedPayload("not a \(platform) webhook body")
        }
    }
}

/// A JSON value Meta sends sometimes as a string, sometimes as a number (ids, timestamps,
/// sticker ids, error codes), read as its text either way.
public struct LenientString: Decodable, Sendable, Equatable {
    public var value: String

    public init(_ value: String) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else if let whole = try? container.decode(Int64.self) {
            value = String(whole)
        } else if let number = try? container.decode(Double.self) {
            value = String(number)
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "neither a string nor a number"))
        }
    }

    /// Seconds (WhatsApp) or milliseconds (Messenger) since 1970 as a date.
    public func date(milliseconds: Bool) -> Date? {
        guard let number = Double(value) else { return nil }
        return Date(timeIntervalSince1970: milliseconds ? number / 1000 : number)
    }
}
