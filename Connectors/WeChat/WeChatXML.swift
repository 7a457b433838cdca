import CExpat

/// A WeChat callback document: `<xml>` with one level of named fields (text or CDATA), and a
/// few events nest one level deeper (`ScanCodeInfo/ScanResult`), kept as `Parent/Child`.
///
/// Parsed by libexpat with every declaration refused: a document that carries a DTD or an
/// entity declaration is rejected before anything could be expanded or fetched, so XXE and
/// entity-expansion bombs never get a chance; no callback WeChat sends has either.
public struct WeChatXML: Sendable, Equatable {
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case tooLarge(limit: Int)
        case declarationsRefused
        case malformed(String)
        case unexpectedRoot(String)

        public var description: String {
            switch self {
            case .tooLarge(let limit): "the XML document is larger than \(limit) bytes"
            case .declarationsRefused: "the XML document carries a DOCTYPE or ENTITY declaration, which WeChat never sends"
            case .malformed(let detail): "the body is not well-formed XML: \(detail)"
            case .unexpectedRoot(let name): "the XML root element is <\(name)>, expected <xml>"
            }
        }
    }

    /// Callbacks are a few hundred bytes; anything near this is not from WeChat.
    public static let maximumSize = 64 * 1024

    public private(set) var fields: [String: String]

    public subscript(_ name: String) -> String? { fields[name] }

    public init(fields: [String: String]) {
        self.fields = fields
    }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> WeChatXML {
        guard bytes.count <= maximumSize else { throw .tooLarge(limit: maximumSize) }
        let collector = FieldCollector()
        guard let parser = XML_ParserCreate(nil) else { throw .malformed("the parser could not be created") }
        defer { XML_ParserFree(parser) }
        collector.parser = parser
        let context = Unmanaged.passUnretained(collector).toOpaque()
        XML_SetUserData(parser, context)
        XML_SetElementHandler(parser, FieldCollector.didStart, FieldCollector.didEnd)
        XML_SetCharacterDataHandler(parser, FieldCollector.didRead)
        XML_SetStartDoctypeDeclHandler(parser, FieldCollector.didSeeDoctype)
        XML_SetEntityDeclHandler(parser, FieldCollector.didSeeEntity)

        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                XML_Parse(parser, chars.baseAddress, Int32(chars.count), 1)
            }
        }
        if collector.sawDeclaration { throw .declarationsRefused }
        guard status == XML_STATUS_OK else {
            let reason = XML_ErrorString(XML_GetErrorCode(parser)).map { String(cString: $0) } ?? "unknown error"
            throw .malformed("\(reason) at line \(XML_GetCurrentLineNumber(parser))")
        }
        if let root = collector.root, root != "xml" { throw .unexpectedRoot(root) }
        return WeChatXML(fields: collector.fields)
    }
}

/// Receives expat's callbacks for one parse; lives only for the duration of `parse`, on the
/// calling thread, which is why it needs no synchronization.
private final class FieldCollector {
    var root: String?
    var path: [String] = []
    var text: [UInt8] = []
    var fields: [String: String] = [:]
    var sawDeclaration = false
    var parser: XML_Parser?

    static let didStart: XML_StartElementHandler = { context, name, _ in
        guard let context, let name else { return }
        let collector = Unmanaged<FieldCollector>.fromOpaque(context).takeUnretainedValue()
        let element = String(cString: name)
        if collector.root == nil { collector.root = element } else { collector.path.append(element) }
        collector.text.removeAll(keepingCapacity: true)
    }

    static let didEnd: XML_EndElementHandler = { context, _ in
        guard let context else { return }
        let collector = Unmanaged<FieldCollector>.fromOpaque(context).takeUnretainedValue()
        guard !collector.path.isEmpty else { return }
        let key = collector.path.joined(separator: "/")
        // The first occurrence wins: a repeated field never overrides what was read first.
        if collector.fields[key] == nil {
            collector.fields[key] = String(decoding: collector.text, as: UTF8.self)
        }
        collector.path.removeLast()
        collector.text.removeAll(keepingCapacity: true)
    }

    static let didRead: XML_CharacterDataHandler = { context, characters, length in
        guard let context, let characters, length > 0 else { return }
        let collector = Unmanaged<FieldCollector>.fromOpaque(context).takeUnretainedValue()
        characters.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { bytes in
            collector.text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(length)))
        }
    }

    static let didSeeDoctype: XML_StartDoctypeDeclHandler = { context, _, _, _, _ in
        refuse(context)
    }

    static let didSeeEntity: XML_EntityDeclHandler = { context, _, _, _, _, _, _, _, _ in
        refuse(context)
    }

    private static func refuse(_ context: UnsafeMutableRawPointer?) {
        guard let context else { return }
        let collector = Unmanaged<FieldCollector>.fromOpaque(context).takeUnretainedValue()
        collector.sawDeclaration = true
        // Stop at the declaration itself, before anything it declares could be expanded.
        if let parser = collector.parser { XML_StopParser(parser, XML_FALSE) }
    }
}
