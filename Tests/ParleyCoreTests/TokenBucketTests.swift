import Foundation
import ParleyCore
import Testing

@Suite("Token bucket")
struct TokenBucketTests {
    @Test func burstThenOneTokenPerIntervalAndNothingSavedBeyondTheBurst() {
        let start = Date(timeIntervalSince1970: 1_000)
        var bucket = TokenBucket(rate: 2, burst: 3, now: start)
        for _ in 0..<3 {
            #expect(bucket.wait(at: start) == 0)
            bucket.take(at: start)
        }
        #expect(bucket.wait(at: start) == 0.5, "the 4th send waits for half a second at 2/s")
        #expect(bucket.wait(at: start.addingTimeInterval(0.25)) == 0.25)
        #expect(bucket.wait(at: start.addingTimeInterval(0.5)) == 0)
        bucket.take(at: start.addingTimeInterval(0.5))
        // An hour idle saves only the burst.
        let later = start.addingTimeInterval(3600)
        #expect(bucket.isFull(at: later))
        for _ in 0..<3 { bucket.take(at: later) }
        #expect(bucket.wait(at: later) > 0)
    }
}
