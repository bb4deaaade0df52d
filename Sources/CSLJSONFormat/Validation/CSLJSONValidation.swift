import BibModel

/// Checks CSL-JSON against a JSON Schema — bibkit's own (`BibSchemas.cslJSON`) for
/// `--validate`, or the official `csl-data.json` — and reports each violation as an error
/// diagnostic with the JSON path of the value and its line and column.
///
/// The validator implements the draft-07 keywords these schemas use (see
/// ``supportedKeywords``); a schema needing anything else is reported, never half-checked.
public enum CSLJSONValidation {
    /// The JSON Schema assertion keywords implemented.
    public static var supportedKeywords: Set<String> { JSONSchema.assertions }

    /// Validates a CSL-JSON document against a schema.
    /// - Parameters:
    ///   - document: the CSL-JSON bytes (e.g. what ``CSLJSONWriter`` wrote).
    ///   - schema: the schema bytes (e.g. `BibSchemas.cslJSON`).
    ///   - source: the name used in locations (`<output>`, a path).
    ///   - limit: the most violations reported (the rest are counted in one note).
    /// - Returns: one `csl.schema` error per violation; a `csl.syntax` error when the
    ///   document is not JSON; a `csl.bad-schema` error when the schema cannot be used.
    public static func validate(
        _ document: [UInt8], against schema: [UInt8], source: String = "<output>", limit: Int = 200
    ) -> Diagnostics {
        var diagnostics = Diagnostics()
        let schemaModel: JSONSchema
        do {
            schemaModel = try JSONSchema(bytes: schema)
        } catch {
            let lines = LineIndex(file: "<schema>", bytes: schema)
            diagnostics.error("csl.bad-schema", "the schema cannot be used: \(error.message)", at: lines.location(ofOffset: error.offset))
            return diagnostics
        }
        let lines = LineIndex(file: source, bytes: document)
        var parser = JSONParser(bytes: document)
        if document.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
        let root: JSONNode
        do {
            root = try parser.parseValue()
            parser.skipWhitespace()
            if !parser.atEnd {
                diagnostics.error("csl.syntax", "unexpected data after the JSON document", at: lines.location(ofOffset: parser.position))
            }
        } catch {
            diagnostics.error("csl.syntax", "not valid JSON: \(error.message)", at: lines.location(ofOffset: error.offset))
            return diagnostics
        }
        for r in parser.repaired {
            diagnostics.error("csl.syntax", "not valid JSON: \(r.message)", at: lines.location(ofOffset: r.offset))
        }
        let violations = schemaModel.validate(root)
        let items = root.elements
        for v in violations.prefix(limit) {
            let shown = v.path.isEmpty ? "the document" : (v.path.hasPrefix(".") ? String(v.path.dropFirst()) : v.path)
            diagnostics.report(Diagnostic(
                .error, code: "csl.schema", message: "`\(shown)`: \(v.message)",
                location: lines.location(ofOffset: v.offset), entryKey: entryKey(for: v.path, in: items),
                field: v.path.isEmpty ? nil : shown))
        }
        if violations.count > limit {
            diagnostics.note("csl.schema", "\(violations.count - limit) more schema violation(s) not shown")
        }
        return diagnostics
    }

    /// The `id` of the item a path like `[3].author` points into.
    private static func entryKey(for path: String, in items: [JSONNode]?) -> String? {
        guard let items, path.hasPrefix("["), let close = path.firstIndex(of: "]"),
            let i = Int(path[path.index(after: path.startIndex)..<close]), items.indices.contains(i)
        else { return nil }
        return items[i]["id"]?.scalarText
    }
}
