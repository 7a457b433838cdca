import ParleyCore

/// Splits an SMTP URL into its parts by hand, so each refusal can name the part at fault and
/// percent-decoding follows one rule (RFC 3986 §2.1) instead of a URL library's leniency.
enum SMTPURLParser {
    struct Parts: Equatable {
        var implicitTLS: Bool
        var username: String?
        var password: String?
        var host: String
        var port: Int?
        var ehloName: String?
    }

    typealias Invalid = SMTPConfiguration.Invalid

    static func parse(_ url: String) throws(Invalid) -> Parts {
        guard let separator = url.range(of: "://") else {
            throw Invalid(part: "scheme", reason: "'\(url.prefix(40))' does not start with smtp:// or smtps://")
        }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            throw Invalid(part: "scheme", reason: "'\(scheme)' is not smtp or smtps")
        }
        let rest = url[separator.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        let authority = rest[..<authorityEnd], tail = rest[authorityEnd...]
        if tail.contains("@") {
            // "user:pa/ss@host": the separator ended the authority early.
            let part = authority.contains(":") && !authority.contains("@") ? "password" : "user"
            throw Invalid(part: part, reason: "/ ? # and @ in a user name or password must be percent-encoded (%2F %3F %23 %40)")
        }
        var parts = Parts(implicitTLS: scheme == "smtps", host: "")
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            hostPort = authority[authority.index(after: at)...]
            try readCredentials(authority[..<at], into: &parts)
        }
        try readHostPort(hostPort, into: &parts)
        try readTail(tail, into: &parts)
        return parts
    }

    private static func readCredentials(_ userInfo: Substring, into parts: inout Parts) throws(Invalid) {
        let colon = userInfo.firstIndex(of: ":")
        let user = try decode(userInfo[..<(colon ?? userInfo.endIndex)], part: "user")
        guard !user.isEmpty else { throw Invalid(part: "user", reason: "the user name is empty") }
        var password = ""
        if let colon { password = try decode(userInfo[userInfo.index(after: colon)...], part: "password") }
        guard !password.isEmpty else {
            throw Invalid(part: "password", reason: "user '\(user)' has no password (write user:password@host)")
        }
        parts.username = user
        parts.password = password
    }

    private static func readHostPort(_ hostPort: Substring, into parts: inout Parts) throws(Invalid) {
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw Invalid(part: "host", reason: "'\(hostPort)' opens an IPv6 address with [ but does not close it")
            }
            parts.host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw Invalid(part: "host", reason: "unexpected '\(after)' after the IPv6 address") }
                portText = after.dropFirst()
            }
            guard parts.host.contains(":"), parts.host.allSatisfy({ ($0.isASCII && $0.isHexDigit) || $0 == ":" || $0 == "." }) else {
                throw Invalid(part: "host", reason: "'[\(parts.host)]' is not an IPv6 address")
            }
        } else {
            let colon = hostPort.firstIndex(of: ":")
            parts.host = String(hostPort[..<(colon ?? hostPort.endIndex)])
            portText = colon.map { hostPort[hostPort.index(after: $0)...] }
            guard !parts.host.isEmpty else { throw Invalid(part: "host", reason: "the URL has no host") }
            guard parts.host.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0)) }) else {
                throw Invalid(part: "host", reason: "'\(parts.host)' is not a host name or IP address (letters, digits, - . _)")
            }
        }
        if let portText {
            guard let port = Int(portText), portText.allSatisfy(\.isASCIIDigit), (1...65_535).contains(port) else {
                throw Invalid(part: "port", reason: "'\(portText)' is not a port number (1-65535)")
            }
            parts.port = port
        }
    }

    private static func readTail(_ tail: Substring, into parts: inout Parts) throws(Invalid) {
        if let mark = tail.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            let part = tail[mark] == "?" ? "query" : "fragment"
            throw Invalid(part: part, reason: "an SMTP URL takes no \(tail[mark])\(part) ('\(tail[mark...])')")
        }
        let path = try decode(tail.drop(while: { $0 == "/" }), part: "path")
        guard !path.isEmpty else { return }
        guard path.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-.".unicodeScalars.contains($0)) }) else {
            throw Invalid(part: "path", reason: "the path is the name sent in EHLO; '\(path)' is not a host name")
        }
        parts.ehloName = path
    }

    /// RFC 3986 percent-decoding to UTF-8. A broken escape, invalid UTF-8 or a control character
    /// (a NUL would cut the C string libcurl receives) is refused.
    static func decode(_ text: Substring, part: String) throws(Invalid) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first < utf8.endIndex, utf8.index(after: first) < utf8.endIndex,
                    let high = HexDigit.value(utf8[first]), let low = HexDigit.value(utf8[utf8.index(after: first)])
                else {
                    throw Invalid(part: part, reason: "a % must be followed by two hex digits (write % itself as %25)")
                }
                bytes.append(high << 4 | low)
                index = utf8.index(index, offsetBy: 3)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        let decoded = String(decoding: bytes, as: UTF8.self)
        guard Array(decoded.utf8) == bytes else {
            throw Invalid(part: part, reason: "the percent-escapes do not decode to UTF-8 text")
        }
        guard !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Invalid(part: part, reason: "contains a control character")
        }
        return decoded
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
