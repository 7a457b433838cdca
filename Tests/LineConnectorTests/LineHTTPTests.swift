import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import ParleyCore
import ParleyHTTP
import ParleyStore
import ParleyTesting
import Testing
@testable import LineConnector

/// Raw bytes over a real socket into `parleyd`'s HTTP application, as LINE's servers send them.
@Suite("LINE webhooks over HTTP")
struct LineHTTPTests {
    @Test func statusCodesLINESeesForVerifyForgeryBrokenBodyAndMessages() async throws {
        try await LineGatewayHarness.run { harness throws in
            try await withLiveApplication(harness.test) { port, client in
                /// `"<status> <body>"` as LINE would see it.
                func post(_ body: String, signature: String?) async throws -> String {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(harness.channel.webhookPath)")
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
                    if let signature { request.headers.add(name: "x-line-signature", value: signature) }
                    request.body = .bytes(ByteBuffer(string: body))
                    let response = try await client.execute(request, timeout: .seconds(10))
                    return "\(response.status.code) " + String(buffer: try await response.body.collect(upTo: 1 << 20))
                }
                func signed(_ body: String) -> String { LineSignature.sign(Array(body.utf8), secret: LineFixtures.channelSecret) }

                let verify = #"{"destination":"\#(LineFixtures.destination)","events":[]}"#
                #expect(try await post(verify, signature: signed(verify)) == "200 {}")
                #expect(try await post("{garbage", signature: "AAAA").hasPrefix("401"))
                #expect(try await post("{garbage", signature: nil).hasPrefix("401"))
                #expect(try await post("{garbage", signature: signed("{garbage")).hasPrefix("400"))
                let message = LineFixtures.webhook([LineFixtures.textEvent("hello from LINE")])
                #expect(try await post(message, signature: signed(message)) == "200 {}")
                #expect(try await post(message, signature: signed(message)) == "200 {}", "a redelivery is acknowledged too")
                let conversation = try await harness.onlyConversation()
                #expect(try await harness.messages(conversation).map(\.content) == [.text("hello from LINE")])
            }
        }
    }
}
