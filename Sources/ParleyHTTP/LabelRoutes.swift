import Foundation
import Hummingbird
import ParleyCore
import ParleyGateway
import ParleyStore

/// Labels under `/api/v1` (see docs/openapi.yaml): any agent who can see a conversation puts a
/// label on it or takes it off; everyone lists the labels in use.
struct LabelRoutes {
    let gateway: Gateway

    private struct LabelCountView: Encodable {
        var label: String
        var conversations: Int
    }

    private struct LabelList: Encodable {
        var labels: [LabelCountView]
    }

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1").add(middleware: AgentAuthenticator(gateway: gateway))
        api.put("conversations/{id}/labels/{label}") { _, context in
            try await setLabel(context, present: true)
        }
        api.delete("conversations/{id}/labels/{label}") { _, context in
            try await setLabel(context, present: false)
        }
        api.get("labels") { _, context in
            let counts = try await gateway.labels(for: try context.requireAgent())
            return try JSONCoding.response(LabelList(labels: counts.map { LabelCountView(label: $0.label, conversations: $0.conversations) }))
        }
    }

    /// Idempotent both ways: 200 with the conversation as it now is.
    private func setLabel(_ context: AppRequestContext, present: Bool) async throws -> Response {
        let id = try AgentRoutes.conversationID(context)
        // Path parameters arrive as sent, still percent-encoded ("needs%20refund", "%E9%80%80%E6%AC%BE").
        let raw = try context.parameters.require("label")
        guard let label = raw.removingPercentEncoding else {
            throw GatewayError.invalid(field: "label", reason: "'\(raw)' is not valid percent-encoding")
        }
        let conversation = try await gateway.setLabel(label, on: id, present: present, by: try context.requireAgent())
        return try JSONCoding.response(ConversationView(conversation, countdowns: await gateway.countdowns(for: conversation)))
    }
}
