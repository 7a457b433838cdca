import ArgumentParser
import ParleyCore
import ParleyGateway

struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agent", abstract: "Manage agents.", subcommands: [Add.self, Capacity.self])

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

    /// Like `PUT /api/v1/agents/{id}/capacity`; a running parleyd routes with it at its next
    /// rebuild (within five minutes) or restart.
    struct Capacity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "capacity", abstract: "Set how many chats an agent holds at once.")

        @OptionGroup var options: CommonOptions
        @Option(help: "The agent's id.") var agent: Int64
        @Option(help: "Chats at once, 0 to 100.") var capacity: Int

        func run() async throws {
            let runtime = try Runtime(try Settings(options))
            let administration = TeamAdministration(teams: runtime.store, agents: runtime.store)
            try await CommandLineRefusal.run(flags: ["capacity": "--capacity"], subjects: ["agent": "--agent"]) { () async throws(GatewayError) in
                try await administration.setCapacity(capacity, of: AgentID(agent))
            }
            print(#"{"capacity":\#(capacity),"id":\#(agent)}"#)
        }
    }
}
