import Foundation
import MetaSigning
import ParleyCore

extension MessengerConnector: MediaDownloadingConnector {
    /// Attachments arrive as URLs whose lifetime is UNVERIFIED (CHANNELS.md §4.5), so every
    /// attachment URL is fetched on receipt; files Parley already keeps are not.
    public func mustDownload(_ media: MediaReference) -> Bool {
        let location = media.location.lowercased()
        return location.hasPrefix("https://") || location.hasPrefix("http://")
    }

    /// `GET` the attachment URL, only when `MediaURLPolicy` accepts it: https on a Meta media
    /// host (`mediaDomains`), or the configured `apiBaseURL` host. A webhook's URL is not to be
    /// trusted (a forged or replayed payload could aim it at 127.0.0.1 or 169.254.169.254),
    /// and no token is sent: attachment URLs are signed by themselves.
    public func download(_ media: MediaReference, transport: any HTTPTransport) async -> MediaDownload {
        let url: URL
        switch MediaURLPolicy(platformDomains: configuration.mediaDomains, apiBaseURL: configuration.apiBaseURL).check(media.location) {
        case .success(let checked): url = checked
        case .failure(let refusal): return .failed(reason: "Messenger attachment not fetched: \(refusal)")
        }
        let response: TransportResponse
        do {
            response = try await transport.execute(TransportRequest(method: "GET", url: url.absoluteString, timeout: max(graph.timeout, 60)))
        } catch {
            return .retryLater(reason: "Messenger attachment server unreachable: \(error)")
        }
        switch response.status {
        case 200..<300:
            let served = response.header("Content-Type").flatMap { $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } }
            return .file(bytes: response.body, mimeType: served.flatMap { $0.isEmpty ? nil : $0 } ?? media.mimeType)
        case 403, 404, 410:
            return .failed(reason: "the Messenger attachment is gone or its URL has expired (HTTP \(response.status))")
        case 429, 500...:
            return .retryLater(reason: "Messenger attachment server answered HTTP \(response.status)")
        default:
            return .failed(reason: "Messenger attachment server refused the download (HTTP \(response.status))")
        }
    }
}
