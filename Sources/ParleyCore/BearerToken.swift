/// Reads the token out of an `Authorization: Bearer <token>` header value. One reading for
/// agents and visitors alike; the scheme name is case-insensitive (RFC 9110 §11.1). It runs
/// on every request, so it slices instead of building lowered or reversed copies.
public enum BearerToken {
    public static func parse(_ headerValue: String?) -> String? {
        guard let utf8 = headerValue?.utf8, utf8.count > 7,
              zip(utf8.prefix(7), "bearer ".utf8).allSatisfy({ $0 | 0x20 == $1 })
        else { return nil }
        let token = utf8.dropFirst(7).drop { $0 == UInt8(ascii: " ") }
        let end = token.lastIndex { $0 != UInt8(ascii: " ") }
        guard let end else { return nil }
        return String(Substring(token[...end]))
    }
}
