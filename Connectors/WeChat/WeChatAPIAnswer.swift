import Foundation
import ParleyCore

/// What a WeChat API answer means for a send (CHANNELS.md §1.4 error table).
enum WeChatAPIAnswer: Equatable {
    case accepted(messageID: String?)
    /// 40001 / 40014 / 42001: the token is stale; replace it and try once more.
    case tokenRejected(code: Int)
    case retryLater(reason: String, after: TimeInterval?)
    case failed(reason: String)

    private struct Body: Decodable {
        var errcode: Int?
        var errmsg: String?
        var msgid: Int64?
    }

    init(_ response: TransportResponse) {
        if response.status == 429 || response.status >= 500 {
            self = .retryLater(reason: "WeChat API answered HTTP \(response.status)", after: nil)
            return
        }
        guard (200..<300).contains(response.status) else {
            self = .failed(reason: "WeChat API answered HTTP \(response.status)")
            return
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(response.body)) else {
            self = .retryLater(reason: "WeChat API answered something that is not JSON", after: nil)
            return
        }
        let code = body.errcode ?? 0
        let message = body.errmsg ?? ""
        switch code {
        case 0: self = .accepted(messageID: body.msgid.map(String.init))
        case 40001, 40014, 42001: self = .tokenRejected(code: code)
        case -1: self = .retryLater(reason: "-1 WeChat is busy", after: nil)
        case 45009: self = .retryLater(reason: "45009 the account's daily API quota is used up", after: 3600)
        case 45011: self = .retryLater(reason: "45011 API calls too frequent", after: 60)
        case 45015: self = .failed(reason: "45015 \(WeChatConnector.windowClosedReason)")
        case 45047: self = .failed(reason: "45047 \(WeChatConnector.quotaReason)")
        case 43004: self = .failed(reason: "43004 the customer no longer follows the account")
        default: self = .failed(reason: "WeChat error \(code): \(message)")
        }
    }

    var outcome: SendOutcome {
        switch self {
        case .accepted(let id): .sent(platformMessageID: id, via: .freeText)
        case .tokenRejected(let code): .retryLater(reason: "\(code) WeChat rejected a freshly fetched access_token", after: nil)
        case .retryLater(let reason, let after): .retryLater(reason: reason, after: after)
        case .failed(let reason): .failed(reason: reason)
        }
    }
}
