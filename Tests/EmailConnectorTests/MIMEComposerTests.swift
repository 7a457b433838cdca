import EmailConnector
import Foundation
import ParleyCore
import Testing

@Suite("MIME composer")
struct MIMEComposerTests {
    static let date = Date(timeIntervalSince1970: 1_709_647_389)  // Tue, 05 Mar 2024 14:03:09 UTC
    static let from = MailAddress("support@acme.example", name: "Acme Support")!
    static let visitor = MailAddress("visitor@example.com")!

    static func mail(subject: String = "Your answer", text: String = "Hello!\nSee you.") -> OutgoingMail {
        OutgoingMail(from: from, to: [visitor], subject: subject, text: text, messageID: "<fixed-1@acme.example>")
    }

    static func compose(_ mail: OutgoingMail) throws -> [UInt8] {
        try MIMEComposer.compose(mail, date: date)
    }

    @Test("an ASCII mail is exactly these bytes: CRLF, quoted-printable, no stray headers")
    func exactBytes() throws {
        let expected = """
            Date: Tue, 05 Mar 2024 14:03:09 +0000\r
            From: Acme Support <support@acme.example>\r
            To: visitor@example.com\r
            Subject: Your answer\r
            Message-ID: <fixed-1@acme.example>\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Hello!\r
            See you.\r

            """
        #expect(String(decoding: try Self.compose(Self.mail()), as: UTF8.self) == expected)
    }

    @Test("every line ends in CRLF: no bare LF or CR anywhere")
    func crlfOnly() throws {
        let bytes = try Self.compose(Self.mail(text: "one\ntwo\r\nthree\rfour\n\nsix"))
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A { #expect(index > 0 && bytes[index - 1] == 0x0D, "bare LF at \(index)") }
            if byte == 0x0D { #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A, "bare CR at \(index)") }
        }
        #expect(try ParsedMessage(bytes).text() == "one\r\ntwo\r\nthree\r\nfour\r\n\r\nsix\r\n")
    }

    @Test("a Chinese subject is RFC 2047 encoded in words of whole characters, lines within 76")
    func chineseSubject() throws {
        let subject = "新回复：您的订单已经发货了，请注意查收快递，谢谢您的耐心等待！Parley 客服"
        let parsed = try ParsedMessage(try Self.compose(Self.mail(subject: subject)))
        let subjectLines = parsed.lines.drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectLines.count > 1, "a long subject is folded")
        #expect(subjectLines.first?.hasPrefix("Subject: =?UTF-8?B?") == true)
        for line in subjectLines {
            #expect(line.utf8.count <= 76)
            #expect(line.allSatisfy { $0.isASCII })
        }
        // Each word decodes to valid UTF-8 on its own: no character split across words.
        for word in parsed.header("Subject")!.split(separator: " ") {
            let payload = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            let data = try #require(Data(base64Encoded: String(payload)))
            #expect(String(data: data, encoding: .utf8) != nil, "word \(word) is not whole UTF-8")
        }
        #expect(try parsed.decodedHeader("Subject") == subject)
    }

    @Test("a Chinese body goes as base64 in lines of 76 and comes back intact")
    func chineseBody() throws {
        let text = String(repeating: "您好！您的订单已经发货，预计明天送达。", count: 12) + "\n第二行"
        let parsed = try ParsedMessage(try Self.compose(Self.mail(text: text)))
        #expect(parsed.header("Content-Transfer-Encoding") == "base64")
        #expect(parsed.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(parsed.lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(try parsed.text() == text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
    }

    @Test("quoted-printable: soft breaks keep lines within 76, =, trailing spaces and UTF-8 are escaped")
    func quotedPrintable() throws {
        let long = String(repeating: "word= ", count: 40)
        let parsed = try ParsedMessage(try Self.compose(Self.mail(text: long + "\ncafé \n.leading dot\n.")))
        #expect(parsed.header("Content-Transfer-Encoding") == "quoted-printable")
        let bodyLines = parsed.rawBody.components(separatedBy: "\r\n")
        #expect(bodyLines.count > 4, "the long line was soft-broken")
        #expect(bodyLines.allSatisfy { $0.utf8.count <= 76 })
        #expect(parsed.rawBody.contains("\r\ncaf=C3=A9=20\r\n"), "é as =C3=A9, the trailing space as =20")
        #expect(parsed.rawBody.contains("word=3D"))
        #expect(try parsed.text() == long + "\r\ncafé \r\n.leading dot\r\n.\r\n", "dots stay: libcurl stuffs them on the wire")
    }

    @Test("a long ASCII subject folds at spaces within 78 and unfolds to the same text")
    func asciiFolding() throws {
        let subject = (1...30).map { "word\($0)" }.joined(separator: " ")
        let parsed = try ParsedMessage(try Self.compose(Self.mail(subject: subject)))
        #expect(parsed.lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(parsed.header("Subject") == subject)
    }

    @Test("display names: specials quoted, non-ASCII encoded, several recipients comma-separated")
    func displayNames() throws {
        var mail = Self.mail()
        mail.from = MailAddress("help@acme.example", name: "Acme, Inc. \"Support\"")!
        mail.to = [MailAddress("a@example.com", name: "王小明")!, MailAddress("b@example.com")!]
        mail.replyTo = MailAddress("desk@acme.example", name: "Help Desk")
        let parsed = try ParsedMessage(try Self.compose(mail))
        #expect(parsed.header("From") == #""Acme, Inc. \"Support\"" <help@acme.example>"#)
        #expect(try parsed.decodedHeader("To") == "王小明 <a@example.com>, b@example.com")
        #expect(parsed.header("To")?.hasPrefix("=?UTF-8?B?") == true)
        #expect(parsed.header("Reply-To") == "Help Desk <desk@acme.example>")
    }

    @Test("extra headers are written after Message-ID; a missing Message-ID is generated on the sender's domain")
    func extraHeadersAndMessageID() throws {
        var mail = Self.mail()
        mail.messageID = nil
        mail.extraHeaders = [MailHeader("Auto-Submitted", "auto-generated"), MailHeader("In-Reply-To", "<x@y>")]
        let first = try ParsedMessage(try Self.compose(mail)), second = try ParsedMessage(try Self.compose(mail))
        let id = try #require(first.header("Message-ID"))
        #expect(id.hasPrefix("<") && id.hasSuffix("@acme.example>"))
        #expect(id != second.header("Message-ID"), "each composition gets its own id")
        #expect(first.header("Auto-Submitted") == "auto-generated")
        #expect(first.header("In-Reply-To") == "<x@y>")
        mail.messageID = "abc@acme.example"
        #expect(try ParsedMessage(try Self.compose(mail)).header("Message-ID") == "<abc@acme.example>")
    }

    /// One way to smuggle a line break into a header, and the field the refusal must name.
    enum Injection: CaseIterable, Sendable {
        case subjectCRLF, subjectLF, fromName, toName, replyToName, extraHeaderValue

        var field: String {
            switch self {
            case .subjectCRLF, .subjectLF: "Subject"
            case .fromName: "From"
            case .toName: "To"
            case .replyToName: "Reply-To"
            case .extraHeaderValue: "X-Note"
            }
        }

        func apply(to mail: inout OutgoingMail) {
            switch self {
            case .subjectCRLF: mail.subject = "Hi\r\nBcc: victim@example.com"
            case .subjectLF: mail.subject = "Hi\nX-Injected: 1"
            case .fromName: mail.from = MailAddress("a@b.example", name: "Evil\rBcc: x@y.example")!
            case .toName: mail.to = [MailAddress("a@b.example", name: "Line\nBreak")!]
            case .replyToName: mail.replyTo = MailAddress("a@b.example", name: "x\r\ny")
            case .extraHeaderValue: mail.extraHeaders = [MailHeader("X-Note", "a\r\nBcc: x@y.example")]
            }
        }
    }

    @Test("a line break in any header value is refused, naming the field", arguments: Injection.allCases)
    func injectionRefused(injection: Injection) {
        let field = injection.field
        var mail = Self.mail()
        injection.apply(to: &mail)
        let error = #expect(throws: MailError.self) { try Self.compose(mail) }
        #expect(error?.kind == .invalidMessage)
        #expect(error?.isTemporary == false)
        #expect(error?.reason.contains("header \(field) ") == true, "\(error?.reason ?? "")")
        #expect(error?.reason.contains("line break") == true)
    }

    @Test("bad extra headers, Message-IDs and empty recipient lists are refused")
    func otherRefusals() {
        func refused(_ change: (inout OutgoingMail) -> Void, mentioning text: String) {
            var mail = Self.mail()
            change(&mail)
            do {
                _ = try MIMEComposer.compose(mail, date: Self.date)
                Issue.record("expected a refusal mentioning \(text)")
            } catch {
                #expect(error.kind == .invalidMessage)
                #expect(error.reason.contains(text), "\(error.reason)")
            }
        }
        refused({ $0.extraHeaders = [MailHeader("Bcc", "x@y.example")] }, mentioning: "Bcc")
        refused({ $0.extraHeaders = [MailHeader("content-type", "text/html")] }, mentioning: "content-type")
        refused({ $0.extraHeaders = [MailHeader("X Bad:Name", "v")] }, mentioning: "X Bad:Name")
        refused({ $0.messageID = "<no at sign>" }, mentioning: "Message-ID")
        refused({ $0.messageID = "<a@b>\r\nBcc: x@y" }, mentioning: "Message-ID")
        refused({ $0.to = [] }, mentioning: "no recipient")
    }
}
