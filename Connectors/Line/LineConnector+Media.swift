import Foundation
import ParleyCore

extension LineConnector: MediaDownloadingConnector {
    public func mustDownload(_ media: MediaReference) -> Bool {
        media.location.hasPrefix(LineEvents.contentScheme)
    }

    /// `GET {dataBaseURL}/v2/bot/message/{id}/content` (CHANNELS.md §5.5). LINE keeps content
    /// for a limited time, so it is fetched on receipt; 202 means a video or audio file is still
    /// being prepared.
    public func download(_ media: MediaReference, transport: any HTTPTransport) async -> MediaDownload {
        guard mustDownload(media) else { return .failed(reason: "not a LINE content id: \(media.location)") }
        let id = String(media.location.dropFirst(LineEvents.contentScheme.count))
        let escaped = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id
        let response: TransportResponse
        do {
            response = try await transport.execute(TransportRequest(
                method: "GET", url: "\(configuration.dataBaseURL)/v2/bot/message/\(escaped)/content",
                headers: ["Authorization": "Bearer \(configuration.channelAccessToken)"], timeout: 60
            ))
        } catch {
            return .retryLater(reason: redacted("LINE data API unreachable: \(error)"))
        }
        switch response.status {
        case 200:
            let mimeType = response.header("Content-Type").map {
                String($0.split(separator: ";", omittingEmptySubsequences: false)[0]).trimmingCharacters(in: .whitespaces)
            }
            return .file(bytes: response.body, mimeType: mimeType.flatMap { $0.isEmpty ? nil : $0 })
        case 202:
            return .retryLater(reason: "LINE is still preparing the content of message \(id) (HTTP 202)")
        case 404, 410:
            return .failed(reason: "LINE no longer has the content of message \(id) (HTTP \(response.status))")
        default:
            switch LineAPIAnswer(response) {
            case .retryLater(let reason, _): return .retryLater(reason: redacted(reason))
            case .failed(let reason), .replyTokenRejected(let reason): return .failed(reason: redacted(reason))
            case .accepted: return .failed(reason: "LINE answered HTTP \(response.status) without the content")
            }
        }
    }
}
