import Foundation
import ParleyCore

/// Keeps the dispatcher under each platform's published send rate (CHANNELS.md §8): one bucket
/// per channel account and, where the platform limits single chats too, one per chat. A send
/// goes only when both have a token; otherwise the dispatcher postpones the row by the wait,
/// without counting an attempt, so a burst of replies drains at the platform's pace instead of
/// collecting 429s.
actor SendRateLimiter {
    private struct ChatKey: Hashable {
        var channel: ChannelID
        var chat: String
    }

    /// Short bursts to one chat are tolerated (Telegram); three keeps a split reply together.
    private static let chatBurst = 3.0
    private var channels: [ChannelID: TokenBucket] = [:]
    private var chats: [ChatKey: TokenBucket] = [:]
    /// Chat buckets are dropped once full again, checked when this many have accumulated.
    private let pruneThreshold = 10_000

    /// 0 when the send may go now (its tokens are taken); else the seconds to wait.
    func reserve(channel: ChannelID, chat: String, policy: ChannelPolicy, now: Date) -> TimeInterval {
        if chats.count >= pruneThreshold { chats = chats.filter { !$0.value.isFull(at: now) } }
        let chatKey = ChatKey(channel: channel, chat: chat)
        if let rate = policy.sendsPerSecond, channels[channel]?.rate != rate {
            channels[channel] = TokenBucket(rate: rate, burst: max(1, rate), now: now)
        }
        if let rate = policy.sendsPerSecondPerChat, chats[chatKey]?.rate != rate {
            chats[chatKey] = TokenBucket(rate: rate, burst: Self.chatBurst, now: now)
        }
        let wait = max(channels[channel]?.wait(at: now) ?? 0, chats[chatKey]?.wait(at: now) ?? 0)
        guard wait == 0 else { return wait }
        channels[channel]?.take(at: now)
        chats[chatKey]?.take(at: now)
        return 0
    }
}
