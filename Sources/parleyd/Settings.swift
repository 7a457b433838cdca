import Foundation
import ParleyCore
import ParleyGateway

/// The resolved configuration: command line, then `PARLEY_*` environment variables, then the
/// configuration file, then the defaults documented in config/parley.toml. Read here only.
struct Settings {
    var dataDir: String
    var host: String
    var port: Int
    var publicURL: String
    var adminEmail: String
    var adminPassword: String?
    var masterKey: String?
    var logLevel: String
    /// The SMTP server for the email fallback (`PARLEY_SMTP_URL`, environment only: it may hold
    /// a password). Nil: no email is sent. Parsed by `smtpConfiguration()`.
    var smtpURL: String?
    /// The sender of those emails (`PARLEY_SMTP_FROM`, `[mail] from`).
    var smtpFrom: String?
    /// CA certificates to trust for the SMTP server's TLS (`PARLEY_SMTP_CA_FILE`, `[mail] ca_file`).
    var smtpCAFile: String?
    /// Extra push-service hosts Web Push may POST to beyond FCM, Mozilla, Apple and Windows
    /// (`PARLEY_PUSH_SERVICE_HOSTS`, `[webpush] push_service_hosts`, comma-separated host[:port]).
    var pushServiceHosts: [String]
    /// Who runs this server, for push services to contact (`mailto:` or `https:`; RFC 8292 `sub`).
    var vapidSubject: String
    /// `[channels.<kind>]` sections: settings every channel of that kind starts from.
    var kindSettings: [ChannelKind: [String: String]] = [:]

    struct Invalid: Error, CustomStringConvertible {
        let key: String
        let reason: String
        var description: String { "\(key): \(reason)" }
    }

    init(_ options: CommonOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let configPath = options.config ?? environment["PARLEY_CONFIG"]
        let file = try configPath.map { try ConfigFile(path: $0).values } ?? [:]
        func pick(_ flag: String?, _ env: String, _ key: String) -> String? {
            flag ?? environment[env].flatMap { $0.isEmpty ? nil : $0 } ?? file[key]
        }
        dataDir = pick(options.dataDir, "PARLEY_DATA_DIR", "server.data_dir") ?? "./data"
        host = pick(options.host, "PARLEY_HOST", "server.host") ?? "127.0.0.1"
        let portText = pick(options.port.map(String.init), "PARLEY_PORT", "server.port") ?? "8080"
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw Invalid(key: "port", reason: "'\(portText)' is not a port number (0-65535)")
        }
        self.port = port
        publicURL = pick(options.publicURL, "PARLEY_PUBLIC_URL", "server.public_url")
            ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        if let url = URL(string: publicURL), url.scheme == "http" || url.scheme == "https", url.host != nil {
            while publicURL.hasSuffix("/") { publicURL.removeLast() }
        } else {
            throw Invalid(key: "public-url", reason: "'\(publicURL)' is not an http(s) URL")
        }
        adminEmail = pick(nil, "PARLEY_ADMIN_EMAIL", "admin.email") ?? "admin@parley.local"
        adminPassword = environment["PARLEY_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        masterKey = environment["PARLEY_MASTER_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        logLevel = pick(nil, "PARLEY_LOG_LEVEL", "server.log_level") ?? "info"
        pushServiceHosts = (pick(nil, "PARLEY_PUSH_SERVICE_HOSTS", "webpush.push_service_hosts") ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        vapidSubject = pick(nil, "PARLEY_VAPID_SUBJECT", "webpush.subject") ?? "mailto:\(adminEmail)"
        smtpURL = environment["PARLEY_SMTP_URL"].flatMap { $0.isEmpty ? nil : $0 }
        smtpFrom = pick(nil, "PARLEY_SMTP_FROM", "mail.from")
        smtpCAFile = pick(nil, "PARLEY_SMTP_CA_FILE", "mail.ca_file")
        for (key, value) in file where key.hasPrefix("channels.") {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3, let kind = ChannelKind(rawValue: parts[1]) else {
                throw Invalid(key: key, reason: "expected [channels.<kind>] with kind one of \(ChannelKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kindSettings[kind, default: [:]][parts[2]] = value
        }
        for (kind, settings) in kindSettings {
            do {
                try ChannelAdministration.validate(settings: settings, kind: kind)
            } catch {
                throw Invalid(key: "[channels.\(kind.rawValue)]", reason: error.description)
            }
        }
    }

    var databasePath: String { (dataDir as NSString).appendingPathComponent("parley.sqlite") }
    var keyFilePath: String { (dataDir as NSString).appendingPathComponent("master.key") }
}
