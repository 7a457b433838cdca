/// Sends one email. The gateway sees only this protocol; the SMTP implementation lives in
/// `Connectors/Email` and a recording fake in `ParleyTesting`.
public protocol MailSending: Sendable {
    /// Returns once the server accepted the message for delivery (250 after DATA).
    func send(_ mail: OutgoingMail) async throws(MailError)
}
