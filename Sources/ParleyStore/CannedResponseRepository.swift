import Foundation
import ParleyCore

public enum CannedResponseTag {}
/// A canned response.
public typealias CannedResponseID = EntityID<CannedResponseTag>

/// What an admin writes; the store keeps it as given (the gateway checks it first).
public struct CannedResponseDraft: Sendable, Equatable {
    public var shortcut: String
    public var title: String
    public var text: String
    public var team: TeamID?

    public init(shortcut: String, title: String, text: String, team: TeamID?) {
        self.shortcut = shortcut
        self.title = title
        self.text = text
        self.team = team
    }
}

/// Canned responses. A shortcut another response already uses is a conflict naming it.
public protocol CannedResponseRepository: Sendable {
    /// Every canned response, by shortcut.
    func cannedResponses() async throws -> [CannedResponse]
    func cannedResponse(_ id: CannedResponseID) async throws -> CannedResponse?
    /// The response with this shortcut, whatever its case.
    func cannedResponse(shortcut: String) async throws -> CannedResponse?
    func insertCannedResponse(_ draft: CannedResponseDraft, at time: Date) async throws(StoreError) -> CannedResponse
    /// Replaces the response's fields; `notFound` when there is no such response.
    func updateCannedResponse(_ id: CannedResponseID, _ draft: CannedResponseDraft, at time: Date) async throws(StoreError) -> CannedResponse
    /// False when there was no such response.
    func deleteCannedResponse(_ id: CannedResponseID) async throws(StoreError) -> Bool
}
