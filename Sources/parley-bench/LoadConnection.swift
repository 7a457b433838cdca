import Foundation
import NIOCore
import NIOHTTP1

/// One benchmark connection: connects, (for ingest) opens its own visitor session, then keeps exactly
/// one request in flight until the phase ends (for the webhook phases it plays one sender, a WeChat
/// follower, a Telegram chat, a phone number…, whose platform posts its messages). Lives on a single
/// event loop and is only touched from it, which is why it is a plain class with no locks.
///
/// If the server drops the connection mid-phase, that counts as an error and the connection is
/// re-established (keeping its visitor token and sequence number), so one hiccup does not silently
/// reduce the offered load for the rest of the run.
final class LoadConnection: ExchangeSink {
    private enum Stage {
        case idle, settingUp, ready, running, finished
    }

    private let index: Int
    private let loop: any EventLoop
    private let address: SocketAddress
    private let job: PhaseJob
    private let stats: PhaseStats
    private let finished: EventLoopPromise<Void>

    private var stage = Stage.idle
    private var exchange: HTTPExchangeHandler?
    private var readyPromise: EventLoopPromise<Void>?
    private var setupTimeout: Scheduled<Void>?
    private var window = MeasurementWindow(start: 0, warmupEnd: 0, end: 0)

    private var token: String?
    private var ingestTemplate: IngestRequestTemplate?
    private let healthRequest: ByteBuffer
    /// Webhook phases: builds and signs each message's request.
    private var webhook: (any WebhookRequestTemplate)?
    /// Webhook phases: the run's share of every message id, and the phase's tag.
    private let messageIDBase: UInt64
    private let messageIDTag: UInt64
    /// Reused for every ingest request. By the time the next request is built the previous write has
    /// completed and released its reference, so `clear()` keeps the same storage: no allocation per
    /// request.
    private var requestBuffer = ByteBuffer()
    private var seq: UInt64 = 0
    private var sentAt: UInt64 = 0
    private var inFlight = false

    var finishedFuture: EventLoopFuture<Void> { finished.futureResult }

    init(index: Int, loop: any EventLoop, address: SocketAddress, job: PhaseJob, stats: PhaseStats) {
        self.index = index
        self.loop = loop
        self.address = address
        self.job = job
        self.stats = stats
        self.finished = loop.makePromise()
        self.healthRequest = RequestBytes.get(path: "/health", host: job.hostHeader)
        messageIDBase = job.run.messageIDBase
        messageIDTag = job.kind.webhookTag ?? 0
        requestBuffer.reserveCapacity(job.kind.isWebhook ? 1536 : 512)
        if let target = job.webhook {
            webhook = target.template(
                host: job.hostHeader, run: job.run, connection: index, unixTime: Int64(Date().timeIntervalSince1970)
            )
        }
    }

    // MARK: Driven by LoopWorker

    /// Connects and, for ingest, obtains a visitor token (webhooks need no session). Fails with a
    /// readable reason; the phase is aborted in that case because a benchmark with missing connections
    /// measures the wrong thing.
    func prepare() -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        readyPromise = promise
        stage = .settingUp
        setupTimeout = loop.assumeIsolated().scheduleTask(in: .seconds(15)) {
            self.failSetup("connection \(self.index): setup did not finish within 15 s")
        }
        connect { error in
            self.failSetup("connection \(self.index): cannot connect to \(self.address): \(error)")
        }
        return promise.futureResult
    }

    func start(_ window: MeasurementWindow) {
        guard stage == .ready else { return }
        self.window = window
        stage = .running
        if exchange != nil {
            sendNext()
        } else {
            // The server closed the idle connection between setup and start.
            reconnectWhileRunning()
        }
    }

    /// Stops at once (phase aborted, or the end-of-phase grace period ran out with a request in flight).
    func finish() {
        guard stage != .finished else { return }
        stage = .finished
        setupTimeout?.cancel()
        failSetup("aborted")
        exchange?.close()
        exchange = nil
        finished.succeed(())
    }

    // MARK: ExchangeSink

    func connectionEstablished(_ exchange: HTTPExchangeHandler) {
        guard stage != .finished else {
            exchange.close()
            return
        }
        self.exchange = exchange
        switch stage {
        case .settingUp:
            if job.kind == .ingest {
                let path = "/widget/\(RequestBytes.pathSegment(job.channelID))/session"
                exchange.send(
                    head: RequestBytes.postHead,
                    bytes: RequestBytes.postJSON(path: path, host: job.hostHeader, body: "{}")
                )
            } else {
                becomeReady()
            }
        case .running:
            sendNext()
        case .idle, .ready, .finished:
            break
        }
    }

    func wantsBody(status: HTTPResponseStatus) -> Bool {
        // WeChat answers are only right if the body is `success`, so those bodies (7 bytes) are kept.
        stage == .settingUp || job.kind.isWeChat || (status != .ok && stats.wantsSamples)
    }

    func responseCompleted(status: HTTPResponseStatus, keepAlive: Bool, body: ByteBuffer?) {
        let now = NIODeadline.now().uptimeNanoseconds
        inFlight = false
        switch stage {
        case .settingUp:
            sessionOpened(status: status, body: body)
        case .running:
            let succeeded = status == .ok && (!job.kind.isWeChat || WeChatCallbackTemplate.isSuccess(body))
            if succeeded { stats.recordAccepted() }
            if now >= window.warmupEnd && now < window.end {
                if succeeded {
                    stats.recordSuccess(latencyNanos: now &- sentAt)
                } else {
                    recordFailedResponse(status: status, body: body, inWindow: true)
                }
            } else if !succeeded && now < window.warmupEnd {
                recordFailedResponse(status: status, body: body, inWindow: false)
            }
            if now >= window.end {
                finish()
            } else if keepAlive {
                sendNext()
            } else {
                // The server asked to close; `connectionClosed` reconnects.
                exchange?.close()
            }
        case .idle, .ready, .finished:
            break
        }
    }

    func connectionClosed(_ closed: HTTPExchangeHandler, error: (any Error)?) {
        // Ignore the close of a connection already replaced or deliberately shut.
        guard closed === exchange else { return }
        exchange = nil
        let wasInFlight = inFlight
        inFlight = false
        switch stage {
        case .settingUp:
            failSetup("connection \(index): server closed the connection during setup" + (error.map { " (\($0))" } ?? ""))
        case .running:
            let now = NIODeadline.now().uptimeNanoseconds
            if wasInFlight {
                stats.recordFailure(
                    kind: "connection closed",
                    detail: "connection closed with a request in flight" + (error.map { ": \($0)" } ?? ""),
                    inWindow: now >= window.warmupEnd,
                    gotResponse: false
                )
            }
            if now < window.end {
                reconnectWhileRunning()
            } else {
                finish()
            }
        case .idle, .ready, .finished:
            break
        }
    }

    // MARK: Internals

    /// The hot path: build (or reuse) the request bytes and send them.
    private func sendNext() {
        guard let exchange else { return }
        seq &+= 1
        inFlight = true
        switch job.kind {
        case .health:
            sentAt = NIODeadline.now().uptimeNanoseconds
            exchange.send(head: RequestBytes.getHead, bytes: healthRequest)
        case .ingest:
            requestBuffer.clear()
            ingestTemplate!.write(seq: seq, into: &requestBuffer)
            sentAt = NIODeadline.now().uptimeNanoseconds
            exchange.send(head: RequestBytes.postHead, bytes: requestBuffer)
        case .wechatPlain, .wechatSafe, .telegram, .whatsapp, .messenger, .line, .sms:
            requestBuffer.clear()
            let messageID = BenchMessageID.make(
                base: messageIDBase, tag: messageIDTag, connection: index, connections: job.connections, seq: seq
            )
            webhook!.write(seq: seq, messageID: messageID, into: &requestBuffer)
            // The clock starts after signing (and, in WeChat safe mode, encryption): latency is the
            // server's, not this client's crypto.
            sentAt = NIODeadline.now().uptimeNanoseconds
            exchange.send(head: RequestBytes.postHead, bytes: requestBuffer)
        }
    }

    /// A non-200, or (for WeChat) a 200 whose body is not `success`.
    private func recordFailedResponse(status: HTTPResponseStatus, body: ByteBuffer?, inWindow: Bool) {
        stats.recordFailure(
            kind: status == .ok ? "HTTP 200 without success" : "HTTP \(status.code)",
            detail: PhaseStats.describe(status: status, body: body),
            inWindow: inWindow,
            gotResponse: true
        )
    }

    private func sessionOpened(status: HTTPResponseStatus, body: ByteBuffer?) {
        guard status == .ok, let body else {
            failSetup(
                "connection \(index): POST /widget/\(job.channelID)/session answered "
                    + PhaseStats.describe(status: status, body: body)
            )
            return
        }
        guard let token = SessionToken.parse(body), RequestBytes.isHeaderSafe(token) else {
            failSetup(
                "connection \(index): session response has no usable \"token\": "
                    + PhaseStats.describe(status: status, body: body)
            )
            return
        }
        self.token = token
        ingestTemplate = IngestRequestTemplate(
            channelID: job.channelID, host: job.hostHeader, token: token, runID: job.run.id, connection: index
        )
        becomeReady()
    }

    private func becomeReady() {
        stage = .ready
        setupTimeout?.cancel()
        setupTimeout = nil
        readyPromise?.succeed(())
        readyPromise = nil
    }

    private func failSetup(_ reason: String) {
        guard let promise = readyPromise else { return }
        readyPromise = nil
        promise.fail(BenchError.setup(reason))
    }

    private func connect(onFailure: @escaping (any Error) -> Void) {
        let sink = NIOLoopBound<any ExchangeSink>(self, eventLoop: loop)
        // Success needs no handling here: the pipeline reports it through `connectionEstablished`.
        ClientPipeline.connect(on: loop, to: address, sink: sink).assumeIsolated().whenFailure(onFailure)
    }

    private func reconnectWhileRunning() {
        connect { error in
            guard self.stage == .running else { return }
            let now = NIODeadline.now().uptimeNanoseconds
            self.stats.recordFailure(
                kind: "connect failed", detail: "reconnect failed: \(error)", inWindow: now >= self.window.warmupEnd, gotResponse: false
            )
            guard now < self.window.end else {
                self.finish()
                return
            }
            // Back off briefly so a dead server does not turn this into a connect() busy loop.
            self.loop.assumeIsolated().scheduleTask(in: .milliseconds(100)) {
                if self.stage == .running && self.exchange == nil { self.reconnectWhileRunning() }
            }
        }
    }
}

enum BenchError: Error, CustomStringConvertible {
    case setup(String)

    var description: String {
        switch self {
        case .setup(let reason): reason
        }
    }
}
