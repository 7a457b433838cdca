import Foundation

/// A canned response's text: literal runs and variables. `{{contact.name}}` is replaced by the
/// value; `{{contact.name|there}}` by the value, or `there` when there is none. Spaces inside
/// the braces are ignored. Parsing refuses an unknown variable or a `{{` never closed, so an
/// admin learns of a typo when saving rather than a customer when reading.
public struct CannedTemplate: Sendable, Equatable {
    public enum Piece: Sendable, Equatable {
        case text(String)
        /// `fallback` is "" when the text gives none.
        case variable(CannedVariable, fallback: String)
    }

    /// Why a text is not a template, for a message naming the field it came from.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public let pieces: [Piece]

    public init(_ text: String) throws(Problem) {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                let offset = text.distance(from: text.startIndex, to: open.lowerBound) + 1
                throw Problem(description: "the '{{' at character \(offset) is never closed with '}}'")
            }
            let inside = rest[open.upperBound..<close.lowerBound]
            let (name, fallback) = inside.firstIndex(of: "|").map { (inside[..<$0], inside[inside.index(after: $0)...]) } ?? (inside, "")
            let trimmedName = name.trimmingCharacters(in: .whitespaces)
            guard let variable = CannedVariable(rawValue: trimmedName) else {
                throw Problem(description: "unknown variable {{\(trimmedName)}}; use \(CannedVariable.names)")
            }
            pieces.append(.variable(variable, fallback: fallback.trimmingCharacters(in: .whitespaces)))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    /// The variables the text uses, each once, in order of first use.
    public var variables: [CannedVariable] {
        var seen: [CannedVariable] = []
        for case .variable(let variable, _) in pieces where !seen.contains(variable) { seen.append(variable) }
        return seen
    }

    /// The text with `values` filled in. A variable without a value (absent or empty) becomes its
    /// fallback, or nothing; `missing` lists those variables, so the workbench can warn before sending.
    public func render(_ values: [CannedVariable: String]) -> (text: String, missing: [CannedVariable]) {
        var text = ""
        var missing: [CannedVariable] = []
        for piece in pieces {
            switch piece {
            case .text(let literal):
                text += literal
            case .variable(let variable, let fallback):
                if let value = values[variable], !value.isEmpty {
                    text += value
                } else {
                    text += fallback
                    if !missing.contains(variable) { missing.append(variable) }
                }
            }
        }
        return (text, missing)
    }
}
