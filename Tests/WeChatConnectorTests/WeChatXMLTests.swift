import Testing
@testable import WeChatConnector

@Suite("WeChat XML through expat")
struct WeChatXMLTests {
    @Test func readsTextAndCDATAFieldsAndOneNestedLevel() throws {
        let document = try WeChatXML.parse(Array("""
            <xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1348831860</CreateTime>
            <Content><![CDATA[a < b & "c" ]]]]><![CDATA[> 你好]]></Content>
            <ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType></ScanCodeInfo></xml>
            """.utf8))
        #expect(document["ToUserName"] == "gh_1")
        #expect(document["CreateTime"] == "1348831860")
        #expect(document["Content"] == "a < b & \"c\" ]]> 你好")
        #expect(document["ScanCodeInfo/ScanType"] == "qrcode")
    }

    @Test func externalEntitiesAreRefusedBeforeAnythingIsRead() {
        let xxe = """
            <?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <xml><Content>&xxe;</Content></xml>
            """
        #expect(throws: WeChatXML.ParseError.declarationsRefused) { try WeChatXML.parse(Array(xxe.utf8)) }
    }

    @Test func billionLaughsIsRefused() {
        var bomb = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        for level in 1...9 {
            bomb += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">"
        }
        bomb += "]><xml><Content>&lol9;</Content></xml>"
        #expect(throws: WeChatXML.ParseError.declarationsRefused) { try WeChatXML.parse(Array(bomb.utf8)) }
    }

    @Test func truncatedOversizedAndForeignDocumentsAreRefused() {
        #expect(throws: (any Error).self) { try WeChatXML.parse(Array("<xml><Content><![CDATA[hi]]></Con".utf8)) }
        #expect(throws: (any Error).self) { try WeChatXML.parse([]) }
        let large = "<xml><Content>" + String(repeating: "a", count: WeChatXML.maximumSize) + "</Content></xml>"
        #expect(throws: WeChatXML.ParseError.tooLarge(limit: WeChatXML.maximumSize)) { try WeChatXML.parse(Array(large.utf8)) }
        #expect(throws: WeChatXML.ParseError.unexpectedRoot("html")) { try WeChatXML.parse(Array("<html></html>".utf8)) }
    }
}
