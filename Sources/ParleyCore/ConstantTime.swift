/// Compares secrets without leaking, through timing, how many leading bytes matched.
public enum ConstantTime {
    /// Concrete over byte arrays rather than generic over collections: an unspecialized generic
    /// across the module boundary cost more than the HMAC it guards (seen in profiles).
    @inlinable
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        lhs.withUnsafeBufferPointer { left in
            rhs.withUnsafeBufferPointer { right in
                for index in 0..<left.count { difference |= left[index] ^ right[index] }
            }
        }
        return difference == 0
    }

    @inlinable
    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        equals(Array(lhs.utf8), Array(rhs.utf8))
    }
}
