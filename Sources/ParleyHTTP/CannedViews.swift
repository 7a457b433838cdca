import Foundation
import ParleyCore
import ParleyStore

/// A canned response as `/api/v1/canned-responses` answers it and `parleyd canned` prints it.
public struct CannedResponseView: Encodable, Sendable {
    public var id: Int64
    public var shortcut: String
    public var title: String
    public var text: String
    public var teamId: Int64?
    /// The variables the text uses, in order of first use.
    public var variables: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(_ response: CannedResponse) {
        id = response.id.rawValue
        shortcut = response.shortcut
        title = response.title
        text = response.text
        teamId = response.team?.rawValue
        variables = ((try? CannedTemplate(response.text))?.variables ?? []).map(\.rawValue)
        createdAt = response.createdAt
        updatedAt = response.updatedAt
    }
}

struct CannedResponseList: Encodable {
    var cannedResponses: [CannedResponseView]
}

/// `GET /api/v1/conversations/{id}/canned-responses/{cannedId}/preview`: what sending it would send.
struct CannedPreviewView: Encodable {
    var cannedId: Int64
    var shortcut: String
    var conversationId: Int64
    var text: String
    /// Variables without a value in this conversation, shown as their fallback or as nothing.
    var missing: [String]
}
