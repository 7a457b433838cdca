import Foundation

/// Decides whether a media URL that arrived inside a webhook may be fetched. Platforms such as
/// Twilio and Messenger hand us URLs to download; a forged or replayed payload could point them
/// at the gateway's own network (the SSRF of CVE-2024-39713). Only the platform's own hosts are
/// fetched, never an address literal in a private, loopback or link-local range — unless the
/// operator pointed the channel's `apiBaseURL` at that host (tests, a proxy).
public struct MediaURLPolicy: Sendable {
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case unparsable(String)
        case scheme(String)
        case credentialsInURL
        case privateAddress(String)
        case foreignHost(String)

        public var description: String {
            switch self {
            case .unparsable(let url): "the media URL '\(url)' cannot be parsed"
            case .scheme(let scheme): "media is only fetched over https, not \(scheme)"
            case .credentialsInURL: "the media URL carries credentials"
            case .privateAddress(let host): "the media URL points at a private or local address (\(host))"
            case .foreignHost(let host): "the media URL's host \(host) is not the platform's"
            }
        }
    }

    /// Hosts the platform serves media from; `twilio.com` also admits `api.twilio.com`.
    public let platformDomains: [String]
    /// The host of a configured `apiBaseURL`, trusted as given (it may be loopback in tests).
    public let configuredHost: String?

    public init(platformDomains: [String], apiBaseURL: String?) {
        self.platformDomains = platformDomains.map { $0.lowercased() }
        configuredHost = apiBaseURL.flatMap { URLComponents(string: $0)?.host?.lowercased() }
    }

    public func check(_ text: String) -> Result<URL, Refusal> {
        guard let components = URLComponents(string: text), let url = components.url,
              let rawHost = components.host, !rawHost.isEmpty
        else { return .failure(.unparsable(text)) }
        let host = rawHost.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard components.user == nil, components.password == nil else { return .failure(.credentialsInURL) }
        let scheme = components.scheme?.lowercased() ?? ""
        if let configuredHost, host == configuredHost {
            return ["http", "https"].contains(scheme) ? .success(url) : .failure(.scheme(scheme))
        }
        guard scheme == "https" else { return .failure(.scheme(scheme)) }
        if Self.isLocalOrPrivate(host) { return .failure(.privateAddress(host)) }
        guard platformDomains.contains(where: { host == $0 || host.hasSuffix("." + $0) }) else {
            return .failure(.foreignHost(host))
        }
        return .success(url)
    }

    /// Address literals that reach the gateway's own machine or network, and `localhost`.
    static func isLocalOrPrivate(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if let v4 = ipv4(host) { return isPrivate(v4) }
        if host.contains(":") { return isPrivateIPv6(host) }
        // Other numeric spellings (decimal "2130706433", octal "0177.0.0.1") that resolvers accept.
        return host.allSatisfy { $0.isNumber || $0 == "." || $0 == "x" } && host.first?.isNumber == true
    }

    private static func ipv4(_ host: String) -> [Int]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { part -> Int? in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = Int(part), value <= 255 else { return nil }
            return value
        }
        return octets.count == 4 ? octets : nil
    }

    private static func isPrivate(_ octets: [Int]) -> Bool {
        switch (octets[0], octets[1]) {
        case (0, _), (10, _), (127, _): true
        case (100, 64...127): true  // carrier-grade NAT
        case (169, 254): true  // link-local, cloud metadata services
        case (172, 16...31), (192, 168): true
        case (198, 18...19): true  // benchmarking networks
        case (224...255, _): true  // multicast and reserved
        default: false
        }
    }

    private static func isPrivateIPv6(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "::" || lowered == "::1" { return true }
        if let mapped = lowered.components(separatedBy: "::ffff:").last, lowered.hasPrefix("::ffff:") {
            return ipv4(mapped).map(isPrivate) ?? true
        }
        return lowered.hasPrefix("fc") || lowered.hasPrefix("fd") || lowered.hasPrefix("fe8") || lowered.hasPrefix("fe9")
            || lowered.hasPrefix("fea") || lowered.hasPrefix("feb")
    }
}
