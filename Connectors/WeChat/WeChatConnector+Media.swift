import Foundation
import ParleyCore

extension WeChatConnector: MediaDownloadingConnector {
    public func mustDownload(_ media: MediaReference) -> Bool {
        media.location.hasPrefix(WeChatCallback.mediaScheme)
    }

    /// `GET /cgi-bin/media/get`: the file itself, or a JSON error (CHANNELS.md §1.6).
    public func download(_ media: MediaReference, transport: any HTTPTransport) async -> MediaDownload {
        guard mustDownload(media) else { return .failed(reason: "not a WeChat media id: \(media.location)") }
        let mediaID = String(media.location.dropFirst(WeChatCallback.mediaScheme.count))
        let escapedID = mediaID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? mediaID
        do {
            var token = try await tokens.token(using: transport)
            var answer = try await fetch(escapedID, token: token, transport)
            if case .tokenRejected = answer {
                token = try await tokens.replace(token, using: transport)
                answer = try await fetch(escapedID, token: token, transport)
            }
            return answer.download
        } catch let error as WeChatAccessTokens.TokenError {
            if case .refused = error { return .failed(reason: error.description) }
            return .retryLater(reason: error.description)
        } catch {
            return .retryLater(reason: "WeChat API unreachable: \(error)")
        }
    }

    private enum Fetched {
        case file(bytes: [UInt8], mimeType: String?)
        case tokenRejected
        case answer(WeChatAPIAnswer)

        var download: MediaDownload {
            switch self {
            case .file(let bytes, let mimeType): .file(bytes: bytes, mimeType: mimeType)
            case .tokenRejected: .retryLater(reason: "WeChat rejected a freshly fetched access_token")
            case .answer(let answer):
                switch answer.outcome {
                case .retryLater(let reason, _): .retryLater(reason: reason)
                case .failed(let reason): .failed(reason: reason)
                case .sent: .failed(reason: "WeChat answered without the file")
                }
            }
        }
    }

    private func fetch(_ mediaID: String, token: String, _ transport: any HTTPTransport) async throws -> Fetched {
        let response = try await transport.execute(TransportRequest(
            method: "GET", url: "\(configuration.apiBaseURL)/cgi-bin/media/get?access_token=\(token)&media_id=\(mediaID)", timeout: 60
        ))
        let contentType = response.header("Content-Type")
        let isJSON = contentType?.lowercased().contains("json") ?? false || response.body.first == UInt8(ascii: "{")
        guard (200..<300).contains(response.status), !isJSON, !response.body.isEmpty else {
            let answer = WeChatAPIAnswer(response)
            if case .tokenRejected = answer { return .tokenRejected }
            return .answer(answer)
        }
        return .file(bytes: response.body, mimeType: contentType.map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces) })
    }
}
