import Foundation
import ParleyCore

/// Turns an `OutgoingMail` into the RFC 5322 message handed to SMTP DATA: headers, a blank
/// line, a UTF-8 text/plain body in quoted-printable or base64; CRLF everywhere and no line
/// over 78 characters unless one address alone is longer. Dot-stuffing (RFC 5321 §4.5.2) is
/// not done here: libcurl does it while uploading (lib/smtp.c escapes "CRLF." to "CRLF..").
///
/// It lives in the email connector, not the core: the bytes are a wire format only the SMTP
/// adapter needs, while the core keeps the mail as values the gateway can build.
public enum MIMEComposer {
    /// The message bytes. `date` is the Date header; a nil `mail.messageID` gets a fresh
    /// `<uuid@sender-domain>`. Refuses (permanently) a mail without recipients, a line break in
    /// any header value, a malformed Message-ID or extra header, naming the field.
    public static func compose(_ mail: OutgoingMail, date: Date) throws(MailError) -> [UInt8] {
        guard !mail.to.isEmpty else { throw .invalidMessage("the mail has no recipient (To is empty)") }
        var headers = HeaderWriter()
        headers.plain("Date", RFC5322Date.format(date))
        try headers.addresses("From", [mail.from])
        try headers.addresses("To", mail.to)
        if let replyTo = mail.replyTo { try headers.addresses("Reply-To", [replyTo]) }
        try headers.unstructured("Subject", mail.subject)
        headers.plain("Message-ID", try messageID(mail.messageID, domain: mail.from.domain))
        for header in mail.extraHeaders {
            try headers.unstructured(try HeaderWriter.checkedName(header.name), header.value)
        }
        let encoding = BodyEncoding.choose(for: Array(mail.text.utf8))
        headers.plain("MIME-Version", "1.0")
        headers.plain("Content-Type", "text/plain; charset=utf-8")
        headers.plain("Content-Transfer-Encoding", encoding.rawValue)
        return Array((headers.text + "\r\n" + encoding.encode(mail.text)).utf8)
    }

    /// A Message-ID is `<left@right>` of printable ASCII without spaces or angle brackets inside
    /// (RFC 5322 §3.6.4); given without the brackets, they are added.
    static func messageID(_ given: String?, domain: Substring) throws(MailError) -> String {
        guard let given else { return "<\(UUID().uuidString.lowercased())@\(domain)>" }
        var bare = Substring(given)
        if bare.hasPrefix("<"), bare.hasSuffix(">") { bare = bare.dropFirst().dropLast() }
        let parts = bare.split(separator: "@", omittingEmptySubsequences: false)
        let printable = bare.unicodeScalars.allSatisfy { (33...126).contains($0.value) && $0 != "<" && $0 != ">" }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, printable else {
            throw .invalidMessage("header Message-ID '\(given.debugDescription.dropFirst().dropLast())' is not <unique@domain>")
        }
        return "<\(bare)>"
    }
}
