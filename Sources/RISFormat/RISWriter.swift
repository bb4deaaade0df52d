import BibModel

/// Writes RIS the way Zotero does (2011 tag set): `TY` first and `ER  - ` last, one `AU`
/// per person (`Family, Given, Suffix`), `A2`/`A3`/`A4` for editors, series editors and
/// translators, `TI`, `T2` container, `T3` series, `J2` abbreviation, `DA  - YYYY/MM/DD/`
/// plus `PY  - YYYY`, `VL`, `IS`, `SP`/`EP`, `SN`, `DO`, `UR`, `KW` per keyword, `AB`, `N1`;
/// CRLF line endings and a blank line between records.
///
/// Nothing is dropped: what RIS has no tag for is written as a machine-readable `N1`
/// note (`bibkit:medium: CD`, `bibtex:timestamp: …`, see ``RISStructuredNote``) that
/// bibkit reads back into its place; `ris:` extras are written back as their own tags
/// when RIS clients accept them there. The custom tags `C1`–`C8` are only written from
/// `ris:C1`…`ris:C8` extras, never for other data, because their meaning depends on the
/// reference type in EndNote and Zotero.
public struct RISWriter: BibliographyWriter {
    /// The title written for an entry without one (with a `bibkit:no-title` note), since
    /// RIS clients reject records without a title.
    public static let untitled = "[Untitled]"

    /// Creates a writer.
    public init() {}

    /// Writes a library.
    public func write(_ library: Library, options: WriteOptions, diagnostics: inout Diagnostics) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(library.entries.count * 1024)
        for (i, entry) in library.entries.enumerated() {
            if i > 0 { out.append(contentsOf: [0x0D, 0x0A]) }
            Self.appendRecord(entry, to: &out, diagnostics: &diagnostics)
        }
        return out
    }

    /// Appends one record's lines (shared with ``Stream``).
    static func appendRecord(_ entry: Entry, to out: inout [UInt8], diagnostics: inout Diagnostics) {
        var record = RISRecordWriter(entry: entry)
        record.write()
        for d in record.diagnostics.all { diagnostics.report(d) }
        for (tag, value) in record.lines {
            Self.append(tag, to: &out)
            out.append(0x20)
            out.append(0x20)
            out.append(UInt8(ascii: "-"))
            out.append(0x20)
            Self.append(value, to: &out)
            out.append(0x0D)
            out.append(0x0A)
        }
    }

    /// Appends a string's UTF-8 bytes (copied at once when they are contiguous).
    private static func append(_ s: String, to out: inout [UInt8]) {
        if s.utf8.withContiguousStorageIfAvailable({ out.append(contentsOf: $0) }) == nil {
            out.append(contentsOf: s.utf8)
        }
    }
}

/// Builds the lines of one record.
struct RISRecordWriter {
    let entry: Entry
    let kind: WorkType
    var lines: [(tag: String, value: String)] = []
    /// The tags written so far (two-letter strings: a linear search beats hashing).
    var written: [String] = []
    var structured: [(FieldKey, String)] = []
    var diagnostics = Diagnostics()

    init(entry: Entry) {
        self.entry = entry
        self.kind = entry.type.kind
    }

    mutating func add(_ tag: String, _ value: String) {
        let v = RISText.oneLine(value)
        guard !v.isEmpty else { return }
        lines.append((tag, v))
        written.append(tag)
    }

    mutating func note(_ name: String, _ value: String) {
        let v = RISText.oneLine(value)
        guard !v.isEmpty else { return }
        structured.append((FieldKey(RISStructuredNote.ns, name), v))
    }

    func tag(for target: RISTarget) -> String? {
        RISTagTable.writeTags(for: target, kind: kind).first
    }

    var label: String { entry.key ?? entry.title?.plainText ?? "entry" }

    // MARK: Record

    mutating func write() {
        writeType()
        if let key = entry.key { add("ID", key) }
        writeTitle()
        writeContributors()
        writeLevels()
        if let short = entry.shortTitle { add("ST", RISText.markup(short)) }
        writeDates()
        writeFields()
        writeIdentifiers()
        writeLinks()
        if let language = entry.language { add("LA", language) }
        for k in entry.keywords { add("KW", k) }
        if let abstract = entry.abstract { add("AB", RISText.markup(abstract)) }
        for n in entry.notes { add("N1", RISText.markup(n)) }
        writeExtras()
        for (key, value) in structured { add("N1", RISStructuredNote.format(key, value)) }
        lines.append(("ER", ""))
        for text in [entry.title, entry.abstract].compactMap({ $0 }) where RISText.markupIsLossy(text) {
            diagnostics.note(
                "ris.markup-flattened", "math, links or code in '\(label)' were written as plain text", entryKey: entry.key)
            break
        }
    }

    mutating func writeType() {
        var ty = RISTypeTable.writtenTY(for: kind)
        var tyMarker: String?
        if let original = entry.type.original, original.namespace == "ris" {
            if let row = RISTypeTable.row(for: original.name) {
                if row.kind == kind {
                    if row.portable { ty = row.ty } else { tyMarker = row.ty }
                }
            } else if kind == .document {
                tyMarker = original.name
            }
        }
        lines.append(("TY", ty))
        written.append("TY")
        if let tyMarker {
            structured.append((FieldKey("ris", "TY"), tyMarker))
            if RISTypeTable.kind(for: tyMarker) != kind { note("type", kind.rawValue) }
        } else if !RISTypeTable.roundTrips(kind) {
            note("type", kind.rawValue)
        }
        if let genre = entry.type.genre { note("type-genre", genre) }
    }

    mutating func writeTitle() {
        if let title = entry.title, !RISText.oneLine(title.plainText).isEmpty {
            add("TI", RISText.markup(title))
        } else {
            add("TI", RISWriter.untitled)
            note("no-title", "true")
            diagnostics.warning(
                "ris.no-title", "entry '\(label)' has no title; wrote '\(RISWriter.untitled)' because RIS clients require one",
                entryKey: entry.key, field: "title")
        }
    }

    // MARK: Names

    mutating func writeContributors() {
        // The names of the tags written, in this order (a name under another tag is not written).
        let nameTags = ["AU", "A2", "A3", "A4"]
        var byTag: [[String]] = [[], [], [], []]
        var prefixNotes: [(String, String)] = []
        func place(_ list: NameList, role: ContributorRole, level: String?) {
            let tag = tagForRole(role, level: level)
            let slot = tag.flatMap { nameTags.firstIndex(of: $0) }
            for name in list.names {
                let formatted = RISNames.format(name)
                if tag != nil {
                    if let slot { byTag[slot].append(formatted) }
                } else {
                    let prefix = level.map { "\($0)." } ?? ""
                    prefixNotes.append(("\(prefix)role.\(role.rawValue)", formatted))
                }
            }
            if list.truncated {
                // The reader restores the flag on the role the tag reads back as.
                let readRole = tag.flatMap { t in
                    RISTagTable.readRules(tag: t, kind: kind).first.flatMap { r -> ContributorRole? in
                        if case .contributor(let rr) = r.target { rr } else { nil }
                    }
                }
                if let readRole {
                    prefixNotes.append(("et-al", readRole.rawValue))
                } else {
                    prefixNotes.append(("et-al", role.rawValue))
                }
            }
        }
        for (role, list) in entry.contributors { place(list, role: role, level: nil) }
        if let c = entry.container { for (role, list) in c.contributors { place(list, role: role, level: "container") } }
        if let s = entry.series { for (role, list) in s.contributors { place(list, role: role, level: "series") } }
        for (slot, tag) in nameTags.enumerated() {
            for name in byTag[slot] { add(tag, name) }
        }
        for (name, value) in prefixNotes { note(name, value) }
    }

    /// The tag for a role: the table's, with container editors as editors and series
    /// editors as series editors.
    func tagForRole(_ role: ContributorRole, level: String?) -> String? {
        switch level {
        case "container":
            return role == .editor ? tag(for: .contributor(.editor)) : nil
        case "series":
            return role == .editor || role == .collectionEditor ? tag(for: .contributor(.collectionEditor)) : nil
        default:
            return tag(for: .contributor(role))
        }
    }

    // MARK: Levels

    mutating func writeLevels() {
        if let c = entry.container {
            if let title = c.title, !title.isEmpty {
                if let t = tag(for: .containerTitle) { add(t, RISText.markup(title)) } else { note("container.title", RISText.markup(title)) }
            }
            if let short = c.shortTitle { add("J2", short) }
            if let n = c.number { note("container.number", n) }
        }
        if let s = entry.series {
            if let title = s.title, !title.isEmpty { add(tag(for: .seriesTitle) ?? "T3", RISText.markup(title)) }
            if let short = s.shortTitle { note("series.short-title", short) }
            if let n = s.number { note("series.number", n) }
        }
    }

    // MARK: Dates

    mutating func writeDates() {
        // Issued, then accessed, then the others in the entry's order.
        var dates: [(key: DateRole, value: Parsed<BibDate>)] = []
        if let issued = entry.dates[.issued] { dates.append((.issued, issued)) }
        if let accessed = entry.dates[.accessed] { dates.append((.accessed, accessed)) }
        for (role, value) in entry.dates where role != .issued && role != .accessed { dates.append((role, value)) }
        for (role, value) in dates {
            switch (role, value) {
            case (.issued, .typed(let date)):
                if let form = RISDates.risForm(date) {
                    add("DA", form.full)
                    add("PY", form.year)
                } else {
                    note("date.issued", date.edtf)
                }
            case (.accessed, .typed(let date)):
                if let form = RISDates.risForm(date) { add("Y2", form.full) } else { note("date.accessed", date.edtf) }
            case (_, .typed(let date)):
                note("date.\(role.rawValue)", date.edtf)
            case (_, .raw(let text)):
                note("date.\(role.rawValue)", text)
            }
        }
    }

    // MARK: Fields

    mutating func writeFields() {
        let articles: [WorkType] = [.articleJournal, .articleMagazine, .articleNewspaper]
        // Canonical order: the order of ``Field`` (volume, issue, page, edition, publisher, …).
        for (field, value) in entry.fields.sorted(by: { $0.key < $1.key }) {
            switch field {
            case .page:
                writePage(value)
                continue
            case .numberOfPages where RISTagTable.pageCountKinds.contains(kind) && !written.contains("SP")
                && entry.fields[.page] == nil:
                add("SP", value)
                continue
            case .number where articles.contains(kind) && entry.fields[.issue] == nil && RISIdentifiers.isShortNumber(value):
                // M1 would read back as the issue (EndNote's habit); keep it unambiguous.
                note(field.rawValue, value)
                continue
            case .volume where kind == .webpage && entry.dates[.accessed] == nil && value.count == 4 && Int(value) != nil:
                note(field.rawValue, value)
                continue
            default:
                break
            }
            if let t = tag(for: .field(field)), !written.contains(t) {
                add(t, value)
            } else if let t = RISTagTable.fallbackTag(for: .field(field), kind: kind), !written.contains(t),
                entry.fields[.publisher] == nil || t != "PB"
            {
                add(t, value)
            } else {
                note(field.rawValue, value)
            }
        }
    }

    mutating func writePage(_ page: String) {
        let bookish = RISTagTable.pageCountKinds.contains(kind)
        if let (start, end) = RISPages.split(RISText.oneLine(page)) {
            add("SP", start)
            add("EP", end)
        } else if bookish {
            // A lone SP means the number of pages for these types.
            note(Field.page.rawValue, page)
        } else {
            add("SP", page)
        }
    }

    // MARK: Identifiers and links

    mutating func writeIdentifiers() {
        var doiWritten = false
        for id in entry.identifiers {
            switch id.kind {
            case .doi where !doiWritten && id.qualifier == nil:
                add("DO", id.value)
                doiWritten = true
            case .isbn where id.qualifier == nil, .issn where id.qualifier == nil:
                add("SN", id.value)
            default:
                note("id.\(id.kind.rawValue)", Self.identifierValue(id))
            }
        }
        for (level, ids) in [("container", entry.container?.identifiers ?? []), ("series", entry.series?.identifiers ?? [])] {
            for id in ids {
                if level == "container", id.kind == .isbn || id.kind == .issn, id.qualifier == nil {
                    add("SN", id.value)
                } else {
                    note("\(level).id.\(id.kind.rawValue)", Self.identifierValue(id))
                }
            }
        }
    }

    static func identifierValue(_ id: Identifier) -> String {
        id.qualifier.map { "\(id.value) | \($0)" } ?? id.value
    }

    mutating func writeLinks() {
        for link in entry.links {
            let tag = tag(for: .link(link.kind)) ?? RISTagTable.fallbackTag(for: .link(link.kind), kind: kind) ?? "UR"
            add(tag, link.url)
        }
    }

    // MARK: Extras

    mutating func writeExtras() {
        for (key, value) in entry.extra {
            if key.namespace == "ris" {
                let tag = key.name.split(separator: "#", maxSplits: 1).first.map(String.init) ?? key.name
                if canWriteVerbatim(tag, value) {
                    add(tag, value)
                    continue
                }
            }
            if !RISStructuredNote.isWritableName(key.name) {
                diagnostics.warning(
                    "ris.extra-name", "extra field '\(key)' has a name bibkit cannot read back from a note; written as plain N1",
                    entryKey: entry.key, field: key.description)
            }
            // In place, so that extras keep their order when read back.
            add("N1", RISStructuredNote.format(key, RISText.oneLine(value)))
        }
    }

    func canWriteVerbatim(_ tag: String, _ value: String) -> Bool {
        guard tag.utf8.count == 2, RISTagTable.portableTags.contains(tag), tag != "TY", tag != "ER" else { return false }
        if RISTagTable.singleValued.contains(tag), written.contains(tag) { return false }
        if RISTagTable.dateTags.contains(tag), !RISDates.isRISDateForm(RISText.oneLine(value)) { return false }
        return true
    }
}
