import BibKit

/// An entry flattened to `path = value` pairs, so two entries can be compared on the values a
/// pair of formats can both hold.
///
/// Paths name the model's parts: `type`, `title`, `author[0]`, `author.etal`, `date:issued`,
/// `container.title`, `container.editor[1]`, `series.number`, `field:volume`, `id:doi[0]`,
/// `link[0]`, `abstract`, `keyword[2]`, `language`, `note[0]`, `extra:bibtex:timestamp`. A
/// comparison drops the paths a format cannot hold (``Projection/excluding``) and, where a
/// format keeps words but not formatting, compares rich text as plain text.
struct Projection: Sendable {
    /// How rich text is compared.
    enum TextForm: Sendable {
        /// Every inline kind and its nesting (`<i>…</i>`, `{…}` for case protection, `$…$`).
        case markup
        /// Formatting and math kept; raw LaTeX, link targets and monospace become their text
        /// (CSL-JSON and RIS markup have no place for them).
        case portable
        /// As ``portable``, without case protection either (JATS has no "no case change").
        case portableWithoutCaseProtection
        /// The words only.
        case plain
    }

    /// How rich text is compared.
    var text: TextForm = .markup
    /// Path prefixes left out (a path is left out when it starts with one of them).
    var excluding: [String] = []
    /// Names compare with their particles folded into the family name (JATS has one surname).
    var foldParticles = false
    /// ISBNs and ISSNs of the work, its container and series compare as one set of standard
    /// numbers (RIS has one `SN` tag for both; the reader tells them apart by their shape).
    var mergeStandardNumbers = false
    /// Links compare by URL only, not by kind (RIS `UR`/`L1`/`L2` do not say which is the file).
    var linkKinds = true
    /// Keys compare only when the first entry's key is an XML name (JATS `ref id`s must be).
    var keysAsXMLIDs = false

    /// The values of an entry, keyed by path.
    func values(_ e: Entry) -> [String: String] {
        var out: [String: String] = [:]
        out["type"] = e.type.kind.rawValue
        if let genre = e.type.genre { out["genre"] = genre }
        if let key = e.key { out["key"] = key }
        put(&out, "title", e.title)
        put(&out, "title-short", e.shortTitle)
        for (role, list) in e.contributors { names(&out, role.rawValue, list) }
        for (role, date) in e.dates { out["date:" + role.rawValue] = Self.date(date) }
        level(&out, "container", e.container)
        level(&out, "series", e.series)
        for (field, value) in e.fields { out["field:" + field.rawValue] = value }
        identifiers(&out, "id", e.identifiers)
        if mergeStandardNumbers {
            let levels = [e.identifiers, e.container?.identifiers ?? [], e.series?.identifiers ?? []]
            let numbers = levels.joined().filter { $0.kind == .isbn || $0.kind == .issn }.map(\.value)
            out = out.filter { path, _ in !(path.contains("id:isbn") || path.contains("id:issn")) }
            if !numbers.isEmpty { out["id:isbn-or-issn"] = Set(numbers).sorted().joined(separator: " ") }
        }
        for (i, link) in e.links.enumerated() {
            out["link[\(i)]"] = link.url + (linkKinds ? " (" + link.kind.rawValue + ")" : "")
        }
        put(&out, "abstract", e.abstract)
        for (i, keyword) in e.keywords.enumerated() { out["keyword[\(i)]"] = keyword }
        if let language = e.language { out["language"] = language }
        for (i, note) in e.notes.enumerated() { put(&out, "note[\(i)]", note) }
        for (key, value) in e.extra { out["extra:" + key.description] = value }
        return out.filter { path, _ in !excluding.contains { path.hasPrefix($0) } }
    }

    /// The paths whose values differ (absent on one side counts), sorted, with both values.
    func differences(_ a: Entry, _ b: Entry) -> [(path: String, a: String?, b: String?)] {
        var va = values(a)
        var vb = values(b)
        if keysAsXMLIDs, !(a.key.map(Self.isXMLName) ?? false) {
            va["key"] = nil
            vb["key"] = nil
        }
        return Set(va.keys).union(vb.keys).sorted().compactMap { path in
            va[path] == vb[path] ? nil : (path, va[path], vb[path])
        }
    }

    /// True for an XML NCName made of ASCII (`smith2020`, `ref-1`; not `2020smith`, `a:b`).
    static func isXMLName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) }
    }

    /// The kind of a path: the path without indices (`author[2]` → `author`).
    static func kind(_ path: String) -> String {
        var out = ""
        var skipping = false
        for c in path {
            if c == "[" { skipping = true } else if c == "]" { skipping = false } else if !skipping { out.append(c) }
        }
        return out
    }

    // MARK: Parts

    private func put(_ out: inout [String: String], _ path: String, _ text: RichText?) {
        guard let text, !text.isEmpty else { return }
        out[path] = render(text)
    }

    private func names(_ out: inout [String: String], _ path: String, _ list: NameList) {
        for (i, name) in list.names.enumerated() {
            let parts: [String?]
            if foldParticles {
                let family = [name.droppingParticle, name.nonDroppingParticle, name.family].compactMap { $0 }
                parts = [family.isEmpty ? nil : family.joined(separator: " "), name.given, name.suffix, name.literal]
            } else {
                parts = [name.family, name.given, name.droppingParticle, name.nonDroppingParticle, name.suffix, name.literal]
            }
            out["\(path)[\(i)]"] = parts.map { $0 ?? "∅" }.joined(separator: "|")
        }
        if list.truncated { out[path + ".etal"] = "yes" }
    }

    private func level(_ out: inout [String: String], _ path: String, _ level: Level?) {
        guard let level else { return }
        put(&out, path + ".title", level.title)
        if let short = level.shortTitle { out[path + ".title-short"] = short }
        if let number = level.number { out[path + ".number"] = number }
        for (role, list) in level.contributors { names(&out, path + "." + role.rawValue, list) }
        identifiers(&out, path + ".id", level.identifiers)
    }

    private func identifiers(_ out: inout [String: String], _ path: String, _ ids: [Identifier]) {
        var seen: [IdentifierKind: Int] = [:]
        for id in ids {
            let n = seen[id.kind, default: 0]
            seen[id.kind] = n + 1
            out["\(path):\(id.kind.rawValue)[\(n)]"] = id.value + (id.qualifier.map { " (\($0))" } ?? "")
        }
    }

    static func date(_ date: Parsed<BibDate>) -> String {
        switch date {
        case .typed(let d): d.edtf + (d.season.map { " season \($0.rawValue)" } ?? "")
        case .raw(let s): "raw:" + s
        }
    }

    /// Rich text as a string in the chosen form.
    func render(_ text: RichText) -> String {
        var out = ""
        for inline in text.inlines { render(inline, into: &out) }
        return out
    }

    private func render(_ inline: Inline, into out: inout String) {
        let plain = text == .plain
        let full = text == .markup
        func wrap(_ open: String, _ close: String, _ children: [Inline], keep: Bool) {
            if keep { out += open }
            for child in children { render(child, into: &out) }
            if keep { out += close }
        }
        switch inline {
        case .text(let s): out += s
        case .italic(let c): wrap("<i>", "</i>", c, keep: !plain)
        case .bold(let c): wrap("<b>", "</b>", c, keep: !plain)
        case .smallCaps(let c): wrap("<sc>", "</sc>", c, keep: !plain)
        case .superscript(let c): wrap("<sup>", "</sup>", c, keep: !plain)
        case .subscript(let c): wrap("<sub>", "</sub>", c, keep: !plain)
        case .caseProtected(let c): wrap("{", "}", c, keep: full || text == .portable)
        case .math(let s): out += plain ? s : "$" + s + "$"
        case .code(let s): out += full ? "<code>" + s + "</code>" : s
        case .link(let url, let c): wrap("<a href=\"\(url)\">", "</a>", c, keep: full)
        case .raw(let format, let s): out += full ? "<raw \(format)>" + s + "</raw>" : s
        }
    }
}

/// The outcome of comparing two libraries entry by entry (paired by position).
struct LibraryComparison {
    /// Entries compared.
    var entries = 0
    /// Entries with at least one difference.
    var differing = 0
    /// How often each path kind differs.
    var kinds: [String: Int] = [:]
    /// A few examples, for the failure message.
    var examples: [String] = []
    /// The entry counts differ.
    var countMismatch: (Int, Int)?

    /// Compares two libraries under a projection.
    init(_ a: Library, _ b: Library, projection: Projection) {
        if a.entries.count != b.entries.count { countMismatch = (a.entries.count, b.entries.count) }
        for (x, y) in zip(a.entries, b.entries) {
            entries += 1
            let diffs = projection.differences(x, y)
            guard !diffs.isEmpty else { continue }
            differing += 1
            for d in diffs { kinds[Projection.kind(d.path), default: 0] += 1 }
            if examples.count < 3, let d = diffs.first {
                examples.append("\(x.key ?? "?") \(d.path): \(d.a ?? "∅") ≠ \(d.b ?? "∅")")
            }
        }
    }

    /// True when nothing differs.
    var isEqual: Bool { countMismatch == nil && differing == 0 }

    /// One line: counts, the path kinds that differ and examples.
    var summary: String {
        var parts: [String] = []
        if let (n, m) = countMismatch { parts.append("entries \(n) → \(m)") }
        if differing > 0 {
            let top = kinds.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(6)
            parts.append("\(differing)/\(entries) entries differ in " + top.map { "\($0.key)×\($0.value)" }.joined(separator: ", "))
            parts.append("e.g. " + examples.joined(separator: "; "))
        }
        return parts.joined(separator: "; ")
    }
}
