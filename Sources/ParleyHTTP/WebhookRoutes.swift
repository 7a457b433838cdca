import Hummingbird
import ParleyCore
import ParleyGateway

/// `GET|POST /hooks/{channelId}`: the one door every platform (and the widget's HTTP fallback)
/// knocks on. The connector sees the raw bytes, so signatures are checked over exactly what
/// was sent.
struct WebhookRoutes {
    let gateway: Gateway

    func register(on router: Router<AppRequestContext>) {
        router.get("/hooks/{channelId}") { request, context in
            try await handle(request, context, method: .get)
        }
        router.post("/hooks/{channelId}") { request, context in
            try await handle(request, context, method: .post)
        }
    }

    private func handle(_ request: Request, _ context: AppRequestContext, method: WebhookRequest.Method) async throws -> Response {
        let channelID = ChannelID(try context.parameters.require("channelId"))
        let body = try await request.body.collect(upTo: HTTPLimits.maximumBody)
        let webhook = WebhookRequest(
            method: method,
            path: request.uri.path,
            query: request.uri.queryParameters.map { (String($0.key), String($0.value)) },
            rawQuery: request.uri.query,
            headers: request.headers.map { ($0.name.canonicalName, $0.value) },
            body: Array(body.readableBytesView),
            publicBaseURL: gateway.publicBaseURL
        )
        let answer = try await gateway.handleWebhook(channelID: channelID, request: webhook)
        return Response(
            status: .init(code: answer.status),
            headers: [.contentType: answer.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }
}
