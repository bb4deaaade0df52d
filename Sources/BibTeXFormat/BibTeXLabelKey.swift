import BibModel

/// The `key` field the BibTeX writer gives an entry that has neither `author` nor `editor`.
///
/// BibTeX's standard styles use `key` "for alphabetizing, cross referencing, and creating a
/// label when the author information is missing" (btxdoc); natbib's styles (plainnat,
/// unsrtnat, abbrvnat) print it in place of the missing authors, in the citation and in the
/// list. Without it those styles label the entry with the first three letters of its citation
/// key, and more than 26 entries with one label (`rec` for `record`, `recorda`, …) run the
/// `a`, `b`, … suffixes past `z`: BibTeX stops with "isn't valid ASCII" and LaTeX with
/// unbalanced braces.
///
/// The key is what a reader would take for the author: the organisation (or institution),
/// else the first words of the title, else the citation key, folded to ASCII letters and
/// digits separated by spaces (nothing LaTeX could trip on) and without a leading article.
/// When more than ``maxSameLabel`` entries of a library would get the same key, the later
/// ones get their citation key appended, so natbib's suffixes never run out.
///
/// It is derived from the written fields only, so the reader can recognise it: a `key`
/// equal to what ``base(field:citationKey:)`` derives from the entry it reads (either form) is
/// dropped, and not lent to `crossref` children (``isGenerated(_:in:)``); writing the entry
/// again gives it back. A key a user wrote is kept (and lent, as BibTeX does).
enum BibTeXLabelKey {
    /// natbib's `a`…`z` suffixes.
    static let maxSameLabel = 26

    /// Whether an entry of this (lower-case) type whose fields are `hasField` (lower-case
    /// name) gets a key: no `author`, `editor`, `key` of its own, no `crossref` (the standard
    /// styles print a key in place of the parent's name there), and not a `@misc` with none
    /// of the fields plain.bst prints (it warns "all relevant fields are empty" when such an
    /// entry has a key).
    static func isWanted(type: String, hasField: (String) -> Bool) -> Bool {
        if hasField("author") || hasField("editor") || hasField("key") || hasField("crossref") { return false }
        if type == "misc" && !["title", "howpublished", "month", "year", "note"].contains(where: hasField) {
            return false
        }
        return true
    }

    /// The key before the library-wide uniqueness step; nil when nothing gives a word.
    /// `field` gives a written field's LaTeX value (nil when absent or written as a macro).
    static func base(field: (String) -> [UInt8]?, citationKey: String) -> String? {
        for (name, limit) in [("organization", 6), ("institution", 6), ("title", 4)] {
            guard let value = field(name) else { continue }
            let plain = value.withUnsafeBufferPointer { LaTeXDecoder.plain($0) }.0
            var w = words(plain)
            if w.count > 1, ["a", "an", "the"].contains(w[0].lowercased()) { w.removeFirst() }
            if !w.isEmpty { return w.prefix(limit).joined(separator: " ") }
        }
        let fromKey = words(citationKey)
        return fromKey.isEmpty ? nil : fromKey.joined(separator: " ")
    }

    /// The form given to the entries past the first ``maxSameLabel`` with one base.
    static func disambiguated(_ base: String, citationKey: String) -> String {
        let fromKey = words(citationKey)
        return fromKey.isEmpty ? base : base + " " + fromKey.joined(separator: " ")
    }

    /// Whether `value` (white space collapsed) is the key the writer generates for this
    /// entry as read: its own fields only, not those a `crossref` parent lends.
    static func isGenerated(_ value: String, in entry: ResolvedEntry) -> Bool {
        guard let citationKey = entry.key else { return false }
        let own = entry.fields.filter { !$0.inherited }
        func field(_ name: String) -> [UInt8]? {
            guard let f = own.first(where: { $0.lower == name }), f.expression == nil else { return nil }
            return Array(f.value)
        }
        guard isWanted(type: entry.type.lowercased(), hasField: { name in name != "key" && own.contains { $0.lower == name } }),
            let base = base(field: field, citationKey: citationKey)
        else { return false }
        return value == base || value == disambiguated(base, citationKey: citationKey)
    }

    /// ASCII letters and digits of the text, in words (any other character separates).
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current: [UInt8] = []
        for b in text.asciiFolded.utf8 {
            if isASCIIAlnum(b) {
                current.append(b)
            } else if !current.isEmpty {
                out.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)) }
        return out
    }

    private static func isASCIIAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }
}
