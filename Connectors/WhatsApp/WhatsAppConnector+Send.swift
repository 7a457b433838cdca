import Foundation
import MetaSigning
import ParleyCore

extension WhatsAppConnector {
    /// How a reply can reach the customer right now.
    enum Route: Equatable {
        /// Inside the customer-service window: any message.
        case freeForm
        /// Outside it, through the configured approved template.
        case template(name: String, language: String)
        case impossible(reason: String)
    }

    static let windowClosedReason =
        "the customer hasn't written for 24 h — WhatsApp only allows an approved template now; configure templateName on the channel"
    static let neverWroteReason =
        "the customer has never written on WhatsApp — only an approved template can reach them; configure templateName on the channel"
    /// Graph's "re-engagement message": more than 24 h since the customer's last message.
    static let windowClosedCode = 131047

    public var outOfWindow: OutOfWindowCapability {
        guard configuration.templateName != nil else {
            return .unavailable(reason: "no approved template is configured; set templateName on the channel")
        }
        return .available(.template, lasting: nil)
    }

    /// The route the policy allows for this delivery, decided on our clock; WhatsApp's own
    /// verdict (131047) still switches a free-form reply to the template.
    func route(for delivery: OutboundDelivery) -> Route {
        if case .template = delivery.content { return .freeForm }
        let open = delivery.lastCustomerMessageAt.map { last in
            channel.policy.replyWindow.map { now().timeIntervalSince(last) < $0 } ?? true
        } ?? false
        if open { return .freeForm }
        if let name = configuration.templateName { return .template(name: name, language: configuration.templateLanguage) }
        return .impossible(reason: delivery.lastCustomerMessageAt == nil ? Self.neverWroteReason : Self.windowClosedReason)
    }

    public func send(_ delivery: OutboundDelivery, transport: any HTTPTransport) async -> SendOutcome {
        switch route(for: delivery) {
        case .impossible(let reason):
            return .failed(reason: reason)
        case .template(let name, let language):
            return await sendTemplate(delivery, name: name, language: language, transport: transport)
        case .freeForm:
            let messages: [WhatsAppOutbound]
            switch WhatsAppOutbound.freeForm(delivery, textLimit: channel.policy.textLimit) {
            case .success(let built): messages = built
            case .failure(let refusal): return .failed(reason: refusal.reason)
            }
            let outcome = await post(messages, for: delivery, transport: transport)
            if case .refused(_, let error, 0, _) = outcome, error?.code == Self.windowClosedCode {
                guard let name = configuration.templateName else { return .failed(reason: Self.windowClosedReason) }
                return await sendTemplate(delivery, name: name, language: configuration.templateLanguage, transport: transport)
            }
            if case .template = delivery.content { return sendOutcome(outcome).via(.template) }
            return sendOutcome(outcome)
        }
    }

    private func sendTemplate(_ delivery: OutboundDelivery, name: String, language: String, transport: any HTTPTransport) async -> SendOutcome {
        let message = WhatsAppOutbound.template(to: delivery.recipient, name: name, language: language, parameters: [delivery.content.previewText])
        return sendOutcome(await post([message], for: delivery, transport: transport)).via(.template)
    }

    private func post(_ messages: [WhatsAppOutbound], for delivery: OutboundDelivery, transport: any HTTPTransport) async -> GraphClient.PiecesOutcome {
        let bodies = messages.compactMap(MetaJSON.encode)
        guard bodies.count == messages.count else { return .refused(status: 0, error: GraphError(message: "the reply could not be encoded as JSON"), piece: 0, total: 1) }
        return await graph.postPieces(
            "\(configuration.phoneNumberID)/messages", bodies: bodies, message: delivery.messageID, memory: deliveredPieces,
            transport: transport, messageID: WhatsAppOutbound.messageID
        )
    }

    private func sendOutcome(_ outcome: GraphClient.PiecesOutcome) -> SendOutcome {
        graph.sendOutcome(outcome) { status, error in
            error?.code == Self.windowClosedCode
                ? Self.windowClosedReason
                : GraphAnswer.reason(status: status, error: error, platform: WhatsAppConfiguration.platform)
        }
    }
}
