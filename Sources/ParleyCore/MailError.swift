/// Why an email was not sent, in words an admin can act on, and whether trying again later can
/// help. A struct with an open set of kinds (like AsyncHTTPClient's `HTTPClientError`) so new
/// kinds can be added without breaking exhaustive switches elsewhere.
///
/// Temporary: the server could not be reached or timed out, or it answered with a 4xx reply
/// (RFC 5321 §4.2.1: "transient negative completion"). Permanent: a 5xx reply, a refused TLS
/// handshake or login (configuration must change first), or a message that cannot be written.
public struct MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for matching in code and for metrics labels.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable {
            case invalidMessage = "invalid_message"
            case cannotConnect = "cannot_connect"
            case timedOut = "timed_out"
            case tls = "tls"
            case authenticationRefused = "authentication_refused"
            case senderRefused = "sender_refused"
            case recipientRefused = "recipient_refused"
            case messageRefused = "message_refused"
            case serverError = "server_error"
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The mail itself cannot be written (no recipient, a line break in a header, a bad address).
        public static let invalidMessage = Kind(.invalidMessage)
        /// The host did not resolve or refused the connection.
        public static let cannotConnect = Kind(.cannotConnect)
        /// Connecting or the whole exchange took longer than the configured timeout.
        public static let timedOut = Kind(.timedOut)
        /// TLS could not be set up: no STARTTLS where it is required, a certificate not trusted, a failed handshake.
        public static let tls = Kind(.tls)
        /// The server refused the user name and password.
        public static let authenticationRefused = Kind(.authenticationRefused)
        /// The server refused the envelope sender (MAIL FROM).
        public static let senderRefused = Kind(.senderRefused)
        /// The server refused a recipient (RCPT TO).
        public static let recipientRefused = Kind(.recipientRefused)
        /// The server refused the message after receiving it (DATA).
        public static let messageRefused = Kind(.messageRefused)
        /// Anything else the server or the SMTP library reported.
        public static let serverError = Kind(.serverError)

        /// A short label, e.g. `recipient_refused`.
        public var description: String { code.rawValue }
    }

    public let kind: Kind
    /// A sentence naming the problem: which host and port, which field, which recipient.
    public let reason: String
    /// The SMTP reply code of the server's last answer, when it answered.
    public let replyCode: Int?
    /// The text of the server's last reply (e.g. "550 5.1.1 No such user"), when it answered.
    public let serverReply: String?
    /// True when the same mail may go through later without any change.
    public let isTemporary: Bool

    public init(kind: Kind, reason: String, replyCode: Int? = nil, serverReply: String? = nil, isTemporary: Bool) {
        self.kind = kind
        self.reason = reason
        self.replyCode = replyCode
        self.serverReply = serverReply
        self.isTemporary = isTemporary
    }

    /// A mail that cannot be composed; never worth retrying.
    public static func invalidMessage(_ reason: String) -> MailError {
        MailError(kind: .invalidMessage, reason: reason, isTemporary: false)
    }

    /// The reason, with the server's reply when there is one and it is not already in the reason.
    public var description: String {
        guard let serverReply, !reason.contains(serverReply) else { return reason }
        return "\(reason) (server said: \(serverReply))"
    }
}
