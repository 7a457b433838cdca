import ParleyCore

/// How offline replies go out by email: the server's SMTP sender and the address mail comes from.
public struct PushBackMail: Sendable {
    public let mailer: any MailSending
    public let from: MailAddress

    public init(mailer: any MailSending, from: MailAddress) {
        self.mailer = mailer
        self.from = from
    }
}
