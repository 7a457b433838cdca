import Foundation

/// The error object the Graph API answers with, for WhatsApp and Messenger alike:
/// `{"error":{"message":…,"type":…,"code":…,"error_subcode":…,"error_user_title":…,
/// "error_user_msg":…,"error_data":{"details":…},"is_transient":…,"fbtrace_id":…}}`.
public struct GraphError: Sendable, Equatable, Decodable {
    public var message: String?
    public var type: String?
    public var code: Int?
    public var subcode: Int?
    public var userTitle: String?
    public var userMessage: String?
    public var details: String?
    public var isTransient: Bool?

    public init(
        message: String? = nil, type: String? = nil, code: Int? = nil, subcode: Int? = nil, userTitle: String? = nil,
        userMessage: String? = nil, details: String? = nil, isTransient: Bool? = nil
    ) {
        self.message = message
        self.type = type
        self.code = code
        self.subcode = subcode
        self.userTitle = userTitle
        self.userMessage = userMessage
        self.details = details
        self.isTransient = isTransient
    }

    private enum CodingKeys: String, CodingKey {
        case message, type, code
        case subcode = "error_subcode"
        case userTitle = "error_user_title"
        case userMessage = "error_user_msg"
        case errorData = "error_data"
        case isTransient = "is_transient"
    }

    private struct ErrorData: Decodable { var details: String? }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message = try? container.decodeIfPresent(String.self, forKey: .message)
        type = try? container.decodeIfPresent(String.self, forKey: .type)
        code = (try? container.decodeIfPresent(LenientString.self, forKey: .code)).flatMap { Int($0.value) }
        subcode = (try? container.decodeIfPresent(LenientString.self, forKey: .subcode)).flatMap { Int($0.value) }
        userTitle = try? container.decodeIfPresent(String.self, forKey: .userTitle)
        userMessage = try? container.decodeIfPresent(String.self, forKey: .userMessage)
        details = (try? container.decodeIfPresent(ErrorData.self, forKey: .errorData))?.details
        isTransient = try? container.decodeIfPresent(Bool.self, forKey: .isTransient)
    }

    private struct Envelope: Decodable { var error: GraphError? }

    /// The error in a Graph answer's body, or `nil` when the body is not one.
    public static func parse(_ body: [UInt8]) -> GraphError? {
        try? MetaJSON.decoder.decode(Envelope.self, from: Data(body)).error
    }

    /// Graph's own words with the code, for reasons agents read:
    /// `Message undeliverable: details (code 131026)`.
    public var summary: String {
        var text = message ?? userTitle ?? "no message"
        if let details, !details.isEmpty, details != message { text += ": \(details)" }
        switch (code, subcode) {
        case (let code?, let subcode?): text += " (code \(code), subcode \(subcode))"
        case (let code?, nil): text += " (code \(code))"
        default: break
        }
        return text
    }

    /// Graph codes that mean "too many calls, slow down" rather than "never":
    /// 4 application, 17 user, 32 page, 613 custom rate limits; 80007 WhatsApp Business
    /// account limit; 130429 WhatsApp throughput (CHANNELS.md §8); 131056 WhatsApp pair rate
    /// limit (UNVERIFIED, §3.3).
    public static let throttlingCodes: Set<Int> = [4, 17, 32, 613, 80007, 130429, 131056]
    /// Codes Graph documents as temporary: 1 unknown error, 2 service unavailable.
    public static let temporaryCodes: Set<Int> = [1, 2]
    /// The access token is invalid or expired.
    public static let invalidTokenCode = 190

    public var isThrottling: Bool { code.map(Self.throttlingCodes.contains) ?? false }
    public var isTemporary: Bool { isTransient == true || (code.map(Self.temporaryCodes.contains) ?? false) }
}
