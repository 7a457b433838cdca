/// A host that is an IP address rather than a name, read the way URL parsers and resolvers read
/// it. An endpoint is chosen by the client, so every spelling that reaches an address counts:
/// `2130706433`, `0x7f.1`, `0177.0.0.1` and `[::ffff:127.0.0.1]` are all 127.0.0.1.
enum IPAddressLiteral: Equatable {
    case v4([UInt8])
    case v6([UInt8])

    /// The address a host spells, or `nil` for a name and for a number-like host no parser
    /// accepts (`1.2.3.4.5`, `999.1.1.1`); `looksNumeric` tells those two apart.
    static func parse(_ host: String) -> IPAddressLiteral? {
        if host.contains(":") { return parseV6(host).map(IPAddressLiteral.v6) }
        return parseV4(host).map(IPAddressLiteral.v4)
    }

    /// WHATWG URL §3.5: a host whose last label is a number is an IPv4 address (and invalid if
    /// it does not parse as one), whatever a resolver might make of it.
    static func looksNumeric(_ host: String) -> Bool {
        guard let last = host.split(separator: ".", omittingEmptySubsequences: false).last, !last.isEmpty else { return false }
        return number(last) != nil
    }

    /// inet_aton's forms: one to four parts, each decimal, octal (leading 0) or hex (0x); the
    /// last part fills the bytes that remain.
    static func parseV4(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = number(part) else { return nil }
            values.append(value)
        }
        guard values.dropLast().allSatisfy({ $0 <= 255 }) else { return nil }
        let remaining = 5 - values.count
        guard let last = values.last, last < (1 << (8 * UInt64(remaining))) else { return nil }
        var bytes = values.dropLast().map { UInt8($0) }
        for shift in stride(from: remaining - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: last >> (8 * UInt64(shift))))
        }
        return bytes
    }

    private static func number(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.count <= 32 else { return nil }
        let lowered = text.lowercased()
        if lowered.hasPrefix("0x") {
            let digits = lowered.dropFirst(2)
            return digits.isEmpty ? 0 : UInt64(digits, radix: 16)
        }
        if lowered.count > 1, lowered.hasPrefix("0") { return UInt64(lowered.dropFirst(), radix: 8) }
        return UInt64(lowered, radix: 10)
    }

    /// RFC 4291 §2.2 text forms, including `::` and a dotted IPv4 tail; 16 bytes.
    static func parseV6(_ host: String) -> [UInt8]? {
        var text = Substring(host)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseDottedQuad(piece) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    result.append(value)
                }
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Inside IPv6 only the plain dotted form is valid.
    private static func parseDottedQuad(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { part -> UInt8? in
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII) else { return nil }
            return UInt8(part)
        }
        return bytes.count == 4 ? bytes : nil
    }

    /// What makes the address unfit for a push endpoint — loopback, private, link-local and the
    /// like — or `nil` for an ordinary public address.
    var specialUse: String? {
        switch self {
        case .v4(let bytes): Self.specialUseV4(bytes)
        case .v6(let bytes): Self.specialUseV6(bytes)
        }
    }

    private static func specialUseV4(_ b: [UInt8]) -> String? {
        switch (b[0], b[1], b[2]) {
        case (0, _, _): "an unspecified (0.0.0.0/8) address"
        case (127, _, _): "a loopback address"
        case (10, _, _), (172, 16...31, _), (192, 168, _): "a private address"
        case (100, 64...127, _): "a carrier-grade NAT (100.64.0.0/10) address"
        // 169.254.169.254 is where cloud metadata services hand out credentials.
        case (169, 254, _): "a link-local address"
        case (192, 0, 0): "an IETF protocol (192.0.0.0/24) address"
        case (198, 18...19, _): "a benchmarking (198.18.0.0/15) address"
        case (224...239, _, _): "a multicast address"
        case (240...255, _, _): "a reserved or broadcast address"
        default: nil
        }
    }

    private static func specialUseV6(_ b: [UInt8]) -> String? {
        let embedded = Array(b[12..<16])
        if b.allSatisfy({ $0 == 0 }) { return "an unspecified (::) address" }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return "a loopback address" }
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) reach the IPv4 address inside.
        if b[0..<10].allSatisfy({ $0 == 0 }) && ((b[10] == 0xFF && b[11] == 0xFF) || (b[10] == 0 && b[11] == 0)) {
            return specialUseV4(embedded).map { "\($0) (IPv4 inside IPv6)" }
        }
        // 64:ff9b::/96, NAT64: a gateway forwards to the IPv4 address inside.
        if b[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] {
            return specialUseV4(embedded).map { "\($0) (through NAT64)" }
        }
        // 2002::/16, 6to4: the next four bytes are an IPv4 address.
        if b[0] == 0x20 && b[1] == 0x02 {
            return specialUseV4(Array(b[2..<6])).map { "\($0) (through 6to4)" }
        }
        switch b[0] {
        case 0xFC, 0xFD: return "a unique local (fc00::/7) address"
        case 0xFE where b[1] & 0xC0 == 0x80: return "a link-local (fe80::/10) address"
        case 0xFE where b[1] & 0xC0 == 0xC0: return "a site-local (fec0::/10) address"
        case 0xFF: return "a multicast address"
        default: return nil
        }
    }
}
