/// Checks that need the BibTeX source rather than the model: a `&` or `%` that is not
/// escaped in a field value (LaTeX reads `&` as an alignment tab and `%` as the start of a
/// comment). Verbatim fields (`url`, `doi`, `eprint`, `file`, …) and `\url{…}`/`\href{…}`
/// arguments are skipped: there the characters are literal.
enum BibTeXSourceChecks {
    static let verbatimFields: Set<String> = ["url", "doi", "eprint", "file", "pdf", "verba", "verbb", "verbc", "urlraw", "bdsk-url-1", "bdsk-url-2", "bdsk-file-1"]

    /// Fields the usual styles do not typeset.
    static let untypesetFields: Set<String> = [
        "sorttitle", "indexsorttitle", "indextitle", "sortname", "sortkey", "presort", "sortyear", "sortshorthand",
        "keywords", "abstract", "annote", "annotation", "owner", "timestamp", "groups", "mendeley-tags", "comment",
        "comments", "file", "crossref", "xref", "xdata", "ids", "related",
    ]

    /// The unescaped `&`/`%` in one entry's bytes: offset, character and field name.
    static func unescapedSpecials(in bytes: [UInt8], range: Range<Int>) -> [(offset: Int, char: Character, field: String)] {
        var found: [(Int, Character, String)] = []
        var i = range.lowerBound
        // Skip to the entry's opening delimiter.
        while i < range.upperBound, bytes[i] != UInt8(ascii: "{") && bytes[i] != UInt8(ascii: "(") { i += 1 }
        i += 1
        // Skip the key.
        while i < range.upperBound, bytes[i] != UInt8(ascii: ",") { i += 1 }
        while i < range.upperBound {
            // A field name.
            while i < range.upperBound, !isNameByte(bytes[i]) { i += 1 }
            let nameStart = i
            while i < range.upperBound, isNameByte(bytes[i]) { i += 1 }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self).lowercased()
            while i < range.upperBound, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
            guard i < range.upperBound, bytes[i] == UInt8(ascii: "=") else {
                // Not a field (the closing brace or junk): move on.
                i += 1
                continue
            }
            i += 1
            // The value, up to a comma at the top level.
            var depth = 0
            var inQuotes = false
            var verbatimDepth: Int? = verbatimFields.contains(name) ? 0 : nil
            while i < range.upperBound {
                let b = bytes[i]
                if b == UInt8(ascii: "\\") {
                    // `\url{` / `\href{`: literal inside; any other escape covers the next byte.
                    if verbatimDepth == nil, matches(bytes, i, "\\url{") || matches(bytes, i, "\\href{") {
                        verbatimDepth = depth
                    }
                    i += 2
                    continue
                }
                if b == UInt8(ascii: "{") {
                    depth += 1
                } else if b == UInt8(ascii: "}") {
                    if depth == 0 { break }  // end of the entry
                    depth -= 1
                    if let v = verbatimDepth, depth <= v, !verbatimFields.contains(name) { verbatimDepth = nil }
                } else if b == UInt8(ascii: "\"") && depth == 0 {
                    inQuotes.toggle()
                } else if b == UInt8(ascii: ",") && depth == 0 && !inQuotes {
                    break
                } else if (b == UInt8(ascii: "&") || b == UInt8(ascii: "%")) && (depth > 0 || inQuotes) && verbatimDepth == nil {
                    found.append((i, b == UInt8(ascii: "&") ? "&" : "%", name))
                }
                i += 1
            }
            i += 1
        }
        return found
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        isLetter(b) || isDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b == UInt8(ascii: ".")
            || b == UInt8(ascii: "+")
    }

    private static func matches(_ bytes: [UInt8], _ at: Int, _ text: String) -> Bool {
        let t = Array(text.utf8)
        return at + t.count <= bytes.count && bytes[at..<(at + t.count)].elementsEqual(t)
    }
}
