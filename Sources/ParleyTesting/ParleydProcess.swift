import Foundation

/// The real `parleyd` binary run as a child process on 127.0.0.1 with an ephemeral port, for
/// tests that must see what an operator sees: restarts, `kill -9`, a database left on disk.
public final class ParleydProcess: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public let port: Int
    public let dataDirectory: URL
    private let process: Process
    private let outputFile: URL

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `PARLEYD_BIN`, else the `parleyd` built next to the running test binary.
    public static func binary() throws -> URL {
        if let explicit = ProcessInfo.processInfo.environment["PARLEYD_BIN"] {
            return URL(fileURLWithPath: explicit)
        }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let candidate = testBinary.deletingLastPathComponent().appendingPathComponent("parleyd")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw Failure(description: "parleyd not found at \(candidate.path): run `swift build --build-tests` first or set PARLEYD_BIN")
        }
        return candidate
    }

    /// Starts parleyd on `dataDirectory` and waits until it prints the port it listens on.
    public init(dataDirectory: URL, environment: [String: String] = [:]) async throws {
        self.dataDirectory = dataDirectory
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        outputFile = dataDirectory.appendingPathComponent("parleyd-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        process = Process()
        process.executableURL = try Self.binary()
        process.arguments = ["serve", "--data-dir", dataDirectory.path, "--host", "127.0.0.1", "--port", "0"]
        var env = ProcessInfo.processInfo.environment
        env["PARLEY_ADMIN_PASSWORD"] = "crash-test-password"
        env["PARLEY_LOG_LEVEL"] = "warning"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = output
        process.standardError = output
        try process.run()

        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let log = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            if let range = log.range(of: "listening on http://127.0.0.1:") {
                let digits = log[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) {
                    self.port = port
                    return
                }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw Failure(description: "parleyd did not start: \((try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")")
    }

    /// What the process printed so far.
    public var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    /// `kill -9`: no shutdown, no flush, nothing the process can do about it.
    public func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM: the graceful shutdown an operator's supervisor sends.
    public func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
