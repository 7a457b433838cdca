import ArgumentParser
import ParleyCore

struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agent", abstract: "Manage agents.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an agent who can sign in to the workbench.")

        @OptionGroup var options: CommonOptions
        @Option(help: "Sign-in email.") var email: String
        @Option(help: "Display name.") var name: String
        @Option(help: "Password, at least 8 characters.") var password: String
        @Option(help: "admin, supervisor, agent, or bot (an external bot's account).") var role: String = "agent"

        func run() async throws {
            guard let role = AgentRole(rawValue: role) else {
                throw ValidationError("--role: '\(role)' is not one of \(AgentRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let runtime = try Runtime(try Settings(options))
            let agent = try await runtime.administration.addAgent(email: email, name: name, password: password, role: role)
            print(#"{"email":\#(JSONText.quoted(agent.email)),"id":\#(agent.id),"role":"\#(agent.role.rawValue)"}"#)
        }
    }
}
