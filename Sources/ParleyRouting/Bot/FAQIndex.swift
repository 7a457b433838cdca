import Foundation

/// BM25 over every question variant of a knowledge base, with a confidence that means the same
/// thing for every query.
///
/// Each question variant is a document of `FAQTokenizer` terms. A term's weight in a variant is
/// the usual BM25 one, `idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avgLen))` with k1 = 1.2, b = 0.75
/// and `idf = ln(1 + (N − df + 0.5)/(df + 0.5))`, N the number of variants. A message scores, against
/// a variant, the weights of the variant's terms it contains (each once, however often it repeats
/// them).
///
/// The raw score grows with the variant's length and rarity, so it cannot be compared with a fixed
/// threshold. The **confidence** divides it by the score the variant gets against itself: the
/// share of the variant's evidence that the message contains, 0 (nothing) to 1 (every term). For a
/// variant whose terms each occur once the length factor cancels and this is the IDF-weighted
/// share of its terms present in the message. Words the message adds (greetings, an order number)
/// do not lower it; a variant's rare terms count more than its common ones.
///
/// An entry counts with its best variant. Entries rank by confidence, then raw score (the
/// stronger evidence), then their order in the knowledge base, so results are deterministic.
struct FAQIndex: Sendable {
    static let k1 = 1.2
    static let b = 0.75

    private struct Posting: Sendable {
        var variant: Int
        var weight: Double
    }

    private struct Variant: Sendable {
        var entry: Int
        var question: String
        /// The variant's score against itself: the sum of its terms' weights. Never 0, because
        /// `KnowledgeBase` refuses a question without terms.
        var selfScore: Double
    }

    private let termIDs: [String: Int]
    private let postings: [[Posting]]
    private let variants: [Variant]
    private let entryCount: Int

    init(_ knowledgeBase: KnowledgeBase) {
        var variants: [Variant] = []
        var termCounts: [[String: Int]] = []
        for (entryIndex, entry) in knowledgeBase.entries.enumerated() {
            for question in entry.questions {
                variants.append(Variant(entry: entryIndex, question: question, selfScore: 0))
                termCounts.append(FAQTokenizer.terms(in: question).reduce(into: [:]) { $0[$1, default: 0] += 1 })
            }
        }
        let lengths = termCounts.map { Double($0.values.reduce(0, +)) }
        let averageLength = max(1, lengths.reduce(0, +) / Double(max(1, lengths.count)))

        var termIDs: [String: Int] = [:]
        var postings: [[Posting]] = []
        for (variantIndex, counts) in termCounts.enumerated() {
            // Sorted so that term ids, and so floating-point sums, are the same on every run.
            for (term, _) in counts.sorted(by: { $0.key < $1.key }) {
                let id = termIDs[term] ?? postings.count
                if id == postings.count {
                    termIDs[term] = id
                    postings.append([])
                }
                postings[id].append(Posting(variant: variantIndex, weight: 0))
            }
        }
        let variantCount = Double(variants.count)
        for (term, id) in termIDs {
            let documentFrequency = Double(postings[id].count)
            let idf = log(1 + (variantCount - documentFrequency + 0.5) / (documentFrequency + 0.5))
            for index in postings[id].indices {
                let variant = postings[id][index].variant
                let frequency = Double(termCounts[variant][term] ?? 0)
                let lengthFactor = Self.k1 * (1 - Self.b + Self.b * lengths[variant] / averageLength)
                postings[id][index].weight = idf * frequency * (Self.k1 + 1) / (frequency + lengthFactor)
            }
        }
        for list in postings {
            for posting in list { variants[posting.variant].selfScore += posting.weight }
        }
        self.termIDs = termIDs
        self.postings = postings
        self.variants = variants
        self.entryCount = knowledgeBase.entries.count
    }

    /// One entry's best variant for a message.
    struct Hit: Sendable, Equatable {
        var entry: Int
        var question: String
        var confidence: Double
        var score: Double
    }

    /// The `limit` best entries with any term in common with `text`, best first (see the type's
    /// comment).
    func hits(for text: String, limit: Int) -> [Hit] {
        guard limit > 0 else { return [] }
        // Arrays indexed by variant and entry rather than dictionaries: a query over a
        // 1,000-entry base touches hundreds of variants, and hashing each would dominate.
        var scores = [Double](repeating: 0, count: variants.count)
        var touched: [Int] = []
        var counted: Set<Int> = []
        // In the message's own order, not a set's, so the sums — and any ties — are the same every run.
        for term in FAQTokenizer.terms(in: text) {
            guard let id = termIDs[term], counted.insert(id).inserted else { continue }
            for posting in postings[id] {
                // Weights are positive, so 0 means not seen yet.
                if scores[posting.variant] == 0 { touched.append(posting.variant) }
                scores[posting.variant] += posting.weight
            }
        }
        var entryHits: [Hit] = []
        var hitOfEntry = [Int](repeating: -1, count: entryCount)
        for variantIndex in touched {
            let variant = variants[variantIndex]
            let score = scores[variantIndex]
            // Summing in another order can land a hair above 1.
            let hit = Hit(entry: variant.entry, question: variant.question, confidence: min(1, score / variant.selfScore), score: score)
            let slot = hitOfEntry[variant.entry]
            if slot < 0 {
                hitOfEntry[variant.entry] = entryHits.count
                entryHits.append(hit)
            } else if Self.ranks(hit, before: entryHits[slot]) {
                entryHits[slot] = hit
            }
        }
        return Self.best(limit, of: entryHits)
    }

    /// The first `limit` of `hits` in rank order, without sorting all of them when few are asked.
    private static func best(_ limit: Int, of hits: some Collection<Hit>) -> [Hit] {
        guard limit < hits.count else { return hits.sorted(by: ranks) }
        var kept: [Hit] = []
        kept.reserveCapacity(limit + 1)
        for hit in hits where kept.count < limit || ranks(hit, before: kept[kept.count - 1]) {
            let position = kept.firstIndex { ranks(hit, before: $0) } ?? kept.count
            kept.insert(hit, at: position)
            if kept.count > limit { kept.removeLast() }
        }
        return kept
    }

    private static func ranks(_ first: Hit, before second: Hit) -> Bool {
        if first.confidence != second.confidence { return first.confidence > second.confidence }
        if first.score != second.score { return first.score > second.score }
        if first.entry != second.entry { return first.entry < second.entry }
        return first.question < second.question
    }
}
