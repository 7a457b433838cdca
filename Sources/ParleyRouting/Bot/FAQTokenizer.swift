/// Turns a question or a customer message into the terms FAQ matching counts.
///
/// After folding (see `TextRun`):
/// - a word is one term, with a trailing plural taken off so "refunds" finds "refund":
///   `-ies` becomes `-y` in words of five letters or more ("deliveries" → "delivery"), and a final
///   `-s` goes in words of four letters or more unless they end in `-ss`, `-us` or `-is`
///   ("hours" → "hour"; "address", "status", "this" stay). Nothing else is stemmed: "ship" and
///   "shipping" are different terms, so write both forms as question variants when both occur;
/// - a CJK run gives its overlapping character bigrams ("退款流程" → 退款, 款流, 流程), or the
///   character itself when the run is one character long. Bigrams need no dictionary and catch
///   most two-character Chinese words whichever way the sentence is cut.
///
/// Common words are dropped first — English function words ("how", "do", "I", "the", "please")
/// and Chinese fillers ("请问", "你们", "怎么", "吗", "的"), which would otherwise let "How do I…"
/// match every other question — unless the text has nothing else, so "who are you?" or "你好"
/// still has terms. The lists are `CommonWords`.
///
/// Both sides of a match go through this same function, so a rule that drops too much only costs
/// precision; it never makes a question fail to match its own wording.
enum FAQTokenizer {
    static func terms(in text: String) -> [String] {
        let runs = TextRun.split(text)
        let content = terms(of: runs, droppingCommonWords: true)
        return content.isEmpty ? terms(of: runs, droppingCommonWords: false) : content
    }

    /// The units hand-over phrases are compared in: each word (plural taken off, nothing dropped)
    /// and each single CJK character, in order.
    static func units(in text: String) -> [String] {
        TextRun.split(text).flatMap { run -> [String] in
            switch run {
            case .word(let word): [normalised(word)]
            case .cjk(let scalars): scalars.map { String(Character($0)) }
            }
        }
    }

    private static func terms(of runs: [TextRun], droppingCommonWords: Bool) -> [String] {
        var terms: [String] = []
        for run in runs {
            switch run {
            case .word(let word):
                if droppingCommonWords && CommonWords.english.contains(word) { continue }
                terms.append(normalised(word))
            case .cjk(let scalars):
                let pieces = droppingCommonWords ? CommonWords.withoutChineseFillers(scalars) : [scalars[...]]
                for piece in pieces { appendBigrams(of: piece, to: &terms) }
            }
        }
        return terms
    }

    private static func appendBigrams(of piece: ArraySlice<Unicode.Scalar>, to terms: inout [String]) {
        guard piece.count > 1 else {
            if let only = piece.first { terms.append(String(Character(only))) }
            return
        }
        var previous = piece[piece.startIndex]
        for scalar in piece.dropFirst() {
            var bigram = String.UnicodeScalarView()
            bigram.append(previous)
            bigram.append(scalar)
            terms.append(String(bigram))
            previous = scalar
        }
    }

    static func normalised(_ word: String) -> String {
        let count = word.unicodeScalars.count
        if count >= 5 && word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if count >= 4 && word.hasSuffix("s") && !word.hasSuffix("ss") && !word.hasSuffix("us") && !word.hasSuffix("is") {
            return String(word.dropLast())
        }
        return word
    }
}
