import Crypto
import Foundation
import ParleyCore

/// Twilio's webhook signature (CHANNELS.md §6.1): `X-Twilio-Signature` =
/// Base64(HMAC-SHA1(key: Auth Token, message: URL + every POST parameter sorted by name, name
/// then value, no separators)). Repeated names contribute each distinct value, sorted; unknown
/// parameters count like any other, since Twilio adds parameters without notice.
///
/// The URL is the one Twilio requested: the gateway's public URL (`PARLEY_PUBLIC_URL`) plus the
/// path and query as received. It is never built from the `Host` header, which the caller
/// chooses: a signature a stranger made for their own host must not pass.
public enum TwilioSignature {
    public static let header = "X-Twilio-Signature"

    /// The signature Twilio sends for a POST of `parameters` to `url`.
    public static func sign(url: String, parameters: [(name: String, value: String)], authToken: String) -> String {
        let code = HMAC<Insecure.SHA1>.authenticationCode(
            for: payload(url: url, parameters: parameters), using: SymmetricKey(data: Array(authToken.utf8))
        )
        return Data(code).base64EncodedString()
    }

    /// Whether `claimed` signs `parameters` posted to `url` or to its spelling with the default
    /// port added or removed (Twilio is inconsistent about ports, §6.1). Constant time per try.
    public static func matches(_ claimed: String, url: String, parameters: [(name: String, value: String)], authToken: String) -> Bool {
        let presented = Array(claimed.trimmingCharacters(in: .whitespaces).utf8)
        var matched = false
        for candidate in urlVariants(url) {
            let expected = Array(sign(url: candidate, parameters: parameters, authToken: authToken).utf8)
            matched = ConstantTime.equals(presented, expected) || matched
        }
        return matched
    }

    /// The URL Twilio posted to: public base URL, the path and the query exactly as received.
    /// Only when the raw query is unknown is it rebuilt from its decoded pairs, re-escaped
    /// minimally (a URL spelled with needless escapes would then not match).
    public static func requestURL(of request: WebhookRequest) -> String {
        var base = request.publicBaseURL[...]
        while base.last == "/" { base = base.dropLast() }
        var url = String(base) + (request.path.hasPrefix("/") ? request.path : "/" + request.path)
        if let rawQuery = request.rawQuery {
            if !rawQuery.isEmpty { url += "?" + rawQuery }
        } else if !request.query.isEmpty {
            url += "?" + request.query.map { "\($0.name)=\(escapeQueryValue($0.value))" }.joined(separator: "&")
        }
        return url
    }

    /// `url` followed by each parameter name and value: names sorted by code point, and for a
    /// repeated name its distinct values sorted (twilio-python `compute_signature`).
    static func payload(url: String, parameters: [(name: String, value: String)]) -> [UInt8] {
        var valuesByName: [String: Set<String>] = [:]
        for (name, value) in parameters { valuesByName[name, default: []].insert(value) }
        var bytes = Array(url.utf8)
        for name in valuesByName.keys.sorted(by: precedes) {
            for value in (valuesByName[name] ?? []).sorted(by: precedes) {
                bytes.append(contentsOf: name.utf8)
                bytes.append(contentsOf: value.utf8)
            }
        }
        return bytes
    }

    /// Code-point order, which is UTF-8 byte order (Python's `sorted` on `str`); Swift's own
    /// `<` on `String` compares canonically equivalent forms and would differ.
    private static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    /// `url` as given, plus the same URL with the scheme's default port added (when it names
    /// none) or removed (when it names the default one).
    static func urlVariants(_ url: String) -> [String] {
        guard let separator = url.range(of: "://") else { return [url] }
        let defaultPort: String
        switch url[..<separator.lowerBound].lowercased() {
        case "https": defaultPort = "443"
        case "http": defaultPort = "80"
        default: return [url]
        }
        let afterScheme = url[separator.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let hostStart = authority.lastIndex(of: "@").map(authority.index(after:)) ?? authority.startIndex
        let prefix = url[..<hostStart]
        let hostAndPort = authority[hostStart...]
        let rest = afterScheme[authorityEnd...]
        if let colon = hostAndPort.lastIndex(of: ":"), !hostAndPort[colon...].contains("]") {
            let port = hostAndPort[hostAndPort.index(after: colon)...]
            guard port == defaultPort else { return [url] }
            return [url, String(prefix + hostAndPort[..<colon] + rest)]
        }
        return [url, String(prefix + hostAndPort + ":" + defaultPort + rest)]
    }

    /// Escapes only what cannot stand literally in a query value (`&`, `#`, `%`, spaces,
    /// controls, non-ASCII), keeping RFC 3986's other query characters as they are.
    private static func escapeQueryValue(_ value: String) -> String {
        let literal = Set("!$'()*+,;=:@/?-._~".utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in value.utf8 {
            let isAlphanumeric = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            if isAlphanumeric || literal.contains(byte) {
                output.append(byte)
            } else {
                output.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
