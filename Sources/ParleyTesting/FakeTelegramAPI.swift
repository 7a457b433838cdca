import Foundation
import Hummingbird
import Logging
import NIOCore

/// A local stand-in for `api.telegram.org` on 127.0.0.1, speaking the Bot API's wire format:
/// `POST /bot<TOKEN>/<method>` with a JSON body, `getFile`, and file downloads from
/// `/file/bot<TOKEN>/<path>`. It records every request it gets and can be scripted to answer
/// the errors Telegram answers (flood limit, outage, blocked bot, migrated group) or to be
/// slower than the caller's timeout, so tests assert what a customer's phone would receive.
public final class FakeTelegramAPI: FakePlatformAPI {
    /// One request as the fake received it.
    public struct Recorded: Sendable, Equatable {
        public var httpMethod: String
        /// The Bot API method (`sendMessage`, `getFile`…), or `file` for a download.
        public var apiMethod: String
        public var path: String
        public var query: [String: String]
        /// The body exactly as sent.
        public var body: String
        public var json: SendableJSON
    }

    /// A scripted answer for the next API call (any method), instead of the normal one.
    public enum Scripted: Sendable {
        /// 429 with `parameters.retry_after`.
        case tooManyRequests(retryAfter: Int)
        /// 500 Internal Server Error.
        case serverError
        /// 403 with Telegram's wording, by default "Forbidden: bot was blocked by the user".
        case forbidden(String = "Forbidden: bot was blocked by the user")
        /// 400 for a group that became a supergroup, with `parameters.migrate_to_chat_id`.
        case migrated(to: Int64)
        /// 400 with the given description.
        case badRequest(String)
        /// The normal answer, but only after this many seconds.
        case delay(seconds: Double)
    }

    /// Everything the fake has seen and will answer; tests read and script it.
    public actor State {
        public private(set) var requests: [Recorded] = []
        /// Bodies of the calls that were accepted (a message was "sent"), in arrival order.
        public private(set) var accepted: [Recorded] = []
        public private(set) var fileDownloads: [String] = []
        private var script: [Scripted] = []
        private var files: [String: File] = [:]
        private var lastMessageID: [String: Int64] = [:]
        /// Updates `getUpdates` hands out, as raw JSON objects with their `update_id`.
        private var pending: [(id: Int64, json: String)] = []
        public private(set) var webhook: (url: String, secret: String?)?

        /// Queues an update for `getUpdates`; `json` is the whole Update object.
        public func queueUpdate(id: Int64, json: String) { pending.append((id, json)) }

        /// What `getUpdates(offset)` answers: confirming (dropping) everything below `offset`,
        /// as Telegram does.
        func updates(confirmingBelow offset: Int64?) -> [String] {
            if let offset { pending.removeAll { $0.id < offset } }
            return pending.map(\.json)
        }

        func setWebhook(url: String, secret: String?) { webhook = (url, secret) }

        struct File {
            var path: String
            var bytes: [UInt8]
            var contentType: String
            var size: Int
        }

        public func answerNext(_ answers: [Scripted]) { script.append(contentsOf: answers) }

        /// A file `getFile` knows; `reportedSize` lets a test claim a size without the bytes.
        public func addFile(id: String, path: String, bytes: [UInt8], contentType: String, reportedSize: Int? = nil) {
            files[id] = File(path: path, bytes: bytes, contentType: contentType, size: reportedSize ?? bytes.count)
        }

        /// Just the JSON of each accepted call, for comparing with expected bodies.
        public var acceptedBodies: [SendableJSON] { accepted.map(\.json) }

        func record(_ request: Recorded) -> Scripted? {
            requests.append(request)
            return script.isEmpty ? nil : script.removeFirst()
        }

        func accept(_ request: Recorded, chat: String) -> Int64 {
            accepted.append(request)
            let next = (lastMessageID[chat] ?? 0) + 1
            lastMessageID[chat] = next
            return next
        }

        func file(id: String) -> File? { files[id] }

        func download(path: String) -> File? {
            fileDownloads.append(path)
            return files.values.first { $0.path == path }
        }
    }

    public let state = State()
    public let botToken: String
    private let server: LocalHTTPServer
    public var port: Int { server.port }

    public var baseURL: String { server.baseURL }

    public init(botToken: String = "123456789:AAFakeTokenForTests_abcdefghijklmnop") async throws {
        self.botToken = botToken
        let state = self.state
        let router = Router()
        router.post("**") { request, _ in try await Self.api(request, state: state, token: botToken) }
        router.get("**") { request, _ in
            if request.uri.path.hasPrefix("/file/") { return await Self.download(request, state: state, token: botToken) }
            return try await Self.api(request, state: state, token: botToken)
        }

        server = try await LocalHTTPServer.start(router, label: "fake-telegram-api")
    }

    public func stop() async {
        await server.stop()
    }

    // MARK: - The Bot API

    private static func api(_ request: Request, state: State, token: String) async throws -> Response {
        let segments = request.uri.path.split(separator: "/").map(String.init)
        let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        let recorded = Recorded(
            httpMethod: request.method.rawValue, apiMethod: segments.last ?? "", path: request.uri.path, query: query, body: body,
            json: body.isEmpty ? .null : SendableJSON(object)
        )
        // The real server answers 404 for a malformed token and 401 for an unknown one.
        guard segments.count == 2, segments[0] == "bot\(token)" else {
            _ = await state.record(recorded)
            return error(401, "Unauthorized")
        }
        switch await state.record(recorded) {
        case .tooManyRequests(let seconds):
            return error(429, "Too Many Requests: retry after \(seconds)", parameters: #"{"retry_after":\#(seconds)}"#)
        case .serverError: return error(500, "Internal Server Error")
        case .forbidden(let description): return error(403, description)
        case .migrated(let chat):
            return error(
                400, "Bad Request: group chat was upgraded to a supergroup chat", parameters: #"{"migrate_to_chat_id":\#(chat)}"#
            )
        case .badRequest(let description): return error(400, description)
        case .delay(let seconds): try await Task.sleep(for: .seconds(seconds))
        case nil: break
        }
        if recorded.apiMethod == "getUpdates" {
            guard await state.webhook == nil else {
                return error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
            }
            let offset = (object["offset"] as? NSNumber)?.int64Value
            return json(#"{"ok":true,"result":[\#(await state.updates(confirmingBelow: offset).joined(separator: ","))]}"#)
        }
        if recorded.apiMethod == "setWebhook" {
            guard let url = object["url"] as? String, url.hasPrefix("https://") else {
                return error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
            }
            await state.setWebhook(url: url, secret: object["secret_token"] as? String)
            return json(#"{"ok":true,"result":true,"description":"Webhook was set"}"#)
        }
        if recorded.apiMethod == "getFile" {
            let id = query["file_id"] ?? object["file_id"] as? String ?? ""
            guard let file = await state.file(id: id) else { return error(400, "Bad Request: invalid file_id") }
            guard file.size <= 20_000_000 else { return error(400, "Bad Request: file is too big") }
            let idJSON = jsonString(id)
            return json(#"{"ok":true,"result":{"file_id":\#(idJSON),"file_unique_id":"U\#(file.size)","file_size":\#(file.size),"file_path":\#(jsonString(file.path))}}"#)
        }
        guard let chat = object["chat_id"] else { return error(400, "Bad Request: chat_id is empty") }
        if recorded.apiMethod == "sendMessage" {
            let text = object["text"] as? String ?? ""
            if text.isEmpty { return error(400, "Bad Request: message text is empty") }
            if text.utf16.count > 4096 { return error(400, "Bad Request: message is too long") }
        }
        let chatText = (chat as? NSNumber).map { "\($0.int64Value)" } ?? jsonString("\(chat)")
        let messageID = await state.accept(recorded, chat: chatText)
        let chatID = (chat as? NSNumber).map { "\($0.int64Value)" } ?? "-1001234567890"
        return json(#"{"ok":true,"result":{"message_id":\#(messageID),"date":1700000000,"chat":{"id":\#(chatID),"type":"private"}}}"#)
    }

    private static func download(_ request: Request, state: State, token: String) async -> Response {
        let prefix = "/file/bot\(token)/"
        guard request.uri.path.hasPrefix(prefix) else { return error(401, "Unauthorized") }
        let path = String(request.uri.path.dropFirst(prefix.count)).removingPercentEncoding ?? ""
        guard let file = await state.download(path: path) else { return error(404, "Not Found") }
        return Response(
            status: .ok, headers: [.contentType: file.contentType], body: .init(byteBuffer: ByteBuffer(bytes: file.bytes))
        )
    }

    private static func error(_ code: Int, _ description: String, parameters: String? = nil) -> Response {
        let extra = parameters.map { #","parameters":\#($0)"# } ?? ""
        return Response(
            status: .init(code: code), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"ok":false,"error_code":\#(code),"description":\#(jsonString(description))\#(extra)}"#))
        )
    }

    private static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}
