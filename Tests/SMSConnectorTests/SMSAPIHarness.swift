import Foundation
import ParleyCore
import ParleyHTTP
import ParleyTesting
@testable import SMSConnector

/// A fake Twilio API and a real HTTP client to reach it, torn down after the test body. The
/// client follows no redirect by itself, so the connector sees (and checks) each one.
func withTwilioAPI(_ body: (FakeTwilioAPI, any HTTPTransport) async throws -> Void) async throws {
    try await withPlatform(try await FakeTwilioAPI(accountSid: SMSFixtures.accountSid, authToken: SMSFixtures.authToken), body)
}

/// Sends every request to the fake Twilio API on 127.0.0.1, whatever host it names, and
/// remembers the URL it was meant for: tests keep the production `apiBaseURL` and real-looking
/// media URLs, and nothing ever leaves this machine, even when a refusal fails to happen.
actor LoopbackTransport: HTTPTransport {
    let base: any HTTPTransport
    let target: String
    private(set) var intendedURLs: [String] = []

    init(base: any HTTPTransport, target: String) {
        self.base = base
        self.target = target
    }

    func execute(_ request: TransportRequest) async throws -> TransportResponse {
        intendedURLs.append(request.url)
        var rerouted = request
        rerouted.url = target + Self.pathAndQuery(of: request.url)
        return try await base.execute(rerouted)
    }

    static func pathAndQuery(of url: String) -> String {
        guard let separator = url.range(of: "://") else { return url }
        let rest = url[separator.upperBound...]
        return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
    }
}

extension SMSFixtures {
    static func connector(_ api: FakeTwilioAPI, settings: [String: String] = [:], credentials: [String: String] = credentials) throws -> SMSConnector {
        try connector(settings: settings.merging(["apiBaseURL": api.baseURL]) { $1 }, credentials: credentials)
    }

    static let basicAuthorization = "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
}
