import Foundation
import ParleyCore
import Testing
@testable import TelegramConnector

@Suite("Telegram webhooks")
struct TelegramWebhookTests {
    private func decodeOne(_ json: String) throws -> InboundMessage {
        let connector = try TelegramFixtures.connector()
        let request = TelegramFixtures.request(json)
        try connector.authenticate(request)
        let events = try connector.decode(request)
        #expect(events.count == 1)
        guard case .message(let message) = try #require(events.first) else {
            Issue.record("no message decoded")
            throw CancellationError()
        }
        return message
    }

    private func refusal(_ request: WebhookRequest) throws -> ConnectorError? {
        let connector = try TelegramFixtures.connector()
        do {
            try connector.authenticate(request)
            _ = try connector.decode(request)
            return nil
        } catch {
            return error
        }
    }

    @Test func thereIsNoGetHandshake() throws {
        let connector = try TelegramFixtures.connector()
        var get = TelegramFixtures.request("")
        get.method = .get
        #expect(throws: ConnectorError.self) { try connector.verify(get) }
        do {
            _ = try connector.verify(get)
        } catch {
            #expect(error.httpStatus == 405)
        }
    }

    @Test func aWrongOrMissingSecretIsRefusedBeforeTheBodyIsRead() throws {
        let text = TelegramFixtures.message(#""text":"hello""#)
        let wrong = try refusal(TelegramFixtures.request(text, secret: "not-the-secret"))
        #expect(wrong?.httpStatus == 401)
        #expect(wrong?.reason.contains("X-Telegram-Bot-Api-Secret-Token") == true)
        #expect(try refusal(TelegramFixtures.request(text, secret: nil))?.httpStatus == 401)
        // Same length, one character off: still refused.
        var near = TelegramFixtures.secretToken
        near.removeLast()
        #expect(try refusal(TelegramFixtures.request(text, secret: near + "X"))?.httpStatus == 401)
        // Garbage with a wrong secret is 401, not 400: nothing is parsed for a stranger.
        #expect(try refusal(TelegramFixtures.request("{\"update_id\":1,", secret: "wrong", contentType: "text/html"))?.httpStatus == 401)
        #expect(try refusal(TelegramFixtures.request("\u{0}\u{1}garbage", secret: nil, contentType: nil))?.httpStatus == 401)
        // The header name is matched case-insensitively, as HTTP says.
        var lower = TelegramFixtures.request(text, secret: nil)
        lower.headers.append(("x-telegram-bot-api-secret-token", TelegramFixtures.secretToken))
        #expect(try refusal(lower) == nil)
    }

    @Test func theBodyMustBeJSON() throws {
        let text = TelegramFixtures.message(#""text":"hello""#)
        let missing = try refusal(TelegramFixtures.request(text, contentType: nil))
        #expect(missing?.httpStatus == 400 && missing?.reason.contains("Content-Type") == true)
        let form = try refusal(TelegramFixtures.request(text, contentType: "application/x-www-form-urlencoded"))
        #expect(form == .malformedPayload(
            "Content-Type 'application/x-www-form-urlencoded' is not application/json, which Telegram always posts"
        ))
        #expect(try refusal(TelegramFixtures.request(text, contentType: "application/json; charset=utf-8")) == nil)
    }

    @Test func truncatedOrInvalidJSONIsMalformedWithAReason() throws {
        let text = TelegramFixtures.message(#""text":"hello""#)
        let truncated = try refusal(TelegramFixtures.request(String(text.dropLast(7))))
        #expect(truncated == .malformedPayload("the body is not valid JSON (truncated or malformed)"))
        #expect(try refusal(TelegramFixtures.request("")) == .malformedPayload("the body is empty; Telegram posts one JSON Update"))
        #expect(try refusal(TelegramFixtures.request("[1,2]")) == .malformedPayload("the body is not an object"))
        #expect(try refusal(TelegramFixtures.request(#"{"message":{"text":"x"}}"#)) == .malformedPayload("update_id is missing"))
        #expect(try refusal(TelegramFixtures.request(#"{"update_id":"ten"}"#)) == .malformedPayload("update_id is not an integer"))
        #expect(try refusal(TelegramFixtures.request(#"{"update_id":7}"#))
            == .malformedPayload("the update carries nothing besides update_id"))
        let noChat = #"{"update_id":7,"message":{"message_id":1,"date":1700000000,"text":"x"}}"#
        #expect(try refusal(TelegramFixtures.request(noChat)) == .malformedPayload("message.chat is missing"))
        let badPhoto = TelegramFixtures.message(#""photo":[{"width":90}]"#)
        #expect(try refusal(TelegramFixtures.request(badPhoto)) == .malformedPayload("message.photo[0].file_id is missing"))
    }

    @Test func aTextMessageNamesTheChatTheSenderAndTheUpdate() throws {
        let message = try decodeOne(
            #"{"update_id":10001,"message":{"message_id":42,"date":1700000000,"chat":{"id":123456789,"type":"private"},"from":{"id":123456789,"is_bot":false,"first_name":"Ann"},"text":"hello"}}"#
        )
        #expect(message == InboundMessage(
            externalUserID: "123456789", displayName: "Ann", platformMessageID: "10001", content: .text("hello"),
            sentAt: Date(timeIntervalSince1970: 1_700_000_000)
        ))
        let full = try decodeOne(TelegramFixtures.message(#""text":"hi""#, updateID: 10002))
        #expect(full.displayName == "Ann Lee")
        let userOnly = try decodeOne(
            #"{"update_id":3,"message":{"message_id":1,"date":1700000000,"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"","username":"nobody"},"text":"x"}}"#
        )
        #expect(userOnly.displayName == "@nobody")
        let group = try decodeOne(
            #"{"update_id":4,"message":{"message_id":1,"date":1700000000,"chat":{"id":-1001234567890,"type":"supergroup","title":"Acme buyers"},"from":{"id":5,"is_bot":false,"first_name":"Bo"},"text":"x"}}"#
        )
        #expect(group.externalUserID == "-1001234567890" && group.displayName == "Acme buyers")
    }

    @Test func everyMessageKindIsNormalized() throws {
        let cases: [(String, MessageContent)] = [
            (#""text":"Где мой заказ? 🚚""#, .text("Где мой заказ? 🚚")),
            (
                #""photo":[{"file_id":"AgAC-small","file_unique_id":"AQAD1","width":90,"height":67,"file_size":1234},{"file_id":"AgAC-large","file_unique_id":"AQAD3","width":1280,"height":960,"file_size":98765},{"file_id":"AgAC-mid","file_unique_id":"AQAD2","width":320,"height":240,"file_size":12345}],"caption":"pic""#,
                .image(MediaReference(location: "telegram-file:AgAC-large", mimeType: "image/jpeg", caption: "pic"))
            ),
            (
                #""voice":{"file_id":"AwAC-voice","file_unique_id":"AgAD","duration":3,"mime_type":"audio/ogg","file_size":5120}"#,
                .audio(MediaReference(location: "telegram-file:AwAC-voice", mimeType: "audio/ogg"), transcript: nil)
            ),
            (
                #""audio":{"file_id":"CQAC-song","file_unique_id":"AgAD","duration":180,"performer":"Band","title":"Song","file_name":"song.mp3","mime_type":"audio/mpeg"},"caption":"listen""#,
                .audio(MediaReference(location: "telegram-file:CQAC-song", mimeType: "audio/mpeg", fileName: "song.mp3", caption: "listen"), transcript: nil)
            ),
            (
                #""video":{"file_id":"BAAC-video","file_unique_id":"AgAD","width":640,"height":480,"duration":12,"mime_type":"video/quicktime","file_name":"clip.mov"}"#,
                .video(MediaReference(location: "telegram-file:BAAC-video", mimeType: "video/quicktime", fileName: "clip.mov"))
            ),
            (
                #""video_note":{"file_id":"DQAC-note","file_unique_id":"AgAD","length":240,"duration":5}"#,
                .video(MediaReference(location: "telegram-file:DQAC-note", mimeType: "video/mp4"))
            ),
            (
                #""animation":{"file_id":"CgAC-gif","file_unique_id":"AgAD","width":320,"height":240,"duration":2,"file_name":"fun.mp4","mime_type":"video/mp4"},"document":{"file_id":"CgAC-gif","file_unique_id":"AgAD","file_name":"fun.mp4","mime_type":"video/mp4"}"#,
                .video(MediaReference(location: "telegram-file:CgAC-gif", mimeType: "video/mp4", fileName: "fun.mp4"))
            ),
            (
                #""document":{"file_id":"BQAC-doc","file_unique_id":"AgAD","file_name":"invoice.pdf","mime_type":"application/pdf","file_size":20480},"caption":"my invoice""#,
                .file(MediaReference(location: "telegram-file:BQAC-doc", mimeType: "application/pdf", fileName: "invoice.pdf", caption: "my invoice"))
            ),
            (
                #""sticker":{"file_id":"CAAC-sticker","file_unique_id":"AgAD","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false,"emoji":"👍"}"#,
                .sticker(id: "CAAC-sticker", url: "telegram-file:CAAC-sticker")
            ),
            (
                #""location":{"latitude":52.520008,"longitude":13.404954}"#,
                .location(latitude: 52.520008, longitude: 13.404954, name: nil, address: nil)
            ),
            (
                #""venue":{"location":{"latitude":48.8584,"longitude":2.2945},"title":"Eiffel Tower","address":"Champ de Mars, Paris"},"location":{"latitude":48.8584,"longitude":2.2945}"#,
                .location(latitude: 48.8584, longitude: 2.2945, name: "Eiffel Tower", address: "Champ de Mars, Paris")
            ),
            (
                #""contact":{"phone_number":"+4915112345678","first_name":"Max","last_name":"Muster","user_id":555}"#,
                .contactCard(name: "Max Muster", phones: ["+4915112345678"])
            ),
            (#""dice":{"emoji":"🎲","value":4}"#, .unsupported(rawType: "dice")),
            // As SDKs serialize it: service flags present but false.
            (
                #""channel_chat_created":false,"delete_chat_photo":false,"group_chat_created":false,"dice":{"emoji":"🎲","value":2},"pinned_message":null"#,
                .unsupported(rawType: "dice")
            ),
            (#""poll":{"id":"1","question":"?","options":[]},"reply_to_message":{"message_id":1}"#, .unsupported(rawType: "poll")),
            (#""new_chat_members":[{"id":1,"is_bot":false,"first_name":"X"}]"#, .unsupported(rawType: "new_chat_members")),
        ]
        for (index, (fields, expected)) in cases.enumerated() {
            let message = try decodeOne(TelegramFixtures.message(fields, updateID: Int64(20000 + index)))
            #expect(message.content == expected, "\(fields)")
            #expect(message.externalUserID == "123456789")
            #expect(message.platformMessageID == String(20000 + index))
            #expect(message.sentAt == Date(timeIntervalSince1970: 1_700_000_000))
        }
    }

    @Test func anEditIsANewMessageThatLeavesTheOriginalAlone() throws {
        let original = try decodeOne(TelegramFixtures.message(#""text":"I ordered 2""#, updateID: 500))
        let edited = try decodeOne(#"""
            {"update_id":501,"edited_message":{"message_id":42,"date":1700000000,"edit_date":1700000090,\#(TelegramFixtures.privateChat),\#(TelegramFixtures.ann),"text":"I ordered 3"}}
            """#)
        #expect(original.platformMessageID == "500" && original.content == .text("I ordered 2"))
        #expect(edited.platformMessageID == "edit:501")
        #expect(edited.content == .text("I ordered 3"))
        #expect(edited.externalUserID == "123456789" && edited.displayName == "Ann Lee")
        #expect(edited.sentAt == Date(timeIntervalSince1970: 1_700_000_090), "an edit is dated when it was made")
    }

    @Test func aButtonPressIsACallbackEventAndTheAckAnswersIt() throws {
        let json = #"""
            {"update_id":700,"callback_query":{"id":"4382bfdwdsb323b2d9","from":{"id":123456789,"is_bot":false,"first_name":"Ann"},"message":{"message_id":77,"date":1700000000,"chat":{"id":123456789,"type":"private"},"text":"Rate us"},"chat_instance":"-8765","data":"rating:5"}}
            """#
        let message = try decodeOne(json)
        #expect(message == InboundMessage(
            externalUserID: "123456789", displayName: "Ann", platformMessageID: "700",
            content: .event(name: "callback", payload: "rating:5"), sentAt: TelegramFixtures.now
        ))
        let connector = try TelegramFixtures.connector()
        let ack = connector.acknowledge(TelegramFixtures.request(json), receipts: [])
        #expect(ack.status == 200 && ack.contentType == "application/json")
        #expect(String(decoding: ack.body, as: UTF8.self) == #"{"callback_query_id":"4382bfdwdsb323b2d9","method":"answerCallbackQuery"}"#)
    }

    @Test func otherUpdatesAreAcknowledgedWithAnEmptyBody() throws {
        let connector = try TelegramFixtures.connector()
        let ack = connector.acknowledge(TelegramFixtures.request(TelegramFixtures.message(#""text":"hi""#)), receipts: [])
        #expect(ack.status == 200 && ack.body.isEmpty)
    }

    @Test func blockingAndUnblockingTheBotAreEvents() throws {
        func change(_ old: String, _ new: String, id: Int) -> String {
            #"{"update_id":\#(id),"my_chat_member":{"chat":{"id":123456789,"type":"private","first_name":"Ann"},"from":{"id":123456789,"is_bot":false,"first_name":"Ann"},"date":1700000500,"old_chat_member":{"status":"\#(old)","user":{"id":1,"is_bot":true,"first_name":"Bot"}},"new_chat_member":{"status":"\#(new)","user":{"id":1,"is_bot":true,"first_name":"Bot"},"until_date":0}}}"#
        }
        let blocked = try decodeOne(change("member", "kicked", id: 800))
        #expect(blocked == InboundMessage(
            externalUserID: "123456789", displayName: "Ann", platformMessageID: "800", content: .event(name: "blocked", payload: nil),
            sentAt: Date(timeIntervalSince1970: 1_700_000_500)
        ))
        #expect(try decodeOne(change("kicked", "member", id: 801)).content == .event(name: "unblocked", payload: nil))
        #expect(try decodeOne(change("member", "administrator", id: 802)).content == .unsupported(rawType: "my_chat_member"))
    }

    @Test func unknownUpdateTypesAreUnsupportedNeverErrors() throws {
        let channelPost = try decodeOne(
            #"{"update_id":900,"channel_post":{"message_id":1,"date":1700000000,"chat":{"id":-100777,"type":"channel","title":"News"},"text":"x"}}"#
        )
        #expect(channelPost.content == .unsupported(rawType: "channel_post"))
        #expect(channelPost.externalUserID == "-100777" && channelPost.displayName == "News" && channelPost.platformMessageID == "900")
        let reaction = try decodeOne(
            #"{"update_id":901,"message_reaction":{"chat":{"id":123456789,"type":"private"},"message_id":5,"user":{"id":123456789,"is_bot":false,"first_name":"Ann"},"date":1700000100,"old_reaction":[],"new_reaction":[{"type":"emoji","emoji":"👍"}]}}"#
        )
        #expect(reaction.content == .unsupported(rawType: "message_reaction"))
        #expect(reaction.displayName == "Ann" && reaction.sentAt == Date(timeIntervalSince1970: 1_700_000_100))
        let futureKind = try decodeOne(#"{"update_id":902,"some_future_update":{"from":{"id":42,"is_bot":false,"first_name":"Zed"},"stuff":true}}"#)
        #expect(futureKind == InboundMessage(
            externalUserID: "42", displayName: "Zed", platformMessageID: "902", content: .unsupported(rawType: "some_future_update"),
            sentAt: TelegramFixtures.now
        ))
        // An update about no chat and no person (a poll's new tally) concerns no customer: acknowledged, nothing stored.
        let connector = try TelegramFixtures.connector()
        let poll = TelegramFixtures.request(#"{"update_id":903,"poll":{"id":"5","question":"?","options":[],"total_voter_count":3}}"#)
        try connector.authenticate(poll)
        #expect(try connector.decode(poll).isEmpty)
    }
}
