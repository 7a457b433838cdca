import Foundation
import ParleyCore
import Testing
@testable import SMSConnector

/// `X-Twilio-Signature` as Twilio computes it (CHANNELS.md §6.1), checked against the published
/// test vector, and what a forger can and cannot get past the connector.
@Suite("Twilio signature")
struct TwilioSignatureTests {
    static let vectorParameters: [(name: String, value: String)] = [
        ("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"), ("From", "+14158675309"),
        ("To", "+18005551212"),
    ]

    @Test func theTwilioPythonVectorSignsTheSameAsTwilio() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        let payload = String(decoding: TwilioSignature.payload(url: url, parameters: Self.vectorParameters), as: UTF8.self)
        #expect(payload == "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212")
        #expect(TwilioSignature.sign(url: url, parameters: Self.vectorParameters, authToken: "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        // Order of arrival does not matter: Twilio sorts by name.
        #expect(TwilioSignature.sign(url: url, parameters: Self.vectorParameters.reversed(), authToken: "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    }

    @Test func repeatedNamesCountEachDistinctValueSorted() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        let parameters: [(name: String, value: String)] = [
            ("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234"), ("Digits", "1234"),
        ]
        #expect(TwilioSignature.sign(url: url, parameters: parameters, authToken: "12345") == "IK+Dwps556ElfBT0I3Rgjkr1wJU=")
    }

    @Test func theVectorPassesTheConnectorWithThePublicURLPathAndQuery() throws {
        let connector = try SMSFixtures.connector(credentials: [
            "accountSid": SMSFixtures.accountSid, "authToken": "12345", "fromNumber": SMSFixtures.ourNumber,
        ])
        let request = SMSFixtures.request(
            Self.vectorParameters.map { ($0.name, $0.value) }, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", path: "/myapp.php",
            query: [("foo", "1"), ("bar", "2")], publicBaseURL: "https://mycompany.com", host: "10.0.0.7:8080"
        )
        #expect(throws: Never.self) { try connector.authenticate(request) }
        var tampered = request
        tampered.headers = tampered.headers.map { $0.name == TwilioSignature.header ? ($0.name, "RSOYDt4T1cUTdK1PDd93/VVr8B8X") : $0 }
        #expect(status(connector, tampered) == 401)
    }

    @Test func theHostHeaderNeverDecidesTheURL() throws {
        let connector = try SMSFixtures.connector()
        let fields = SMSFixtures.sms("hello")
        // Signed for the public URL, delivered through a proxy with any Host: accepted.
        #expect(status(connector, SMSFixtures.request(fields, host: "127.0.0.1:8080")) == nil)
        // Signed by someone for their own host, sent with that Host header: refused.
        let forged = SMSFixtures.request(fields, signedURL: "https://evil.example/hooks/ch_sms", host: "evil.example")
        #expect(status(connector, forged) == 401)
        // The same body signed with another account's token: refused.
        #expect(status(connector, SMSFixtures.request(fields, token: "another-accounts-token")) == 401)
    }

    @Test func everyParameterIsCoveredIncludingUnknownAndRepeatedOnes() throws {
        let connector = try SMSFixtures.connector()
        let fields = SMSFixtures.sms("I'd like a refund")
        let signature = TwilioSignature.sign(url: SMSFixtures.publicURL + "/hooks/ch_sms", parameters: fields, authToken: SMSFixtures.authToken)
        #expect(status(connector, SMSFixtures.request(fields, signature: signature)) == nil)

        let tampered = fields.map { $0.0 == "Body" ? ($0.0, "I'd like two refunds") : $0 }
        #expect(status(connector, SMSFixtures.request(tampered, signature: signature)) == 401)
        let otherSender = fields.map { $0.0 == "From" ? ($0.0, "+14155550666") : $0 }
        #expect(status(connector, SMSFixtures.request(otherSender, signature: signature)) == 401)
        let unknownAdded = fields + [("FutureTwilioParameter", "x")]
        #expect(status(connector, SMSFixtures.request(unknownAdded, signature: signature)) == 401)
        let repeatedName = fields + [("Body", "and a voucher")]
        #expect(status(connector, SMSFixtures.request(repeatedName, signature: signature)) == 401)
        let dropped = fields.filter { $0.0 != "FromZip" }
        #expect(status(connector, SMSFixtures.request(dropped, signature: signature)) == 401)

        // Signed the way Twilio signs them, unknown and repeated parameters pass.
        #expect(status(connector, SMSFixtures.request(unknownAdded)) == nil)
        #expect(status(connector, SMSFixtures.request(repeatedName)) == nil)
    }

    @Test func aDifferentPathOrQueryIsADifferentSignature() throws {
        let connector = try SMSFixtures.connector()
        let fields = SMSFixtures.sms("hi")
        let signedForOtherChannel = SMSFixtures.request(fields, signedURL: SMSFixtures.publicURL + "/hooks/ch_other")
        #expect(status(connector, signedForOtherChannel) == 401)
        let withQuery = SMSFixtures.request(fields, query: [("source", "console")])
        #expect(status(connector, withQuery) == nil)
        let queryStripped = SMSFixtures.request(fields, signedURL: SMSFixtures.publicURL + "/hooks/ch_sms", query: [("source", "console")])
        #expect(status(connector, queryStripped) == 401)
    }

    @Test func theDefaultPortMayBeSignedWithOrWithout() throws {
        #expect(TwilioSignature.urlVariants("https://parley.example/hooks/a?x=1") == [
            "https://parley.example/hooks/a?x=1", "https://parley.example:443/hooks/a?x=1",
        ])
        #expect(TwilioSignature.urlVariants("https://parley.example:443/hooks/a") == [
            "https://parley.example:443/hooks/a", "https://parley.example/hooks/a",
        ])
        #expect(TwilioSignature.urlVariants("http://[::1]/h") == ["http://[::1]/h", "http://[::1]:80/h"])
        #expect(TwilioSignature.urlVariants("https://parley.example:8443/h") == ["https://parley.example:8443/h"])

        let connector = try SMSFixtures.connector()
        let fields = SMSFixtures.sms("hi")
        #expect(status(connector, SMSFixtures.request(fields, signedURL: "https://parley.example:443/hooks/ch_sms")) == nil)
        #expect(status(connector, SMSFixtures.request(fields, signedURL: "https://parley.example:8443/hooks/ch_sms")) == 401)
    }

    @Test func missingSignatureIs401AndTheWrongContentTypeIs400() throws {
        let connector = try SMSFixtures.connector()
        let fields = SMSFixtures.sms("hi")
        var unsigned = SMSFixtures.request(fields)
        unsigned.headers.removeAll { $0.name == TwilioSignature.header }
        #expect(status(connector, unsigned) == 401)
        // Without a signature even garbage in the wrong type is 401: nothing is parsed for a stranger.
        var garbage = SMSFixtures.request([], contentType: "application/json")
        garbage.headers.removeAll { $0.name == TwilioSignature.header }
        garbage.body = Array(#"{"Body":"#.utf8)
        #expect(status(connector, garbage) == 401)

        let json = SMSFixtures.request(fields, contentType: "application/json")
        #expect(refusal(connector, json) == .malformedPayload(
            "Content-Type 'application/json' is not application/x-www-form-urlencoded, which Twilio always posts"
        ))
        #expect(status(connector, SMSFixtures.request(fields, contentType: nil)) == 400)
        var broken = SMSFixtures.request(fields)
        broken.body = Array("Body=%E0%A4%A&From=x".utf8)
        #expect(status(connector, broken) == 400)
        #expect(status(connector, SMSFixtures.request(fields, contentType: "APPLICATION/X-WWW-FORM-URLENCODED")) == nil)
    }

    private func refusal(_ connector: SMSConnector, _ request: WebhookRequest) -> ConnectorError? {
        do {
            try connector.authenticate(request)
            return nil
        } catch {
            return error
        }
    }

    private func status(_ connector: SMSConnector, _ request: WebhookRequest) -> Int? {
        refusal(connector, request)?.httpStatus
    }
}
