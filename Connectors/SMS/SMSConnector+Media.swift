import Foundation
import ParleyCore

extension SMSConnector: MediaDownloadingConnector {
    /// Redirects followed per download: Twilio answers with one, to its CDN.
    static let mostRedirects = 3

    /// MMS media Parley may fetch: a `MediaUrl` that `MediaURLPolicy` admits.
    public func mustDownload(_ media: MediaReference) -> Bool {
        if case .success = mediaPolicy.check(media.location) { return true }
        return false
    }

    /// `GET MediaUrl` with HTTP Basic auth (Twilio may enforce it, CHANNELS.md §6.5). Twilio
    /// answers with a redirect to a short-lived CDN URL; every hop is checked against the same
    /// policy before it is requested, so a redirect to a private address or a stranger's host
    /// is never followed. The credentials go only to Twilio's own hosts (and a configured
    /// `apiBaseURL`), never to the CDN, whose URL is itself the permission.
    ///
    /// The transport must not follow redirects by itself for this check to hold (AsyncHTTPClient
    /// follows up to five by default: configure it with `redirectConfiguration: .disallow`).
    public func download(_ media: MediaReference, transport: any HTTPTransport) async -> MediaDownload {
        var url: URL
        switch mediaPolicy.check(media.location) {
        case .success(let admitted): url = admitted
        case .failure(let refusal): return .failed(reason: "the media URL is not fetched: \(refusal)")
        }
        for _ in 0...Self.mostRedirects {
            var headers: [String: String] = [:]
            if sendsCredentials(to: url) { headers["Authorization"] = configuration.basicAuthorization }
            let response: TransportResponse
            do {
                response = try await transport.execute(TransportRequest(
                    method: "GET", url: url.absoluteString, headers: headers, timeout: max(requestTimeout, 60)
                ))
            } catch {
                return .retryLater(reason: redacted("Twilio media unreachable: \(error)"))
            }
            switch response.status {
            case 200..<300:
                return .file(bytes: response.body, mimeType: mimeType(response.header("Content-Type"), declared: media.mimeType))
            case 301, 302, 303, 307, 308:
                guard let location = response.header("Location"),
                      let next = URL(string: location.trimmingCharacters(in: .whitespaces), relativeTo: url)?.absoluteURL
                else { return .failed(reason: "Twilio redirected the media download without a usable Location") }
                switch mediaPolicy.check(next.absoluteString) {
                case .success(let admitted):
                    url = admitted
                case .failure(let refusal):
                    log("media download of \(media.location) redirected to a URL that is not fetched: \(refusal)")
                    return .failed(reason: "the media download was redirected to a URL that is not fetched: \(refusal)")
                }
            case 404, 410:
                return .failed(reason: "Twilio no longer has this media (HTTP \(response.status))")
            case 401, 403:
                return .failed(reason: "Twilio refused the channel's credentials for this media (HTTP \(response.status))")
            case 429, 500...:
                return .retryLater(reason: "Twilio media answered HTTP \(response.status)")
            default:
                return .failed(reason: "Twilio media answered HTTP \(response.status)")
            }
        }
        return .failed(reason: "the media download was redirected more than \(Self.mostRedirects) times")
    }

    /// Twilio's own hosts and the configured `apiBaseURL` get the account's credentials.
    func sendsCredentials(to url: URL) -> Bool {
        guard let host = url.host?.lowercased() else { return false }
        let platform = SMSConfiguration.platformDomain
        if host == platform || host.hasSuffix("." + platform) { return true }
        return host == URL(string: configuration.apiBaseURL)?.host?.lowercased()
    }

    /// The served type unless it is missing or generic; then the type the webhook declared.
    private func mimeType(_ header: String?, declared: String?) -> String? {
        let served = header.flatMap { $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } }
        guard let served, !served.isEmpty, served != "application/octet-stream" else { return declared ?? served }
        return served
    }
}
