import Foundation
import ParleyCore
import Testing

@Suite("Channel policy")
struct ChannelPolicyTests {
    @Test func defaultsFollowChannelsDocument() {
        let wechat = ChannelPolicy.defaults(for: .wechat)
        #expect(wechat.replyWindow == TimeInterval(48 * 3600))
        #expect(wechat.sendsPerWindow == 5)
        #expect(wechat.outsideWindow == .template)
        #expect(wechat.idleTimeout == 3600)
        #expect(wechat.textLimit == .utf8Bytes(2_048))
        #expect(ChannelPolicy.defaults(for: .webchat).idleTimeout == 15 * 60)
        #expect(ChannelPolicy.defaults(for: .webchat).outsideWindow == .holdForReturn)
        #expect(ChannelPolicy.defaults(for: .whatsapp).replyWindow == TimeInterval(24 * 3600))
        #expect(ChannelPolicy.defaults(for: .messenger).outsideWindow == .messageTag)
        #expect(ChannelPolicy.defaults(for: .messenger).textLimit == .characters(2_000))
        #expect(ChannelPolicy.defaults(for: .sms).idleTimeout == 24 * 3600)
        #expect(ChannelPolicy.defaults(for: .telegram).textLimit == .characters(4_096))
        #expect(ChannelPolicy.defaults(for: .line).textLimit == .characters(5_000))
    }

    @Test func instanceSettingsOverrideDefaults() {
        let channel = Channel(id: ChannelID("ch_a"), kind: .webchat, name: "Web", settings: ["idleTimeout": "90s", "reopenWindow": "2h", "textLimit": "500"])
        #expect(channel.policy.idleTimeout == 90)
        #expect(channel.policy.reopenWindow == 7200)
        #expect(channel.policy.textLimit == .characters(500))
    }

    @Test func durationsParseAndRefuseWithTheValue() throws {
        #expect(try DurationText.parse("90s") == 90)
        #expect(try DurationText.parse("15m") == 900)
        #expect(try DurationText.parse("48h") == 172_800)
        #expect(try DurationText.parse("7d") == 604_800)
        #expect(throws: DurationText.ParseError(text: "15 minutes")) { try DurationText.parse("15 minutes") }
        #expect(throws: DurationText.ParseError(text: "-5m")) { try DurationText.parse("-5m") }
        #expect(DurationText.format(3600) == "1h")
    }

    @Test func textIsSplitAtTheLimitWithoutBreakingCharacters() {
        #expect(TextLimit.characters(3).split("abcdefg") == ["abc", "def", "g"])
        // "你" is 3 UTF-8 bytes: 5 bytes fit one, never half of the next.
        #expect(TextLimit.utf8Bytes(5).split("你好吗") == ["你", "好", "吗"])
        #expect(TextLimit.characters(10).split("short") == ["short"])
    }

    @Test func deliveryStatusOnlyMovesForward() {
        #expect(DeliveryStatus.queued.canAdvance(to: .sent))
        #expect(DeliveryStatus.sent.canAdvance(to: .read))
        #expect(!DeliveryStatus.read.canAdvance(to: .delivered))
        #expect(!DeliveryStatus.delivered.canAdvance(to: .sent))
        #expect(!DeliveryStatus.failed(reason: "x").canAdvance(to: .sent))
    }

    @Test func contentRoundTripsThroughJSON() throws {
        let contents: [MessageContent] = [
            .text("hi"), .image(MediaReference(location: "m1", mimeType: "image/png")), .audio(MediaReference(location: "a"), transcript: "你好"),
            .location(latitude: 31.2, longitude: 121.5, name: "Bund", address: nil), .sticker(id: "s", url: nil),
            .contactCard(name: "Li", phones: ["+86"]), .event(name: "subscribe", payload: nil),
            .template(name: "t", language: "en", parameters: ["a"]), .unsupported(rawType: "shipping"),
        ]
        for content in contents {
            let data = try JSONEncoder().encode(content)
            #expect(try JSONDecoder().decode(MessageContent.self, from: data) == content)
        }
    }
}
