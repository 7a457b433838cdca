import Foundation

/// An email address (an RFC 5322 addr-spec such as `help@example.com`) with an optional display
/// name, as written in From, To and Reply-To. Only dot-atom local parts and ASCII domains are
/// accepted: that is what every SMTP server takes without the SMTPUTF8 extension, and it keeps
/// the envelope (MAIL FROM, RCPT TO) free of anything that would need quoting.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The addr-spec, `local@domain`.
    public let address: String
    /// The name shown beside the address ("Acme Support"); any Unicode text.
    public let name: String?

    /// Nil when `address` is not a plain `local@domain` address.
    public init?(_ address: String, name: String? = nil) {
        guard Self.isValid(address) else { return nil }
        self.address = address
        self.name = name.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Reads `help@example.com`, `Acme Support <help@example.com>` or `"Acme, Inc." <help@example.com>`.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            self.init(trimmed)
            return
        }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast())
        }
        self.init(address, name: name)
    }

    /// The part after the `@`.
    public var domain: Substring { address[address.index(after: address.lastIndex(of: "@")!)...] }

    public var description: String { name.map { "\($0) <\(address)>" } ?? address }

    private static let localSymbols = Set("!#$%&'*+-/=?^_`{|}~.".unicodeScalars)

    static func isValid(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.utf8.count <= 254, parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        guard (1...64).contains(local.utf8.count), isDotSeparated(local), isDotSeparated(domain) else { return false }
        let localOK = local.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || localSymbols.contains($0) }
        let domainOK = domain.split(separator: ".").allSatisfy { label in
            label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" }
        }
        return localOK && domainOK
    }

    /// Non-empty, and no leading, trailing or doubled dot.
    private static func isDotSeparated(_ text: Substring) -> Bool {
        !text.isEmpty && !text.hasPrefix(".") && !text.hasSuffix(".") && !text.contains("..")
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}

