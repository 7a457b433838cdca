import Foundation
import Hummingbird
import ParleyCore
import ParleyGateway

/// The widget script, its service worker and the pages embedding the widget (the demo shop and
/// the chat page a reopen link targets), read once from the bundle at start-up.
struct AssetRoutes {
    let gateway: Gateway
    let demoChannelID: ChannelID?

    enum AssetError: Error, CustomStringConvertible {
        case missing(String)
        var description: String {
            switch self {
            case .missing(let name): "the bundled asset \(name) is missing from this build"
            }
        }
    }

    func register(on router: Router<AppRequestContext>) throws {
        let widget = try Self.load("widget", "js")
        let serviceWorker = try Self.load("widget-sw", "js")
        let demoTemplate = String(decoding: try Self.load("demo", "html"), as: UTF8.self)
        router.get("/widget.js") { _, _ in
            Self.script(widget)
        }
        // no-cache as well: browsers check a worker for updates on their own, but only honour
        // a fresh copy when no HTTP cache stands in between. Service-Worker-Allowed lets a worker
        // served under a path prefix (parleyd behind `/parley/`) be registered for the whole site.
        router.get("/widget-sw.js") { _, _ in
            var response = Self.script(serviceWorker)
            response.headers[.init("Service-Worker-Allowed")!] = "/"
            return response
        }
        let demoChannelID = demoChannelID
        router.get("/demo") { _, _ in
            guard let demoChannelID else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "no web-chat channel is configured")))
            }
            return Self.page(demoTemplate, channelID: demoChannelID)
        }
        // The page the offline-reply email links to (`/chat/<channelId>#parley-token=...`): the
        // widget on it takes the token from the fragment and reopens the visitor's conversation.
        let gateway = gateway
        router.get("/chat/{channelId}") { _, context in
            let channelID = ChannelID(try context.parameters.require("channelId"))
            guard try await gateway.isWebChatChannel(channelID) else {
                // The id is not echoed: this answer is text, but it is reached from links.
                return Response(
                    status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "there is no web-chat channel with this id"))
                )
            }
            return Self.page(demoTemplate, channelID: channelID)
        }
    }

    private static func script(_ bytes: [UInt8]) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    private static func page(_ template: String, channelID: ChannelID) -> Response {
        let page = template.replacingOccurrences(of: "{{CHANNEL_ID}}", with: htmlEscaped(channelID.rawValue))
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: page))
        )
    }

    /// The id lands in an HTML attribute; ids are generated without these characters, but an
    /// id from the URL path is escaped all the same rather than trusted.
    private static func htmlEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func load(_ name: String, _ ext: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Public")
                ?? Bundle.module.url(forResource: name, withExtension: ext),
              let data = try? Data(contentsOf: url)
        else { throw AssetError.missing("\(name).\(ext)") }
        return Array(data)
    }
}
