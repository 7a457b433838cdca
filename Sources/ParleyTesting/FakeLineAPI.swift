import Foundation
import Hummingbird
import Logging
import NIOCore

/// A local stand-in for `api.line.me` and `api-data.line.me` on 127.0.0.1, speaking the
/// Messaging API's wire format (CHANNELS.md §5): checks the Bearer token, validates push and
/// reply bodies as LINE does (1–5 messages, text ≤ 5,000 characters), remembers accepted
/// `X-Line-Retry-Key`s and answers a repeat with 409, honours single-use reply tokens, serves
/// message content (with 202 while "still processing"), and answers scripted failures. Every
/// request is recorded, so tests assert the exact JSON and headers a LINE user's send produced.
public final class FakeLineAPI: FakePlatformAPI {
    /// One request as the fake received it.
    public struct RecordedRequest: Sendable {
        public var method: String
        public var path: String
        /// Header values by lower-cased name.
        public var headers: [String: String]
        public var body: SendableJSON
        /// The status the fake answered.
        public var status: Int

        public var retryKey: String? { headers["x-line-retry-key"] }
        public var authorization: String? { headers["authorization"] }
    }

    /// A message LINE delivered to someone's chat.
    public struct Delivery: Sendable, Equatable {
        public enum Route: String, Sendable { case push, reply }
        public var route: Route
        public var to: String
        public var messages: [SendableJSON]
    }

    /// What the next push or reply call does instead of (or besides) succeeding.
    public enum Script: Sendable {
        /// Answer `status` with LINE's error body, delivering nothing.
        case fail(status: Int, message: String, retryAfter: Int? = nil)
        /// Deliver, then answer `status`: "a 5xx may still have delivered the message".
        case deliverThenFail(status: Int)
        /// Deliver, then answer only after `seconds`, as when LINE is slow and the client times out.
        case deliverThenDelay(seconds: Double)
    }

    public actor State {
        public private(set) var requests: [RecordedRequest] = []
        public private(set) var delivered: [Delivery] = []
        public private(set) var contentDownloads: [String] = []
        private var scripts: [Script] = []
        private var acceptedRetryKeys: [String: [String]] = [:]
        private var replyTokens: [String: String] = [:]
        private var content: [String: (contentType: String, bytes: [UInt8], processingAnswers: Int)] = [:]
        private var nextMessageID = 600_000_000_000_000_000

        /// The message calls (push, reply) only.
        public var messageRequests: [RecordedRequest] { requests.filter { $0.path.hasPrefix("/v2/bot/message/") && $0.method == "POST" } }

        public func script(_ scripts: [Script]) { self.scripts.append(contentsOf: scripts) }

        /// A reply token LINE would put in an event from `userID`; valid for one reply.
        public func issueReplyToken(_ token: String, for userID: String) { replyTokens[token] = userID }

        /// Content of a received message; the first `processingAnswers` downloads get 202.
        public func addContent(messageID: String, contentType: String, bytes: [UInt8], processingAnswers: Int = 0) {
            content[messageID] = (contentType, bytes, processingAnswers)
        }

        func record(_ request: RecordedRequest) { requests.append(request) }

        func nextScript() -> Script? { scripts.isEmpty ? nil : scripts.removeFirst() }

        func sentMessages(forRetryKey key: String) -> [String]? { acceptedRetryKeys[key] }

        func useReplyToken(_ token: String) -> String? { replyTokens.removeValue(forKey: token) }

        func deliver(_ delivery: Delivery, retryKey: String?) -> [String] {
            delivered.append(delivery)
            let ids = delivery.messages.map { _ in
                nextMessageID += 1
                return String(nextMessageID)
            }
            if let retryKey { acceptedRetryKeys[retryKey] = ids }
            return ids
        }

        func download(_ id: String) -> (status: Int, contentType: String, bytes: [UInt8]) {
            contentDownloads.append(id)
            guard var file = content[id] else { return (404, "application/json", Array(#"{"message":"Not found"}"#.utf8)) }
            if file.processingAnswers > 0 {
                file.processingAnswers -= 1
                content[id] = file
                return (202, "application/json", [])
            }
            return (200, file.contentType, file.bytes)
        }
    }

    public let state = State()
    public let accessToken: String
    public var port: Int { server.port }
    private let server: LocalHTTPServer

    /// Serves both the API and the data host: point `apiBaseURL` and `dataBaseURL` here.
    public var baseURL: String { server.baseURL }

    public init(accessToken: String = "line-channel-access-token") async throws {
        self.accessToken = accessToken
        let state = self.state
        let router = Router()
        router.post("/v2/bot/message/push") { request, _ in
            try await Self.message(request, route: .push, state: state, accessToken: accessToken)
        }
        router.post("/v2/bot/message/reply") { request, _ in
            try await Self.message(request, route: .reply, state: state, accessToken: accessToken)
        }
        router.get("/v2/bot/message/:messageID/content") { request, context -> Response in
            var recorded = Self.recorded(request, body: .null)
            guard recorded.authorization == "Bearer \(accessToken)" else {
                recorded.status = 401
                await state.record(recorded)
                return Self.json(401, Self.unauthorized)
            }
            let file = await state.download(context.parameters.get("messageID") ?? "")
            recorded.status = file.status
            await state.record(recorded)
            return Response(
                status: .init(code: file.status), headers: [.contentType: file.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: file.bytes))
            )
        }

        server = try await LocalHTTPServer.start(router, label: "fake-line-api")
    }

    public func stop() async {
        await server.stop()
    }

    private static let unauthorized =
        #"{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}"#

    /// Push and reply: authentication, retry key, script, validation, delivery — in LINE's order.
    private static func message(
        _ request: Request, route: Delivery.Route, state: State, accessToken: String
    ) async throws -> Response {
        let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
        var recorded = recorded(request, body: SendableJSON.parse(text))
        func answer(_ status: Int, _ body: String, retryAfter: Int? = nil) async -> Response {
            recorded.status = status
            await state.record(recorded)
            return json(status, body, retryAfter: retryAfter)
        }
        guard recorded.authorization == "Bearer \(accessToken)" else { return await answer(401, unauthorized) }
        let retryKey = recorded.retryKey
        if let retryKey {
            guard route == .push else { return await answer(400, #"{"message":"The retry key is not supported for this endpoint"}"#) }
            guard UUID(uuidString: retryKey) != nil else { return await answer(400, #"{"message":"The retry key is invalid"}"#) }
            if let ids = await state.sentMessages(forRetryKey: retryKey) {
                return await answer(409, #"{"message":"The retry key is already accepted","sentMessages":\#(sentMessages(ids))}"#)
            }
        }
        let script = await state.nextScript()
        if case .fail(let status, let message, let retryAfter) = script {
            return await answer(status, #"{"message":\#(quoted(message))}"#, retryAfter: retryAfter)
        }
        guard case .object(let fields) = recorded.body else { return await answer(400, #"{"message":"The request body is not JSON"}"#) }
        if let problem = invalidMessages(fields["messages"]) { return await answer(400, problem) }
        let recipient: String
        switch route {
        case .push:
            guard case .string(let to)? = fields["to"], !to.isEmpty else {
                return await answer(400, #"{"message":"The request body has 1 error(s)","details":[{"message":"must be specified","property":"to"}]}"#)
            }
            recipient = to
        case .reply:
            guard case .string(let token)? = fields["replyToken"], let user = await state.useReplyToken(token) else {
                return await answer(400, #"{"message":"Invalid reply token"}"#)
            }
            recipient = user
        }
        guard case .array(let messages)? = fields["messages"] else { return await answer(400, #"{"message":"no messages"}"#) }
        let ids = await state.deliver(Delivery(route: route, to: recipient, messages: messages), retryKey: retryKey)
        switch script {
        case .deliverThenFail(let status):
            return await answer(status, #"{"message":"An error occurred in the internal server"}"#)
        case .deliverThenDelay(let seconds):
            try? await Task.sleep(for: .seconds(seconds))
        case .fail, nil:
            break
        }
        return await answer(200, #"{"sentMessages":\#(sentMessages(ids))}"#)
    }

    /// LINE's validation of `messages`: 1–5 objects, each typed, texts of at most 5,000 characters.
    private static func invalidMessages(_ value: SendableJSON?) -> String? {
        guard case .array(let messages)? = value, (1...5).contains(messages.count) else {
            return #"{"message":"The request body has 1 error(s)","details":[{"message":"Size must be between 1 and 5","property":"messages"}]}"#
        }
        for (index, message) in messages.enumerated() {
            guard case .object(let fields) = message, case .string? = fields["type"] else {
                return #"{"message":"The request body has 1 error(s)","details":[{"message":"must be specified","property":"messages[\#(index)].type"}]}"#
            }
            if case .string(let text)? = fields["text"], text.isEmpty || text.count > 5_000 {
                return #"{"message":"The request body has 1 error(s)","details":[{"message":"Length must be between 1 and 5000","property":"messages[\#(index)].text"}]}"#
            }
        }
        return nil
    }

    private static func recorded(_ request: Request, body: SendableJSON) -> RecordedRequest {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        return RecordedRequest(method: request.method.rawValue, path: request.uri.path, headers: headers, body: body, status: 0)
    }

    private static func sentMessages(_ ids: [String]) -> String {
        "[" + ids.map { #"{"id":"\#($0)","quoteToken":"q\#($0)"}"# }.joined(separator: ",") + "]"
    }

    private static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data(#""""#.utf8), as: UTF8.self)
    }

    private static func json(_ status: Int, _ text: String, retryAfter: Int? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
