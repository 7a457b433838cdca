import ParleyCore

/// A connector for one of Meta's products: the `hub.challenge` handshake, the signature check
/// and the `EVENT_RECEIVED` acknowledgement are the guard's, the same for WhatsApp and Messenger.
public protocol MetaWebhookConnector: ChannelConnector {
    var guardian: MetaWebhookGuard { get }
}

extension MetaWebhookConnector {
    public func verify(_ request: WebhookRequest) throws(ConnectorError) -> WebhookResponse {
        try guardian.verify(request)
    }

    public func authenticate(_ request: WebhookRequest) throws(ConnectorError) {
        try guardian.authenticate(request)
    }

    public func acknowledge(_ request: WebhookRequest, receipts: [IngestReceipt]) -> WebhookResponse {
        MetaWebhookGuard.acknowledgement
    }
}
