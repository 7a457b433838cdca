/// One plain-text email to send: addresses, subject and body as values, with no wire format.
/// The email connector turns it into RFC 5322 bytes (refusing header injection) and the
/// envelope: MAIL FROM is `from.address`, one RCPT TO per entry of `to`.
public struct OutgoingMail: Sendable, Equatable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var replyTo: MailAddress?
    public var subject: String
    /// The body; any line endings (LF, CRLF or CR), sent as UTF-8 text/plain.
    public var text: String
    /// `<unique@domain>`, or nil for one generated when the mail is composed.
    public var messageID: String?
    /// Further headers; From, To, Subject and the others the composer writes itself are refused here.
    public var extraHeaders: [MailHeader]

    public init(
        from: MailAddress, to: [MailAddress], subject: String, text: String,
        replyTo: MailAddress? = nil, messageID: String? = nil, extraHeaders: [MailHeader] = []
    ) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.messageID = messageID
        self.extraHeaders = extraHeaders
    }
}
