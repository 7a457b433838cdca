import Foundation
import ParleyCore

/// Sends mail through libcurl's SMTP client: composes the message (`MIMEComposer`), then runs
/// one blocking libcurl transfer on a thread of its own, so the Swift cooperative pool is never
/// blocked while a slow server answers. One connection per mail: simple, and mail here is rare
/// (visitors who left before their answer), so reusing connections would gain little.
///
/// The envelope sender (MAIL FROM, where bounces go) is the configured `from`; the From header
/// is the mail's own `from`, which may carry another display name.
public struct CurlSMTPMailer: MailSending {
    public let configuration: SMTPConfiguration
    private let now: @Sendable () -> Date

    /// `now` dates each message (injectable so tests can compare exact bytes).
    public init(configuration: SMTPConfiguration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.now = now
    }

    public func send(_ mail: OutgoingMail) async throws(MailError) {
        let message = try MIMEComposer.compose(mail, date: now())
        let envelope = CurlSMTPTransfer.Envelope(sender: configuration.from.address, recipients: mail.to.map(\.address))
        let configuration = configuration
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, MailError>, Never>) in
            // A thread per send rather than a pool: the easy handle is created, used and
            // cleaned up on this thread alone, and nothing but Sendable values crosses over.
            let thread = Thread {
                continuation.resume(returning: CurlSMTPTransfer.perform(configuration, envelope, message))
            }
            thread.name = "parley-smtp"
            thread.start()
        }
        try result.get()
    }
}
