import Foundation
import Hummingbird
import ParleyCore
import ParleyGateway

/// Contacts under `/api/v1` (see docs/openapi.yaml): a contact's identities and conversations
/// across channels for whoever may see them, and merging two contacts for supervisors and admins.
struct ContactRoutes {
    let gateway: Gateway

    private struct MergeBody: Decodable {
        var contactId: Int64?
    }

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1").add(middleware: AgentAuthenticator(gateway: gateway))
        api.get("contacts/{id}") { _, context in
            try JSONCoding.response(ContactView(try await gateway.contact(try Self.contactID(context), for: try context.requireAgent())))
        }
        api.get("contacts/{id}/conversations") { _, context in
            let list = try await gateway.conversations(ofContact: try Self.contactID(context), for: try context.requireAgent())
            return try await AgentRoutes.listResponse(list, gateway: gateway)
        }
        api.post("contacts/{id}/merge") { request, context in
            let body = try await JSONCoding.decodeBody(MergeBody.self, from: request)
            guard let other = body.contactId else {
                throw GatewayError.invalid(field: "contactId", reason: "is required (the contact to merge into this one)")
            }
            let merged = try await gateway.mergeContact(ContactID(other), into: try Self.contactID(context), by: try context.requireAgent())
            return try JSONCoding.response(ContactView(merged))
        }
    }

    private static func contactID(_ context: AppRequestContext) throws -> ContactID {
        let text = try context.parameters.require("id")
        guard let value = Int64(text) else { throw GatewayError.notFound("contact \(text) not found") }
        return ContactID(value)
    }
}
