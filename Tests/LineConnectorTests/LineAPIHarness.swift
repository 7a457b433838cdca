import Foundation
import ParleyCore
import ParleyHTTP
import ParleyTesting
@testable import LineConnector

/// A fake LINE API and a real HTTP client to reach it, torn down after the test body.
func withLineAPI(_ body: (FakeLineAPI, any HTTPTransport) async throws -> Void) async throws {
    try await withPlatform(try await FakeLineAPI(accessToken: LineFixtures.accessToken), body)
}

extension LineFixtures {
    static func connector(_ api: FakeLineAPI, now: @escaping @Sendable () -> Date = Date.init) throws -> LineConnector {
        try connector(settings: ["apiBaseURL": api.baseURL, "dataBaseURL": api.baseURL + "/"], now: now)
    }

    static func delivery(_ content: MessageContent, id: Int64 = 42, to recipient: String = userID, attempt: Int = 1) -> OutboundDelivery {
        OutboundDelivery(
            messageID: MessageID(id), conversationID: ConversationID(1), recipient: recipient, content: content, attempt: attempt,
            lastCustomerMessageAt: nil
        )
    }

    /// The text objects of every recorded push or reply, in the order LINE received them.
    static func texts(_ requests: [FakeLineAPI.RecordedRequest]) -> [[String]] {
        texts(requests.map { request in
            guard case .object(let fields) = request.body, case .array(let messages)? = fields["messages"] else { return [] }
            return messages
        })
    }

    /// The texts of each group of message objects.
    static func texts(_ groups: [[SendableJSON]]) -> [[String]] {
        groups.map { messages in
            messages.compactMap { message in
                guard case .object(let object) = message, case .string(let text)? = object["text"] else { return nil }
                return text
            }
        }
    }
}
