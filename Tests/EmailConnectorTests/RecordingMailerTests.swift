import ParleyCore
import ParleyTesting
import Testing

@Suite("Recording mailer (the fake for gateway tests)")
struct RecordingMailerTests {
    @Test("records sends and fails the queued ones first, in order")
    func recordsAndFails() async throws {
        let mailer = RecordingMailer()
        let mail = OutgoingMail(from: MailAddress("a@b.example")!, to: [MailAddress("c@d.example")!], subject: "s", text: "t")
        let greylisted = MailError(kind: .recipientRefused, reason: "greylisted", replyCode: 451, isTemporary: true)
        mailer.failNext(with: greylisted, .invalidMessage("bad"))
        let first = await #expect(throws: MailError.self) { try await mailer.send(mail) }
        #expect(first == greylisted)
        let second = await #expect(throws: MailError.self) { try await mailer.send(mail) }
        #expect(second?.kind == .invalidMessage)
        try await mailer.send(mail)
        #expect(mailer.sent == [mail])
    }
}
