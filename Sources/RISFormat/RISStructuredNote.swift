import BibModel

/// Machine-readable `N1` notes: `namespace:name: value`, one per line.
///
/// The writer uses them for whatever RIS has no tag for, so that nothing is lost and
/// bibkit reads it back into the same place:
/// - model data without a RIS tag, in the `bibkit` namespace: `bibkit:medium: CD`
///   (a ``Field`` by its CSL name), `bibkit:date.original-date: 1999`,
///   `bibkit:role.director: Kubrick, Stanley`, `bibkit:id.pmid: 12345`,
///   `bibkit:container.number: 3`, `bibkit:series.number: 12`, `bibkit:type: article`,
///   `bibkit:type-genre: phd`, `bibkit:et-al: author` (a truncated list), `bibkit:no-title: true`,
///   `bibkit:title.alone: Title` and `bibkit:container.title.alone: …` (the title without the
///   biblatex subtitle parts the writer joined to `TI` or to the container's title);
/// - extras of other formats verbatim under their own key: `bibtex:timestamp: 2020-01-01`;
/// - `ris:` extras whose tag RIS clients would reject (unknown tags, a second value of a
///   single-valued tag, a malformed date): `ris:NL: Clin Psychol`.
///
/// Any other note is ordinary text.
enum RISStructuredNote {
    /// Parses `ns:name: value`; nil for an ordinary note.
    static func parse(_ note: String) -> (key: FieldKey, value: String)? {
        let b = Array(note.utf8)
        guard let first = b.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return nil }
        var i = 0
        while i < b.count, isNamespaceByte(b[i]) { i += 1 }
        guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
        let nsEnd = i
        i += 1
        let nameStart = i
        i = nameEnd(b, from: i)
        guard i > nameStart, i + 1 < b.count, b[i] == UInt8(ascii: ":"), b[i + 1] == UInt8(ascii: " ") else {
            // `ns:name:` with an empty value.
            guard i > nameStart, i + 1 == b.count, b[i] == UInt8(ascii: ":") else { return nil }
            return (key(b, nsEnd, nameStart, i), "")
        }
        let value = String(decoding: b[(i + 2)...], as: UTF8.self)
        return (key(b, nsEnd, nameStart, i), value)
    }

    private static func key(_ b: [UInt8], _ nsEnd: Int, _ nameStart: Int, _ nameEnd: Int) -> FieldKey {
        FieldKey(String(decoding: b[0..<nsEnd], as: UTF8.self), String(decoding: b[nameStart..<nameEnd], as: UTF8.self))
    }

    private static func isNamespaceByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
            || c == UInt8(ascii: "-")
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
            || c == UInt8(ascii: ".") || c == UInt8(ascii: "#")
    }

    /// Where a name starting at `start` ends: name bytes, `+`, and a `:` between them
    /// (biblatex annotations: `author+an:role`).
    private static func nameEnd(_ b: [UInt8], from start: Int) -> Int {
        var i = start
        while i < b.count {
            if isNameByte(b[i]) || b[i] == UInt8(ascii: "+") {
                i += 1
            } else if b[i] == UInt8(ascii: ":"), i > start, i + 1 < b.count,
                isNameByte(b[i + 1]) || b[i + 1] == UInt8(ascii: "+")
            {
                i += 1
            } else {
                break
            }
        }
        return i
    }

    /// True when a key's name can be written and read back (`[A-Za-z0-9_.#+-]+`, segments
    /// joined by `:`).
    static func isWritableName(_ name: String) -> Bool {
        let b = Array(name.utf8)
        return !b.isEmpty && b.last != UInt8(ascii: ":") && nameEnd(b, from: 0) == b.count
    }

    /// Formats a note.
    static func format(_ key: FieldKey, _ value: String) -> String {
        "\(key.namespace):\(key.name): \(value)"
    }

    /// The `bibkit` namespace.
    static let ns = "bibkit"
}
