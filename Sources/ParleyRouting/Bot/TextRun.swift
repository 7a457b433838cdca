/// One piece of folded text: a word of letters and digits, or a run of CJK characters.
///
/// `TextRun.split(_:)` is the one place where customer text is folded, so FAQ questions, customer
/// messages and hand-over phrases are all compared in the same form:
/// - full-width ASCII forms (U+FF01–U+FF5E, e.g. `ＲＥＦＵＮＤ`, `１２３`, `？`) become their ASCII
///   counterparts and the ideographic space U+3000 a space — the part of NFKC that Chinese input
///   methods produce;
/// - letters are lower-cased;
/// - a run of letters, digits and combining marks is one word (`iPhone15` is `iphone15`); an
///   apostrophe inside a word is dropped, so `don't` is `dont` and `customer's` is `customers`;
/// - a run of Han ideographs, kana or Hangul syllables is a CJK run, since those scripts do not put
///   spaces between words;
/// - everything else (spaces, punctuation of any width, symbols, emoji) only separates runs.
enum TextRun: Equatable, Sendable {
    case word(String)
    case cjk([Unicode.Scalar])

    static func split(_ text: String) -> [TextRun] {
        var runs: [TextRun] = []
        var word = ""
        var cjk: [Unicode.Scalar] = []

        func closeWord() {
            if !word.isEmpty { runs.append(.word(word)) }
            word = ""
        }
        func closeCJK() {
            if !cjk.isEmpty { runs.append(.cjk(cjk)) }
            cjk = []
        }

        for original in text.unicodeScalars {
            let scalar = folded(original)
            switch kind(of: scalar) {
            case .wordPart:
                closeCJK()
                word.unicodeScalars.append(contentsOf: lowercased(scalar))
            case .mark:
                // A combining mark belongs to the letter before it; on its own it is nothing.
                if !word.isEmpty { word.unicodeScalars.append(scalar) }
            case .apostrophe:
                // Dropped without ending the word: "don't" and "dont" are typed interchangeably.
                if word.isEmpty { closeCJK() }
            case .cjk:
                closeWord()
                cjk.append(scalar)
            case .separator:
                closeWord()
                closeCJK()
            }
        }
        closeWord()
        closeCJK()
        return runs
    }

    private enum ScalarKind { case wordPart, mark, apostrophe, cjk, separator }

    private static func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0xFF01...0xFF5E: Unicode.Scalar(UInt8(scalar.value - 0xFEE0))
        case 0x3000: " "
        default: scalar
        }
    }

    private static func kind(of scalar: Unicode.Scalar) -> ScalarKind {
        if scalar.isASCII {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9": return .wordPart
            case "'": return .apostrophe
            default: return .separator
            }
        }
        if isCJK(scalar) { return .cjk }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return .wordPart
        case .nonspacingMark, .spacingMark:
            return .mark
        default:
            return scalar == "\u{2019}" ? .apostrophe : .separator
        }
    }

    /// Han ideographs (all planes, and compatibility ideographs), kana and Hangul syllables.
    private static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30FB: false  // katakana middle dot: punctuation
        case 0x3041...0x30FF, 0x31F0...0x31FF, 0xAC00...0xD7A3: true
        default: scalar.properties.isIdeographic
        }
    }

    private static func lowercased(_ scalar: Unicode.Scalar) -> String.UnicodeScalarView {
        if scalar.isASCII {
            guard ("A"..."Z").contains(scalar) else { return String.UnicodeScalarView([scalar]) }
            return String.UnicodeScalarView([Unicode.Scalar(UInt8(scalar.value + 32))])
        }
        return scalar.properties.lowercaseMapping.unicodeScalars
    }
}
