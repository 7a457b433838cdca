import Foundation

/// Decides whether a subscription's endpoint may be POSTed to. The endpoint is a URL the client
/// chose, so without this a forged subscription would make the gateway send requests into its
/// own network (SSRF): to 169.254.169.254, to an admin port on 127.0.0.1. Only the push
/// services browsers actually use are reached, over https on the default port — plus the exact
/// hosts the admin lists in `pushServiceHosts` (a fake push service in tests, a relay), which
/// may be plain http and may be local.
public struct PushServicePolicy: Sendable, Equatable {
    /// Push services of the browsers in use; a host matches itself and any subdomain.
    /// `fcm.googleapis.com`: Chrome, Edge on Android, Samsung Internet, Opera.
    /// `push.services.mozilla.com`: Firefox (`updates.push.services.mozilla.com`).
    /// `push.apple.com`: Safari (`web.push.apple.com`).
    /// `notify.windows.com`: Edge on Windows (WNS, `*.notify.windows.com`).
    /// The legacy GCM host `android.googleapis.com` is left out: GCM was shut down in 2019 and
    /// its endpoints no longer deliver.
    public static let defaultHostSuffixes = [
        "fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com",
    ]

    /// One `pushServiceHosts` entry: a host, and the port when the entry named one.
    struct ConfiguredHost: Sendable, Equatable {
        var host: String
        var port: Int?
    }

    let configuredHosts: [ConfiguredHost]

    /// - Parameter pushServiceHosts: extra hosts allowed as given, `host` or `host:port`
    ///   (`127.0.0.1:8765`, `[::1]:8443`, `push.example.net`); without a port any port is allowed.
    public init(pushServiceHosts: [String] = []) throws(WebPushConfigurationError) {
        var hosts: [ConfiguredHost] = []
        for entry in pushServiceHosts {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            let url = trimmed.contains("://") ? trimmed : "http://" + trimmed
            guard !trimmed.isEmpty, let components = URLComponents(string: url),
                  let host = components.percentEncodedHost, !host.isEmpty,
                  components.user == nil, components.password == nil, components.path.isEmpty || components.path == "/",
                  components.query == nil
            else { throw WebPushConfigurationError("pushServiceHosts entry '\(entry)' is not a host or host:port") }
            hosts.append(ConfiguredHost(host: Self.normalized(host), port: components.port))
        }
        configuredHosts = hosts
    }

    /// The endpoint as a URL to POST to, or why it is refused (the reason names the host).
    public func check(_ endpoint: String) -> Result<URL, Refusal> {
        // Whitespace, controls, backslashes and non-ASCII are where URL parsers disagree with
        // each other; a real endpoint has none of them.
        guard endpoint.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") }),
              let components = URLComponents(string: endpoint), let url = components.url,
              let scheme = components.scheme?.lowercased(), let rawHost = components.percentEncodedHost, !rawHost.isEmpty
        else { return .failure(.unparsable(endpoint: String(endpoint.prefix(200)))) }
        let host = Self.normalized(rawHost)
        guard components.user == nil, components.password == nil else { return .failure(.credentialsInURL(host: host)) }
        let port = components.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : nil)

        if configuredHosts.contains(where: { $0.host == host && ($0.port == nil || $0.port == port) }) {
            return ["http", "https"].contains(scheme) ? .success(url) : .failure(.insecureScheme(host: host, scheme: scheme))
        }
        // Addresses first, whatever the scheme: "is a link-local address" is the reason that
        // tells an admin what the subscription tried.
        if let address = IPAddressLiteral.parse(host) {
            if let kind = address.specialUse { return .failure(.localAddress(host: host, kind: kind)) }
            return .failure(.unknownPushService(host: host))
        }
        if host.contains(":") || IPAddressLiteral.looksNumeric(host) { return .failure(.unparsable(endpoint: String(endpoint.prefix(200)))) }
        if host == "localhost" || host.hasSuffix(".localhost") { return .failure(.localAddress(host: host, kind: "the local machine")) }
        guard scheme == "https" else { return .failure(.insecureScheme(host: host, scheme: scheme)) }
        // Punycode keeps real push hosts within letters, digits, dots and hyphens; anything else
        // (percent-encoding, underscores) is a spelling some resolver may read differently.
        guard host.utf8.allSatisfy({ Self.hostCharacter($0) }),
              Self.defaultHostSuffixes.contains(where: { host == $0 || host.hasSuffix("." + $0) })
        else { return .failure(.unknownPushService(host: host)) }
        guard port == 443 else { return .failure(.port(host: host, port: port ?? 0)) }
        return .success(url)
    }

    /// Lowercased, without IPv6 brackets or the trailing dot of a fully qualified name, so that
    /// `FCM.googleapis.com.` and `fcm.googleapis.com` are one host.
    static func normalized(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix("."), host.count > 1 { host.removeLast() }
        return host
    }

    private static func hostCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"): true
        default: false
        }
    }
}
