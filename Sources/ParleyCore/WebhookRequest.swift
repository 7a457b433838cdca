/// A platform's HTTP request as a connector sees it: raw bytes, so signatures are checked over
/// exactly what was sent, before anything is parsed.
public struct WebhookRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var method: Method
    /// The path as received, without the query.
    public var path: String
    /// Query parameters in order, repeated names kept, values percent-decoded.
    public var query: [(name: String, value: String)]
    /// The query exactly as it arrived (without the `?`), escapes untouched, for signatures that
    /// cover the URL as the platform spelled it; `nil` when the caller only has the pairs.
    public var rawQuery: String?
    /// Header fields in order; names are matched case-insensitively.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The gateway's public base URL (`PARLEY_PUBLIC_URL`), for signatures that cover the URL.
    public var publicBaseURL: String

    public init(
        method: Method, path: String, query: [(name: String, value: String)] = [], rawQuery: String? = nil,
        headers: [(name: String, value: String)] = [], body: [UInt8] = [], publicBaseURL: String
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
        self.publicBaseURL = publicBaseURL
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

/// The answer a connector wants the platform to get.
public struct WebhookResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static func text(_ text: String, status: Int = 200) -> WebhookResponse {
        WebhookResponse(status: status, body: Array(text.utf8))
    }

    public static func json(_ bytes: [UInt8], status: Int = 200) -> WebhookResponse {
        WebhookResponse(status: status, contentType: "application/json", body: bytes)
    }
}

extension String {
    /// ASCII case-insensitive equality for header names, without allocating lowered copies:
    /// it runs for every header of every webhook.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy { left, right in
            left == right || (left | 0x20 == right | 0x20 && (left | 0x20) >= 0x61 && (left | 0x20) <= 0x7A)
        }
    }
}
