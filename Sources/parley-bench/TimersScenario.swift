import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore

/// The fixture of `parley-bench timers` and its measurement. Conversations are opened and answered
/// through the store's own transactions (the customer writes, an agent takes it and replies), so the
/// deadlines are the ones parleyd would write; the due times are then set through the admin path
/// (a channel's idle timeout changed, every open conversation recomputed).
struct TimersScenario {
    let setupSeconds: Double
    let recomputeSeconds: Double
    /// When each conversation's idle close falls due.
    let due: [ConversationID: Date]
    let firstDue: Date
    let lastDue: Date

    /// Opens the conversations; their replies are `1 / rate` seconds apart, so their idle closes are too.
    static func prepare(gateway: Gateway, store: SQLiteStore, conversations: Int, rate: Double, lead: Double) async throws -> TimersScenario {
        let started = Date()
        let channel = try await gateway.administration.addChannel(
            kind: .webchat, name: "Timers bench", credentials: [:],
            settings: ["nudgeBefore": "0s", "agentReplyTimeout": "0s", "idleTimeout": "24h"]
        )
        let agent = try await gateway.administration.addAgent(email: "bench@example.com", name: "Bench", password: "benchbench", role: .admin)
        let setupTimers = TimerSettings(idleTimeout: 24 * 3600)
        var ids: [ConversationID] = []
        ids.reserveCapacity(conversations)
        for first in stride(from: 0, to: conversations, by: 500) {
            let items = (first..<min(conversations, first + 500)).map { index in
                IngestItem(
                    channelID: channel.id, reopenWindow: 0,
                    message: InboundMessage(externalUserID: "v_bench_\(index)", platformMessageID: "bench-\(index)", content: .text("hello"), sentAt: started),
                    receivedAt: started, timers: setupTimers
                )
            }
            ids += try await store.ingest(items).map { try $0.get().receipt.conversationID }
        }
        let opened = ids
        try await withThrowingTaskGroup(of: Void.self) { group in
            // A few in flight keep the single writer busy while the next transaction is prepared.
            let lanes = 4
            for lane in 0..<lanes {
                group.addTask {
                    for index in stride(from: lane, to: opened.count, by: lanes) {
                        let id = opened[index]
                        _ = try await store.apply(.assign(agent.id), to: id, by: .agent(agent.id), timers: setupTimers, at: started)
                        _ = try await store.appendOutbound(
                            to: id, content: .text("How can we help?"), sender: .agent(agent.id), timers: setupTimers,
                            at: started.addingTimeInterval(Double(index) / rate)
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
        let setupSeconds = Date().timeIntervalSince(started)

        let idleTimeout = (setupSeconds + lead).rounded(.up)
        let recomputeStarted = Date()
        _ = try await gateway.updateChannel(channel.id, settings: ["idleTimeout": "\(Int(idleTimeout))s"], by: agent)
        var due: [ConversationID: Date] = [:]
        due.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() {
            due[id] = started.addingTimeInterval(Double(index) / rate + idleTimeout)
        }
        return TimersScenario(
            setupSeconds: setupSeconds, recomputeSeconds: Date().timeIntervalSince(recomputeStarted), due: due,
            firstDue: started.addingTimeInterval(idleTimeout), lastDue: started.addingTimeInterval(Double(ids.count - 1) / rate + idleTimeout)
        )
    }

    /// Runs the scheduler until every close has reached an event subscriber, then measures its CPU
    /// with nothing due.
    func measure(gateway: Gateway, idleSeconds: Double) async throws -> TimersResult {
        let events = gateway.bus.subscribe()
        let scheduler = Task { try await gateway.scheduler.run() }
        defer { scheduler.cancel() }
        let giveUp = lastDue.addingTimeInterval(60)
        let watchdog = Task {
            try await Task.sleep(for: .seconds(max(1, giveUp.timeIntervalSinceNow)))
            gateway.bus.finishAll()
        }
        defer { watchdog.cancel() }

        var lateness: [Double] = []
        lateness.reserveCapacity(due.count)
        var lastSeen = Date()
        for await event in events {
            guard case .conversationUpdated(let conversation, _) = event, conversation.status == .closed,
                  let dueAt = due[conversation.id]
            else { continue }
            lastSeen = Date()
            lateness.append(lastSeen.timeIntervalSince(dueAt))
            if lateness.count == due.count { break }
        }
        watchdog.cancel()

        try await Task.sleep(for: .seconds(1))
        let before = ProcessCPU.seconds()
        try await Task.sleep(for: .seconds(idleSeconds))
        let idleCPU = (ProcessCPU.seconds() - before) / idleSeconds
        return TimersResult(
            conversations: due.count, closed: lateness.count, lateness: lateness.sorted(),
            firingSeconds: lastSeen.timeIntervalSince(firstDue), scheduledSeconds: lastDue.timeIntervalSince(firstDue),
            setupSeconds: setupSeconds, recomputeSeconds: recomputeSeconds, idleCPU: idleCPU
        )
    }
}
