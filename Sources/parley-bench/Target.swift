import NIOCore

/// The server under test, parsed from `--url`.
///
/// Only loopback is accepted: this tool opens dozens of connections and hammers them for seconds at a
/// time, which would be abusive against anything but a server we run ourselves on this machine.
/// Parsing is done by hand rather than with Foundation's URL types so the accepted grammar is exactly
/// what is written here (Foundation's IPv6 bracket handling differs between platforms).
struct Target: Sendable {
    /// Value for the `Host` header, e.g. `127.0.0.1:8080` or `[::1]:8080`.
    let hostHeader: String
    /// Addresses to try, in order. Never resolved through DNS, so they are loopback by construction.
    let candidates: [SocketAddress]

    static let allowedHosts = ["127.0.0.1", "localhost", "::1"]

    init(url: String) throws(TargetError) {
        let schemeEnd = url.range(of: "://")
        guard let schemeEnd else { throw .malformed(url, "expected http://HOST:PORT") }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" else {
            throw .malformed(url, "only plain http:// is supported (a loopback benchmark has no use for TLS)")
        }
        var authority = Substring(url[schemeEnd.upperBound...])
        if authority.hasSuffix("/") { authority.removeLast() }
        guard !authority.contains("/"), !authority.contains("?"), !authority.contains("#") else {
            throw .malformed(url, "give only scheme, host and port; paths are fixed by the protocol")
        }
        guard !authority.contains("@") else { throw .malformed(url, "credentials in the URL are not supported") }

        let host: String
        var portText: Substring?
        if authority.hasPrefix("[") {
            // IPv6 literal: "[::1]" or "[::1]:8080".
            guard let close = authority.firstIndex(of: "]") else { throw .malformed(url, "unterminated [") }
            host = String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw .malformed(url, "unexpected text after ]") }
                portText = rest.dropFirst()
            }
        } else {
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else {
                throw .malformed(url, "IPv6 addresses must be bracketed, e.g. http://[::1]:8080")
            }
            host = String(parts[0]).lowercased()
            if parts.count == 2 { portText = parts[1] }
        }

        guard Self.allowedHosts.contains(host) else { throw .notLoopback(host) }
        let port: Int
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { throw .malformed(url, "bad port '\(portText)'") }
            port = p
        } else {
            port = 80
        }

        do {
            switch host {
            case "127.0.0.1":
                candidates = [try SocketAddress(ipAddress: "127.0.0.1", port: port)]
            case "::1":
                candidates = [try SocketAddress(ipAddress: "::1", port: port)]
            default:
                // "localhost": try IPv4 first (what parleyd binds by default), then IPv6. Spelling the
                // addresses out avoids trusting /etc/hosts to map localhost to loopback.
                candidates = [
                    try SocketAddress(ipAddress: "127.0.0.1", port: port),
                    try SocketAddress(ipAddress: "::1", port: port),
                ]
            }
        } catch {
            throw .malformed(url, "\(error)")
        }
        hostHeader = host == "::1" ? "[::1]:\(port)" : "\(host):\(port)"
    }
}

enum TargetError: Error, CustomStringConvertible {
    case malformed(String, String)
    case notLoopback(String)

    var description: String {
        switch self {
        case .malformed(let url, let why):
            return "cannot use --url '\(url)': \(why)"
        case .notLoopback(let host):
            return "refusing to load-test host '\(host)': parley-bench only targets loopback "
                + "(\(Target.allowedHosts.joined(separator: ", ")))"
        }
    }
}
