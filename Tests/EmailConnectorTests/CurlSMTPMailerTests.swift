import EmailConnector
import Foundation
import ParleyCore
import ParleyTesting
import Testing

/// libcurl against `FakeSMTPServer` over real sockets on 127.0.0.1.
@Suite("CurlSMTPMailer against a local SMTP server")
struct CurlSMTPMailerTests {
    static let date = Date(timeIntervalSince1970: 1_709_647_389)

    static func mailer(port: Int, url: String? = nil, timeout: Duration = .seconds(20)) throws -> CurlSMTPMailer {
        var configuration = try SMTPConfiguration(url: url ?? "smtp://127.0.0.1:\(port)", from: "Parley <bounces@parley.test>")
        configuration.timeout = timeout
        return CurlSMTPMailer(configuration: configuration, now: { date })
    }

    static func mail(to: [String] = ["visitor@example.com"], text: String = "你好！Your reply is here.\n.\n..two dots\n.leading") -> OutgoingMail {
        OutgoingMail(
            from: MailAddress("support@acme.example", name: "Acme Support")!, to: to.map { MailAddress($0)! },
            subject: "New reply from Acme 客服", text: text, messageID: "<m1@acme.example>"
        )
    }

    static func withServer<T>(_ script: FakeSMTPServer.Script = .init(), _ body: (FakeSMTPServer) async throws -> T) async throws -> T {
        let server = try await FakeSMTPServer.start(script)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    @Test("delivers the exact composed message, with the configured envelope sender and dots intact")
    func delivers() async throws {
        try await Self.withServer { server in
            let mail = Self.mail()
            try await Self.mailer(port: server.port).send(mail)
            let delivery = try #require(server.deliveries.first)
            #expect(server.deliveries.count == 1)
            #expect(delivery.mailFrom == "bounces@parley.test")
            #expect(delivery.recipients == ["visitor@example.com"])
            #expect(delivery.data == (try MIMEComposer.compose(mail, date: Self.date)))
            #expect(try ParsedMessage(delivery.data).text() == "你好！Your reply is here.\r\n.\r\n..two dots\r\n.leading\r\n")
            #expect(server.commands.contains("MAIL FROM:<bounces@parley.test>"))
            #expect(server.commands.contains("RCPT TO:<visitor@example.com>"))
            #expect(!server.commands.contains { $0.uppercased().hasPrefix("AUTH") })
        }
    }

    @Test("several recipients get one RCPT each; concurrent sends all arrive")
    func recipientsAndConcurrency() async throws {
        try await Self.withServer { server in
            let mailer = try Self.mailer(port: server.port)
            try await mailer.send(Self.mail(to: ["a@example.com", "b@example.com"]))
            #expect(server.deliveries.first?.recipients == ["a@example.com", "b@example.com"])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<6 {
                    group.addTask { try await mailer.send(Self.mail(to: ["c\(index)@example.com"])) }
                }
                try await group.waitForAll()
            }
            #expect(Set(server.deliveries.flatMap(\.recipients)).count == 8)
        }
    }

    @Test("a 550 for the recipient is a permanent refusal carrying the server's words")
    func recipientRefusedPermanently() async throws {
        var script = FakeSMTPServer.Script()
        script.recipientReplies["gone@example.com"] = "550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown"
        try await Self.withServer(script) { server in
            let error = try await Self.sendFailure(Self.mailer(port: server.port), Self.mail(to: ["gone@example.com"]))
            #expect(error.kind == .recipientRefused)
            #expect(!error.isTemporary)
            #expect(error.replyCode == 550)
            #expect(error.serverReply == "550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown")
            #expect(error.reason.contains("127.0.0.1:\(server.port)"))
            #expect(error.reason.contains("<gone@example.com>"))
            #expect(error.reason.contains("User unknown"))
            #expect(server.deliveries.isEmpty)
        }
    }

    @Test("a 451 for the recipient is temporary")
    func recipientRefusedTemporarily() async throws {
        var script = FakeSMTPServer.Script()
        script.recipientReplies["busy@example.com"] = "451 4.7.1 Greylisted, try again later"
        try await Self.withServer(script) { server in
            let error = try await Self.sendFailure(Self.mailer(port: server.port), Self.mail(to: ["busy@example.com"]))
            #expect(error.kind == .recipientRefused)
            #expect(error.isTemporary)
            #expect(error.replyCode == 451)
            #expect(error.serverReply?.contains("Greylisted") == true)
        }
    }

    @Test("a refused sender and a message refused after DATA are told apart")
    func senderAndMessageRefused() async throws {
        var sender = FakeSMTPServer.Script()
        sender.mailReply = "553 5.7.1 Sender address rejected: not owned by user"
        try await Self.withServer(sender) { server in
            let error = try await Self.sendFailure(Self.mailer(port: server.port), Self.mail())
            #expect(error.kind == .senderRefused)
            #expect(!error.isTemporary)
            #expect(error.reason.contains("<bounces@parley.test>"))
        }
        var message = FakeSMTPServer.Script()
        message.messageReply = "554 5.7.1 Message rejected as spam"
        try await Self.withServer(message) { server in
            let error = try await Self.sendFailure(Self.mailer(port: server.port), Self.mail())
            #expect(error.kind == .messageRefused)
            #expect(!error.isTemporary)
            #expect(error.serverReply == "554 5.7.1 Message rejected as spam")
        }
    }

    @Test("a refused connection is temporary and names host:port")
    func connectionRefused() async throws {
        let port = try await Self.withServer { $0.port }  // stopped: nothing listens there any more
        let error = try await Self.sendFailure(Self.mailer(port: port), Self.mail())
        #expect(error.kind == .cannotConnect)
        #expect(error.isTemporary)
        #expect(error.replyCode == nil)
        #expect(error.reason.contains("127.0.0.1:\(port)"), "\(error.reason)")
    }

    @Test("a server that never greets times out, temporarily")
    func timeout() async throws {
        var script = FakeSMTPServer.Script()
        script.greeting = nil
        try await Self.withServer(script) { server in
            let started = ContinuousClock.now
            let error = try await Self.sendFailure(Self.mailer(port: server.port, timeout: .milliseconds(700)), Self.mail())
            #expect(error.kind == .timedOut)
            #expect(error.isTemporary)
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test("with a password but no STARTTLS offered, nothing is sent: no AUTH, no MAIL, no password")
    func passwordNeedsTLS() async throws {
        try await Self.withServer { server in
            let mailer = try Self.mailer(port: server.port, url: "smtp://mailer:s3cret-pw@127.0.0.1:\(server.port)")
            let error = try await Self.sendFailure(mailer, Self.mail())
            #expect(error.kind == .tls)
            #expect(!error.isTemporary)
            #expect(error.reason.contains("STARTTLS"))
            #expect(server.commands.contains { $0.hasPrefix("EHLO") })
            #expect(!server.commands.contains { $0.hasPrefix("MAIL") || $0.uppercased().hasPrefix("AUTH") })
            #expect(!server.commands.contains { $0.contains("s3cret") })
        }
    }

    @Test("an invalid mail is refused before connecting")
    func invalidBeforeConnecting() async throws {
        try await Self.withServer { server in
            var mail = Self.mail()
            mail.subject = "x\r\nBcc: someone@example.com"
            let error = try await Self.sendFailure(Self.mailer(port: server.port), mail)
            #expect(error.kind == .invalidMessage)
            #expect(server.commands.isEmpty)
        }
    }

    static func sendFailure(_ mailer: CurlSMTPMailer, _ mail: OutgoingMail) async throws -> MailError {
        do {
            try await mailer.send(mail)
        } catch {
            return error
        }
        Issue.record("the send succeeded")
        throw CancellationError()
    }
}
