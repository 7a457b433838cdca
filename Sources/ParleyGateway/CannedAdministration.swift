import Foundation
import ParleyCore
import ParleyStore

/// Writing canned responses, for `parleyd canned` and (through `Gateway`, admins only) the API.
/// Every field is checked before anything is stored, naming it; a text with an unknown variable
/// is refused here, naming the variable, so no customer ever reads `{{contact.nmae}}`.
public struct CannedAdministration: Sendable {
    let canned: any CannedResponseRepository
    let teams: any RoutingRepository
    let clock: any WallClock

    static let shortcutLimit = 64
    static let titleLimit = 200
    static let textLimit = 5_000

    public init(canned: any CannedResponseRepository, teams: any RoutingRepository, clock: any WallClock = SystemClock()) {
        self.canned = canned
        self.teams = teams
        self.clock = clock
    }

    /// Every canned response, by shortcut.
    public func list() async throws(GatewayError) -> [CannedResponse] {
        do { return try await canned.cannedResponses() } catch { throw GatewayError.unavailable("\(error)") }
    }

    public func response(_ id: CannedResponseID) async throws(GatewayError) -> CannedResponse {
        let found: CannedResponse?
        do { found = try await canned.cannedResponse(id) } catch { throw GatewayError.unavailable("\(error)") }
        guard let found else { throw Self.notFound(id) }
        return found
    }

    /// Creates a response (`id` nil) or replaces every field of one.
    public func save(
        id: CannedResponseID?, shortcut: String?, title: String?, text: String?, team: TeamID?
    ) async throws(GatewayError) -> CannedResponse {
        let draft = CannedResponseDraft(
            shortcut: try Self.checkedShortcut(shortcut), title: try Self.checkedTitle(title), text: try Self.checkedText(text), team: team
        )
        if let team {
            let known: Bool
            do { known = try await teams.teams().contains { $0.id == team } } catch { throw GatewayError.unavailable("\(error)") }
            guard known else { throw GatewayError.invalid(field: "teamId", reason: "no team \(team)") }
        }
        do {
            guard let id else { return try await canned.insertCannedResponse(draft, at: clock.now()) }
            return try await canned.updateCannedResponse(id, draft, at: clock.now())
        } catch {
            throw GatewayError(error)
        }
    }

    public func delete(_ id: CannedResponseID) async throws(GatewayError) {
        let deleted: Bool
        do { deleted = try await canned.deleteCannedResponse(id) } catch { throw GatewayError(error) }
        guard deleted else { throw Self.notFound(id) }
    }

    static func notFound(_ id: CannedResponseID) -> GatewayError {
        GatewayError.notFound("canned response \(id) not found")
    }

    // MARK: - Checks

    /// What agents type after `/`: letters (any script), digits, `-`, `_` and `.`.
    static func checkedShortcut(_ text: String?) throws(GatewayError) -> String {
        guard let text else { throw GatewayError.invalid(field: "shortcut", reason: "is required (e.g. refund-policy)") }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= shortcutLimit,
              trimmed.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) })
        else {
            throw GatewayError.invalid(field: "shortcut", reason: "'\(trimmed)' is not 1 to 64 letters, digits, '-', '_' or '.' (e.g. refund-policy)")
        }
        return trimmed
    }

    static func checkedTitle(_ text: String?) throws(GatewayError) -> String {
        let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !trimmed.isEmpty, trimmed.count <= titleLimit, !trimmed.contains(where: \.isNewline) else {
            throw GatewayError.invalid(field: "title", reason: "must be one line of 1 to 200 characters")
        }
        return trimmed
    }

    /// Kept as written (line breaks and all) once it parses as a template.
    static func checkedText(_ text: String?) throws(GatewayError) -> String {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GatewayError.invalid(field: "text", reason: "must not be empty")
        }
        guard text.count <= textLimit else { throw GatewayError.invalid(field: "text", reason: "longer than 5,000 characters") }
        do { _ = try CannedTemplate(text) } catch { throw GatewayError.invalid(field: "text", reason: error.description) }
        return text
    }
}
