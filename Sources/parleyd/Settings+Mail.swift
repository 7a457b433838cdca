import EmailConnector

extension Settings {
    /// The SMTP settings of the email fallback, or nil when `PARLEY_SMTP_URL` is unset. A bad
    /// URL or sender is refused naming the variable and the part at fault, never guessed at.
    func smtpConfiguration() throws -> SMTPConfiguration? {
        guard let smtpURL else { return nil }
        guard let smtpFrom else {
            throw Invalid(key: "PARLEY_SMTP_FROM", reason: "not set; the sender address is required with PARLEY_SMTP_URL (e.g. \"Acme Support <support@acme.example>\")")
        }
        do {
            return try SMTPConfiguration(url: smtpURL, from: smtpFrom, caFile: smtpCAFile)
        } catch {
            throw Invalid(key: error.part == "from" ? "PARLEY_SMTP_FROM" : "PARLEY_SMTP_URL \(error.part)", reason: error.reason)
        }
    }
}
