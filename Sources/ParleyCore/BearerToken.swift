/// Reads the token out of an `Authorization: Bearer <token>` header value. One reading for
/// agents and visitors alike; the scheme name is case-insensitive (RFC 9110 §11.1).
public enum BearerToken {
    public static func parse(_ headerValue: String?) -> String? {
        guard let headerValue, headerValue.utf8.count > 7,
              headerValue.prefix(7).lowercased() == "bearer "
        else { return nil }
        let token = headerValue.dropFirst(7).trimmingSpaces()
        return token.isEmpty ? nil : token
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
