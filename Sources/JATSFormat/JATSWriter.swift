import BibModel
import BibXML

/// Writes a library as a JATS 1.3 `<ref-list>` of `<element-citation>`s following the JATS4R
/// citation recommendations, valid against the NISO JATS 1.3 Journal Publishing DTD and
/// against bibkit's own schema (`Schemas/jats-ref-list.bibkit.xsd`).
///
/// What JATS has no place for is reported once per field name (code `jats.unwritable-field`),
/// never dropped silently.
public struct JATSWriter: BibliographyWriter {
    /// Wrap the `<ref-list>` in a minimal `<article>` (`<front><article-meta/></front><back>…`)
    /// that is valid against the JATS 1.3 Archiving DTD, with its DOCTYPE. The Journal
    /// Publishing DTD cannot be met without inventing a journal ISSN, so it is not attempted.
    public var wrapInArticle: Bool

    /// Creates a writer.
    public init(wrapInArticle: Bool = false) { self.wrapInArticle = wrapInArticle }

    /// The public identifier written in the article's DOCTYPE (JATS 1.3 Archiving, MathML 3).
    public static let articlePublicID =
        "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD with MathML3 v1.3 20210610//EN"
    /// The system identifier written in the article's DOCTYPE (never fetched by bibkit).
    public static let articleSystemID = "https://jats.nlm.nih.gov/archiving/1.3/JATS-archivearticle1-3-mathml3.dtd"

    /// Writes the library.
    public func write(_ library: Library, options: WriteOptions, diagnostics: inout Diagnostics) -> [UInt8] {
        var w = XMLWriter(indent: options.pretty ? 2 : 0, reserveCapacity: library.entries.count * 900 + 256)
        write(library, options: options, diagnostics: &diagnostics, into: &w, pieceSize: .max) { _ in }
        return w.bytes
    }

    /// Writes the library as ``write(_:options:diagnostics:)`` does, handing the bytes to
    /// `sink` in pieces of about `pieceSize` bytes (one buffer of that size is reused).
    public func write(
        _ library: Library, options: WriteOptions, diagnostics: inout Diagnostics, pieceSize: Int,
        to sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var w = XMLWriter(
            indent: options.pretty ? 2 : 0, reserveCapacity: min(pieceSize, writerPieceSize) * 5 / 4)
        write(library, options: options, diagnostics: &diagnostics, into: &w, pieceSize: pieceSize, sink: sink)
        w.drain(sink)
    }

    /// The document into `w`, drained into `sink` between references whenever `pieceSize`
    /// bytes are written.
    private func write(
        _ library: Library, options: WriteOptions, diagnostics: inout Diagnostics, into w: inout XMLWriter,
        pieceSize: Int, sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        w.declaration()
        let namespaces = [("xmlns:xlink", XMLNames.xlink)]
        if wrapInArticle || options.wholeDocument {
            w.doctype(root: "article", publicID: Self.articlePublicID, systemID: Self.articleSystemID)
            w.start("article", namespaces + [("article-type", "other"), ("dtd-version", "1.3")])
            w.start("front")
            w.start("article-meta")
            if let title = library.metadata.title, !title.isEmpty {
                w.start("title-group")
                w.element("article-title", text: title)
                w.end()
            }
            w.end()
            w.end()
            w.start("back")
            w.start("ref-list")
        } else {
            w.start("ref-list", namespaces)
        }
        var state = WriteState()
        state.readExtra = options.extraText
        let ids = RefIDs.assign(library.entries, state: &state)
        for (index, entry) in library.entries.enumerated() {
            state.currentKey = entry.key ?? ids[index]
            writeRef(entry, id: ids[index], into: &w, state: &state)
            if w.bytes.count >= pieceSize { w.drain(sink) }
        }
        w.finish()
        state.report(into: &diagnostics, writer: w)
    }

    // MARK: - One reference

    private func writeRef(_ entry: Entry, id: String, into w: inout XMLWriter, state: inout WriteState) {
        // A blank value has nothing to say, and JATS elements must not be empty.
        var entry = entry
        entry.fields = entry.fields.filter { !$0.value.allSatisfy(\.isWhitespace) }
        // JATS has no subtitles in a citation: biblatex's are joined to their titles.
        entry = TitleParts.joiningParts(of: entry, read: state.readExtra)
        w.start("ref", [("id", id)])
        if let label = entry.extra[FieldKey("jats", "label")] { w.element("label", text: label) }
        let kind = entry.type.kind
        let publicationType = JATSTables.publicationTypeByKind[kind] ?? "other"
        let hasTitle = !(entry.title?.isEmpty ?? true)
        let containerTitle = entry.container?.title.flatMap { $0.isEmpty ? nil : $0 }
        let titleInPart = hasTitle && (containerTitle != nil || Self.alwaysPartTitle.contains(kind))
        let partElement = Self.partTitleElement(for: kind)
        let chapterTitleWritten = titleInPart && partElement == "chapter-title"
        var attributes = [("publication-type", publicationType)]
        if JATSTables.kind(publicationType: publicationType, hasChapterTitle: chapterTitleWritten) != kind {
            attributes.append(("specific-use", "csl:" + kind.cslName))
        }
        if let language = entry.language {
            if Self.isLanguageTag(language) {
                attributes.append(("xml:lang", language))
            } else {
                state.lose("language")
            }
        }
        if let genre = entry.type.genre, genre.lowercased() != publicationType,
            !(kind == .article && genre.lowercased() == "preprint")
        {
            state.lose("genre")
        }
        w.start("element-citation", attributes)
        let emptyCitation = w.bytes.count

        writePersonGroups(entry, into: &w, state: &state)

        if hasTitle, let title = entry.title {
            writeRich(titleInPart ? partElement : "source", title, into: &w)
        }
        if let containerTitle { writeRich("source", containerTitle, into: &w) }
        if entry.shortTitle != nil { state.lose("title-short") }
        if let container = entry.container {
            if container.shortTitle != nil { state.lose("container-title-short") }
            if container.number != nil { state.lose("container number") }
        }

        let fields = entry.fields
        if let event = fields[.eventTitle] { w.element("conf-name", text: event) }
        if let place = fields[.eventPlace] { w.element("conf-loc", text: place) }
        if let eventDate = entry.dates[.eventDate] { writeTextDate("conf-date", eventDate, attributes: [], into: &w) }
        if let edition = fields[.edition] { w.element("edition", text: edition) }
        if let version = fields[.version] { w.element("version", [("designator", version)], text: version) }
        if let place = fields[.publisherPlace] { w.element("publisher-loc", text: place) }
        if let publisher = fields[.publisher] { w.element("publisher-name", text: publisher) }
        if let institution = fields[.institution] { w.element("institution", text: institution) }
        if let organization = fields[.organization] {
            w.element("institution", [("content-type", "organization")], text: organization)
        }

        writeIssued(entry, into: &w)
        writeOtherDates(entry, into: &w)

        if let volume = fields[.volume] { w.element("volume", text: volume) }
        if let issue = fields[.issue] { w.element("issue", text: issue) }
        if let supplement = fields[.supplement] { w.element("supplement", text: supplement) }
        if let page = fields[.page] { writePages(page, into: &w) }
        if let pages = fields[.numberOfPages] { w.element("size", [("units", "pages")], text: pages) }
        if let series = entry.series {
            if let title = series.title, !title.isEmpty { writeRich("series", title, into: &w) }
            if series.number != nil { state.lose("collection-number") }
            if series.shortTitle != nil { state.lose("collection-title-short") }
            if !series.identifiers.isEmpty { state.lose("collection identifiers") }
        }

        writeIdentifiers(entry, into: &w, state: &state)
        for link in entry.links {
            var linkAttributes = [("ext-link-type", "uri"), ("xlink:href", link.url)]
            if link.kind != .work { linkAttributes.append(("specific-use", link.kind.rawValue)) }
            w.element("ext-link", linkAttributes, text: link.url)
        }
        if let accessed = entry.dates[.accessed] {
            writeTextDate("date-in-citation", accessed, attributes: [("content-type", "access-date")], into: &w)
        }
        for note in entry.notes where !note.isEmpty { writeRich("comment", note, into: &w) }
        for name in JATSTables.passThroughElements {
            if let value = entry.extra[FieldKey("jats", name)] { w.element(name, text: value) }
        }

        reportUnwritable(entry, state: &state)
        // The DTD requires content: an entry with nothing JATS can hold gets an empty title.
        if w.bytes.count == emptyCitation { w.empty("source") }
        w.end()
        w.end()
    }

    /// Types whose title is always a part title (an article, a chapter, a data set), even
    /// without a container title.
    static let alwaysPartTitle: Set<WorkType> = [
        .articleJournal, .article, .articleMagazine, .articleNewspaper, .review, .reviewBook,
        .paperConference, .chapter, .entry, .entryDictionary, .entryEncyclopedia, .dataset,
        .webpage, .post, .postWeblog,
    ]

    /// The element that holds the work's own title when `<source>` holds the container's.
    static func partTitleElement(for kind: WorkType) -> String {
        switch kind {
        case .chapter, .entry, .entryDictionary, .entryEncyclopedia: "chapter-title"
        case .dataset: "data-title"
        case .book, .collection, .classic, .pamphlet: "part-title"
        default: "article-title"
        }
    }

    static func isLanguageTag(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2D
        }
    }

    // MARK: - Names

    private func writePersonGroups(_ entry: Entry, into w: inout XMLWriter, state: inout WriteState) {
        var groups: [(ContributorRole, NameList)] = entry.contributors.map { ($0.key, $0.value) }
        if let container = entry.container {
            for (role, list) in container.contributors {
                groups.append((Self.flatRole(role, level: "container"), list))
            }
        }
        if let series = entry.series {
            for (role, list) in series.contributors {
                groups.append((Self.flatRole(role, level: "collection"), list))
            }
        }
        for (role, list) in groups where !list.isEmpty {
            var attributes: [(String, String)]
            if let type = JATSTables.groupTypeByRole[role] {
                attributes = [("person-group-type", type)]
            } else {
                attributes = [("person-group-type", "custom"), ("custom-type", role.rawValue)]
            }
            w.start("person-group", attributes)
            for name in list.names { writeName(name, into: &w) }
            if list.truncated { w.empty("etal") }
            w.end()
        }
    }

    /// The CSL role of a container's or series' contributor: book editors are editors,
    /// a container's author is `container-author`, a series editor `collection-editor`.
    static func flatRole(_ role: ContributorRole, level: String) -> ContributorRole {
        if level == "container" {
            if role == .editor { return .editor }
            if role == .author { return .containerAuthor }
        } else if role == .editor {
            return .collectionEditor
        }
        return ContributorRole(level + "-" + role.rawValue)
    }

    private func writeName(_ name: PersonName, into w: inout XMLWriter) {
        if let literal = name.literal {
            w.element("collab", text: literal)
            return
        }
        var surname = name.familyWithParticle
        if let dropping = name.droppingParticle, !dropping.isEmpty {
            surname = surname.isEmpty ? dropping : dropping + " " + surname
        }
        let given = name.given.flatMap { $0.isEmpty ? nil : $0 }
        if surname.isEmpty && given == nil && name.suffix == nil { return }
        if surname.isEmpty {
            w.start("name", [("name-style", "given-only")])
            w.element("given-names", text: given ?? "")
        } else {
            w.start("name")
            w.element("surname", text: surname)
            if let given { w.element("given-names", text: given) }
        }
        if let suffix = name.suffix, !suffix.isEmpty { w.element("suffix", text: suffix) }
        w.end()
    }

    // MARK: - Dates

    private func writeIssued(_ entry: Entry, into w: inout XMLWriter) {
        guard let issued = entry.issued else { return }
        switch issued {
        case .raw(let text):
            w.element("string-date", text: text)
        case .typed(let date):
            let parts = date.start ?? date.end
            if let parts {
                w.element("year", [("iso-8601-date", date.edtf)], text: String(parts.year))
                if date.start != nil, let month = parts.month {
                    w.element("month", text: String(month))
                    if let day = parts.day { w.element("day", text: String(day)) }
                }
            }
            if let season = date.season, let name = JATSTables.seasons.first(where: { $0.0 == season })?.1 {
                w.element("season", text: name)
            }
        }
    }

    private func writeOtherDates(_ entry: Entry, into w: inout XMLWriter) {
        let others = entry.dates.filter { ![.issued, .accessed, .eventDate].contains($0.key) }
        for (role, value) in others {
            if case .raw(let text) = value { w.element("string-date", [("content-type", role.rawValue)], text: text) }
        }
        for (role, value) in others {
            guard case .typed(let date) = value, let parts = date.start ?? date.end else { continue }
            w.start("date", [("date-type", role.rawValue), ("iso-8601-date", date.edtf)])
            if date.start != nil, let month = parts.month {
                if let day = parts.day { w.element("day", text: String(day)) }
                w.element("month", text: String(month))
            } else if let season = date.season, let name = JATSTables.seasons.first(where: { $0.0 == season })?.1 {
                w.element("season", text: name)
            }
            w.element("year", text: String(parts.year))
            w.end()
        }
    }

    private func writeTextDate(
        _ element: String, _ value: Parsed<BibDate>, attributes: [(String, String)], into w: inout XMLWriter
    ) {
        switch value {
        case .raw(let text): w.element(element, attributes, text: text)
        case .typed(let date):
            var text = date.edtf
            if let season = date.season, let name = JATSTables.seasons.first(where: { $0.0 == season })?.1 {
                text = name + " " + text
            }
            w.element(element, attributes + [("iso-8601-date", date.edtf)], text: text)
        }
    }

    // MARK: - Pages

    private func writePages(_ page: String, into w: inout XMLWriter) {
        switch JATSPages.split(page) {
        case .range(let first, let last):
            w.element("fpage", text: first)
            w.element("lpage", text: last)
        case .single(let first):
            w.element("fpage", text: first)
        case .elocation(let id):
            w.element("elocation-id", text: id)
        case .other(let text):
            w.element("page-range", text: text)
        }
    }

    // MARK: - Identifiers

    private func writeIdentifiers(_ entry: Entry, into w: inout XMLWriter, state: inout WriteState) {
        let containerIDs = entry.container?.identifiers ?? []
        let all = entry.identifiers + containerIDs
        for identifier in all where identifier.kind == .isbn { w.element("isbn", text: identifier.value) }
        for identifier in all where identifier.kind == .issn { w.element("issn", text: identifier.value) }
        if let number = entry.fields[.number], entry.type.kind == .patent { w.element("patent", text: number) }
        for identifier in entry.identifiers where identifier.kind != .isbn && identifier.kind != .issn {
            if identifier.qualifier != nil { state.lose("identifier qualifier (\(identifier.kind))") }
            if let type = JATSTables.pubIDTypeByKind[identifier.kind] {
                w.element("pub-id", [("pub-id-type", type)], text: identifier.value)
            } else {
                w.element("pub-id", [("pub-id-type", "custom"), ("custom-type", identifier.kind.rawValue)], text: identifier.value)
            }
        }
        for identifier in containerIDs where identifier.kind != .isbn && identifier.kind != .issn {
            state.lose("container identifier (\(identifier.kind))")
        }
        if let number = entry.fields[.number], entry.type.kind != .patent {
            if entry.type.kind == .standard {
                w.element("pub-id", [("pub-id-type", "std-designation")], text: number)
            } else {
                w.element("pub-id", [("pub-id-type", "custom"), ("custom-type", "number")], text: number)
            }
        }
    }

    // MARK: - Rich text

    private func writeRich(_ element: String, _ text: RichText, into w: inout XMLWriter) {
        w.start(element, mixed: true)
        JATSInline.write(text.inlines, into: &w, restricted: element == "data-title" || element == "series")
        w.end()
    }

    // MARK: - Losses

    /// The fields bibkit writes to JATS.
    static let writtenFields: Set<Field> = [
        .volume, .issue, .page, .edition, .publisher, .publisherPlace, .number, .numberOfPages,
        .institution, .eventTitle, .eventPlace, .version, .supplement, .organization,
    ]

    private func reportUnwritable(_ entry: Entry, state: inout WriteState) {
        for field in entry.fields.keys where !Self.writtenFields.contains(field) { state.lose(field.rawValue) }
        if entry.abstract != nil { state.lose("abstract") }
        if !entry.keywords.isEmpty { state.lose("keyword") }
        for key in entry.extra.keys {
            if key.namespace == "jats" && (JATSTables.passThroughElements.contains(key.name) || key.name == "label") {
                continue
            }
            state.lose(key.description)
        }
    }
}

/// What one write collects: unwritable fields, id repairs.
struct WriteState {
    var currentKey = ""
    /// How a `bibtex:`/`biblatex:` extra reads as text (``BibModel/WriteOptions/extraText``).
    var readExtra: (@Sendable (FieldKey, String) -> RichText?)?

    var lost: [String: (count: Int, firstKey: String)] = [:]
    var lostOrder: [String] = []
    var repairedIDs: [(key: String, id: String)] = []

    mutating func lose(_ field: String) {
        if let existing = lost[field] {
            lost[field] = (existing.count + 1, existing.firstKey)
        } else {
            lost[field] = (1, currentKey)
            lostOrder.append(field)
        }
    }

    func report(into diagnostics: inout Diagnostics, writer: XMLWriter) {
        for field in lostOrder {
            guard let info = lost[field] else { continue }
            let where_ = info.count == 1 ? "entry \(info.firstKey)" : "\(info.count) entries (first: \(info.firstKey))"
            diagnostics.warning(
                "jats.unwritable-field", "JATS has no place for '\(field)'; not written in \(where_)",
                entryKey: info.firstKey, field: field)
        }
        if let first = repairedIDs.first {
            let more = repairedIDs.count > 1 ? " (and \(repairedIDs.count - 1) more)" : ""
            diagnostics.note(
                "jats.key-changed",
                "citation key '\(first.key)' is not an XML name; written as ref id '\(first.id)'\(more)",
                entryKey: first.key)
        }
        if writer.replacedCharacters > 0 {
            diagnostics.warning(
                "jats.invalid-character",
                "\(writer.replacedCharacters) character(s) XML cannot hold were replaced by U+FFFD")
        }
    }
}

/// Assigns `<ref id>`s: the citation key when it is an XML name, else `ref-` + the key with
/// other characters replaced by `_`, else `ref-N`; unique within the document.
enum RefIDs {
    static func assign(_ entries: [Entry], state: inout WriteState) -> [String] {
        var used: Set<String> = []
        var ids: [String] = []
        ids.reserveCapacity(entries.count)
        // Keys that are already valid names keep priority over repaired ones.
        for entry in entries {
            if let key = entry.key, XMLNames.isNCName(key) { used.insert(key) }
        }
        var claimed: Set<String> = []
        for (index, entry) in entries.enumerated() {
            if let key = entry.key, XMLNames.isNCName(key), claimed.insert(key).inserted {
                ids.append(key)
                continue
            }
            var base: String
            if let key = entry.key, XMLNames.isNCName(key) {
                base = key
            } else if let key = entry.key, !key.isEmpty {
                base = "ref-" + String(String.UnicodeScalarView(key.unicodeScalars.map { s in
                    let ok = (s.value >= 0x61 && s.value <= 0x7A) || (s.value >= 0x41 && s.value <= 0x5A)
                        || (s.value >= 0x30 && s.value <= 0x39) || s == "-" || s == "." || s == "_"
                    return ok ? s : "_"
                }))
            } else {
                base = "ref-\(index + 1)"
            }
            var candidate = base
            var n = 1
            while used.contains(candidate) || claimed.contains(candidate) {
                n += 1
                candidate = base + "-\(n)"
            }
            claimed.insert(candidate)
            used.insert(candidate)
            if let key = entry.key, !key.isEmpty { state.repairedIDs.append((key, candidate)) }
            ids.append(candidate)
        }
        return ids
    }
}
