import Foundation

/// The JSON of the browser's `PushSubscription.toJSON()`:
/// `{"endpoint": "https://…", "expirationTime": null, "keys": {"p256dh": "…", "auth": "…"}}`,
/// keys unpadded base64url, `expirationTime` milliseconds since 1970 or null.
extension PushSubscription: Codable {
    /// The JSON as it arrives, before any of it is checked.
    private struct Shape: Codable {
        struct Keys: Codable {
            var p256dh: String
            var auth: String
        }

        var endpoint: String
        var expirationTime: Double?
        var keys: Keys
    }

    /// A refused value throws `DecodingError.dataCorrupted` at the field it concerns, so
    /// `DecodingError.reason` names it (`keys.p256dh is invalid`); `decode(json:)` says more.
    public init(from decoder: any Decoder) throws {
        let shape = try Shape(from: decoder)
        do {
            try self.init(shape)
        } catch {
            let path = error.field.split(separator: ".").map { Self.Key(String($0)) }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + path, debugDescription: error.reason))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try Shape(
            endpoint: endpoint,
            expirationTime: expirationTime.map { ($0.timeIntervalSince1970 * 1000).rounded() },
            keys: .init(p256dh: p256dhBase64URL, auth: authBase64URL)
        ).encode(to: encoder)
    }

    /// Reads the browser's JSON with a refusal that names the field and says what is wrong
    /// (`keys.auth must be a 16-byte secret; this one is 12 bytes`, `keys.p256dh is missing`).
    public static func decode(json: [UInt8]) throws(Invalid) -> PushSubscription {
        let shape: Shape
        do {
            shape = try JSONDecoder().decode(Shape.self, from: Data(json))
        } catch let error as DecodingError {
            throw Invalid(field: Self.field(of: error), reason: error.reason)
        } catch {
            throw Invalid(field: "body", reason: "the body could not be read")
        }
        return try PushSubscription(shape)
    }

    private init(_ shape: Shape) throws(Invalid) {
        try self.init(
            endpoint: shape.endpoint, p256dh: shape.keys.p256dh, auth: shape.keys.auth,
            expirationTime: shape.expirationTime.map { Date(timeIntervalSince1970: $0 / 1000) }
        )
    }

    private static func field(of error: DecodingError) -> String {
        let keys: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let context): keys = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): keys = context.codingPath
        @unknown default: keys = []
        }
        return keys.isEmpty ? "body" : keys.map(\.stringValue).joined(separator: ".")
    }

    /// A coding key for the path of a refusal.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
