import Foundation
import ParleyCore

extension TelegramConnector: MediaDownloadingConnector {
    /// The most a bot may download through the Bot API (python-telegram-bot
    /// `FileSizeLimit.FILESIZE_DOWNLOAD`, 20 MB; CHANNELS.md §2.4).
    static let downloadLimit = 20_000_000
    static let tooLargeReason = "the file is larger than the 20 MB Telegram lets bots download"

    /// `getFile`'s result: where the file can be downloaded for the next hour or more.
    struct FileInfo: Decodable {
        var file_path: String?
        var file_size: Int?
    }

    public func mustDownload(_ media: MediaReference) -> Bool {
        media.location.hasPrefix(TelegramInbound.fileScheme)
    }

    /// `getFile?file_id=…` for the path, then `GET {apiBaseURL}/file/bot<TOKEN>/<file_path>`
    /// (CHANNELS.md §2.4). Errors map as for sends: 429, 5xx and timeouts are tried again.
    public func download(_ media: MediaReference, transport: any HTTPTransport) async -> MediaDownload {
        guard mustDownload(media) else { return .failed(reason: "not a Telegram file id: \(media.location)") }
        let fileID = String(media.location.dropFirst(TelegramInbound.fileScheme.count))
        let info: FileInfo
        let lookup = TransportRequest(method: "GET", url: methodURL("getFile") + "?file_id=\(Self.escape(fileID))", timeout: requestTimeout)
        let answer: TelegramAPIAnswer<FileInfo> = await call(lookup, transport)
        switch answer {
        case .accepted(let result?): info = result
        case .accepted(nil): return .retryLater(reason: "Telegram's getFile answer carried no file")
        case .retryLater(let reason, _): return .retryLater(reason: reason)
        case .failed(let reason):
            return .failed(reason: reason.lowercased().contains("file is too big") ? Self.tooLargeReason : reason)
        }
        if let size = info.file_size, size > Self.downloadLimit { return .failed(reason: Self.tooLargeReason) }
        guard let path = info.file_path, !path.isEmpty else {
            return .failed(reason: "Telegram gave no download path for the file (it may be larger than bots can download)")
        }
        let escapedPath = path.addingPercentEncoding(withAllowedCharacters: Self.pathCharacters) ?? path
        let url = "\(configuration.apiBaseURL)/file/bot\(configuration.botToken)/\(escapedPath)"
        let response: TransportResponse
        do {
            response = try await transport.execute(TransportRequest(method: "GET", url: url, timeout: max(requestTimeout, 60)))
        } catch {
            return .retryLater(reason: "Telegram file server unreachable: \(redacted(String(describing: error)))")
        }
        guard (200..<300).contains(response.status) else {
            // The path may have expired (it is guaranteed for an hour): the next try asks getFile again.
            switch TelegramAPIAnswer<FileInfo>(response) {
            case .failed(let reason) where response.status != 404: return .failed(reason: redacted(reason))
            case .failed(let reason), .retryLater(let reason, _): return .retryLater(reason: redacted(reason))
            case .accepted: return .retryLater(reason: "Telegram's file server answered HTTP \(response.status)")
            }
        }
        guard response.body.count <= Self.downloadLimit else { return .failed(reason: Self.tooLargeReason) }
        return .file(bytes: response.body, mimeType: mimeType(response.header("Content-Type"), declared: media.mimeType))
    }

    private func call<Result: Decodable>(_ request: TransportRequest, _ transport: any HTTPTransport) async -> TelegramAPIAnswer<Result> {
        do {
            switch TelegramAPIAnswer<Result>(try await transport.execute(request)) {
            case .accepted(let result): return .accepted(result)
            case .retryLater(let reason, let after): return .retryLater(reason: redacted(reason), after: after)
            case .failed(let reason): return .failed(reason: redacted(reason))
            }
        } catch {
            return .retryLater(reason: "Telegram API unreachable: \(redacted(String(describing: error)))", after: nil)
        }
    }

    /// Telegram's file server often says `application/octet-stream`; the type the update
    /// declared (or implied) is then the better one.
    private func mimeType(_ header: String?, declared: String?) -> String? {
        let served = header.flatMap { $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } }
        guard let served, !served.isEmpty, served != "application/octet-stream" else { return declared ?? served }
        return served
    }

    private static let pathCharacters = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#;"))

    private static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_"))) ?? value
    }
}
