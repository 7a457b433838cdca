import Dispatch
import Foundation
import ParleyRouting

/// `parley-bench faq`: builds a knowledge base of `entries` generated entries (made-up English
/// words and random common-range Han characters, so term statistics look like a real FAQ's: a few
/// words every question shares, many that only one entry has), then times `FAQBot.turn` on
/// `messages` customer messages, each call alone with the monotonic clock. The messages mix
/// paraphrases of a question (some of its words dropped, chatter added), questions verbatim and
/// text the knowledge base does not cover, in both languages.
struct FAQBench {
    let entries: Int
    let messages: Int
    let seed: UInt64

    func run() throws -> FAQBenchReport {
        var rng = SplitMix64(seed: seed)
        let generator = FAQTextGenerator(rng: &rng)
        let generated = (0..<entries).map { generator.entry(number: $0, rng: &rng) }

        let buildStart = DispatchTime.now().uptimeNanoseconds
        let bot = FAQBot(knowledgeBase: try KnowledgeBase(entries: generated))
        let buildNanos = DispatchTime.now().uptimeNanoseconds - buildStart
        Console.progress("faq: \(entries) entries (\(entries * 4) questions) indexed; timing \(messages) messages")

        let samples = (0..<messages).map { _ in generator.message(about: generated.randomElement(using: &rng)!, rng: &rng) }
        var nanos: [UInt64] = []
        nanos.reserveCapacity(samples.count)
        var quality = FAQBenchReport.Quality()
        for sample in samples {
            let start = DispatchTime.now().uptimeNanoseconds
            let decision = bot.turn(text: sample.text, vip: false, consecutiveMisses: 0)
            nanos.append(DispatchTime.now().uptimeNanoseconds - start)
            quality.record(decision, expected: sample.expected)
        }

        let suggestionStart = DispatchTime.now().uptimeNanoseconds
        for sample in samples.prefix(2_000) { _ = bot.suggestions(for: sample.text, limit: 5) }
        let suggestionNanos = DispatchTime.now().uptimeNanoseconds - suggestionStart
        return FAQBenchReport(
            seed: seed, entries: entries, messages: messages, indexMilliseconds: Double(buildNanos) / 1e6,
            turn: RoutingBenchReport.Latency(nanos), quality: quality,
            suggestionsMicros: Double(suggestionNanos) / 1e3 / Double(min(2_000, samples.count))
        )
    }
}

/// The benchmark's result, in the `RESULT` JSON line like the other modes; durations in
/// microseconds unless the name says otherwise.
struct FAQBenchReport: BenchResult {
    let mode = "faq"
    let seed: UInt64
    let entries: Int
    let messages: Int
    let indexMilliseconds: Double
    let turn: RoutingBenchReport.Latency
    let quality: Quality
    let suggestionsMicros: Double

    /// How the answers went: on-topic messages should get their own entry, off-topic ones none.
    struct Quality: Encodable {
        var onTopic = 0
        var onTopicRight = 0
        var onTopicWrong = 0
        var offTopic = 0
        var offTopicAnswered = 0

        mutating func record(_ decision: BotDecision, expected: String?) {
            let answered: String? = if case .answer(let match) = decision { match.entry.id } else { nil }
            if let expected {
                onTopic += 1
                if answered == expected { onTopicRight += 1 } else if answered != nil { onTopicWrong += 1 }
            } else {
                offTopic += 1
                if answered != nil { offTopicAnswered += 1 }
            }
        }
    }

    init(seed: UInt64, entries: Int, messages: Int, indexMilliseconds: Double, turn: RoutingBenchReport.Latency, quality: Quality, suggestionsMicros: Double) {
        self.seed = seed
        self.entries = entries
        self.messages = messages
        self.indexMilliseconds = BenchReport.rounded(indexMilliseconds)
        self.turn = turn
        self.quality = quality
        self.suggestionsMicros = BenchReport.rounded(suggestionsMicros)
    }

    func table() -> String {
        [
            "parley-bench faq  seed=\(seed)  entries=\(entries) (\(entries * 4) questions)  messages=\(messages)",
            String(format: "index built in %.1f ms", indexMilliseconds),
            String(
                format: "turn: p50 %.2f µs  p90 %.2f µs  p99 %.2f µs  max %.2f µs  mean %.2f µs",
                turn.p50, turn.p90, turn.p99, turn.max, turn.mean
            ),
            "on-topic messages: \(quality.onTopicRight) of \(quality.onTopic) answered with their entry, \(quality.onTopicWrong) with another; "
                + "off-topic: \(quality.offTopicAnswered) of \(quality.offTopic) answered",
            String(format: "suggestions(limit: 5) mean %.2f µs", suggestionsMicros),
        ].joined(separator: "\n")
    }
}
