import Foundation
import ParleyCore

/// SMS and MMS through Twilio Programmable Messaging (CHANNELS.md §6): form-encoded webhooks
/// signed with `X-Twilio-Signature`, answered with empty TwiML; replies through the Messages
/// API with HTTP Basic auth; MMS media fetched on receipt from Twilio's hosts only.
///
/// Choices worth knowing:
/// - **Refusals.** A missing or wrong signature is 401 (like every other connector; Twilio
///   treats any non-2xx the same way, logging error 11200). A signed request that is not
///   `application/x-www-form-urlencoded`, or whose form is broken, is 400. Nothing but the form
///   needed for the signature is read before the signature is checked.
/// - **The signed URL** is `PARLEY_PUBLIC_URL` + the path + the query, never the `Host` header
///   (`TwilioSignature`). A GET webhook (a console option) is refused with 405: configure POST.
/// - **Opt-outs.** STOP and its family store the message and opt the customer out
///   (`SMSKeywords`); the dispatcher then fails replies before they reach Twilio. Should Twilio
///   still answer 21610 (it tracks opt-outs itself), the reply fails with that reason.
/// - **Receipts.** Status callbacks posted to the same webhook become receipts; set the
///   `statusCallback` setting (or the callback URL on the Messaging Service) to receive them.
/// - The auth token is never logged and never part of a reason.
public struct SMSConnector: ChannelConnector {
    public let channel: Channel
    let configuration: SMSConfiguration
    let now: @Sendable () -> Date
    /// Deadline of each API call; media downloads get longer.
    let requestTimeout: TimeInterval
    /// Where refused media URLs are reported (an SSRF attempt or a misconfigured `mediaDomains`).
    let log: @Sendable (String) -> Void
    /// Pieces of long replies Twilio already accepted, so a retry resumes after them.
    let deliveredPieces = DeliveredPieces()

    /// The empty TwiML document: "no immediate reply" (CHANNELS.md §6.2).
    public static let emptyTwiML = #"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#

    /// - Parameter log: receives one line per refused media URL. A connector does no I/O of its
    ///   own: `parleyd` passes its logger; the refusal is also stored in the message itself.
    public init(
        channel: Channel, credentials: [String: String], requestTimeout: TimeInterval = 15,
        now: @escaping @Sendable () -> Date = Date.init, log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(SMSConfiguration.ConfigurationError) {
        self.channel = channel
        configuration = try SMSConfiguration(channel: channel, credentials: credentials)
        self.requestTimeout = requestTimeout
        self.now = now
        self.log = log
    }

    /// Twilio media URLs (`api.twilio.com`) and the CDN hosts a download may be redirected to;
    /// the configured `apiBaseURL`'s host is trusted as given.
    var mediaPolicy: MediaURLPolicy {
        MediaURLPolicy(platformDomains: [SMSConfiguration.platformDomain] + configuration.mediaDomains, apiBaseURL: configuration.apiBaseURL)
    }

    // MARK: - Webhooks

    public func verify(_ request: WebhookRequest) throws(ConnectorError) -> WebhookResponse {
        throw .unsupportedRequest("Twilio webhooks must be configured as HTTP POST; GET is not accepted")
    }

    /// The signature header first, then the form the signature covers, then the signature over
    /// the public URL and every parameter, in constant time.
    public func authenticate(_ request: WebhookRequest) throws(ConnectorError) {
        guard let claimed = request.header(TwilioSignature.header), !claimed.isEmpty else {
            throw .unauthorized("the webhook has no \(TwilioSignature.header) header")
        }
        let parameters = try form(of: request)
        let url = TwilioSignature.requestURL(of: request)
        guard TwilioSignature.matches(claimed, url: url, parameters: parameters, authToken: configuration.authToken) else {
            throw .unauthorized("\(TwilioSignature.header) does not match \(url), the form and the channel's auth token")
        }
    }

    public func decode(_ request: WebhookRequest) throws(ConnectorError) -> [InboundEvent] {
        let log = self.log
        return try TwilioInbound.events(from: try form(of: request), mediaPolicy: mediaPolicy, now: now(), refusedMedia: log)
    }

    /// Empty TwiML: Twilio expects TwiML back and sends nothing for an empty `<Response>`.
    public func acknowledge(_ request: WebhookRequest, receipts: [IngestReceipt]) -> WebhookResponse {
        WebhookResponse(status: 200, contentType: "text/xml", body: Array(Self.emptyTwiML.utf8))
    }

    private func form(of request: WebhookRequest) throws(ConnectorError) -> [(name: String, value: String)] {
        let contentType = request.header("Content-Type") ?? ""
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard mediaType.lowercased() == "application/x-www-form-urlencoded" else {
            throw .malformedPayload("Content-Type '\(contentType)' is not application/x-www-form-urlencoded, which Twilio always posts")
        }
        switch TwilioForm.parse(request.body) {
        case .success(let pairs): return pairs
        case .failure(let malformed): throw .malformedPayload(malformed.reason)
        }
    }

    /// `text` with the auth token (and the Basic credentials built from it) blotted out.
    func redacted(_ text: String) -> String {
        let basic = String(configuration.basicAuthorization.dropFirst("Basic ".count))
        return text.replacingOccurrences(of: configuration.authToken, with: "[auth token]")
            .replacingOccurrences(of: basic, with: "[credentials]")
    }
}
