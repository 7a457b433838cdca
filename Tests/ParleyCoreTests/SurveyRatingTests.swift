import ParleyCore
import Testing

/// What a customer may write to answer the satisfaction survey, and what stays an ordinary message.
@Suite("Survey rating")
struct SurveyRatingTests {
    @Test(arguments: [
        ("5", 5), ("1", 1), (" 4 ", 4), ("\n3\n", 3), ("５", 5), ("　２　", 2), ("3/5", 3), ("4 / 5", 4), ("３／５", 3),
        ("5 stars", 5), ("1 star", 1), ("5 Stars!", 5), ("4星", 4), ("4 分", 4), ("五", 5), ("三星", 3), ("一分。", 1),
        ("⭐⭐⭐⭐", 4), ("⭐️⭐️⭐️", 3), ("★★★★★", 5), ("4.", 4), ("5！", 5),
    ])
    func ratings(_ text: String, _ score: Int) {
        #expect(SurveyRating.score(in: text) == score, "\(text)")
    }

    @Test(arguments: [
        "", "0", "6", "45", "4 or 5", "5 more questions", "hello", "4/10", "⭐⭐⭐⭐⭐⭐", "六", "4.5", "-3", "5 stars please", "٣", "4!!",
    ])
    func notRatings(_ text: String) {
        #expect(SurveyRating.score(in: text) == nil, "\(text)")
    }
}
