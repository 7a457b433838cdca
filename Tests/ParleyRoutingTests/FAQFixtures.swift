import Foundation
import ParleyCore
import ParleyRouting
import Testing

/// A web shop's bilingual FAQ, written the way an admin would: several short question variants
/// per entry, English and Chinese side by side.
enum FAQFixtures {
    static let entries = [
        FAQEntry(
            id: "refund",
            questions: ["How do I get a refund?", "Can I get my money back?", "退款怎么办", "怎么申请退款", "退款多久到账"],
            answer: "Open the order, tap Refund and pick a reason. 在订单详情页点击「申请退款」。", tags: ["billing"]
        ),
        FAQEntry(
            id: "returns",
            questions: ["How do I return an item?", "Can I send it back?", "怎么退货", "退货流程是什么", "七天无理由退货"],
            answer: "Return unused items within 7 days from the order page. 签收后 7 天内可无理由退货。"
        ),
        FAQEntry(
            id: "invoice",
            questions: ["Can I get an invoice?", "How do I get a VAT invoice?", "怎么开发票", "发票在哪里下载", "可以开增值税专用发票吗"],
            answer: "Invoices are under Orders → Invoice. 电子发票可在「我的订单 → 发票」下载。", team: TeamID(3)
        ),
        FAQEntry(
            id: "opening-hours",
            questions: ["What are your opening hours?", "When are you open?", "营业时间", "你们几点开门", "客服工作时间"],
            answer: "Monday to Friday, 09:00–18:00 Beijing time. 周一至周五 9:00–18:00。"
        ),
        FAQEntry(
            id: "shipping",
            questions: ["How long does shipping take?", "When will my order arrive?", "Where is my parcel?", "多久发货", "快递到哪了", "物流信息怎么查"],
            answer: "Orders leave within 48 hours. 订单会在 48 小时内发货。"
        ),
        FAQEntry(
            id: "change-address",
            questions: ["How do I change my delivery address?", "I entered the wrong address", "修改收货地址", "地址填错了"],
            answer: "Edit the address on the order page until it ships. 发货前可在订单页修改收货地址。"
        ),
    ]

    static func shop() throws -> KnowledgeBase {
        try KnowledgeBase(entries: entries)
    }

    static func shopBot(_ settings: FAQBotSettings = .standard) throws -> FAQBot {
        FAQBot(knowledgeBase: try shop(), settings: settings)
    }

    /// Feeds one conversation's messages to the bot in order, passing each decision's miss count
    /// on to the next turn as the gateway does.
    static func converse(_ bot: FAQBot, _ messages: [String], vip: Bool = false) -> [BotDecision] {
        var misses = 0
        return messages.map { text in
            let decision = bot.turn(text: text, vip: vip, consecutiveMisses: misses)
            misses = decision.consecutiveMisses
            return decision
        }
    }
}

extension BotDecision {
    /// The answered entry's id, nil for a miss or hand-over.
    var answeredID: String? {
        if case .answer(let match) = self { match.entry.id } else { nil }
    }
}
