import Foundation
import Hummingbird
import Logging
import NIOCore

/// A local stand-in for `api.weixin.qq.com` on 127.0.0.1, speaking its wire format: issues
/// access tokens (each fetch invalidates the previous one, as WeChat does), expires them on
/// demand, answers scripted error codes, serves temporary media and records every message
/// sent, so tests assert the exact JSON a follower's phone would get.
public final class FakeWeChatAPI: FakePlatformAPI {
    /// Everything the fake has seen and will answer; tests read and script it.
    public actor State {
        public private(set) var tokenFetches = 0
        public private(set) var currentToken: String?
        /// Bodies of accepted customer-service messages, in arrival order.
        public private(set) var customerServiceMessages: [SendableJSON] = []
        public private(set) var templateMessages: [SendableJSON] = []
        /// Raw JSON bodies of every send call, accepted or not.
        public private(set) var sendBodies: [String] = []
        public private(set) var mediaDownloads: [String] = []
        /// Error codes the next send calls answer, one each, before sends succeed again.
        private var scriptedErrors: [Int] = []
        private var media: [String: (contentType: String, bytes: [UInt8])] = [:]
        public var tokenLifetime = 7200

        public func failNextSends(with codes: [Int]) { scriptedErrors.append(contentsOf: codes) }
        /// WeChat's "access_token expired": the current token stops working.
        public func expireToken() { currentToken = nil }
        public func addMedia(id: String, contentType: String, bytes: [UInt8]) { media[id] = (contentType, bytes) }

        func issueToken() -> String {
            tokenFetches += 1
            let token = "TOKEN-\(tokenFetches)-" + String(repeating: "x", count: 32)
            currentToken = token
            return token
        }

        func accepts(_ token: String?) -> Bool { token != nil && token == currentToken }

        func recordSend(_ body: String) -> Int? {
            sendBodies.append(body)
            return scriptedErrors.isEmpty ? nil : scriptedErrors.removeFirst()
        }

        func accept(_ json: SendableJSON, template: Bool) {
            if template { templateMessages.append(json) } else { customerServiceMessages.append(json) }
        }

        func download(_ id: String) -> (contentType: String, bytes: [UInt8])? {
            mediaDownloads.append(id)
            return media[id]
        }
    }

    public let state = State()
    public let appID: String
    public let appSecret: String
    private let server: LocalHTTPServer
    public var port: Int { server.port }

    public var baseURL: String { server.baseURL }

    public init(appID: String = "wx49f0ab532d5d035a", appSecret: String = "app-secret") async throws {
        self.appID = appID
        self.appSecret = appSecret
        let state = self.state
        let router = Router()
        router.get("/cgi-bin/token") { request, _ -> Response in
            let query = request.uri.queryParameters
            guard query["grant_type"] == "client_credential", query["appid"].map(String.init) == appID,
                  query["secret"].map(String.init) == appSecret
            else { return Self.json(#"{"errcode":40013,"errmsg":"invalid appid"}"#) }
            let token = await state.issueToken()
            return Self.json(#"{"access_token":"\#(token)","expires_in":\#(await state.tokenLifetime)}"#)
        }
        router.post("/cgi-bin/message/custom/send") { request, _ in
            try await Self.send(request, state: state, template: false)
        }
        router.post("/cgi-bin/message/template/send") { request, _ in
            try await Self.send(request, state: state, template: true)
        }
        router.get("/cgi-bin/media/get") { request, _ -> Response in
            let query = request.uri.queryParameters
            guard await state.accepts(query["access_token"].map(String.init)) else {
                return Self.json(#"{"errcode":40001,"errmsg":"invalid credential"}"#)
            }
            guard let file = await state.download(String(query["media_id"] ?? "")) else {
                return Self.json(#"{"errcode":40007,"errmsg":"invalid media_id"}"#)
            }
            return Response(
                status: .ok, headers: [.contentType: file.contentType], body: .init(byteBuffer: ByteBuffer(bytes: file.bytes))
            )
        }

        server = try await LocalHTTPServer.start(router, label: "fake-wechat-api")
    }

    public func stop() async {
        await server.stop()
    }

    private static func send(_ request: Request, state: State, template: Bool) async throws -> Response {
        let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
        guard await state.accepts(request.uri.queryParameters["access_token"].map(String.init)) else {
            _ = await state.recordSend(body)
            return json(#"{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest"}"#)
        }
        if let code = await state.recordSend(body) {
            return json(#"{"errcode":\#(code),"errmsg":"scripted error \#(code)"}"#)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              object["touser"] is String
        else { return json(#"{"errcode":44002,"errmsg":"empty post data"}"#) }
        await state.accept(SendableJSON(object), template: template)
        return json(template ? #"{"errcode":0,"errmsg":"ok","msgid":200228332}"# : #"{"errcode":0,"errmsg":"ok"}"#)
    }

    private static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A JSON value as `JSONSerialization` produced it, made `Sendable` by copying it into Swift
/// values (strings, numbers, arrays, dictionaries).
public enum SendableJSON: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([SendableJSON])
    case object([String: SendableJSON])
    case null

    /// Parses JSON text, for writing expected bodies in tests.
    public static func parse(_ text: String) -> SendableJSON {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))).map(SendableJSON.init) ?? .null
    }

    init(_ value: Any) {
        switch value {
        case let string as String: self = .string(string)
        case let number as NSNumber: self = .number(number.doubleValue)
        case let array as [Any]: self = .array(array.map(SendableJSON.init))
        case let object as [String: Any]: self = .object(object.mapValues(SendableJSON.init))
        default: self = .null
        }
    }
}
