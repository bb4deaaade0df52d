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
        write(library, options: options, diagnostics: &diagnostics, into: &out, pieceSize: .max) { _ in }
        return out
    }

    /// Writes a library as ``write(_:options:diagnostics:)`` does, handing the bytes to
    /// `sink` in pieces of about `pieceSize` bytes (one buffer of that size is reused).
    public func write(
        _ library: Library, options: WriteOptions, diagnostics: inout Diagnostics, pieceSize: Int,
        to sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var out: [UInt8] = []
        out.reserveCapacity(min(pieceSize, writerPieceSize) * 5 / 4)
        write(library, options: options, diagnostics: &diagnostics, into: &out, pieceSize: pieceSize, sink: sink)
        out.withUnsafeBufferPointer(sink)
    }

    /// The records into `out`, handed to `sink` and emptied whenever `pieceSize` bytes are
    /// written.
    private func write(
        _ library: Library, options: WriteOptions, diagnostics: inout Diagnostics, into out: inout [UInt8],
        pieceSize: Int, sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var tables = RISWriteTables(readExtra: options.extraText)
        for (i, entry) in library.entries.enumerated() {
            if i > 0 { out.append(contentsOf: [0x0D, 0x0A]) }
            Self.appendRecord(entry, to: &out, diagnostics: &diagnostics, tables: &tables)
            if out.count >= pieceSize {
                out.withUnsafeBufferPointer(sink)
                out.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Appends one record's lines (shared with ``Stream``).
    static func appendRecord(
        _ entry: Entry, to out: inout [UInt8], diagnostics: inout Diagnostics, tables: inout RISWriteTables
    ) {
        // The record writes its lines straight into `out` (borrowed by swapping).
        var record = RISRecordWriter(entry: entry, tags: tables.tags(for: entry.type.kind), readExtra: tables.readExtra)
        swap(&record.out, &out)
        record.write()
        swap(&record.out, &out)
        for d in record.diagnostics.all { diagnostics.report(d) }
    }
}

/// Builds the lines of one record.
struct RISRecordWriter {
    let entry: Entry
    let kind: WorkType
    /// The output the lines are appended to (`TAG  - value` and CRLF each).
    var out: [UInt8] = []
    /// The tags written so far (two-letter strings: a linear search beats hashing).
    var written: [String] = []
    var structured: [(FieldKey, String)] = []
    var diagnostics = Diagnostics()

    /// The tag table's answers for the entry's work type.
    let tags: RISKindTags
    /// The entry's title and its container's with their biblatex parts (`subtitle`,
    /// `titleaddon`, `booksubtitle`, …) joined as biblatex prints them, as bibutils does:
    /// RIS has no tag for a subtitle. The parts stay in `N1` notes too, and each joined title
    /// alone in a `bibkit:title.alone`/`bibkit:container.title.alone` note, so bibkit reads
    /// the entry back as it was.
    let shownTitle: RichText?
    let shownContainerTitle: RichText?

    init(entry: Entry, tags: RISKindTags, readExtra: (@Sendable (FieldKey, String) -> RichText?)?) {
        self.entry = entry
        self.kind = entry.type.kind
        self.tags = tags
        let joined = TitleParts.joinedTitles(of: entry, read: readExtra)
        shownTitle = joined.title?.text ?? entry.title
        shownContainerTitle = joined.container?.text ?? entry.container?.title
    }

    mutating func add(_ tag: String, _ value: String) {
        // The usual value is one line already (``RISText/oneLine(_:)`` would return it as it
        // is) and is copied straight from its bytes.
        var value = value
        let fits = value.withUTF8 { buf -> Bool in
            guard RISText.isOneLine(buf) else { return false }
            if !buf.isEmpty { RISRecordWriter.appendLine(tag, buf, to: &out) }
            return true
        }
        if fits {
            if !value.isEmpty { written.append(tag) }
            return
        }
        var v = RISText.oneLine(value)
        guard !v.isEmpty else { return }
        v.withUTF8 { RISRecordWriter.appendLine(tag, $0, to: &out) }
        written.append(tag)
    }

    /// Appends `TAG  - value` and CRLF.
    static func appendLine(_ tag: String, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        appendTag(tag, to: &out)
        out.append(contentsOf: value)
        out.append(0x0D)
        out.append(0x0A)
    }

    /// Appends `TAG  - ` (a two-letter tag as one six-byte copy).
    static func appendTag(_ tag: String, to out: inout [UInt8]) {
        var utf8 = tag.utf8.makeIterator()
        if tag.utf8.count == 2, let a = utf8.next(), let b = utf8.next() {
            // Little-endian: a, b, space, space, hyphen, space.
            var word = UInt64(a) | UInt64(b) << 8 | 0x20_2D_20_20 << 16
            withUnsafeBytes(of: &word) { raw in
                out.append(contentsOf: UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: 6))
            }
            return
        }
        out.append(contentsOf: tag.utf8)
        out.append(0x20)
        out.append(0x20)
        out.append(UInt8(ascii: "-"))
        out.append(0x20)
    }

    mutating func note(_ name: String, _ value: String) {
        let v = RISText.oneLine(value)
        guard !v.isEmpty else { return }
        structured.append((FieldKey(RISStructuredNote.ns, name), v))
    }

    func tag(for target: RISTarget) -> String? {
        tags.tag(for: target)
    }

    func fallbackTag(for target: RISTarget) -> String? {
        tags.fallbackTag(for: target)
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
        Self.appendTag("ER", to: &out)
        out.append(0x0D)
        out.append(0x0A)
        for text in [shownTitle, entry.abstract].compactMap({ $0 }) where RISText.markupIsLossy(text) {
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
        Self.appendTag("TY", to: &out)
        out.append(contentsOf: ty.utf8)
        out.append(0x0D)
        out.append(0x0A)
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
        let plain = entry.title?.plainText ?? ""
        if let own = entry.title, let title = shownTitle, !RISText.oneLine(plain).isEmpty {
            // A plain title is its own markup.
            add("TI", title.isPlain ? title.plainText : RISText.markup(title))
            if title != own { note("title.alone", RISText.markup(own)) }
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
        // The lines of each tag, as bytes.
        var byTag: [[UInt8]] = [[], [], [], []]
        var prefixNotes: [(String, String)] = []
        func place(_ list: NameList, role: ContributorRole, level: String?) {
            let tag = tagForRole(role, level: level)
            let slot = tag.flatMap { nameTags.firstIndex(of: $0) }
            for name in list.names {
                if let tag {
                    if let slot { RISNames.appendLine(tag, name, to: &byTag[slot]) }
                } else {
                    let prefix = level.map { "\($0)." } ?? ""
                    prefixNotes.append(("\(prefix)role.\(role.rawValue)", RISNames.format(name)))
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
        for (slot, tag) in nameTags.enumerated() where !byTag[slot].isEmpty {
            out.append(contentsOf: byTag[slot])
            written.append(tag)
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
            if let own = c.title, !own.isEmpty {
                if let t = tag(for: .containerTitle) {
                    let title = shownContainerTitle ?? own
                    add(t, RISText.markup(title))
                    if title != own { note("container.title.alone", RISText.markup(own)) }
                } else {
                    // Only bibkit reads the note: the title alone, its parts in their own notes.
                    note("container.title", RISText.markup(own))
                }
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
        // Canonical order: the order of ``Field`` (volume, issue, page, edition, publisher, …);
        // usually the entry's order already.
        let keys = entry.fields.keys
        var inOrder = true
        for i in keys.indices.dropFirst() where !(keys[i - 1] < keys[i]) {
            inOrder = false
            break
        }
        if inOrder {
            for (field, value) in entry.fields { writeField(field, value) }
        } else {
            for (field, value) in entry.fields.sorted(by: { $0.key < $1.key }) { writeField(field, value) }
        }
    }

    mutating func writeField(_ field: Field, _ value: String) {
        switch field {
        case .page:
            writePage(value)
            return
        case .numberOfPages where tags.pageCountKind && !written.contains("SP")
            && entry.fields[.page] == nil:
            add("SP", value)
            return
        case .number where (kind == .articleJournal || kind == .articleMagazine || kind == .articleNewspaper)
            && entry.fields[.issue] == nil && RISIdentifiers.isShortNumber(value):
            // M1 would read back as the issue (EndNote's habit); keep it unambiguous.
            note(field.rawValue, value)
            return
        case .volume where kind == .webpage && entry.dates[.accessed] == nil && value.count == 4 && Int(value) != nil:
            note(field.rawValue, value)
            return
        default:
            break
        }
        if let t = tag(for: .field(field)), !written.contains(t) {
            add(t, value)
        } else if let t = fallbackTag(for: .field(field)), !written.contains(t),
            entry.fields[.publisher] == nil || t != "PB"
        {
            add(t, value)
        } else {
            note(field.rawValue, value)
        }
    }

    mutating func writePage(_ page: String) {
        let bookish = tags.pageCountKind
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
            let tag = tag(for: .link(link.kind)) ?? fallbackTag(for: .link(link.kind)) ?? "UR"
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

/// What the tag table says for one work type, gathered once per type and write.
struct RISKindTags {
    /// By ``BibModel/Field/ordinal``: the first tag written for the field, and its fallback.
    private var fieldTags: [String?]
    private var fieldFallbacks: [String?]
    /// The first tag written for every other target, and the fallbacks.
    private var otherTags: [RISTarget: String] = [:]
    private var otherFallbacks: [RISTarget: String] = [:]
    /// A lone `SP` is the number of pages (``RISTagTable/pageCountKinds``).
    let pageCountKind: Bool

    init(kind: WorkType) {
        fieldTags = Array(repeating: nil, count: Field.allCases.count)
        fieldFallbacks = fieldTags
        pageCountKind = RISTagTable.pageCountKinds.contains(kind)
        // In table order: the first rule for a target is its tag (``RISTagTable/writeTags(for:kind:)``,
        // ``RISTagTable/fallbackTag(for:kind:)``).
        for rule in RISTagTable.rules where rule.scope.contains(kind) {
            switch rule.direction {
            case .both:
                if case .field(let f) = rule.target {
                    if fieldTags[f.ordinal] == nil { fieldTags[f.ordinal] = rule.tag }
                } else if otherTags[rule.target] == nil {
                    otherTags[rule.target] = rule.tag
                }
            case .writeFallback:
                if case .field(let f) = rule.target {
                    if fieldFallbacks[f.ordinal] == nil { fieldFallbacks[f.ordinal] = rule.tag }
                } else if otherFallbacks[rule.target] == nil {
                    otherFallbacks[rule.target] = rule.tag
                }
            default:
                break
            }
        }
    }

    func tag(for target: RISTarget) -> String? {
        if case .field(let f) = target { return fieldTags[f.ordinal] }
        return otherTags[target]
    }

    func fallbackTag(for target: RISTarget) -> String? {
        if case .field(let f) = target { return fieldFallbacks[f.ordinal] }
        return otherFallbacks[target]
    }
}

/// ``RISKindTags`` by work type, for one write.
struct RISWriteTables {
    private var byKind: [WorkType: RISKindTags] = [:]
    /// How a `bibtex:`/`biblatex:` extra reads as text (``BibModel/WriteOptions/extraText``),
    /// for the title parts joined to `TI` and the container's title.
    let readExtra: (@Sendable (FieldKey, String) -> RichText?)?

    init(readExtra: (@Sendable (FieldKey, String) -> RichText?)?) {
        self.readExtra = readExtra
    }

    mutating func tags(for kind: WorkType) -> RISKindTags {
        if let tags = byKind[kind] { return tags }
        let tags = RISKindTags(kind: kind)
        byKind[kind] = tags
        return tags
    }
}
