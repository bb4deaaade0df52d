import BibModel
import BibXML
import OrderedCollections

/// Reads the reference lists of JATS (and NLM) XML: a whole `<article>` (every `<ref-list>`,
/// sub-articles included), a bare `<ref-list>`, `<ref>`, or a single citation element.
///
/// Every `<ref>` yields one entry. `element-citation`, `mixed-citation` (structured children;
/// punctuation text ignored) and the old `citation`/`nlm-citation` are read; unknown
/// elements are kept in `extra` as `jats:<name>`. XML errors become diagnostics with lines.
public struct JATSReader: BibliographyReader {
    /// Limits for the XML parser.
    public var parseOptions: XMLParseOptions

    /// Creates a reader.
    public init(parseOptions: XMLParseOptions = XMLParseOptions()) { self.parseOptions = parseOptions }

    /// Reads a document.
    public func read(
        _ bytes: [UInt8], source: String, options: ReadOptions, diagnostics: inout Diagnostics
    ) throws(FatalReadError) -> Library {
        let lines = LineIndex(file: source, bytes: bytes)
        let parsed = XMLTree.parse(bytes, source: source, options: parseOptions)
        for problem in parsed.diagnostics {
            diagnostics.report(JATSDiagnostics.diagnostic(problem, lines: lines, prefix: "jats.xml"))
        }
        guard let tree = parsed.tree, let root = tree.root else { return Library() }
        var context = ReadContext(source: source, lines: lines)
        var library = Library()
        let citationNames: Set<String> = ["element-citation", "mixed-citation", "citation", "nlm-citation"]
        if root.name == "ref" {
            library.entries.append(readRef(root, context: &context))
        } else if citationNames.contains(root.name) {
            var entry = readCitation(root, context: &context)
            entry.origin = context.origin(of: root)
            library.entries.append(entry)
        } else {
            var refs: [XMLNodeHandle] = []
            collectRefs(root, into: &refs, depth: 0)
            if refs.isEmpty {
                context.diagnostics.warning(
                    "jats.no-references", "no <ref> elements found in <\(root.name)>",
                    at: context.location(line: root.line))
            }
            library.entries.reserveCapacity(refs.count)
            for ref in refs { library.entries.append(readRef(ref, context: &context)) }
            if root.name == "article", let title = articleTitle(root) { library.metadata.title = title }
        }
        diagnostics.append(contentsOf: context.diagnostics)
        return library
    }

    /// Every `<ref>` in document order (inside any `<ref-list>`, at any depth).
    private func collectRefs(_ node: XMLNodeHandle, into refs: inout [XMLNodeHandle], depth: Int) {
        guard depth < 300 else { return }
        for child in node.elements {
            if child.name == "ref" {
                refs.append(child)
            } else {
                collectRefs(child, into: &refs, depth: depth + 1)
            }
        }
    }

    private func articleTitle(_ article: XMLNodeHandle) -> String? {
        guard let meta = article.firstElement("front")?.firstElement("article-meta"),
            let title = meta.firstElement("title-group")?.firstElement("article-title")
        else { return nil }
        let text = title.textContent.collapsingXMLSpace
        return text.isEmpty ? nil : text
    }

    // MARK: - One reference

    private func readRef(_ ref: XMLNodeHandle, context: inout ReadContext) -> Entry {
        let id = ref.attribute("id")
        var citations: [XMLNodeHandle] = []
        var notes: [XMLNodeHandle] = []
        var label: String?
        for child in ref.elements {
            switch child.name {
            case "element-citation", "mixed-citation", "citation", "nlm-citation": citations.append(child)
            case "citation-alternatives":
                citations.append(contentsOf: child.elements.filter {
                    ["element-citation", "mixed-citation", "citation", "nlm-citation"].contains($0.name)
                })
            case "note": notes.append(child)
            case "label": label = child.textContent.collapsingXMLSpace
            default: break
            }
        }
        var entry: Entry
        if let chosen = Self.preferred(citations) {
            entry = readCitation(chosen, context: &context)
            if citations.count > 1 {
                context.diagnostics.note(
                    "jats.several-citations",
                    "<ref> has \(citations.count) citation elements; read the first <\(chosen.name)>",
                    at: context.location(line: ref.line), entryKey: id)
            }
        } else {
            entry = Entry(type: EntryType(.document))
            context.diagnostics.warning(
                "jats.ref-without-citation", "<ref> has no citation element; kept as an entry with its text as a note",
                at: context.location(line: ref.line), entryKey: id)
            let text = ref.textContent.collapsingXMLSpace
            if !text.isEmpty && notes.isEmpty { entry.notes.append(RichText(text)) }
        }
        for note in notes {
            let text = JATSInline.read(note, context: &context)
            if !text.isEmpty { entry.notes.append(text) }
        }
        entry.key = id
        if let label, !label.isEmpty { entry.extra[FieldKey("jats", "label")] = label }
        entry.origin = context.origin(of: ref)
        return entry
    }

    /// The citation to read: the first `element-citation`, else the first `mixed-citation`, else any.
    static func preferred(_ citations: [XMLNodeHandle]) -> XMLNodeHandle? {
        citations.first { $0.name == "element-citation" } ?? citations.first { $0.name == "mixed-citation" }
            ?? citations.first
    }

    // MARK: - One citation

    private func readCitation(_ citation: XMLNodeHandle, context: inout ReadContext) -> Entry {
        let children = citation.elements
        let names = Set(children.map(\.name))
        let hasChapterTitle = names.contains("chapter-title")
        let partNames = ["article-title", "chapter-title", "data-title", "part-title"]
        let hasPartTitle = partNames.contains { names.contains($0) }
        let publicationType = citation.attribute("publication-type") ?? citation.attribute("citation-type")

        var kind: WorkType
        if let specific = citation.attribute("specific-use"), specific.hasPrefix("csl:"),
            let exact = WorkType(rawValue: String(specific.dropFirst(4)))
        {
            kind = exact
        } else if let mapped = JATSTables.kind(publicationType: publicationType, hasChapterTitle: hasChapterTitle) {
            kind = mapped
        } else {
            if let publicationType {
                context.diagnostics.note(
                    "jats.unknown-publication-type", "publication-type '\(publicationType)' is not known; read as a document",
                    at: context.location(line: citation.line))
            }
            if hasChapterTitle {
                kind = .chapter
            } else if names.contains("article-title") && names.contains("source") {
                kind = .articleJournal
            } else if names.contains("source") {
                kind = publicationType == nil ? .book : .document
            } else {
                kind = .document
            }
        }
        // JATS4R: in a structured citation of an article or chapter, `<source>` is the journal
        // or book even when the work's own title is missing. Mixed citations are looser.
        let sourceIsContainer = citation.name == "element-citation" && Self.partTitleKinds.contains(kind)
        var entry = Entry(type: EntryType(kind, original: publicationType.map { FieldKey("jats", $0) }))
        entry.language = citation.attribute("lang", namespace: XMLNames.xml)
        var builder = CitationBuilder()

        for child in children {
            switch child.name {
            case "person-group":
                readPersonGroup(child, into: &entry, context: &context)
            case "name", "string-name", "collab", "name-alternatives", "collab-alternatives":
                // NLM citations and mixed citations put names directly in the citation.
                var list = entry.contributors[.author] ?? NameList()
                if let name = readName(child, context: &context) { list.names.append(name) }
                entry.contributors[.author] = list
            case "etal":
                var list = entry.contributors[.author] ?? NameList()
                list.truncated = true
                entry.contributors[.author] = list
            case "article-title", "chapter-title", "data-title", "part-title":
                let text = JATSInline.read(child, context: &context)
                if text.isEmpty { break }
                if entry.title == nil { entry.title = text } else { builder.keep(child, in: &entry) }
            case "source":
                let text = JATSInline.read(child, context: &context)
                if text.isEmpty { break }
                if hasPartTitle || sourceIsContainer {
                    if entry.container?.title == nil {
                        var container = entry.container ?? Level()
                        container.title = text
                        entry.container = container
                    } else {
                        builder.keep(child, in: &entry)
                    }
                } else if entry.title == nil {
                    entry.title = text
                } else {
                    builder.keep(child, in: &entry)
                }
            case "year": builder.year = child
            case "month": builder.month = child.textContent
            case "day": builder.day = child.textContent
            case "season": builder.season = child.textContent
            case "string-date":
                let text = child.textContent.collapsingXMLSpace
                if let role = child.attribute("content-type") {
                    entry.dates[DateRole(role)] = .raw(text)
                } else {
                    builder.stringDate = text
                }
            case "date":
                let role = child.attribute("date-type").map { $0 == "published" || $0 == "pub" ? DateRole.issued : DateRole($0) } ?? .issued
                if let date = readDateElement(child) { entry.dates[role] = date }
            case "date-in-citation":
                entry.dates[.accessed] = textDate(child)
            case "conf-date":
                entry.dates[.eventDate] = textDate(child)
            case "volume": builder.set(.volume, child, in: &entry)
            case "issue": builder.set(.issue, child, in: &entry)
            case "supplement": builder.set(.supplement, child, in: &entry)
            case "edition": builder.set(.edition, child, in: &entry)
            case "publisher-name": builder.set(.publisher, child, in: &entry)
            case "publisher-loc": builder.set(.publisherPlace, child, in: &entry)
            case "conf-name": builder.set(.eventTitle, child, in: &entry)
            case "conf-loc": builder.set(.eventPlace, child, in: &entry)
            case "version": builder.set(.version, child, in: &entry)
            case "patent": builder.set(.number, child, in: &entry)
            case "institution":
                builder.set(child.attribute("content-type") == "organization" ? .organization : .institution, child, in: &entry)
            case "size":
                if child.attribute("units") == "pages" { builder.set(.numberOfPages, child, in: &entry) } else { builder.keep(child, in: &entry) }
            case "fpage": builder.fpage = child.textContent.collapsingXMLSpace
            case "lpage": builder.lpage = child.textContent.collapsingXMLSpace
            case "elocation-id": builder.elocation = child.textContent.collapsingXMLSpace
            case "page-range": builder.pageRange = child.textContent.collapsingXMLSpace
            case "series":
                var series = entry.series ?? Level()
                if series.title == nil { series.title = JATSInline.read(child, context: &context) } else { builder.keep(child, in: &entry) }
                entry.series = series
            case "isbn": builder.isbns.append(child.textContent.collapsingXMLSpace)
            case "issn": builder.issns.append(child.textContent.collapsingXMLSpace)
            case "pub-id":
                readPubID(child, into: &entry)
            case "ext-link", "uri", "self-uri":
                readLink(child, into: &entry)
            case "comment", "annotation", "note":
                let text = JATSInline.read(child, context: &context)
                if !text.isEmpty { entry.notes.append(text) }
            case "x", "label", "role", "aff", "email":
                if child.name != "x" { builder.keep(child, in: &entry) }
            default:
                builder.keep(child, in: &entry)
            }
        }
        builder.finish(into: &entry, hasPartTitle: hasPartTitle, context: &context, line: citation.line)
        // Only a mixed citation can hold its data as text; an element-citation's text is the
        // punctuation and content of elements already read.
        if citation.name != "element-citation" && entry.title == nil && entry.contributors.isEmpty
            && entry.container == nil
        {
            let text = citation.textContent.collapsingXMLSpace
            if !text.isEmpty {
                context.diagnostics.warning(
                    "jats.unstructured-citation", "the citation has no structured title or names; its text is kept as a note",
                    at: context.location(line: citation.line))
                entry.notes.insert(RichText(text), at: 0)
            }
        }
        return entry
    }

    /// Kinds whose `<source>` is the container (journal, book, proceedings) in an element-citation.
    static let partTitleKinds: Set<WorkType> = [
        .articleJournal, .articleMagazine, .articleNewspaper, .review, .reviewBook, .paperConference, .chapter,
        .entry, .entryDictionary, .entryEncyclopedia,
    ]

    // MARK: - Names

    private func readPersonGroup(_ group: XMLNodeHandle, into entry: inout Entry, context: inout ReadContext) {
        let type = group.attribute("person-group-type") ?? "author"
        var role: ContributorRole
        if type == "custom", let custom = group.attribute("custom-type"), !custom.isEmpty {
            role = ContributorRole(custom)
        } else {
            role = JATSTables.roleByGroupType[type] ?? ContributorRole(type)
        }
        var list = entry.contributors[role] ?? NameList()
        for child in group.elements {
            switch child.name {
            case "etal": list.truncated = true
            case "name", "string-name", "collab", "name-alternatives", "collab-alternatives":
                if let name = readName(child, context: &context) { list.names.append(name) }
            case "anonymous":
                list.names.append(.literal(child.textContent.collapsingXMLSpace.isEmpty ? "Anonymous" : child.textContent.collapsingXMLSpace))
            default:
                break
            }
        }
        if !list.isEmpty { entry.contributors[role] = list }
    }

    private func readName(_ node: XMLNodeHandle, context: inout ReadContext) -> PersonName? {
        switch node.name {
        case "collab":
            let text = node.textContent.collapsingXMLSpace
            return text.isEmpty ? nil : .literal(text)
        case "name-alternatives", "collab-alternatives":
            for child in node.elements {
                if let name = readName(child, context: &context) { return name }
            }
            return nil
        default:
            break
        }
        let surname = node.firstElement("surname")?.textContent.collapsingXMLSpace
        let given = node.firstElement("given-names")?.textContent.collapsingXMLSpace
        let suffix = node.firstElement("suffix")?.textContent.collapsingXMLSpace
        if surname == nil && given == nil {
            // An unstructured <string-name>: "Smith, J" or "Smith JA".
            let text = node.textContent.collapsingXMLSpace
            return text.isEmpty ? nil : Self.splitStringName(text)
        }
        var name = PersonName(given: given.flatMap { $0.isEmpty ? nil : $0 }, suffix: suffix.flatMap { $0.isEmpty ? nil : $0 })
        if let surname, !surname.isEmpty {
            let split = Self.splitParticle(surname)
            name.nonDroppingParticle = split.particle
            name.family = split.family
        }
        return name
    }

    /// Splits leading lower-case particles off a surname (`van der Berg` → `van der` + `Berg`,
    /// `d'Aspremont` → `d'` + `Aspremont`), as JATS4R puts particles in `<surname>`.
    static func splitParticle(_ surname: String) -> (particle: String?, family: String) {
        let words = surname.split(separator: " ", omittingEmptySubsequences: true)
        var particles: [Substring] = []
        var index = 0
        while index < words.count - 1, let first = words[index].first, first.isLowercase {
            particles.append(words[index])
            index += 1
        }
        if !particles.isEmpty {
            return (particles.joined(separator: " "), words[index...].joined(separator: " "))
        }
        // d'Aspremont, l'Hôpital: an elided particle joined by an apostrophe.
        if let first = surname.first, first.isLowercase {
            for apostrophe in ["'", "’"] {
                if let range = surname.range(of: apostrophe), surname.distance(from: surname.startIndex, to: range.lowerBound) <= 3 {
                    let rest = surname[range.upperBound...]
                    if let r = rest.first, r.isUppercase {
                        return (String(surname[..<range.upperBound]), String(rest))
                    }
                }
            }
        }
        return (nil, surname)
    }

    static func splitStringName(_ text: String) -> PersonName {
        if let comma = text.firstIndex(of: ",") {
            let family = String(text[..<comma]).trimmingXMLSpace
            let given = String(text[text.index(after: comma)...]).trimmingXMLSpace
            if !family.isEmpty {
                let split = splitParticle(family)
                return PersonName(family: split.family, given: given.isEmpty ? nil : given, nonDroppingParticle: split.particle)
            }
        }
        let words = text.split(separator: " ")
        if words.count >= 2, let last = words.last, last.count <= 3,
            last.allSatisfy({ $0.isUppercase || $0 == "." })
        {
            let family = words.dropLast().joined(separator: " ")
            let split = splitParticle(family)
            return PersonName(family: split.family, given: String(last), nonDroppingParticle: split.particle)
        }
        return .literal(text)
    }

    // MARK: - Dates, identifiers, links

    private func readDateElement(_ node: XMLNodeHandle) -> Parsed<BibDate>? {
        if let iso = node.attribute("iso-8601-date"), var date = JATSDates.parseEDTF(iso) {
            date.season = node.firstElement("season").flatMap { JATSDates.season($0.textContent) }
            return .typed(date)
        }
        guard let yearText = node.firstElement("year")?.textContent, let year = JATSDates.year(yearText) else {
            let text = node.textContent.collapsingXMLSpace
            return text.isEmpty ? nil : .raw(text)
        }
        let month = node.firstElement("month").flatMap { JATSDates.month($0.textContent) }
        let day = node.firstElement("day").flatMap { Int($0.textContent.trimmingXMLSpace) }
        let parts = DateParts(year: year, month: month, day: day)
        var date = BibDate(parts)
        date.season = node.firstElement("season").flatMap { JATSDates.season($0.textContent) }
        return parts.isValid ? .typed(date) : .raw(node.textContent.collapsingXMLSpace)
    }

    private func textDate(_ node: XMLNodeHandle) -> Parsed<BibDate> {
        let text = node.textContent.collapsingXMLSpace
        if let iso = node.attribute("iso-8601-date"), var date = JATSDates.parseEDTF(iso) {
            if let first = text.split(separator: " ").first, text.contains(" ") {
                date.season = JATSDates.season(String(first))
            }
            return .typed(date)
        }
        if let date = JATSDates.parseEDTF(text) { return .typed(date) }
        return .raw(text)
    }

    private func readPubID(_ node: XMLNodeHandle, into entry: inout Entry) {
        var value = node.textContent.collapsingXMLSpace
        guard !value.isEmpty else { return }
        let type = node.attribute("pub-id-type") ?? "other"
        var kind: IdentifierKind
        if type == "custom", let custom = node.attribute("custom-type"), !custom.isEmpty {
            if custom == "number" {
                entry.fields[.number] = value
                return
            }
            kind = IdentifierKind(custom)
        } else if type == "std-designation" {
            entry.fields[.number] = value
            return
        } else {
            kind = JATSTables.kindByPubIDType[type] ?? JATSTables.pubIDReadAliases[type] ?? IdentifierKind(type.lowercased())
        }
        if kind == .doi {
            for prefix in ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"]
            where value.lowercased().hasPrefix(prefix) {
                value = String(value.dropFirst(prefix.count))
                break
            }
        }
        entry.identifiers.append(Identifier(kind, value))
    }

    private func readLink(_ node: XMLNodeHandle, into entry: inout Entry) {
        let href = node.attribute("href", namespace: XMLNames.xlink)?.trimmingXMLSpace
        let text = node.textContent.collapsingXMLSpace
        let target = (href?.isEmpty == false ? href : nil) ?? text
        guard !target.isEmpty else { return }
        let linkType = node.attribute("ext-link-type")?.lowercased()
        switch linkType {
        case "doi":
            entry.identifiers.append(Identifier(.doi, target.hasPrefix("10.") ? target : (target.range(of: "10.").map { String(target[$0.lowerBound...]) } ?? target)))
        case "pmid", "pubmed":
            entry.identifiers.append(Identifier(.pmid, target))
        case "pmc", "pmcid":
            entry.identifiers.append(Identifier(.pmcid, target))
        default:
            let kind = node.attribute("specific-use").flatMap { JATSTables.linkKinds[$0] } ?? .work
            entry.links.append(Link(target, kind: kind))
        }
    }
}

/// Collects the scattered parts of a citation (date pieces, pages, ISBNs) and what has no
/// model slot, then settles them into the entry.
struct CitationBuilder {
    var year: XMLNodeHandle?
    var month: String?
    var day: String?
    var season: String?
    var stringDate: String?
    var fpage: String?
    var lpage: String?
    var elocation: String?
    var pageRange: String?
    var isbns: [String] = []
    var issns: [String] = []

    /// Sets a field from an element's text (a repeated element is kept in `extra`).
    mutating func set(_ field: Field, _ node: XMLNodeHandle, in entry: inout Entry) {
        let text = node.textContent.collapsingXMLSpace
        guard !text.isEmpty else { return }
        if entry.fields[field] == nil { entry.fields[field] = text } else { keep(node, in: &entry) }
    }

    /// Keeps an element the model has no slot for in `extra` as `jats:<name>` (repeats joined by `; `).
    mutating func keep(_ node: XMLNodeHandle, in entry: inout Entry) {
        let text = node.textContent.collapsingXMLSpace
        let key = FieldKey("jats", node.name)
        if let existing = entry.extra[key] {
            entry.extra[key] = existing + "; " + text
        } else {
            entry.extra[key] = text
        }
    }

    mutating func finish(into entry: inout Entry, hasPartTitle: Bool, context: inout ReadContext, line: Int) {
        // Issued date.
        if let yearNode = year {
            let yearText = yearNode.textContent.collapsingXMLSpace
            var date: Parsed<BibDate>?
            if let iso = yearNode.attribute("iso-8601-date"), let parsed = JATSDates.parseEDTF(iso) {
                date = .typed(parsed)
            } else if let y = JATSDates.year(yearText) {
                let m = month.flatMap(JATSDates.month)
                let d = day.flatMap { Int($0.trimmingXMLSpace) }
                let parts = DateParts(year: y, month: m, day: m == nil ? nil : d)
                if parts.isValid && (month == nil || m != nil) {
                    date = .typed(BibDate(parts))
                } else {
                    date = .raw([yearText, month, day].compactMap { $0?.collapsingXMLSpace }.joined(separator: " "))
                }
            } else if !yearText.isEmpty {
                date = .raw(yearText)
            }
            if case .typed(var typed)? = date, let season, let s = JATSDates.season(season) {
                typed.season = s
                date = .typed(typed)
            } else if let season, JATSDates.season(season) == nil {
                entry.extra[FieldKey("jats", "season")] = season.collapsingXMLSpace
            }
            if let date { entry.dates.updateValue(date, forKey: .issued, insertingAt: 0) }
        } else if let stringDate, !stringDate.isEmpty {
            entry.dates.updateValue(.raw(stringDate), forKey: .issued, insertingAt: 0)
        }
        if year != nil, let stringDate { entry.extra[FieldKey("jats", "string-date")] = stringDate }

        // Pages.
        if let page = JATSPages.join(first: fpage, last: lpage) {
            entry.fields[.page] = page
            if let elocation { entry.extra[FieldKey("jats", "elocation-id")] = elocation }
            if let pageRange { entry.extra[FieldKey("jats", "page-range")] = pageRange }
        } else if let pageRange, !pageRange.isEmpty {
            entry.fields[.page] = pageRange
            if let elocation { entry.extra[FieldKey("jats", "elocation-id")] = elocation }
        } else if let elocation, !elocation.isEmpty {
            entry.fields[.page] = elocation
        }

        // ISBN identifies the work when it is a whole book, else its container; ISSN the container.
        for isbn in isbns where !isbn.isEmpty {
            if hasPartTitle {
                var container = entry.container ?? Level()
                container.identifiers.append(Identifier(.isbn, isbn))
                entry.container = container
            } else {
                entry.identifiers.append(Identifier(.isbn, isbn))
            }
        }
        for issn in issns where !issn.isEmpty {
            var container = entry.container ?? Level()
            container.identifiers.append(Identifier(.issn, issn))
            entry.container = container
        }
    }
}

/// State shared while reading one document: where we are, what has been reported.
struct ReadContext {
    let source: String
    let lines: LineIndex
    var diagnostics = Diagnostics()
    private var reportedEntities: Set<String> = []

    init(source: String, lines: LineIndex) {
        self.source = source
        self.lines = lines
    }

    func location(line: Int) -> SourceLocation? {
        guard line > 0 else { return nil }
        let index = min(line, lines.lineStarts.count) - 1
        return SourceLocation(file: source, line: line, column: 1, offset: lines.lineStarts[index])
    }

    func origin(of node: XMLNodeHandle) -> SourceRange? {
        guard let start = location(line: node.line) else { return nil }
        return SourceRange(start: start, endOffset: start.offset)
    }

    /// Reports an entity reference that is not expanded, once per name.
    mutating func unexpandedEntity(_ name: String, line: Int) {
        guard reportedEntities.insert(name).inserted else { return }
        diagnostics.warning(
            "jats.unexpanded-entity", "entity reference &\(name); is not expanded; it is left out of the text",
            at: location(line: line))
    }
}
