import Foundation
import ParleyCore
import ParleyHTTP
import ParleyTesting
@testable import WhatsAppConnector

/// A fake Graph API and a real HTTP client to reach it, torn down after the test body.
func withGraphAPI(_ body: (FakeMetaGraphAPI, any HTTPTransport) async throws -> Void) async throws {
    try await withPlatform(
        try await FakeMetaGraphAPI(accessToken: WhatsAppFixtures.accessToken, phoneNumberID: WhatsAppFixtures.phoneNumberID), body
    )
}

extension WhatsAppFixtures {
    static func connector(_ api: FakeMetaGraphAPI, settings: [String: String] = [:], now: Date = now) throws -> WhatsAppConnector {
        try connector(settings: settings.merging(["apiBaseURL": api.baseURL + "/"]) { $1 }, now: now)
    }

    /// The text bodies WhatsApp accepted, in order.
    static func texts(_ sent: [FakeMetaGraphAPI.Sent]) -> [String] {
        sent.compactMap { message in
            guard case .object(let fields) = message.json, case .object(let text)? = fields["text"], case .string(let body)? = text["body"] else { return nil }
            return body
        }
    }

    static func reason(_ outcome: SendOutcome) -> String? {
        switch outcome {
        case .sent: nil
        case .retryLater(let reason, _), .failed(let reason): reason
        }
    }
}
