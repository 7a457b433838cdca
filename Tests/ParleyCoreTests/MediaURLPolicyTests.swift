import ParleyCore
import Testing

@Suite("Media URL policy")
struct MediaURLPolicyTests {
    private let twilio = MediaURLPolicy(platformDomains: ["twilio.com"], apiBaseURL: nil)

    @Test func platformHostsOverHTTPSAreFetched() throws {
        let url = try twilio.check("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1").get()
        #expect(url.host == "api.twilio.com")
        #expect((try? twilio.check("https://TWILIO.com/x").get()) != nil)
    }

    @Test func theGatewaysOwnNetworkIsNeverFetched() {
        for hostile in [
            "https://127.0.0.1/x", "https://169.254.169.254/latest/meta-data/", "https://10.0.0.5/x", "https://192.168.1.1/x",
            "https://172.20.0.1/x", "https://[::1]/x", "https://[fd00::1]/x", "https://[::ffff:127.0.0.1]/x",
            "https://localhost/x", "https://2130706433/x", "https://0177.0.0.1/x", "https://100.64.0.1/x",
        ] {
            guard case .failure(let refusal) = twilio.check(hostile) else {
                Issue.record("fetched \(hostile)")
                continue
            }
            #expect(refusal.description.contains("private") || refusal.description.contains("not the platform"), "\(hostile): \(refusal)")
        }
    }

    @Test func otherHostsSchemesAndCredentialsAreRefused() {
        #expect(twilio.check("https://evil.example/x") == .failure(.foreignHost("evil.example")))
        #expect(twilio.check("https://twilio.com.evil.example/x") == .failure(.foreignHost("twilio.com.evil.example")))
        #expect(twilio.check("http://api.twilio.com/x") == .failure(.scheme("http")))
        #expect(twilio.check("file:///etc/passwd") == .failure(.unparsable("file:///etc/passwd")))
        #expect(twilio.check("https://user:pw@api.twilio.com/x") == .failure(.credentialsInURL))
    }

    @Test func aConfiguredAPIBaseURLIsTrustedEvenOnLoopback() throws {
        let local = MediaURLPolicy(platformDomains: ["twilio.com"], apiBaseURL: "http://127.0.0.1:8123")
        #expect((try? local.check("http://127.0.0.1:8123/media/1").get()) != nil)
        #expect(local.check("http://169.254.169.254/x") == .failure(.scheme("http")))
        #expect(local.check("https://169.254.169.254/x") == .failure(.privateAddress("169.254.169.254")))
    }
}
