/// Log-linear latency histogram (the HdrHistogram idea, cut down): every power-of-two range of
/// nanoseconds is split into 256 equal buckets, so any reported percentile is within 1/256 (0.4 %) of
/// the true value, while recording is a shift and an increment and memory is a fixed ~115 KiB per event
/// loop no matter how long the run is. Max and mean are exact.
struct LatencyRecorder: Sendable {
    private static let subBucketBits = 8
    private static let subBucketCount = 1 << subBucketBits
    /// Values below this get one bucket each.
    private static let linearLimit = UInt64(2 << subBucketBits)
    private static let bucketCount = (64 - subBucketBits) * subBucketCount + subBucketCount

    private(set) var counts = [UInt64](repeating: 0, count: Self.bucketCount)
    private(set) var total: UInt64 = 0
    private(set) var maxNanos: UInt64 = 0
    private(set) var sumNanos: Double = 0

    mutating func record(nanos: UInt64) {
        counts[Self.bucketIndex(nanos)] &+= 1
        total &+= 1
        sumNanos += Double(nanos)
        if nanos > maxNanos { maxNanos = nanos }
    }

    mutating func merge(_ other: LatencyRecorder) {
        for index in counts.indices { counts[index] &+= other.counts[index] }
        total &+= other.total
        sumNanos += other.sumNanos
        maxNanos = max(maxNanos, other.maxNanos)
    }

    /// Latency at or below which `fraction` of recorded requests completed (nearest-rank definition).
    func percentileNanos(_ fraction: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        if fraction >= 1 { return maxNanos }
        let rank = max(1, UInt64((fraction * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen += count
            if seen >= rank { return min(Self.bucketMidpoint(index), maxNanos) }
        }
        return maxNanos
    }

    var meanNanos: Double { total == 0 ? 0 : sumNanos / Double(total) }

    /// Below `linearLimit` the value is its own index. Above, with `e` the top bit's position, the bucket
    /// is (e - subBits) blocks of 256 in, plus the top 9 bits of the value (which lie in 256..<512), so
    /// consecutive octaves tile the index space without gaps.
    private static func bucketIndex(_ value: UInt64) -> Int {
        if value < linearLimit { return Int(value) }
        let shift = (63 - value.leadingZeroBitCount) - subBucketBits
        return (shift << subBucketBits) + Int(truncatingIfNeeded: value >> UInt64(shift))
    }

    private static func bucketMidpoint(_ index: Int) -> UInt64 {
        if index < Int(linearLimit) { return UInt64(index) }
        let shift = (index >> subBucketBits) - 1
        let mantissa = UInt64(index - (shift << subBucketBits))
        return (mantissa << UInt64(shift)) + (UInt64(1) << UInt64(shift)) / 2
    }
}
