import Foundation

/// Reads a customer's answer to the satisfaction survey: a score from 1 (poor) to 5 (excellent).
///
/// The whole message must be the rating, so "5" counts and "5 more questions" does not. After
/// trimming spaces and one closing `.`, `!`, `。` or `！`, and reading full-width characters as
/// their ASCII forms, a rating is
/// - a digit 1–5 (`4`, `４`) or a Chinese numeral 一 to 五, alone or followed by `/5`, `star`,
///   `stars`, `星` or `分` (`3/5`, `5 stars`, `4分`, `五星`), spaces allowed in between;
/// - or one to five stars and nothing else (`⭐⭐⭐⭐`, `★★★`).
public enum SurveyRating {
    public static let scores = 1...5

    /// The score the text gives, or `nil` when it is not a rating.
    public static func score(in text: String) -> Int? {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let last = trimmed.last, closers.contains(last) { trimmed = String(trimmed.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let first = trimmed.first else { return nil }
        if trimmed.allSatisfy(isStar) { return scores.contains(trimmed.count) ? trimmed.count : nil }
        guard let score = digit(first) else { return nil }
        let rest = String(trimmed.dropFirst().map(halfWidth).filter { !$0.isWhitespace }).lowercased()
        return suffixes.contains(rest) ? score : nil
    }

    private static let closers: Set<Character> = [".", "!", "。", "！"]
    private static let suffixes: Set<String> = ["", "/5", "star", "stars", "星", "分"]
    private static let numerals: [Character: Int] = ["一": 1, "二": 2, "三": 3, "四": 4, "五": 5]

    private static func digit(_ character: Character) -> Int? {
        if let value = numerals[character] { return value }
        let ascii = halfWidth(character)
        guard ascii.isASCII, let value = ascii.wholeNumberValue, scores.contains(value) else { return nil }
        return value
    }

    /// `⭐` (with or without its emoji variation selector) or `★`.
    private static func isStar(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        return scalar == "\u{2B50}" || scalar == "\u{2605}"
    }

    /// Full-width forms (U+FF01–U+FF5E: `４`, `／`, `ｓ`) as their ASCII counterparts.
    private static func halfWidth(_ character: Character) -> Character {
        guard isFullWidth(character), let scalar = character.unicodeScalars.first,
            let ascii = Unicode.Scalar(scalar.value - 0xFEE0)
        else { return character }
        return Character(ascii)
    }

    private static func isFullWidth(_ character: Character) -> Bool {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else { return false }
        return (0xFF01...0xFF5E).contains(scalar.value)
    }
}
