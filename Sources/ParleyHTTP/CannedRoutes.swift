import Foundation
import Hummingbird
import ParleyCore
import ParleyGateway
import ParleyStore

/// Canned responses under `/api/v1` (see docs/openapi.yaml): every agent lists, reads and
/// previews the ones they may use; admins write them.
struct CannedRoutes {
    let gateway: Gateway

    /// Fields are optional so a missing one is refused by name (`title: ...`), not as a decoding
    /// error about the body.
    private struct CannedBody: Decodable {
        var shortcut: String?
        var title: String?
        var text: String?
        var teamId: Int64?
    }

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1").add(middleware: AgentAuthenticator(gateway: gateway))
        api.get("canned-responses") { _, context in
            let list = try await gateway.cannedResponses(for: try context.requireAgent())
            return try JSONCoding.response(CannedResponseList(cannedResponses: list.map(CannedResponseView.init)))
        }
        api.post("canned-responses") { request, context in
            let saved = try await save(try await JSONCoding.decodeBody(CannedBody.self, from: request), id: nil, context)
            return try JSONCoding.response(CannedResponseView(saved), status: .created)
        }
        api.get("canned-responses/{cannedId}") { _, context in
            let found = try await gateway.cannedResponse(try Self.cannedID(context), for: try context.requireAgent())
            return try JSONCoding.response(CannedResponseView(found))
        }
        api.put("canned-responses/{cannedId}") { request, context in
            let saved = try await save(try await JSONCoding.decodeBody(CannedBody.self, from: request), id: try Self.cannedID(context), context)
            return try JSONCoding.response(CannedResponseView(saved))
        }
        api.delete("canned-responses/{cannedId}") { _, context in
            try await gateway.deleteCannedResponse(try Self.cannedID(context), by: try context.requireAgent())
            return Response(status: .noContent)
        }
        api.get("conversations/{id}/canned-responses/{cannedId}/preview") { _, context in
            let conversation = try AgentRoutes.conversationID(context)
            let rendered = try await gateway.renderCanned(try Self.cannedID(context), in: conversation, for: try context.requireAgent())
            return try JSONCoding.response(CannedPreviewView(
                cannedId: rendered.response.id.rawValue, shortcut: rendered.response.shortcut, conversationId: conversation.rawValue,
                text: rendered.text, missing: rendered.missing.map(\.rawValue)
            ))
        }
    }

    private func save(_ body: CannedBody, id: CannedResponseID?, _ context: AppRequestContext) async throws -> CannedResponse {
        try await gateway.saveCannedResponse(
            id: id, shortcut: body.shortcut, title: body.title, text: body.text, team: body.teamId.map(TeamID.init), by: try context.requireAgent()
        )
    }

    private static func cannedID(_ context: AppRequestContext) throws -> CannedResponseID {
        let text = try context.parameters.require("cannedId")
        guard let value = Int64(text) else { throw GatewayError.notFound("canned response \(text) not found") }
        return CannedResponseID(value)
    }
}
