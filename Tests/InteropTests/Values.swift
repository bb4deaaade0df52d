import BibKit
import Foundation

/// An entry flattened to `path = value` pairs, so two entries can be compared on the values a
/// pair of formats can both hold.
///
/// Paths name the model's parts: `type`, `title`, `author[0]`, `author.etal`, `date:issued`,
/// `container.title`, `container.editor[1]`, `series.number`, `field:volume`, `id:doi[0]`,
/// `link[0]`, `abstract`, `keyword[2]`, `language`, `note[0]`, `extra:bibtex:timestamp`. A
/// comparison drops the paths a format cannot hold (``excluding``) and compares the rest in
/// the form the format keeps them (its options). Blank values count as absent everywhere.
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

    /// How personal names are compared.
    enum NameForm: Sendable {
        /// Every part as given.
        case exact
        /// Dropping and non-dropping particles as one part (BibTeX's `von` part is both).
        case particlesMerged
        /// Particles folded into the family name (JATS has one `<surname>`; RIS `Last, First`
        /// cannot tell `{van Helvoort}` from the particle `van`).
        case particlesFolded
    }

    /// How ISBNs and ISSNs compare.
    enum StandardNumbers: Sendable {
        /// Each at its level (work, container, series) and kind.
        case separate
        /// By kind, whatever the level (JATS has one `<isbn>` for a chapter and its book; a
        /// BibTeX `issn` of an article is its journal's).
        case levelsMerged
        /// As one set (RIS has one `SN` tag for both; the reader tells them apart by shape).
        case oneSet
    }

    /// How rich text is compared.
    var text: TextForm = .markup
    /// Path prefixes left out (a path is left out when it starts with one of them).
    var excluding: [String] = []
    /// How personal names are compared.
    var names: NameForm = .exact
    /// How ISBNs and ISSNs compare.
    var standardNumbers = StandardNumbers.separate
    /// Identifiers compare with their qualifier (JATS `pub-id` has no place for an arXiv class).
    var identifierQualifiers = true
    /// Links compare by URL only, not by kind (RIS `UR`/`L1`/`L2` do not say which is the file).
    var linkKinds = true
    /// Keys compare only when the first entry's key is an XML name (JATS `ref id`s must be).
    var keysAsXMLIDs = false
    /// Runs of white space compare as one space, and ends are trimmed (BibTeX, RIS lines and
    /// XML text collapse them).
    var collapseWhitespace = false
    /// Page ranges compare with one kind of dash, `12-12` as `12`, and abbreviated ends
    /// expanded (`263-87` = `263-287`).
    var normalizePages = false
    /// A publisher and an institution compare as one value (RIS `PB` and CSL `publisher` are
    /// both; BibTeX writes a thesis's publisher as its `school`).
    var publisherIsInstitution = false
    /// A name with only a family part compares as a literal name (BibTeX writes both braced).
    var familyOnlyIsLiteral = false

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
        if publisherIsInstitution, out["field:publisher"] == nil, let institution = out["field:institution"] {
            out["field:publisher"] = institution
            out["field:institution"] = nil
        }
        identifiers(&out, "id", e.identifiers)
        if standardNumbers != .separate {
            let levels = [e.identifiers, e.container?.identifiers ?? [], e.series?.identifiers ?? []]
            let numbers = levels.joined().filter { $0.kind == .isbn || $0.kind == .issn }
            out = out.filter { path, _ in !(path.contains("id:isbn") || path.contains("id:issn")) }
            var sets: [String: Set<String>] = [:]
            for id in numbers {
                // `0959-8138, 1756-1833` in one CSL `ISSN` is two numbers.
                let values = id.value.split { $0 == "," || $0 == ";" }.map { $0.trimmingCharacters(in: .whitespaces) }
                sets[standardNumbers == .oneSet ? "isbn-or-issn" : id.kind.rawValue, default: []].formUnion(values)
            }
            for (kind, values) in sets { out["id:" + kind] = values.sorted().joined(separator: " ") }
        }
        for (i, link) in e.links.enumerated() {
            out["link[\(i)]"] = link.url + (linkKinds ? " (" + link.kind.rawValue + ")" : "")
        }
        put(&out, "abstract", e.abstract)
        for (i, keyword) in e.keywords.enumerated() { out["keyword[\(i)]"] = keyword }
        if let language = e.language { out["language"] = language }
        for (i, note) in e.notes.enumerated() { put(&out, "note[\(i)]", note) }
        for (key, value) in e.extra { out["extra:" + key.description] = value }
        if collapseWhitespace { out = out.mapValues(Self.collapsed) }
        if normalizePages, let page = out["field:page"] { out["field:page"] = Self.normalizedPages(page) }
        return out.filter { path, value in
            !value.allSatisfy(\.isWhitespace) && !excluding.contains { path.hasPrefix($0) }
        }
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
        return s.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)
        }
    }

    /// `263-87` → `263-287`, `12–15` → `12-15`, `24-24` → `24`; other text unchanged.
    static func normalizedPages(_ page: String) -> String {
        var text = page
        for dash in ["--", "–", "—", "‒", "−"] { text = text.replacingOccurrences(of: dash, with: "-") }
        let parts = text.split(separator: "-", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let first = parts.first, let last = parts.last else { return text }
        if first == last { return first }
        guard first.allSatisfy({ $0.isASCII && $0.isNumber }), last.allSatisfy({ $0.isASCII && $0.isNumber }),
            last.count < first.count
        else { return first + "-" + last }
        return first + "-" + first.dropLast(last.count) + last
    }

    /// White space runs as one space, ends trimmed.
    static func collapsed(_ s: String) -> String {
        s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
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
            func part(_ s: String?) -> String? { s.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 } }
            var family = part(name.family)
            var literal = part(name.literal)
            let given = part(name.given)
            let dropping = part(name.droppingParticle)
            let nonDropping = part(name.nonDroppingParticle)
            let suffix = part(name.suffix)
            if familyOnlyIsLiteral, literal == nil, given == nil, dropping == nil, nonDropping == nil, suffix == nil {
                literal = family
                family = nil
            }
            let parts: [String?]
            switch names {
            case .exact:
                parts = [family, given, dropping, nonDropping, suffix, literal]
            case .particlesMerged:
                let particles = [dropping, nonDropping].compactMap { $0 }
                parts = [family, given, particles.isEmpty ? nil : particles.joined(separator: " "), suffix, literal]
            case .particlesFolded:
                let folded = [dropping, nonDropping, family].compactMap { $0 }
                parts = [folded.isEmpty ? nil : folded.joined(separator: " "), given, suffix, literal]
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
            let qualifier = identifierQualifiers ? id.qualifier.map { " (\($0))" } ?? "" : ""
            out["\(path):\(id.kind.rawValue)[\(n)]"] = id.value + qualifier
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
