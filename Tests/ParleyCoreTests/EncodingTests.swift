import Foundation
import ParleyCore
import Testing

@Suite("Hand-written encoders")
struct EncodingTests {
    @Test func base64URLMatchesFoundationWithoutPaddingOrUnsafeCharacters() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 251) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected, "length \(length)")
        }
    }

    @Test func base64URLDecodesWhatItEncodesAndWhatFoundationEncodes() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 53 &+ 7) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes, "length \(length)")
            let padded = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            #expect(Base64URL.decode(padded) == bytes, "padded, length \(length)")
        }
    }

    @Test func base64URLRefusesTheStandardAlphabetStrayCharactersAndImpossibleLengths() {
        #expect(Base64URL.decode("ab+c") == nil)
        #expect(Base64URL.decode("ab/c") == nil)
        #expect(Base64URL.decode("ab c") == nil)
        #expect(Base64URL.decode("abcde") == nil)
        #expect(Base64URL.decode("a=bc") == nil)
        #expect(Base64URL.decode("ab===") == nil)
        #expect(Base64URL.decode("_-8") == [0xFF, 0xEF])
        #expect(Base64URL.decode("") == [])
    }

    @Test func jsonTextRoundTripsThroughAJSONParser() throws {
        let samples = ["plain", "quote \" and \\ backslash", "line\nbreak\ttab\r", "\u{01}\u{1F}", "中文 😀", "\u{2028}", "</script>"]
        for sample in samples {
            let document = "[\(JSONText.quoted(sample))]"
            let parsed = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String]
            #expect(parsed == [sample], "\(document)")
        }
        #expect(JSONText.quoted("中文 plain") == "\"中文 plain\"")
        #expect(JSONText.quoted("a\u{2028}b\u{2029}") == #""a\u2028b\u2029""#, "line separators stay escaped for script contexts")
        #expect(JSONText.quoted("\u{E2}\u{80}") == "\"\u{E2}\u{80}\"", "scalars whose UTF-8 only resembles E2 80 are not escaped")
    }

    @Test func bearerTokenIsReadWhateverTheSchemeCase() {
        #expect(BearerToken.parse("Bearer abc.def") == "abc.def")
        #expect(BearerToken.parse("bearer abc") == "abc")
        #expect(BearerToken.parse("BEARER  abc ") == "abc")
        #expect(BearerToken.parse("Bearer ") == nil)
        #expect(BearerToken.parse("Basic dXNlcjpwYXNz") == nil)
        #expect(BearerToken.parse(nil) == nil)
    }
}
