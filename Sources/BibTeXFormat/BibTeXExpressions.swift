import BibModel
import OrderedCollections

/// BibTeX value expressions held as text (`jmlr`, `"Proc. " # conf`, `{IEEE}`): the
/// `@string` values in ``CollectionMetadata/macros`` and the `bibtex-macro:` extras.
enum BibTeXExpressions {
    /// The macro table of a library: month macros first, then each `@string` in order,
    /// expanded with the macros before it. Keys are lower case.
    static func macroTable(_ macros: OrderedDictionary<String, String>) -> [String: [UInt8]] {
        var table: [String: [UInt8]] = [:]
        guard !macros.isEmpty else { return table }
        for (index, name) in BibTeXDates.monthMacros.enumerated() {
            table[name] = Array(BibTeXDateReading.monthNames[index].utf8)
        }
        for (name, value) in macros {
            table[name.lowercased()] = expand(value, macros: table) ?? Array(value.utf8)
        }
        return table
    }

    /// The expansion of an expression: braced and quoted pieces without their delimiters,
    /// numbers as written, macros by `macros` (month macros built in; an undefined name stands
    /// for itself, as the reader keeps it). Nil when the text is not an expression.
    static func expand(_ expression: String, macros: [String: [UInt8]]) -> [UInt8]? {
        let bytes = Array(("@string{x = " + expression + "}").utf8)
        var diagnostics = Diagnostics()
        let document = BibTeXScanner.scan(bytes, lines: LineIndex(file: "", bytes: bytes), diagnostics: &diagnostics)
        guard !diagnostics.hasErrors, document.blocks.count == 1, case .string(let field, _)? = document.blocks.first else {
            return nil
        }
        var out: [UInt8] = []
        for piece in field.value.pieces {
            switch piece.kind {
            case .braced, .quoted, .number:
                out.append(contentsOf: bytes[piece.content])
            case .macro:
                let name = String(decoding: bytes[piece.content], as: UTF8.self).lowercased()
                if let expansion = macros[name] {
                    out.append(contentsOf: expansion)
                } else if let month = BibTeXDates.monthMacros.firstIndex(of: name) {
                    out.append(contentsOf: BibTeXDateReading.monthNames[month].utf8)
                } else {
                    out.append(contentsOf: bytes[piece.content])
                }
            }
        }
        return out
    }
}
