import Foundation
import Hummingbird
import Logging
import NIOCore

/// A local stand-in for `api.twilio.com` on 127.0.0.1, speaking the Messages API's wire format
/// (CHANNELS.md §6.3): `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP Basic
/// auth and a form body, answered 201 with a Message resource (`sid` "SM…") or Twilio's error
/// body (`code`, `message`, `more_info`, `status`). It validates as Twilio does (To, a sender,
/// a Body or MediaUrl, Body ≤ 1,600 characters), serves media files (behind Basic auth, or as a
/// redirect to a "CDN" path), can be scripted to answer 429, 500, 21610, 21211 or to be slow,
/// and records every request, so tests assert exactly what Twilio received.
public final class FakeTwilioAPI: FakePlatformAPI {
    /// One form field as received, in order.
    public struct Field: Sendable, Equatable, CustomStringConvertible {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }

        public var description: String { "\(name)=\(value)" }
    }

    /// One request as the fake received it.
    public struct Recorded: Sendable, Equatable {
        public var method: String
        public var path: String
        /// Header values by lower-cased name.
        public var headers: [String: String]
        /// The form body's fields in order, repeated names kept.
        public var form: [Field]
        /// The status the fake answered.
        public var status: Int

        public var authorization: String? { headers["authorization"] }
        public var contentType: String? { headers["content-type"] }
        public func field(_ name: String) -> String? { form.first { $0.name == name }?.value }
    }

    /// A scripted answer for the next Messages call instead of the normal one.
    public enum Scripted: Sendable {
        /// 429 with error 20429 and, when given, `Retry-After`.
        case tooManyRequests(retryAfter: Int?)
        /// 500 with error 20500.
        case serverError
        /// `status` with Twilio's error body for `code`.
        case error(status: Int, code: Int, message: String)
        /// The normal answer, but only after this many seconds.
        case delay(seconds: Double)

        /// 21610: the recipient replied STOP.
        public static let optedOut = Scripted.error(status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient")
        /// 21211: not a phone number.
        public static func invalidNumber(_ to: String) -> Scripted {
            .error(status: 400, code: 21211, message: "Invalid 'To' Phone Number: \(to)")
        }
    }

    public actor State {
        public private(set) var requests: [Recorded] = []
        private var script: [Scripted] = []
        private var media: [String: Media] = [:]
        private var nextSid = 0

        enum Media {
            case file(contentType: String, bytes: [UInt8], requiresAuth: Bool)
            case redirect(location: String)
        }

        /// The Messages calls only.
        public var messageRequests: [Recorded] { requests.filter { $0.path.hasSuffix("/Messages.json") } }
        /// The Messages calls Twilio accepted (201), in order: what reached the customer's phone.
        public var accepted: [Recorded] { messageRequests.filter { $0.status == 201 } }
        /// Every request for anything but the Messages API: media fetches.
        public var mediaRequests: [Recorded] { requests.filter { !$0.path.hasSuffix("/Messages.json") } }

        public func answerNext(_ answers: [Scripted]) { script.append(contentsOf: answers) }

        /// A media file at `path`, served 200 (behind Basic auth unless `requiresAuth` is false).
        public func addMedia(path: String, contentType: String, bytes: [UInt8], requiresAuth: Bool = true) {
            media[path] = .file(contentType: contentType, bytes: bytes, requiresAuth: requiresAuth)
        }

        /// `path` answers 302 to `location`, as Twilio's media URLs redirect to the CDN.
        public func addRedirect(path: String, to location: String) { media[path] = .redirect(location: location) }

        func record(_ request: Recorded) { requests.append(request) }

        func nextScript() -> Scripted? { script.isEmpty ? nil : script.removeFirst() }

        func media(at path: String) -> Media? { media[path] }

        func newSid() -> String {
            nextSid += 1
            return "SM" + String(format: "%032x", nextSid)
        }
    }

    public let state = State()
    public let accountSid: String
    public let authToken: String
    private let server: LocalHTTPServer
    public var port: Int { server.port }

    /// Point the channel's `apiBaseURL` here.
    public var baseURL: String { server.baseURL }

    public init(accountSid: String, authToken: String) async throws {
        self.accountSid = accountSid
        self.authToken = authToken
        let state = self.state
        let basic = "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
        let router = Router()
        router.post("/2010-04-01/Accounts/{account}/Messages.json") { request, context in
            try await Self.messages(request, account: context.parameters.get("account") ?? "", state: state, accountSid: accountSid, basic: basic)
        }
        // The router does not fall back from the Accounts branch to "**", so media under it gets its own route.
        router.get("/2010-04-01/Accounts/{account}/Messages/{message}/Media/{media}") { request, _ in await Self.media(request, state: state, basic: basic) }
        router.get("**") { request, _ in await Self.media(request, state: state, basic: basic) }

        server = try await LocalHTTPServer.start(router, label: "fake-twilio-api")
    }

    public func stop() async {
        await server.stop()
    }

    // MARK: - The Messages API

    private static func messages(
        _ request: Request, account: String, state: State, accountSid: String, basic: String
    ) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        var recorded = recorded(request, form: parseForm(String(buffer: body)))
        func answer(_ status: Int, _ json: String, retryAfter: Int? = nil) async -> Response {
            recorded.status = status
            await state.record(recorded)
            var headers: HTTPFields = [.contentType: "application/json"]
            if let retryAfter { headers[.retryAfter] = String(retryAfter) }
            return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        func failure(_ status: Int, _ code: Int, _ message: String, retryAfter: Int? = nil) async -> Response {
            await answer(status, errorBody(status: status, code: code, message: message), retryAfter: retryAfter)
        }
        guard recorded.authorization == basic, account == accountSid else { return await failure(401, 20003, "Authenticate") }
        switch await state.nextScript() {
        case .tooManyRequests(let retryAfter)?: return await failure(429, 20429, "Too Many Requests", retryAfter: retryAfter)
        case .serverError?: return await failure(500, 20500, "Internal Server Error")
        case .error(let status, let code, let message)?: return await failure(status, code, message)
        case .delay(let seconds)?: try? await Task.sleep(for: .seconds(seconds))
        case nil: break
        }
        guard let to = recorded.field("To"), !to.isEmpty else { return await failure(400, 21604, "A 'To' phone number is required.") }
        let from = recorded.field("From")
        let service = recorded.field("MessagingServiceSid")
        guard from != nil || service != nil else { return await failure(400, 21603, "A 'From' phone number is required.") }
        let text = recorded.field("Body") ?? ""
        let mediaURLs = recorded.form.filter { $0.name == "MediaUrl" }.map(\.value)
        guard !text.isEmpty || !mediaURLs.isEmpty else { return await failure(400, 21602, "Message body is required.") }
        guard text.count <= 1_600 else {
            return await failure(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        }
        let sid = await state.newSid()
        let resource: [String: Any] = [
            "sid": sid, "account_sid": accountSid, "to": to, "from": from ?? NSNull(), "messaging_service_sid": service ?? NSNull(),
            "body": text, "status": "queued", "num_media": String(mediaURLs.count), "num_segments": "1", "direction": "outbound-api",
            "error_code": NSNull(), "error_message": NSNull(), "uri": "/2010-04-01/Accounts/\(accountSid)/Messages/\(sid).json",
        ]
        let json = (try? JSONSerialization.data(withJSONObject: resource, options: [.sortedKeys])) ?? Data("{}".utf8)
        return await answer(201, String(decoding: json, as: UTF8.self))
    }

    // MARK: - Media

    private static func media(_ request: Request, state: State, basic: String) async -> Response {
        var recorded = recorded(request, form: [])
        let path = request.uri.path
        let answer: Response
        switch await state.media(at: path) {
        case nil:
            recorded.status = 404
            answer = Response(
                status: .notFound, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: errorBody(status: 404, code: 20404, message: "The requested resource \(path) was not found")))
            )
        case .redirect(let location):
            recorded.status = 302
            answer = Response(status: .found, headers: [.location: location])
        case .file(_, _, let requiresAuth) where requiresAuth && recorded.authorization != basic:
            recorded.status = 401
            answer = Response(
                status: .unauthorized, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: errorBody(status: 401, code: 20003, message: "Authenticate")))
            )
        case .file(let contentType, let bytes, _):
            recorded.status = 200
            answer = Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        await state.record(recorded)
        return answer
    }

    // MARK: - Helpers

    private static func errorBody(status: Int, code: Int, message: String) -> String {
        let object: [String: Any] = [
            "code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/\(code)", "status": status,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func recorded(_ request: Request, form: [Field]) -> Recorded {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        return Recorded(method: request.method.rawValue, path: request.uri.path, headers: headers, form: form, status: 0)
    }

    /// `a=1&b=x+y` as fields in order; `+` is a space.
    static func parseForm(_ body: String) -> [Field] {
        body.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return Field(decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}
