import Foundation
import Testing
@testable import WebPush

@Suite("Push service policy: the SSRF guard on subscription endpoints")
struct PushServicePolicyTests {
    typealias Refusal = PushServicePolicy.Refusal

    static func refusal(_ endpoint: String, _ policy: PushServicePolicy = try! PushServicePolicy()) -> Refusal? {
        switch policy.check(endpoint) {
        case .success: nil
        case .failure(let refusal): refusal
        }
    }

    @Test(arguments: [
        "https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bHqjZxM0VImWWqDRN7U0a3AycjUf4O",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABh",
        "https://web.push.apple.com/QGuQyavXutnMPjjJQhGrfpyVXFx8Ppl2MTlrvgGrwWqJ3YlE",
        "https://wns2-bn3p.notify.windows.com/w/?token=BQYAAAD",
        "https://FCM.GoogleAPIs.COM/fcm/send/upper",
        "https://fcm.googleapis.com./fcm/send/trailing-dot",
        "https://fcm.googleapis.com:443/fcm/send/explicit-port",
    ])
    func knownPushServicesAreAllowed(endpoint: String) throws {
        let url = try PushServicePolicy().check(endpoint).get()
        #expect(url.absoluteString == endpoint)
    }

    @Test func everythingElseIsRefusedWithAReasonNamingTheHost() {
        let cases: [(String, Refusal)] = [
            ("https://169.254.169.254/latest/meta-data/", .localAddress(host: "169.254.169.254", kind: "a link-local address")),
            ("http://169.254.169.254/latest/meta-data/", .localAddress(host: "169.254.169.254", kind: "a link-local address")),
            ("http://127.0.0.1:8765/push", .localAddress(host: "127.0.0.1", kind: "a loopback address")),
            ("https://127.0.0.1/", .localAddress(host: "127.0.0.1", kind: "a loopback address")),
            ("https://2130706433/", .localAddress(host: "2130706433", kind: "a loopback address")),
            ("https://0x7f.0.0.1/", .localAddress(host: "0x7f.0.0.1", kind: "a loopback address")),
            ("https://0177.0.0.1/", .localAddress(host: "0177.0.0.1", kind: "a loopback address")),
            ("https://127.1/", .localAddress(host: "127.1", kind: "a loopback address")),
            ("https://0/", .localAddress(host: "0", kind: "an unspecified (0.0.0.0/8) address")),
            ("https://10.1.2.3/", .localAddress(host: "10.1.2.3", kind: "a private address")),
            ("https://172.16.0.1/", .localAddress(host: "172.16.0.1", kind: "a private address")),
            ("https://172.31.255.255/", .localAddress(host: "172.31.255.255", kind: "a private address")),
            ("https://192.168.1.1/", .localAddress(host: "192.168.1.1", kind: "a private address")),
            ("https://100.64.0.1/", .localAddress(host: "100.64.0.1", kind: "a carrier-grade NAT (100.64.0.0/10) address")),
            ("https://0.0.0.0/", .localAddress(host: "0.0.0.0", kind: "an unspecified (0.0.0.0/8) address")),
            ("https://[::1]/", .localAddress(host: "::1", kind: "a loopback address")),
            ("https://[::]/", .localAddress(host: "::", kind: "an unspecified (::) address")),
            ("https://[fe80::1]/", .localAddress(host: "fe80::1", kind: "a link-local (fe80::/10) address")),
            ("https://[fc00::1]/", .localAddress(host: "fc00::1", kind: "a unique local (fc00::/7) address")),
            ("https://[fd12:3456::1]/", .localAddress(host: "fd12:3456::1", kind: "a unique local (fc00::/7) address")),
            ("https://localhost/", .localAddress(host: "localhost", kind: "the local machine")),
            ("https://push.localhost/", .localAddress(host: "push.localhost", kind: "the local machine")),
            ("https://8.8.8.8/", .unknownPushService(host: "8.8.8.8")),
            ("https://172.32.0.1/", .unknownPushService(host: "172.32.0.1")),
            ("https://fcm.googleapis.com.evil.example/fcm/send/x", .unknownPushService(host: "fcm.googleapis.com.evil.example")),
            ("https://evil.example/fcm.googleapis.com", .unknownPushService(host: "evil.example")),
            ("https://xfcm.googleapis.com/fcm/send/x", .unknownPushService(host: "xfcm.googleapis.com")),
            ("https://googleapis.com/fcm/send/x", .unknownPushService(host: "googleapis.com")),
            ("https://android.googleapis.com/gcm/send/x", .unknownPushService(host: "android.googleapis.com")),
            ("https://evil.example#@fcm.googleapis.com", .unknownPushService(host: "evil.example")),
            ("https://evil.example?.fcm.googleapis.com", .unknownPushService(host: "evil.example")),
            ("http://fcm.googleapis.com/fcm/send/x", .insecureScheme(host: "fcm.googleapis.com", scheme: "http")),
            ("ftp://fcm.googleapis.com/fcm/send/x", .insecureScheme(host: "fcm.googleapis.com", scheme: "ftp")),
            ("https://fcm.googleapis.com:8443/fcm/send/x", .port(host: "fcm.googleapis.com", port: 8443)),
            ("https://user:pass@fcm.googleapis.com/fcm/send/x", .credentialsInURL(host: "fcm.googleapis.com")),
            ("https://fcm.googleapis.com@evil.example/", .credentialsInURL(host: "evil.example")),
            ("https://1.2.3.4.5/", .unparsable(endpoint: "https://1.2.3.4.5/")),
            ("https://256.1.1.1/", .unparsable(endpoint: "https://256.1.1.1/")),
            ("https://fcm.googleapis.com\\@evil.example/", .unparsable(endpoint: "https://fcm.googleapis.com\\@evil.example/")),
            ("https://fcm.googleapis.com /x", .unparsable(endpoint: "https://fcm.googleapis.com /x")),
            ("not a url", .unparsable(endpoint: "not a url")),
            ("", .unparsable(endpoint: "")),
        ]
        for (endpoint, expected) in cases {
            let refusal = Self.refusal(endpoint)
            #expect(refusal == expected, "\(endpoint)")
            if case .unparsable = expected { continue }
            let host: String? = switch expected {
            case .localAddress(let host, _), .unknownPushService(let host), .insecureScheme(let host, _), .port(let host, _),
                .credentialsInURL(let host): host
            case .unparsable: nil
            }
            if let host { #expect(refusal?.description.contains(host) == true, "\(endpoint): \(refusal?.description ?? "allowed")") }
        }
    }

    @Test func ipv4InsideIPv6IsJudgedByTheIPv4Address() {
        for endpoint in ["https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://[::ffff:169.254.169.254]/",
                         "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:7f00:1::]/", "https://[::127.0.0.1]/"]
        {
            guard case .localAddress = Self.refusal(endpoint) else {
                Issue.record("\(endpoint): \(String(describing: Self.refusal(endpoint)))")
                continue
            }
        }
        #expect(Self.refusal("https://[2001:4860:4860::8888]/") == .unknownPushService(host: "2001:4860:4860::8888"))
    }

    @Test func percentEncodedHostsAreRefused() {
        #expect(Self.refusal("https://fcm%2Egoogleapis%2Ecom/fcm/send/x") != nil)
        #expect(Self.refusal("https://%31%32%37.0.0.1/") != nil)
    }

    @Test func aConfiguredHostIsAllowedExactlyAsConfigured() throws {
        let policy = try PushServicePolicy(pushServiceHosts: ["127.0.0.1:8765", "[::1]:8443", "Push.Relay.Example."])
        #expect(try policy.check("http://127.0.0.1:8765/push/abc").get().absoluteString == "http://127.0.0.1:8765/push/abc")
        #expect((try? policy.check("https://127.0.0.1:8765/push/abc").get()) != nil)
        #expect((try? policy.check("https://[::1]:8443/p").get()) != nil)
        #expect((try? policy.check("http://push.relay.example:9000/p").get()) != nil)
        #expect((try? policy.check("https://fcm.googleapis.com/fcm/send/x").get()) != nil)

        #expect(Self.refusal("http://127.0.0.1:9999/push", policy) == .localAddress(host: "127.0.0.1", kind: "a loopback address"))
        #expect(Self.refusal("http://127.0.0.1/push", policy) == .localAddress(host: "127.0.0.1", kind: "a loopback address"))
        #expect(Self.refusal("http://127.0.0.2:8765/push", policy) == .localAddress(host: "127.0.0.2", kind: "a loopback address"))
        #expect(Self.refusal("https://[::1]:8444/p", policy) == .localAddress(host: "::1", kind: "a loopback address"))
        #expect(Self.refusal("ftp://127.0.0.1:8765/push", policy) == .insecureScheme(host: "127.0.0.1", scheme: "ftp"))
        #expect(Self.refusal("http://user@127.0.0.1:8765/push", policy) == .credentialsInURL(host: "127.0.0.1"))
    }

    @Test func malformedHostSettingsAreRefusedNamingTheEntry() {
        for entry in ["", "user@host.example", "http://host.example/path", "host.example:port"] {
            #expect(throws: WebPushConfigurationError("pushServiceHosts entry '\(entry)' is not a host or host:port"), "\(entry)") {
                try PushServicePolicy(pushServiceHosts: [entry])
            }
        }
    }

    @Test func theRefusalReasonsReadWell() {
        #expect(Refusal.localAddress(host: "169.254.169.254", kind: "a link-local address").description
            == "the push endpoint's host 169.254.169.254 is a link-local address; the gateway does not send pushes into its own network")
        #expect(Refusal.unknownPushService(host: "evil.example").description
            == "the push endpoint's host evil.example is not a known push service (add it to pushServiceHosts to allow it)")
    }
}
