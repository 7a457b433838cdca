import EmailConnector
import ParleyCore
import Testing

@Suite("SMTP configuration from PARLEY_SMTP_URL")
struct SMTPConfigurationTests {
    static let from = "Acme Support <support@acme.example>"

    @Test("smtp:// with a password requires STARTTLS; user and password are percent-decoded")
    func submissionWithCredentials() throws {
        let config = try SMTPConfiguration(url: "smtp://mailer%40acme.example:p%40ss%3Aw%2Frd%25@mail.acme.example:587", from: Self.from)
        #expect(config.host == "mail.acme.example")
        #expect(config.port == 587)
        #expect(config.security == .startTLSRequired)
        #expect(config.username == "mailer@acme.example")
        #expect(config.password == "p@ss:w/rd%")
        #expect(config.ehloName == nil)
        #expect(config.from == MailAddress("support@acme.example", name: "Acme Support"))
        #expect(config.hostAndPort == "mail.acme.example:587")
        #expect(!config.description.contains("p@ss"), "the password is never printed")
        #expect(config.description.contains("STARTTLS required"))
    }

    @Test("smtp:// without credentials tries STARTTLS and defaults to port 25; smtps:// is implicit TLS on 465")
    func defaultsAndModes() throws {
        let relay = try SMTPConfiguration(url: "smtp://relay.internal", from: "noreply@acme.example")
        #expect(relay.port == 25)
        #expect(relay.security == .startTLSIfOffered)
        #expect(relay.username == nil && relay.password == nil)
        #expect(relay.from == MailAddress("noreply@acme.example"))
        let implicit = try SMTPConfiguration(url: "SMTPS://u:p@smtp.example.com", from: "noreply@acme.example")
        #expect(implicit.port == 465)
        #expect(implicit.security == .implicitTLS)
        let implicitNoAuth = try SMTPConfiguration(url: "smtps://smtp.example.com:2465", from: "noreply@acme.example")
        #expect(implicitNoAuth.port == 2465)
        #expect(implicitNoAuth.security == .implicitTLS)
    }

    @Test("IPv6 hosts, an EHLO name in the path, a CA file")
    func ipv6AndPath() throws {
        let config = try SMTPConfiguration(url: "smtp://[::1]:2525/parley.acme.example", from: "a@b.example", caFile: "/etc/ca.pem")
        #expect(config.host == "::1")
        #expect(config.port == 2525)
        #expect(config.hostAndPort == "[::1]:2525")
        #expect(config.ehloName == "parley.acme.example")
        #expect(config.caFile == "/etc/ca.pem")
        #expect(try SMTPConfiguration(url: "smtp://h/", from: "a@b.example", caFile: "").caFile == nil)
    }

    @Test(
        "bad URLs are refused, naming the part",
        arguments: [
            ("http://mail.example.com", "scheme"),
            ("mail.example.com:587", "scheme"),
            ("smtp://", "host"),
            ("smtp://user:pass@:587", "host"),
            ("smtp://mail_ex ample.com", "host"),
            ("smtp://[::1:25", "host"),
            ("smtp://[zz]:25", "host"),
            ("smtp://mail.example.com:0", "port"),
            ("smtp://mail.example.com:65536", "port"),
            ("smtp://mail.example.com:", "port"),
            ("smtp://mail.example.com:smtp", "port"),
            ("smtp://mail.example.com:+25", "port"),
            ("smtp://user@mail.example.com", "password"),
            ("smtp://user:@mail.example.com", "password"),
            ("smtp://:secret@mail.example.com", "user"),
            ("smtp://us%G1er:secret@mail.example.com", "user"),
            ("smtp://user:sec%ZZret@mail.example.com", "password"),
            ("smtp://user:sec%00ret@mail.example.com", "password"),
            ("smtp://user:sec%FFret@mail.example.com", "password"),
            ("smtp://user:pa/ss@mail.example.com", "password"),
            ("smtp://mail.example.com/ehlo name", "path"),
            ("smtp://mail.example.com?tls=off", "query"),
            ("smtp://mail.example.com#x", "fragment"),
        ]
    )
    func refused(url: String, part: String) {
        let error = #expect(throws: SMTPConfiguration.Invalid.self) { try SMTPConfiguration(url: url, from: "a@b.example") }
        #expect(error?.part == part, "\(url): \(error?.description ?? "accepted")")
        #expect(error?.description.hasPrefix("\(part): ") == true)
    }

    @Test("a sender that is not an address is refused as 'from'", arguments: ["", "nobody", "a@", "Name <>", "a b@c.example", "x@y..example"])
    func badSender(from: String) {
        let error = #expect(throws: SMTPConfiguration.Invalid.self) { try SMTPConfiguration(url: "smtp://h", from: from) }
        #expect(error?.part == "from")
    }
}
