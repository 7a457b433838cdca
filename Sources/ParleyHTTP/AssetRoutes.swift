import Foundation
import Hummingbird
import ParleyCore

/// The widget script and the demo page, read once from the bundle at start-up.
struct AssetRoutes {
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
        let demoTemplate = String(decoding: try Self.load("demo", "html"), as: UTF8.self)
        router.get("/widget.js") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: widget))
            )
        }
        let demoChannelID = demoChannelID
        router.get("/demo") { _, _ in
            guard let demoChannelID else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "no web-chat channel is configured")))
            }
            let page = demoTemplate.replacingOccurrences(of: "{{CHANNEL_ID}}", with: demoChannelID.rawValue)
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: page))
            )
        }
    }

    private static func load(_ name: String, _ ext: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Public")
                ?? Bundle.module.url(forResource: name, withExtension: ext),
              let data = try? Data(contentsOf: url)
        else { throw AssetError.missing("\(name).\(ext)") }
        return Array(data)
    }
}
