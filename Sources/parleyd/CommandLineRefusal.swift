import ArgumentParser
import ParleyGateway

/// A refusal of the gateway's checks as the command line says it: naming the flag the operator
/// typed (`--sticky-window: '3x' is not a duration ...`) where the API names its JSON field.
enum CommandLineRefusal {
    /// `flags` maps API field names to flags; `subjects` maps what a "not found" names (`team`,
    /// `agent`, `channel`) to the flag that gave it.
    static func validation(_ error: GatewayError, flags: [String: String] = [:], subjects: [String: String] = [:]) -> ValidationError {
        switch error {
        case .invalid(let field, let reason):
            return ValidationError("\(flags[field] ?? field): \(reason)")
        case .notFound(let what):
            let subject = what.prefix { $0 != " " }
            return ValidationError(subjects[String(subject)].map { "\($0): \(what)" } ?? what)
        case .channelNotFound(let id):
            return ValidationError("\(subjects["channel"] ?? "channel"): no channel \(id)")
        default:
            return ValidationError(error.description)
        }
    }

    /// Runs `body`, turning a gateway refusal into the command line's.
    static func run<T>(
        flags: [String: String] = [:], subjects: [String: String] = [:], _ body: () async throws(GatewayError) -> T
    ) async throws -> T {
        do { return try await body() } catch { throw validation(error, flags: flags, subjects: subjects) }
    }
}
