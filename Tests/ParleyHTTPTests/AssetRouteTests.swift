import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import Testing

@Suite("Asset routes")
struct AssetRouteTests {
    /// The worker is served as a script a browser will register for the whole site and re-check.
    @Test func serviceWorkerIsServedAsAnUncachedScript() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        try await app.application().test(.router) { client in
            try await client.execute(uri: "/widget-sw.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-cache")
                #expect(response.headers[.init("Service-Worker-Allowed")!] == "/")
                let body = String(buffer: response.body)
                #expect(body.contains("addEventListener('push'"))
                #expect(body.contains("addEventListener('notificationclick'"))
            }
        }
    }

    /// `/chat/<channelId>` embeds the widget for that web-chat channel; any other id is a 404
    /// that does not echo the id back.
    @Test func chatPageEmbedsTheWidgetForAWebChatChannelOnly() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        let second = try await app.harness.addWebChat()
        let telegram = try await app.harness.addRecordingChannel()
        try await app.application().test(.router) { client in
            for channel in [app.webChat, second] {
                try await client.execute(uri: "/chat/\(channel.id)", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    let page = String(buffer: response.body)
                    #expect(page.contains(#"<script src="/widget.js" data-channel="\#(channel.id)" async></script>"#))
                    #expect(!page.contains("{{CHANNEL_ID}}"))
                }
            }
            for path in ["/chat/\(telegram.id)", "/chat/ch_nope", "/chat/%3Cscript%3E"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                    #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
                    let text = String(buffer: response.body)
                    #expect(text == "there is no web-chat channel with this id")
                }
            }
        }
    }
}
