import Foundation
import Hummingbird
import ParleyGateway

/// One JSON encoding for every response and event: ISO-8601 dates with milliseconds.
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        return encoder
    }()

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func text<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Reads a JSON body of at most 1 MiB; a malformed one is a 400 that names the problem.
    static func decodeBody<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try decode(T.self, from: try await request.body.collect(upTo: HTTPLimits.maximumBody))
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw GatewayError.invalid(field: "body", reason: error.reason)
        }
    }
}

enum HTTPLimits {
    /// Larger bodies are refused with 413 before they are read into memory.
    static let maximumBody = 1 << 20
}

/// The API's JSON for another front end of the same data: `parleyd team` and `parleyd canned`
/// print what `/api/v1` would answer, dates and all.
public enum APIJSON {
    public static func text(_ value: some Encodable) throws -> String {
        try JSONCoding.text(value)
    }
}
