import ArgumentParser

/// Options every subcommand shares. Each falls back to its `PARLEY_*` variable, then to the
/// configuration file, then to the documented default (see `Settings`).
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Directory for the database and key file (env PARLEY_DATA_DIR, default ./data).")
    var dataDir: String?

    @Option(name: .long, help: "Address to listen on (env PARLEY_HOST, default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (env PARLEY_PORT, default 8080).")
    var port: Int?

    @Option(name: .long, help: "Base URL platforms call, shown with each webhook path (env PARLEY_PUBLIC_URL).")
    var publicURL: String?

    @Option(name: .long, help: "A parley.toml configuration file (env PARLEY_CONFIG).")
    var config: String?
}
