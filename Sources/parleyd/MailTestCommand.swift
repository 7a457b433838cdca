import ArgumentParser
import EmailConnector
import Foundation
import ParleyCore

/// `parleyd mail-test --to someone@example.com`: sends one email through the configured SMTP
/// server, so an admin can check the email fallback's settings before a visitor depends on them.
struct MailTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail-test", abstract: "Send a test email through the SMTP server of the email fallback."
    )

    @OptionGroup var options: CommonOptions

    @Option(help: "The recipient's address.")
    var to: String

    @Option(
        name: .customLong("smtp-url"),
        help: "smtp[s]://[user:password@]host[:port] (env PARLEY_SMTP_URL). A password given here is visible to other users in the process list: prefer the variable."
    )
    var smtpURL: String?

    @Option(name: .customLong("from"), help: "The sender, e.g. \"Acme <help@acme.example>\" (env PARLEY_SMTP_FROM, [mail] from).")
    var from: String?

    /// A send that failed: the reason, and whether trying later can help.
    struct NotSent: Error, CustomStringConvertible {
        let error: MailError
        var description: String {
            "test email not sent: \(error.description) [\(error.kind); \(error.isTemporary ? "temporary, may succeed later" : "permanent, fix the cause first")]"
        }
    }

    func run() async throws {
        var settings = try Settings(options)
        settings.smtpURL = smtpURL ?? settings.smtpURL
        settings.smtpFrom = from ?? settings.smtpFrom
        guard let smtp = try settings.smtpConfiguration() else {
            throw ValidationError("PARLEY_SMTP_URL is not set (or give --smtp-url), e.g. smtp://user:password@mail.example.com:587")
        }
        guard let recipient = MailAddress(parsing: to) else {
            throw ValidationError("--to: '\(to)' is not an email address")
        }
        let mail = OutgoingMail(
            from: smtp.from, to: [recipient], subject: "Parley test email · 测试邮件",
            text: """
                This is a test email from `parleyd mail-test`.

                If you are reading it, Parley can send the "reply while you were away" emails
                through \(smtp).

                这是一封测试邮件：中文内容也能正常显示。
                """
        )
        do {
            try await CurlSMTPMailer(configuration: smtp).send(mail)
        } catch {
            throw NotSent(error: error)
        }
        print("test email sent to \(recipient.address) via \(smtp)")
    }
}
