import Foundation

/// The XML a callback's HTTP answer carries when we reply at once (被动回复), and its safe-mode
/// envelope.
enum WeChatPassiveReply {
    static func text(to openID: String, from account: String, content: String, at time: Date) -> String {
        "<xml><ToUserName>\(cdata(openID))</ToUserName><FromUserName>\(cdata(account))</FromUserName>"
            + "<CreateTime>\(Int64(time.timeIntervalSince1970))</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            + "<Content>\(cdata(content))</Content></xml>"
    }

    static func encrypted(_ encrypt: String, signature: String, timestamp: String, nonce: String) -> String {
        "<xml><Encrypt>\(cdata(encrypt))</Encrypt><MsgSignature>\(cdata(signature))</MsgSignature>"
            + "<TimeStamp>\(escaped(timestamp))</TimeStamp><Nonce>\(cdata(nonce))</Nonce></xml>"
    }

    /// A CDATA section holding `text` exactly, even when it contains the `]]>` terminator.
    static func cdata(_ text: String) -> String {
        "<![CDATA[" + text.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>") + "]]>"
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
