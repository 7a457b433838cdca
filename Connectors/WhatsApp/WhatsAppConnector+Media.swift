import Foundation
import MetaSigning
import ParleyCore

extension WhatsAppConnector: MediaDownloadingConnector {
    /// The answer of `GET /{version}/{media-id}`.
    struct MediaInfo: Decodable {
        var url: String?
        var mime_type: String?
    }

    public func mustDownload(_ media: MediaReference) -> Bool {
        media.location.hasPrefix(WhatsAppInbound.mediaScheme)
    }

    /// `GET /{version}/{media-id}` for a short-lived URL, then `GET` that URL with the same
    /// Bearer token (CHANNELS.md §3.5). The token goes only to a URL `MediaURLPolicy` accepts:
    /// a Meta media host (`mediaDomains`) over https, or the configured `apiBaseURL` host. An
    /// unknown or expired media id (ids last 7 days) fails; a refused or expired URL (its
    /// lifetime is UNVERIFIED, about 5 min) is retried, which asks for a fresh URL.
    public func download(_ media: MediaReference, transport: any HTTPTransport) async -> MediaDownload {
        guard mustDownload(media) else { return .failed(reason: "not a WhatsApp media id: \(media.location)") }
        let id = String(media.location.dropFirst(WhatsAppInbound.mediaScheme.count))
        guard !id.isEmpty, id.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x5F || $0 == 0x2D }) else {
            return .failed(reason: "'\(id)' is not a WhatsApp media id")
        }
        let info: MediaInfo
        switch await graph.get(id, transport: transport) {
        case .accepted(let body):
            guard let decoded = try? MetaJSON.decoder.decode(MediaInfo.self, from: Data(body)) else {
                return .retryLater(reason: "WhatsApp's media lookup answer for \(id) is not readable")
            }
            info = decoded
        case .retryLater(let reason, _):
            return .retryLater(reason: reason)
        case .refused(let status, let error):
            return .failed(reason: graph.redacted("WhatsApp no longer has media \(id) (HTTP \(status)\(error.map { ": \($0.summary)" } ?? ""))"))
        }
        guard let text = info.url, !text.isEmpty else { return .retryLater(reason: "WhatsApp's media lookup for \(id) gave no URL") }
        let url: URL
        switch MediaURLPolicy(platformDomains: configuration.mediaDomains, apiBaseURL: configuration.apiBaseURL).check(text) {
        case .success(let checked): url = checked
        case .failure(let refusal): return .failed(reason: "WhatsApp media \(id) not fetched: \(refusal)")
        }
        let response: TransportResponse
        do {
            response = try await transport.execute(TransportRequest(method: "GET", url: url.absoluteString, headers: graph.authorization, timeout: max(graph.timeout, 60)))
        } catch {
            return .retryLater(reason: graph.redacted("WhatsApp media server unreachable: \(error)"))
        }
        guard (200..<300).contains(response.status) else {
            return .retryLater(reason: "WhatsApp's media server answered HTTP \(response.status) for media \(id)")
        }
        let served = response.header("Content-Type").flatMap { $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } }
        let mimeType = [info.mime_type, media.mimeType, served].compactMap { $0 }.first { !$0.isEmpty && $0 != "application/octet-stream" } ?? served
        return .file(bytes: response.body, mimeType: mimeType)
    }
}
