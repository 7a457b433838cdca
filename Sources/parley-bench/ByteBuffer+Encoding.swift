import Foundation
import NIOCore

/// Numbers and signatures written straight into the request buffer as ASCII. Going through `String`
/// (or Foundation's `base64EncodedString`) would allocate on every request of the hot loop.
extension ByteBuffer {
    static func decimalDigitCount(_ value: UInt64) -> Int {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    /// ASCII decimal, as short as the value needs.
    mutating func writeDecimal(_ value: UInt64) {
        let count = Self.decimalDigitCount(value)
        writeWithUnsafeMutableBytes(minimumWritableBytes: count) { bytes in
            var rest = value
            for index in stride(from: count - 1, through: 0, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            return count
        }
    }

    /// `value` as exactly `count` lowercase hex digits (leading zeros kept, high bits beyond dropped).
    mutating func writeHex(_ value: UInt64, digits count: Int) {
        writeDigits(of: value, count: count, bitsPerDigit: 4, alphabet: Self.hexDigits)
    }

    /// `value` as exactly `count` digits of Crockford's base 32, the alphabet of ULIDs.
    mutating func writeCrockford(_ value: UInt64, digits count: Int) {
        writeDigits(of: value, count: count, bitsPerDigit: 5, alphabet: Self.crockfordDigits)
    }

    /// Every byte as two lowercase hex digits (Meta's `sha256=<hex>`).
    mutating func writeLowercaseHex(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { input in
            _ = writeWithUnsafeMutableBytes(minimumWritableBytes: input.count * 2) { output in
                for (index, byte) in input.enumerated() {
                    output[2 * index] = Self.hexDigits[Int(byte >> 4)]
                    output[2 * index + 1] = Self.hexDigits[Int(byte & 0x0F)]
                }
                return input.count * 2
            }
        }
    }

    /// Standard Base64 with `=` padding (LINE's and Twilio's signatures).
    mutating func writeBase64(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { input in
            let length = (input.count + 2) / 3 * 4
            _ = writeWithUnsafeMutableBytes(minimumWritableBytes: length) { output in
                var written = 0
                var index = 0
                while index < input.count {
                    let remaining = input.count - index
                    let b0 = UInt32(input[index])
                    let b1 = remaining > 1 ? UInt32(input[index + 1]) : 0
                    let b2 = remaining > 2 ? UInt32(input[index + 2]) : 0
                    let triple = b0 << 16 | b1 << 8 | b2
                    output[written] = Self.base64Digits[Int(triple >> 18 & 0x3F)]
                    output[written + 1] = Self.base64Digits[Int(triple >> 12 & 0x3F)]
                    output[written + 2] = remaining > 1 ? Self.base64Digits[Int(triple >> 6 & 0x3F)] : UInt8(ascii: "=")
                    output[written + 3] = remaining > 2 ? Self.base64Digits[Int(triple & 0x3F)] : UInt8(ascii: "=")
                    written += 4
                    index += 3
                }
                return length
            }
        }
    }

    /// The low `count × bitsPerDigit` bits of `value`, most significant digit first.
    private mutating func writeDigits(of value: UInt64, count: Int, bitsPerDigit: UInt64, alphabet: [UInt8]) {
        let mask: UInt64 = (1 << bitsPerDigit) - 1
        writeWithUnsafeMutableBytes(minimumWritableBytes: count) { bytes in
            var rest = value
            for index in stride(from: count - 1, through: 0, by: -1) {
                bytes[index] = alphabet[Int(rest & mask)]
                rest >>= bitsPerDigit
            }
            return count
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let crockfordDigits = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let base64Digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
}
