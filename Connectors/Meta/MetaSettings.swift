import Foundation
import ParleyCore

/// Why a Meta channel's credentials or settings were refused when the connector was built.
public enum MetaConfigurationError: Error, Equatable, CustomStringConvertible {
    case missingCredential(platform: String, name: String)
    case invalidCredential(platform: String, name: String, expected: String)
    case invalidSetting(platform: String, name: String, value: String, expected: String)

    public var description: String {
        switch self {
        // Credential values are never echoed: this text reaches logs and the command line.
        case .missingCredential(let platform, let name): "\(platform) credential '\(name)' is missing"
        case .invalidCredential(let platform, let name, let expected): "\(platform) credential '\(name)' is not \(expected)"
        case .invalidSetting(let platform, let name, let value, let expected): "\(platform) setting \(name)='\(value)' is not \(expected)"
        }
    }
}

/// Credentials and settings every Meta channel reads the same way.
public struct MetaSettings: Sendable {
    public static let defaultAPIBaseURL = "https://graph.facebook.com"
    /// The version CHANNELS.md §4.3 quotes (`graph.facebook.com/v25.0`).
    public static let defaultGraphVersion = "v25.0"

    let platform: String
    let credentials: [String: String]
    let settings: [String: String]

    public init(platform: String, channel: Channel, credentials: [String: String]) {
        self.platform = platform
        self.credentials = credentials
        settings = channel.settings
    }

    public func credential(_ name: String) throws(MetaConfigurationError) -> String {
        guard let value = credentials[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw .missingCredential(platform: platform, name: name)
        }
        return value
    }

    /// A Graph node id (phone number id, page id): digits only, since it goes into URL paths.
    public func nodeID(_ name: String) throws(MetaConfigurationError) -> String {
        let value = try credential(name)
        guard value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .invalidCredential(platform: platform, name: name, expected: "a numeric Graph id")
        }
        return value
    }

    /// `apiBaseURL` without trailing slashes; http is allowed for local fakes and proxies.
    public func apiBaseURL() throws(MetaConfigurationError) -> String {
        let value = settings["apiBaseURL"] ?? Self.defaultAPIBaseURL
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host != nil, url.query == nil
        else { throw .invalidSetting(platform: platform, name: "apiBaseURL", value: value, expected: "an http(s) URL") }
        var trimmed = value[...]
        while trimmed.last == "/" { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// `graphVersion` such as `v25.0`.
    public func graphVersion() throws(MetaConfigurationError) -> String {
        let value = settings["graphVersion"] ?? Self.defaultGraphVersion
        let parts = value.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard value.hasPrefix("v"), parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            throw .invalidSetting(platform: platform, name: "graphVersion", value: value, expected: "a Graph API version such as v25.0")
        }
        return value
    }

    /// `mediaDomains=fbsbx.com,fbcdn.net`: hosts media is fetched from (subdomains included).
    public func mediaDomains(default fallback: [String]) throws(MetaConfigurationError) -> [String] {
        guard let value = settings["mediaDomains"] else { return fallback }
        let domains = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        guard !domains.isEmpty, domains.allSatisfy({ $0.contains(".") && !$0.contains("/") && !$0.contains(":") }) else {
            throw .invalidSetting(platform: platform, name: "mediaDomains", value: value, expected: "a comma-separated list of domains")
        }
        return domains
    }

    /// `true` / `false`.
    public func flag(_ name: String, default fallback: Bool) throws(MetaConfigurationError) -> Bool {
        guard let value = settings[name] else { return fallback }
        switch value.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw .invalidSetting(platform: platform, name: name, value: value, expected: "true or false")
        }
    }

    /// A duration such as `7d`.
    public func duration(_ name: String, default fallback: TimeInterval) throws(MetaConfigurationError) -> TimeInterval {
        guard let value = settings[name] else { return fallback }
        guard let parsed = try? DurationText.parse(value), parsed > 0 else {
            throw .invalidSetting(platform: platform, name: name, value: value, expected: "a duration such as 7d or 168h")
        }
        return parsed
    }

    /// An optional free-text setting; empty counts as absent.
    public func text(_ name: String) -> String? {
        settings[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
