import Foundation
import MetaSigning
import ParleyCore

extension MessengerConnector {
    enum Route: Equatable {
        case send(MessengerOutbound.Label)
        case impossible(reason: String)
    }

    static let windowClosedReason =
        "the customer hasn't written for 24 h — Messenger only allows a HUMAN_AGENT-tagged reply now; set humanAgentTag=true on the channel"
    static let neverWroteReason = "the customer has never written to the Page, so Messenger allows no reply"
    /// Graph's "This message is sent outside of allowed window".
    static let outsideWindow = (code: 10, subcode: 2018278)

    func tagClosedReason() -> String {
        "the customer hasn't written for \(DurationText.format(configuration.humanAgentWindow)) — "
            + "past the HUMAN_AGENT tag's window Messenger allows no reply until the customer writes again"
    }

    public var outOfWindow: OutOfWindowCapability {
        guard configuration.humanAgentTag else {
            return .unavailable(reason: "the HUMAN_AGENT tag is not enabled; set humanAgentTag=true on the channel")
        }
        return .available(.messageTag, lasting: configuration.humanAgentWindow)
    }

    /// The label the policy allows for this delivery, on our clock.
    func route(for delivery: OutboundDelivery) -> Route {
        guard let last = delivery.lastCustomerMessageAt else { return .impossible(reason: Self.neverWroteReason) }
        let silence = now().timeIntervalSince(last)
        if channel.policy.replyWindow.map({ silence < $0 }) ?? true { return .send(.response) }
        return humanAgentRoute(silence: silence)
    }

    private func humanAgentRoute(silence: TimeInterval) -> Route {
        guard configuration.humanAgentTag else { return .impossible(reason: Self.windowClosedReason) }
        guard silence < configuration.humanAgentWindow else { return .impossible(reason: tagClosedReason()) }
        return .send(.humanAgent)
    }

    public func send(_ delivery: OutboundDelivery, transport: any HTTPTransport) async -> SendOutcome {
        switch route(for: delivery) {
        case .impossible(let reason):
            return .failed(reason: reason)
        case .send(let label):
            let outcome = await send(delivery, label: label, transport: transport)
            // Meta's clock says the window has closed although ours did not: the tag, when allowed.
            if label == .response, case .refused(_, let error, 0, _) = outcome, Self.isOutsideWindow(error) {
                let silence = delivery.lastCustomerMessageAt.map { now().timeIntervalSince($0) } ?? .infinity
                switch humanAgentRoute(silence: silence) {
                case .send(let tagged): return sendOutcome(await send(delivery, label: tagged, transport: transport)).via(tagged.route)
                case .impossible(let reason): return .failed(reason: reason)
                }
            }
            return sendOutcome(outcome).via(label.route)
        }
    }

    private func send(_ delivery: OutboundDelivery, label: MessengerOutbound.Label, transport: any HTTPTransport) async -> GraphClient.PiecesOutcome {
        let messages: [MessengerOutbound]
        switch MessengerOutbound.messages(delivery, label: label, textLimit: channel.policy.textLimit) {
        case .success(let built): messages = built
        case .failure(let refusal): return .refused(status: 0, error: GraphError(message: refusal.reason), piece: 0, total: 0)
        }
        let bodies = messages.compactMap(MetaJSON.encode)
        guard bodies.count == messages.count else {
            return .refused(status: 0, error: GraphError(message: "the reply could not be encoded as JSON"), piece: 0, total: 0)
        }
        return await graph.postPieces(
            "me/messages", bodies: bodies, message: delivery.messageID, memory: deliveredPieces, transport: transport,
            messageID: MessengerOutbound.messageID
        )
    }

    static func isOutsideWindow(_ error: GraphError?) -> Bool {
        error?.code == outsideWindow.code && error?.subcode == outsideWindow.subcode
    }

    private func sendOutcome(_ outcome: GraphClient.PiecesOutcome) -> SendOutcome {
        if case .refused(_, let error, _, 0) = outcome {
            // Refused before any call: the reply itself cannot be carried.
            return .failed(reason: error?.message ?? "the reply cannot be sent on Messenger")
        }
        return graph.sendOutcome(outcome) { status, error in
            if Self.isOutsideWindow(error) {
                return configuration.humanAgentTag ? tagClosedReason() : Self.windowClosedReason
            }
            if error?.code == 551 { return "this person isn't available on Messenger right now (code 551)" }
            return GraphAnswer.reason(status: status, error: error, platform: MessengerConfiguration.platform)
        }
    }
}
