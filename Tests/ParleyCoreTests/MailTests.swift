import Foundation
import ParleyCore
import Testing

@Suite("Mail values")
struct MailTests {
    @Test("addresses: plain, named, quoted names; malformed ones refused")
    func addresses() {
        #expect(MailAddress("help@acme.example")?.domain == "acme.example")
        #expect(MailAddress(parsing: "Acme Support <help@acme.example>") == MailAddress("help@acme.example", name: "Acme Support"))
        #expect(MailAddress(parsing: #""Acme, Inc." <help@acme.example>"#)?.name == "Acme, Inc.")
        #expect(MailAddress(parsing: "  help@acme.example ")?.name == nil)
        #expect(MailAddress("first.o'neil+tag@sub.acme-mail.example") != nil)
        for bad in ["", "a", "@b.example", "a@", "a@@b.example", "a b@c.example", "a@b..example", ".a@b.example", "a.@b.example",
            "a@-b.example", "a@b.example>", "<a@b.example>", "a\r\n@b.example", "王@b.example", "a@例子.测试", "a,b@c.example"]
        {
            #expect(MailAddress(bad) == nil, "\(bad.debugDescription) accepted")
        }
        #expect(MailAddress(parsing: "Name <>") == nil)
    }

    @Test("MailError describes itself with the server's reply once")
    func errorDescription() {
        let refused = MailError(kind: .recipientRefused, reason: "refused <x@y.example>", replyCode: 550, serverReply: "550 no", isTemporary: false)
        #expect(refused.description == "refused <x@y.example> (server said: 550 no)")
        let already = MailError(kind: .recipientRefused, reason: "refused: 550 no", replyCode: 550, serverReply: "550 no", isTemporary: false)
        #expect(already.description == "refused: 550 no")
        #expect(MailError.invalidMessage("bad").kind == .invalidMessage)
        #expect(MailError.Kind.recipientRefused.description == "recipient_refused")
        #expect(MailError.Kind.recipientRefused != .senderRefused)
    }
}

@Suite("Offline reply mail")
struct OfflineReplyMailTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let start = Date(timeIntervalSince1970: 1_709_647_380)  // 2024-03-05 14:03 UTC = 22:03 in Shanghai

    static let reply = OfflineReplyMail(
        businessName: "Acme 商城",
        agentName: "小李",
        replyText: "您好！您的订单已经发货。\nTracking: SF123456",
        recentContext: [
            .init(who: "You", text: "我的订单到哪里了？", time: start),
            .init(who: "小李", text: "我查一下\nOne moment please", time: start.addingTimeInterval(120)),
        ],
        reopenURL: "https://chat.acme.example/c/abc123?t=xyz",
        timeZone: shanghai
    )

    @Test("subject names the business; the reply comes first, then the conversation, then the link")
    func layout() {
        #expect(Self.reply.subject == "New reply from Acme 商城")
        let expected = """
            小李 from Acme 商城 replied:

            您好！您的订单已经发货。
            Tracking: SF123456

            Recent conversation (times in UTC+08:00):
            2024-03-05 22:03  You: 我的订单到哪里了？
            2024-03-05 22:05  小李: 我查一下
                                  One moment please

            Continue the conversation: https://chat.acme.example/c/abc123?t=xyz

            """
        #expect(Self.reply.text == expected)
    }

    @Test("the mail: From shows the business name, one recipient, marked auto-generated")
    func mail() {
        let mail = Self.reply.mail(from: MailAddress("noreply@acme.example")!, to: MailAddress("visitor@example.com")!)
        #expect(mail.from == MailAddress("noreply@acme.example", name: "Acme 商城"))
        #expect(mail.to == [MailAddress("visitor@example.com")!])
        #expect(mail.subject == "New reply from Acme 商城")
        #expect(mail.text == Self.reply.text)
        #expect(mail.extraHeaders == [MailHeader("Auto-Submitted", "auto-generated")])
        let named = Self.reply.mail(from: MailAddress("noreply@acme.example", name: "Acme Help")!, to: MailAddress("v@example.com")!)
        #expect(named.from.name == "Acme Help", "a configured sender name wins")
    }

    @Test("line breaks in names become spaces, so the subject stays one line; no context, no section")
    func singleLineFields() {
        var reply = Self.reply
        reply.businessName = "Acme\r\nBcc: victim@example.com"
        reply.recentContext = []
        reply.timeZone = TimeZone(identifier: "UTC")!
        #expect(reply.subject == "New reply from Acme Bcc: victim@example.com")
        #expect(!reply.text.contains("Recent conversation"))
        #expect(reply.text.hasSuffix("\n\nContinue the conversation: https://chat.acme.example/c/abc123?t=xyz\n"))
        #expect(reply.mail(from: MailAddress("a@b.example")!, to: MailAddress("c@d.example")!).from.name == "Acme Bcc: victim@example.com")
    }
}
