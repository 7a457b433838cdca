import Foundation
import Hummingbird
import NIOCore

/// A local stand-in for `graph.facebook.com` (and Meta's media hosts) on 127.0.0.1, serving
/// both Meta connectors in the Graph API's wire format (CHANNELS.md §3.3, §3.5, §4.3):
/// - `POST /{version}/{phoneNumberId}/messages`: WhatsApp Cloud API sends, answered with a
///   `wamid`; `POST /{version}/me/messages` (or `/{pageId}/messages`): Messenger Send API
///   calls, answered with a `message_id`. Both check the Bearer token (Messenger also accepts
///   `?access_token=`) and validate the body as Meta does (text limits, tags);
/// - `GET /{version}/{media-id}`: the WhatsApp media lookup, answering a URL on this server;
///   `GET /whatsapp_business/attachments/?mid=…`: the download, Bearer token required;
/// - `GET /cdn/{name}`: a Messenger attachment URL, no token.
/// Every request is recorded; Graph calls can be scripted to answer 429s, 5xx, Graph error
/// codes, or to be slow, so tests assert what a customer would receive.
public final class FakeMetaGraphAPI: FakePlatformAPI {
    public enum Product: String, Sendable { case whatsapp, messenger }

    public struct Recorded: Sendable {
        public var method: String
        public var path: String
        public var query: [String: String]
        /// Header values by lower-cased name.
        public var headers: [String: String]
        /// The body exactly as sent.
        public var body: String
        public var json: SendableJSON
        /// The status the fake answered.
        public var status: Int

        public var authorization: String? { headers["authorization"] }
    }

    /// A message Meta accepted for delivery.
    public struct Sent: Sendable, Equatable {
        public var product: Product
        public var id: String
        public var json: SendableJSON
    }

    /// What the next Graph call (a send or a media lookup) does instead of its normal answer.
    public enum Script: Sendable {
        /// A Graph error object with `code` (and `error_subcode`), HTTP `status`, optional `Retry-After`.
        case graphError(status: Int, code: Int, subcode: Int? = nil, message: String, retryAfter: Int? = nil)
        /// 500 with Graph's generic temporary error (code 2).
        case serverError
        /// The normal answer, after `seconds`: slower than an impatient client.
        case delay(seconds: Double)
    }

    public actor State {
        public private(set) var requests: [Recorded] = []
        public private(set) var sent: [Sent] = []
        public private(set) var downloads: [String] = []
        private var scripts: [Script] = []
        private var media: [String: (mimeType: String, bytes: [UInt8], url: String?)] = [:]
        private var attachments: [String: (contentType: String, bytes: [UInt8])] = [:]
        private var counter = 0
        private(set) var baseURL = ""

        func setBaseURL(_ url: String) { baseURL = url }

        /// Calls to the messages endpoints only.
        public var messageRequests: [Recorded] { requests.filter { $0.method == "POST" && $0.path.hasSuffix("/messages") } }

        public func script(_ scripts: [Script]) { self.scripts.append(contentsOf: scripts) }

        /// A WhatsApp media id the lookup knows; `url` overrides where the lookup says it lives.
        public func addMedia(id: String, mimeType: String, bytes: [UInt8], url: String? = nil) {
            media[id] = (mimeType, bytes, url)
        }

        /// A Messenger attachment served at `/cdn/{name}`.
        public func addAttachment(name: String, contentType: String, bytes: [UInt8]) {
            attachments[name] = (contentType, bytes)
        }

        func record(_ request: Recorded) { requests.append(request) }
        func nextScript() -> Script? { scripts.isEmpty ? nil : scripts.removeFirst() }

        func accept(_ product: Product, json: SendableJSON) -> String {
            counter += 1
            let id = product == .whatsapp
                ? "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI\(String(format: "%06d", counter))A="
                : "m_fake\(String(format: "%06d", counter))"
            sent.append(Sent(product: product, id: id, json: json))
            return id
        }

        func mediaInfo(_ id: String) -> (mimeType: String, size: Int, url: String?)? {
            media[id].map { ($0.mimeType, $0.bytes.count, $0.url) }
        }

        func download(media id: String) -> (mimeType: String, bytes: [UInt8])? {
            downloads.append("media:\(id)")
            return media[id].map { ($0.mimeType, $0.bytes) }
        }

        func download(attachment name: String) -> (contentType: String, bytes: [UInt8])? {
            downloads.append("cdn:\(name)")
            return attachments[name]
        }
    }

    public let state = State()
    public let accessToken: String
    public let pageAccessToken: String
    public let phoneNumberID: String
    public let pageID: String
    public let port: Int
    private let server: LocalHTTPServer

    /// Point a Meta channel's `apiBaseURL` here.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public init(
        accessToken: String = "wa-access-token", pageAccessToken: String = "page-access-token",
        phoneNumberID: String = "106540352242922", pageID: String = "682498302938465"
    ) async throws {
        self.accessToken = accessToken
        self.pageAccessToken = pageAccessToken
        self.phoneNumberID = phoneNumberID
        self.pageID = pageID
        let state = self.state
        let router = Router()
        router.post("/{version}/{node}/messages") { request, context in
            let node = context.parameters.get("node") ?? ""
            let product: Product? = node == "me" || node == pageID ? .messenger : node == phoneNumberID ? .whatsapp : nil
            return try await Self.send(request, product: product, state: state, token: product == .messenger ? pageAccessToken : accessToken)
        }
        router.get("/whatsapp_business/attachments") { request, _ in
            var recorded = Self.recorded(request, body: "")
            let id = recorded.query["mid"] ?? ""
            guard recorded.authorization == "Bearer \(accessToken)" else {
                return await Self.answer(&recorded, state, 401, Self.error(code: 190, message: "Invalid OAuth access token."))
            }
            guard let file = await state.download(media: id) else {
                return await Self.answer(&recorded, state, 404, Self.error(code: 100, message: "Media not found"))
            }
            recorded.status = 200
            await state.record(recorded)
            return Response(status: .ok, headers: [.contentType: file.mimeType], body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
        }
        router.get("/cdn/{name}") { request, context in
            var recorded = Self.recorded(request, body: "")
            guard let file = await state.download(attachment: context.parameters.get("name") ?? "") else {
                recorded.status = 404
                await state.record(recorded)
                return Response(status: .notFound)
            }
            recorded.status = 200
            await state.record(recorded)
            return Response(status: .ok, headers: [.contentType: file.contentType], body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
        }
        router.get("/{version}/{node}") { request, context in
            var recorded = Self.recorded(request, body: "")
            guard recorded.authorization == "Bearer \(accessToken)" else {
                return await Self.answer(&recorded, state, 401, Self.error(code: 190, message: "Invalid OAuth access token."))
            }
            if let failure = await Self.scripted(state) { return await Self.answer(&recorded, state, failure.status, failure.body, retryAfter: failure.retryAfter) }
            let id = context.parameters.get("node") ?? ""
            guard let info = await state.mediaInfo(id) else {
                return await Self.answer(&recorded, state, 400, Self.error(
                    code: 100, subcode: 33, message: "Unsupported get request. Object with ID '\(id)' does not exist"
                ))
            }
            let base = await state.baseURL
            let url = info.url ?? "\(base)/whatsapp_business/attachments/?mid=\(id)&ext=1700000000&hash=ATfake"
            let body = #"{"messaging_product":"whatsapp","url":\#(Self.quoted(url)),"mime_type":\#(Self.quoted(info.mimeType)),"#
                + #""sha256":"c0ffee","file_size":\#(info.size),"id":\#(Self.quoted(id))}"#
            return await Self.answer(&recorded, state, 200, body)
        }

        server = try await LocalHTTPServer.start(router, label: "fake-meta-graph-api")
        port = server.port
        await state.setBaseURL("http://127.0.0.1:\(port)")
    }

    public func stop() async {
        await server.stop()
    }

    // MARK: - Sends

    private static func send(_ request: Request, product: Product?, state: State, token: String) async throws -> Response {
        let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
        var recorded = recorded(request, body: text)
        guard let product else {
            return await answer(&recorded, state, 400, error(code: 100, message: "Unsupported post request."))
        }
        let bearer = recorded.authorization == "Bearer \(token)"
        let queryToken = product == .messenger && recorded.query["access_token"] == token
        guard bearer || queryToken else {
            return await answer(&recorded, state, 401, error(code: 190, message: "Invalid OAuth access token - Cannot parse access token"))
        }
        let script = await state.nextScript()
        if let failure = failure(script) { return await answer(&recorded, state, failure.status, failure.body, retryAfter: failure.retryAfter) }
        guard case .object(let fields) = recorded.json else {
            return await answer(&recorded, state, 400, error(code: 100, message: "(#100) The parameter body is not JSON"))
        }
        if let problem = product == .whatsapp ? invalidWhatsApp(fields) : invalidMessenger(fields) {
            return await answer(&recorded, state, 400, error(code: 100, message: problem))
        }
        let id = await state.accept(product, json: recorded.json)
        if case .delay(let seconds) = script { try? await Task.sleep(for: .seconds(seconds)) }
        switch product {
        case .whatsapp:
            guard case .string(let to)? = fields["to"] else { return Response(status: .internalServerError) }
            return await answer(&recorded, state, 200, #"{"messaging_product":"whatsapp","contacts":[{"input":\#(quoted(to)),"wa_id":\#(quoted(to))}],"messages":[{"id":\#(quoted(id))}]}"#)
        case .messenger:
            guard case .object(let recipient)? = fields["recipient"], case .string(let psid)? = recipient["id"] else {
                return Response(status: .internalServerError)
            }
            return await answer(&recorded, state, 200, #"{"recipient_id":\#(quoted(psid)),"message_id":\#(quoted(id))}"#)
        }
    }

    /// The Cloud API's checks: product, recipient, a known type with its object, text ≤ 4,096.
    private static func invalidWhatsApp(_ fields: [String: SendableJSON]) -> String? {
        guard fields["messaging_product"] == .string("whatsapp") else { return "(#100) The parameter messaging_product is required." }
        guard case .string(let to)? = fields["to"], !to.isEmpty else { return "(#100) The parameter to is required." }
        guard case .string(let type)? = fields["type"] else { return "(#100) The parameter type is required." }
        guard case .object(let object)? = fields[type] else { return "(#100) Param \(type) is required for type \(type)" }
        switch type {
        case "text":
            guard case .string(let body)? = object["body"], !body.isEmpty else { return "(#100) Param text['body'] is required" }
            if body.count > 4096 { return "(#100) Param text['body'] must be at most 4096 characters long." }
        case "template":
            guard case .string? = object["name"], case .object(let language)? = object["language"], case .string? = language["code"] else {
                return "(#100) Param template['name'] and template['language']['code'] are required"
            }
        case "image", "audio", "video", "document":
            guard object["id"] != nil || object["link"] != nil else { return "(#100) Param \(type)['id'] or \(type)['link'] is required" }
        case "location":
            guard object["latitude"] != nil, object["longitude"] != nil else { return "(#100) Param location['latitude'] is required" }
        default:
            return "(#100) Param type must be one of {TEXT, TEMPLATE, IMAGE, AUDIO, VIDEO, DOCUMENT, LOCATION}"
        }
        return nil
    }

    /// The Send API's checks: recipient, messaging type (a tag with MESSAGE_TAG), text ≤ 2,000.
    private static func invalidMessenger(_ fields: [String: SendableJSON]) -> String? {
        guard case .object(let recipient)? = fields["recipient"], case .string? = recipient["id"] else {
            return "(#100) The parameter recipient is required"
        }
        switch fields["messaging_type"] {
        case .string("RESPONSE")?, .string("UPDATE")?:
            if fields["tag"] != nil { return "(#100) Tag can only be used with messaging_type MESSAGE_TAG" }
        case .string("MESSAGE_TAG")?:
            guard case .string? = fields["tag"] else { return "(#100) Tag is required for MESSAGE_TAG" }
        default:
            return "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}"
        }
        guard case .object(let message)? = fields["message"] else { return "(#100) The parameter message is required" }
        if case .string(let text)? = message["text"] {
            if text.isEmpty || text.count > 2000 { return "(#100) Length of param message[text] must be less than or equal to 2000" }
        } else if message["attachment"] == nil {
            return "(#100) Must send either message or attachment"
        }
        return nil
    }

    // MARK: - Helpers

    private static func scripted(_ state: State) async -> (status: Int, body: String, retryAfter: Int?)? {
        let script = await state.nextScript()
        if case .delay(let seconds) = script { try? await Task.sleep(for: .seconds(seconds)) }
        return failure(script)
    }

    private static func failure(_ script: Script?) -> (status: Int, body: String, retryAfter: Int?)? {
        switch script {
        case .graphError(let status, let code, let subcode, let message, let retryAfter):
            return (status, error(code: code, subcode: subcode, message: message), retryAfter)
        case .serverError:
            return (500, error(code: 2, message: "An unexpected error has occurred. Please retry your request later.", transient: true), nil)
        case .delay, nil:
            return nil
        }
    }

    static func error(code: Int, subcode: Int? = nil, message: String, transient: Bool = false) -> String {
        let sub = subcode.map { #","error_subcode":\#($0)"# } ?? ""
        let flag = transient ? #","is_transient":true"# : ""
        return #"{"error":{"message":\#(quoted(message)),"type":"OAuthException","code":\#(code)\#(sub)\#(flag),"fbtrace_id":"AfakeTrace"}}"#
    }

    private static func answer(_ recorded: inout Recorded, _ state: State, _ status: Int, _ body: String, retryAfter: Int? = nil) async -> Response {
        recorded.status = status
        await state.record(recorded)
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private static func recorded(_ request: Request, body: String) -> Recorded {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        return Recorded(
            method: request.method.rawValue, path: request.uri.path, query: query, headers: headers, body: body,
            json: body.isEmpty ? .null : SendableJSON.parse(body), status: 0
        )
    }

    private static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data(#""""#.utf8), as: UTF8.self)
    }
}
