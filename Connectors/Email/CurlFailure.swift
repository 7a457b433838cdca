import CCurl
import ParleyCore

/// A failed libcurl SMTP transfer, turned into a `MailError` an admin can act on: what failed,
/// against which host:port, with the server's own words when it answered.
///
/// Which step failed is read from libcurl's error text ("MAIL failed: 550", "RCPT failed: 550",
/// "DATA failed: 554", stable wording in lib/smtp.c) and, for a refusal after the message was
/// sent (libcurl then reports only CURLE_WEIRD_SERVER_REPLY), from the server's 354 go-ahead
/// having been seen. Temporary or permanent follows the reply code when there is one (4xx/5xx).
struct CurlFailure {
    var code: CURLcode
    /// CURLINFO_RESPONSE_CODE: the last SMTP reply code before QUIT, 0 when none.
    var replyCode: Int
    /// libcurl's error buffer, or its generic text for `code`.
    var detail: String
    var serverReply: String?
    /// The server's replies, oldest first, to see how far the exchange got.
    var replyLines: [String] = []
    var recipients: [String] = []
    var configuration: SMTPConfiguration

    static func setupError(_ reason: String) -> MailError {
        MailError(kind: .serverError, reason: reason, isTemporary: false)
    }

    private static let tlsCodes: [CURLcode] = [
        CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
        CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
        CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
        CURLE_SSL_INVALIDCERTSTATUS,
    ]

    /// Failures that say this build or configuration cannot work at all, whatever the server does.
    private static let permanentCodes: [CURLcode] = [
        CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_NOT_BUILT_IN, CURLE_BAD_FUNCTION_ARGUMENT,
    ]

    var mailError: MailError {
        let server = configuration.hostAndPort
        let said = serverReply.map { ": \($0)" } ?? ""
        let (kind, reason, temporaryByDefault): (MailError.Kind, String, Bool) =
            if code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_CONNECT {
                (.cannotConnect, "cannot connect to SMTP server \(server): \(detail)", true)
            } else if code == CURLE_OPERATION_TIMEDOUT {
                (.timedOut, "SMTP server \(server) did not answer in time: \(detail)", true)
            } else if code == CURLE_USE_SSL_FAILED {
                (.tls, "SMTP server \(server) does not offer STARTTLS, which is required when the URL has a password "
                    + "(credentials are never sent in clear); use smtps:// or a server with STARTTLS", false)
            } else if Self.tlsCodes.contains(code) {
                (.tls, "TLS with SMTP server \(server) failed: \(detail)", false)
            } else if code == CURLE_LOGIN_DENIED {
                (.authenticationRefused, "SMTP server \(server) refused the login of user '\(configuration.username ?? "")'\(said)", false)
            } else if detail.hasPrefix("MAIL failed") {
                (.senderRefused, "SMTP server \(server) refused the sender <\(configuration.from.address)>\(said)", false)
            } else if detail.hasPrefix("RCPT failed") {
                (.recipientRefused, "SMTP server \(server) refused the recipient \(recipientText)\(said)", false)
            } else if detail.hasPrefix("DATA failed") || (replyCode >= 400 && replyLines.contains { $0.hasPrefix("354") }) {
                (.messageRefused, "SMTP server \(server) refused the message\(said)", false)
            } else {
                (.serverError, "SMTP exchange with \(server) failed: \(detail)\(said)", !Self.permanentCodes.contains(code))
            }
        let temporary = switch replyCode {
        case 400..<500: true
        case 500..<600: false
        default: temporaryByDefault
        }
        return MailError(
            kind: kind, reason: reason, replyCode: replyCode > 0 ? replyCode : nil, serverReply: serverReply, isTemporary: temporary
        )
    }

    private var recipientText: String {
        recipients.count == 1 ? "<\(recipients[0])>" : "(one of \(recipients.map { "<\($0)>" }.joined(separator: ", ")))"
    }
}
