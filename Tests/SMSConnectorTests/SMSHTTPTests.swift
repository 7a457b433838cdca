import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import ParleyCore
import ParleyHTTP
import ParleyTesting
import Testing
@testable import SMSConnector

/// Raw bytes over a real socket into `parleyd`'s HTTP application, as Twilio's servers send them.
/// The socket is 127.0.0.1, so the `Host` header says 127.0.0.1; the signature covers the public
/// URL (`https://parley.example`), which is what Twilio was given.
@Suite("SMS webhooks over HTTP")
struct SMSHTTPTests {
    @Test func statusCodesAndBodiesTwilioSees() async throws {
        try await SMSGatewayHarness.run { harness throws in
            try await withLiveApplication(harness.test) { port, client in
                let path = harness.channel.webhookPath
                /// `"<status> <content type> <body>"` as Twilio would see it.
                func post(_ fields: [(String, String)], query: String = "", signedURL: String?, contentType: String = "application/x-www-form-urlencoded") async throws -> String {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)\(query)")
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: contentType)
                    if let signedURL {
                        request.headers.add(name: "X-Twilio-Signature", value: TwilioSignature.sign(url: signedURL, parameters: fields, authToken: SMSFixtures.authToken))
                    }
                    request.body = .bytes(ByteBuffer(string: SMSFixtures.formBody(fields)))
                    let response = try await client.execute(request, timeout: .seconds(10))
                    let type = response.headers.first(name: "Content-Type") ?? "-"
                    return "\(response.status.code) \(type) " + String(buffer: try await response.body.collect(upTo: 1 << 20))
                }
                let twiML = #"200 text/xml <?xml version="1.0" encoding="UTF-8"?><Response></Response>"#

                let public_ = "https://parley.example\(path)"
                #expect(try await post(SMSFixtures.sms("hello over the wire"), signedURL: public_) == twiML)
                // Signed for the address the request actually reached (the Host header): refused.
                #expect(try await post(SMSFixtures.sms("forged"), signedURL: "http://127.0.0.1:\(port)\(path)").hasPrefix("401 "))
                #expect(try await post(SMSFixtures.sms("unsigned"), signedURL: nil).hasPrefix("401 "))
                #expect(try await post(SMSFixtures.sms("json"), signedURL: public_, contentType: "application/json").hasPrefix("400 "))
                // A query string configured in Twilio's console is part of the signed URL.
                let query = "?tenant=acme%20co&lang=en"
                #expect(try await post(
                    SMSFixtures.sms("with a query", sid: "SM55555555555555555555555555555555"), query: query, signedURL: public_ + query
                ) == twiML)
                #expect(try await post(SMSFixtures.sms("query not signed"), query: query, signedURL: public_).hasPrefix("401 "))
                // Twilio signs the URL as configured, needless escapes and all (`%2D` is `-`, `+` a
                // space): the signature is checked over the query as it arrived, not a re-spelling.
                let oddlySpelled = "?tenant=acme%2Dco&note=a+b"
                #expect(try await post(
                    SMSFixtures.sms("escaped query", sid: "SM66666666666666666666666666666666"), query: oddlySpelled,
                    signedURL: public_ + oddlySpelled
                ) == twiML)
                #expect(try await post(
                    SMSFixtures.sms("re-spelled", sid: "SM77777777777777777777777777777777"), query: oddlySpelled,
                    signedURL: public_ + "?tenant=acme-co&note=a%20b"
                ).hasPrefix("401 "))

                let conversation = try await harness.onlyConversation()
                #expect(try await harness.messages(conversation).map(\.content) == [
                    .text("hello over the wire"), .text("with a query"), .text("escaped query"),
                ])
            }
        }
    }
}
