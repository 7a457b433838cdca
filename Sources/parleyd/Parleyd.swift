import ArgumentParser

@main
struct Parleyd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parleyd",
        abstract: "Parley: one gateway for every customer-messaging channel.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, AgentCommand.self, ChannelCommand.self, TeamCommand.self, CannedCommand.self, WebhookCommand.self,
            KnowledgeBaseCommand.self, MailTestCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
