import ArgumentParser

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create or upgrade the database, then exit.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let runtime = try Runtime(try Settings(options))
        print("database is up to date: \(runtime.settings.databasePath)")
    }
}
