import NIOCore
import NIOPosix
import Synchronization

/// An SMTP server on 127.0.0.1 with a port the kernel picks, for testing a mailer against real
/// sockets: it records every command line and every accepted message, and answers MAIL, RCPT
/// and the end of DATA with the replies a test scripts. No TLS and no AUTH: it is what a local
/// relay without STARTTLS looks like.
public final class FakeSMTPServer: Sendable {
    /// The replies the server gives; each is a whole reply line such as "550 5.1.1 No such user".
    public struct Script: Sendable {
        /// Nil: accept the connection and say nothing (a server that hangs).
        public var greeting: String? = "220 fake.smtp.test ESMTP ready"
        public var mailReply = "250 2.1.0 Sender OK"
        /// Replies for particular recipients; any other gets "250 2.1.5 Recipient OK".
        public var recipientReplies: [String: String] = [:]
        /// The answer after the message's final dot.
        public var messageReply = "250 2.0.0 Queued"

        public init() {}
    }

    /// One message the server accepted.
    public struct Delivery: Sendable, Equatable {
        public var mailFrom: String
        public var recipients: [String]
        /// The message as the client meant it: dot-stuffing undone, without the final ".".
        public var data: [UInt8]
    }

    /// What all sessions saw; shared by the server and its sessions.
    final class Recorder: Sendable {
        private struct Record {
            var commands: [String] = []
            var deliveries: [Delivery] = []
        }

        private let record = Mutex(Record())
        var commands: [String] { record.withLock { $0.commands } }
        var deliveries: [Delivery] { record.withLock { $0.deliveries } }
        func note(command: String) { record.withLock { $0.commands.append(command) } }
        func note(delivery: Delivery) { record.withLock { $0.deliveries.append(delivery) } }
    }

    public let port: Int
    private let channel: any Channel
    private let recorder: Recorder

    /// Every command line received, in order, across connections.
    public var commands: [String] { recorder.commands }
    public var deliveries: [Delivery] { recorder.deliveries }

    private init(port: Int, channel: any Channel, recorder: Recorder) {
        self.port = port
        self.channel = channel
        self.recorder = recorder
    }

    /// Starts listening and returns once the port is bound.
    public static func start(_ script: Script = Script()) async throws -> FakeSMTPServer {
        let recorder = Recorder()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FakeSMTPSession(script: script, recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeSMTPServer(port: channel.localAddress?.port ?? 0, channel: channel, recorder: recorder)
    }

    public func stop() async {
        try? await channel.close()
    }
}
