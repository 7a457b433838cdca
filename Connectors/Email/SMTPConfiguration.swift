import ParleyCore

/// Where and how parleyd hands mail to an SMTP server, read from one URL such as
/// `smtp://user:secret@mail.example.com:587` (see `init(url:from:caFile:)` for the rules).
public struct SMTPConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// How TLS is used on the connection.
    public enum Security: Sendable, Equatable {
        /// `smtps://`: TLS from the first byte (port 465 by default).
        case implicitTLS
        /// `smtp://` with credentials: STARTTLS or nothing is sent, so the password never travels in clear.
        case startTLSRequired
        /// `smtp://` without credentials: STARTTLS when the server offers it, plain otherwise.
        case startTLSIfOffered
    }

    /// Why a URL or sender was refused, naming the part (scheme, user, password, host, port, path, query, from).
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let part: String
        public let reason: String
        public var description: String { "\(part): \(reason)" }
    }

    /// The host name or IP address (an IPv6 address without brackets).
    public var host: String
    public var port: Int
    public var security: Security
    /// Percent-decoded; nil when the URL has no user information (then no AUTH is attempted).
    public var username: String?
    public var password: String?
    /// The name given in EHLO (the URL's path); nil lets libcurl use this machine's host name.
    public var ehloName: String?
    /// The sender: MAIL FROM and, unless the mail says otherwise, the From header.
    public var from: MailAddress
    /// A PEM file of CA certificates to trust instead of the system's (a private relay's CA).
    public var caFile: String?
    /// Longest wait for the TCP (and implicit TLS) connection.
    public var connectTimeout: Duration = .seconds(10)
    /// Longest time for a whole send, from connecting to the server's answer to the message.
    public var timeout: Duration = .seconds(60)

    /// `host:port`, with an IPv6 host in brackets: what error messages name.
    public var hostAndPort: String { "\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// The URL libcurl connects to; credentials go separately (CURLOPT_USERNAME/PASSWORD).
    var curlURL: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        return "\(scheme)://\(hostAndPort)/\(ehloName ?? "")"
    }

    /// The URL without its password, and the TLS mode: safe to print and log.
    public var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let user = username.map { "\($0):***@" } ?? ""
        let tls = switch security {
        case .implicitTLS: "implicit TLS"
        case .startTLSRequired: "STARTTLS required"
        case .startTLSIfOffered: "STARTTLS if offered"
        }
        return "\(scheme)://\(user)\(hostAndPort) (\(tls)), from \(from)"
    }

    /// Reads `smtp[s]://[user:password@]host[:port][/ehlo-name]` and the sender address
    /// (`help@example.com` or `Acme Support <help@example.com>`).
    ///
    /// - `smtp://` defaults to port 25 (as libcurl does; say `:587` for submission), `smtps://` to 465.
    /// - With a password, `smtp://` requires STARTTLS; without credentials it upgrades when offered.
    /// - User and password are percent-decoded: write `@` as `%40`, `:` as `%3A`, `/` as `%2F`.
    /// - A user without a password, a query, a fragment or anything unreadable is refused, naming the part.
    public init(url: String, from: String, caFile: String? = nil) throws(Invalid) {
        let parts = try SMTPURLParser.parse(url)
        guard let sender = MailAddress(parsing: from) else {
            throw Invalid(part: "from", reason: "'\(from)' is not an email address (local@domain or Name <local@domain>)")
        }
        host = parts.host
        port = parts.port ?? (parts.implicitTLS ? 465 : 25)
        username = parts.username
        password = parts.password
        ehloName = parts.ehloName
        security = parts.implicitTLS ? .implicitTLS : (parts.password == nil ? .startTLSIfOffered : .startTLSRequired)
        self.from = sender
        self.caFile = caFile.flatMap { $0.isEmpty ? nil : $0 }
    }
}
