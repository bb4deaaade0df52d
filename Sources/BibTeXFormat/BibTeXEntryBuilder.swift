import BibModel

/// A place a value may be written: a field name plus fields that must accompany it
/// (`editora` + `editoratype`, `eprint` + `eprinttype` + `eprintclass`).
struct FieldCandidate {
    var name: String
    var companions: [(name: String, value: [UInt8])] = []

    init(_ name: String, companions: [(name: String, value: [UInt8])] = []) {
        self.name = name
        self.companions = companions
    }
}

/// The places to try for one value, in order: the first kept inline, so that the usual
/// request with one place allocates nothing for it.
struct FieldCandidates: RandomAccessCollection, ExpressibleByArrayLiteral {
    private var head = FieldCandidate("")
    private var tail: [FieldCandidate] = []
    let count: Int

    init(_ one: FieldCandidate) {
        head = one
        count = 1
    }

    init(_ all: [FieldCandidate]) {
        if let first = all.first { head = first }
        if all.count > 1 { tail = Array(all.dropFirst()) }
        count = all.count
    }

    /// One candidate per name, without companions.
    init(names: [String]) {
        if let first = names.first { head = FieldCandidate(first) }
        if names.count > 1 { tail = names.dropFirst().map { FieldCandidate($0) } }
        count = names.count
    }

    init(arrayLiteral elements: FieldCandidate...) { self.init(elements) }

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    subscript(i: Int) -> FieldCandidate { i == 0 ? head : tail[i - 1] }
}

/// One model value waiting for a field.
struct FieldRequest {
    /// What the value is, for diagnostics (`publisher`, `translator`, `bibtex:timestamp`).
    var label: String
    /// Places to try, in order.
    var candidates: FieldCandidates
    /// The bytes, in the builder's ``EntryBuilder/arena``.
    var value: Range<Int>
    /// The value is a non-negative integer (checked for biber's integer fields only).
    var isInteger = false
    /// A bare macro expression (`month = jun`), not braced.
    var bare = false
    /// Lower goes first when two values want the same field.
    var priority: Int
    /// Unplaced without a diagnostic (defaults such as biblatex's report `type`).
    var quiet = false
    /// Why there is no candidate (`not an integer`), for the diagnostic.
    var reason: String?
    /// An `extra` field.
    var isExtra = false
}

/// Where each model field goes for one written entry type: its names there (home first) and
/// an id for its home name (case-folded; fields sharing a home share the id).
struct FieldPlans {
    /// By ``BibModel/Field/ordinal``: the names, home first.
    var names: [[String]] = []
    /// By ``BibModel/Field/ordinal``: the id of the home name, or -1 when there is none.
    var homeID: [Int] = []
    /// Folded home name → id.
    var homeIDs: [String: Int] = [:]
    /// The number of ids.
    var homeCount: Int { homeIDs.count }
    /// The type's `number` is an article's issue (``BibTeXFieldTable/issueInNumberTypes``).
    var issueInNumber = false
    /// The type's `number` is a series number (``BibTeXFieldTable/seriesNumberTypes``).
    var seriesNumber = false
    /// The type's publisher is the issuing institution (``EntryBuilder/institutionTypes``).
    var publisherIsInstitution = false
    /// A chapter type (``BibTeXEntryMapper/chapterTypes``).
    var isChapter = false

    init() {}

    init(dialect: BibTeXDialect, type: String) {
        issueInNumber = BibTeXFieldTable.issueInNumberTypes.contains(type)
        seriesNumber = BibTeXFieldTable.seriesNumberTypes.contains(type)
        publisherIsInstitution = EntryBuilder.institutionTypes.contains(type)
        isChapter = BibTeXEntryMapper.chapterTypes.contains(type)
        for field in Field.allCases {
            let fieldNames = BibTeXFieldTable.row(field).names(in: dialect, type: type)
            names.append(fieldNames)
            if let home = fieldNames.first {
                let folded = BibTeXKeys.folded(home)
                let id = homeIDs[folded] ?? homeIDs.count
                homeIDs[folded] = id
                homeID.append(id)
            } else {
                homeID.append(-1)
            }
        }
    }
}

/// Builds the fields of one entry: model slots → requests in canonical order → placement
/// (home fields first, then fallbacks; BibLaTeX checked against biber's data model) → bytes.
struct EntryBuilder {
    /// The entry, read in place (the writer's array outlives the builder): a copy of an
    /// ``Entry`` retains every part of it, and releases them all again when dropped.
    private let entryAddress: UnsafePointer<Entry>
    var entry: Entry { _read { yield entryAddress.pointee } }
    let key: String
    var context: WriteContext
    private(set) var type = "misc"

    private var requests: [FieldRequest] = []
    /// `bibtex-macro:` extras: field name (lower case) → the expression it was read with.
    /// A few at most: kept as a list (a later marker for the same name wins), each with the
    /// other dialect's name of its field (``markerAliases``).
    private var macroMarkers: [(name: String, alias: String?, expression: String)] = []
    private var placed: [(name: String, value: Range<Int>, bare: Bool)] = []
    /// The bytes of every value of the entry, appended one after the other (the values are
    /// ranges of it). Swapped in from the writer, so its capacity serves every entry.
    var arena: [UInt8] = []
    /// Folded field name → the request position of the model slot whose home it is, recorded
    /// whether or not the slot has a value. A value that falls back to another slot's home
    /// field (a misc's container in `howpublished`, a biblatex publisher in `organization`) is
    /// written where that slot's own value would be, so reading it back as that slot and
    /// writing again keeps the field order.
    /// Kept by home id of ``plans`` (-1: not recorded), `anyHome` when one is.
    private var homePosition: [Int] = []
    private var anyHome = false
    /// Where the fields go for the written type (set by ``build()`` once the type is chosen).
    private var plans = FieldPlans()
    private var addendumParts: [Range<Int>] = []
    /// The fields the entry has, a bit per ``BibModel/Field/ordinal`` (all bits set when there
    /// are more than 64 kinds of field), so that absent ones are not looked up.
    private var fieldMask: UInt64 = ~0
    private static let fieldCount = Field.allCases.count
    /// The volume title went to `booktitle` (a chapter in a volume of a multi-volume work).
    private var volumeTitleWritten = false

    private var dialect: BibTeXDialect { context.dialect }

    /// ``resolve()``'s field names taken and chosen candidates (kept for their capacity).
    private var usedNames: [String] = []
    private var chosenCandidates: [Int] = []

    /// A builder for the entry at `entry`, which must stay valid while the builder is used.
    init(entry: UnsafePointer<Entry>, key: String, context: WriteContext) {
        self.entryAddress = entry
        self.key = key
        self.context = context
    }

    /// Trades the builder's buffers with the writer's (before ``build()``: the writer's empty
    /// ones with their capacity; after ``emit(to:)``: back to the writer), so that one set of
    /// buffers serves every entry of a write instead of being allocated and freed per entry.
    mutating func exchangeBuffers(_ buffers: inout EntryBuffers) {
        swap(&arena, &buffers.arena)
        swap(&requests, &buffers.requests)
        swap(&macroMarkers, &buffers.macroMarkers)
        swap(&placed, &buffers.placed)
        swap(&homePosition, &buffers.homePosition)
        swap(&addendumParts, &buffers.addendumParts)
        swap(&usedNames, &buffers.usedNames)
        swap(&chosenCandidates, &buffers.chosenCandidates)
    }

    // MARK: Build

    mutating func build() {
        arena.removeAll(keepingCapacity: true)
        requests.removeAll(keepingCapacity: true)
        macroMarkers.removeAll(keepingCapacity: true)
        placed.removeAll(keepingCapacity: true)
        addendumParts.removeAll(keepingCapacity: true)
        if Self.fieldCount <= 64 {
            var mask: UInt64 = 0
            for field in entry.fields.keys { mask |= 1 << UInt64(field.ordinal) }
            fieldMask = mask
        }
        let typeInfo = cachedType()
        type = typeInfo.written
        plans = context.fieldPlans(for: type)
        homePosition.removeAll(keepingCapacity: true)
        homePosition.append(contentsOf: repeatElement(-1, count: plans.homeCount))
        addNames()
        addTitles()
        addContainerAndSeries()
        addVolumeAndNumbers()
        addField(.page, value: entry.fields[.page].map(BibTeXPages.normalized))
        addField(.edition)
        // A thesis's university or a report's institution comes as the publisher from RIS (PB),
        // CSL-JSON and JATS; BibTeX styles and biber read `school`/`institution` there.
        let publisherIsInstitution = entry.fields[.institution] == nil && plans.publisherIsInstitution
        if !publisherIsInstitution { addField(.publisher) }
        addField(.publisherPlace)
        addField(.institution, value: publisherIsInstitution ? entry.fields[.publisher] : nil)
        addField(.organization)
        addField(.howPublished)
        addField(.genre)
        addTypeMarkers(typeInfo)
        addField(.eventTitle)
        addField(.eventPlace)
        addDates()
        addIdentifiers()
        let linkParts = addLinks()
        addAbstractKeywordsLanguage()
        addNotes(linkParts: linkParts)
        addField(.annote)
        for field in Self.laterFields where !(field == .volumeTitle && volumeTitleWritten) { addField(field) }
        addExtras()
        resolve()
        if dialect == .bibtex { addLabelKey() }
    }

    /// `key` for natbib's labels when no author or editor is written (``BibTeXLabelKey``).
    private mutating func addLabelKey() {
        let written = placed
        let arena = self.arena
        func value(_ name: String) -> [UInt8]? {
            guard let f = written.first(where: { BibTeXKeys.folded($0.name) == name }), !f.bare else { return nil }
            return Array(arena[f.value])
        }
        let hasField = { (name: String) in written.contains { BibTeXKeys.folded($0.name) == name } }
        guard BibTeXLabelKey.isWanted(type: type.lowercased(), hasField: hasField),
            let base = BibTeXLabelKey.base(field: value, citationKey: key)
        else { return }
        let uses = context.labelKeyUses[base.lowercased(), default: 0] + 1
        context.labelKeyUses[base.lowercased()] = uses
        let label = uses > BibTeXLabelKey.maxSameLabel ? BibTeXLabelKey.disambiguated(base, citationKey: key) : base
        let labelBytes = stored(label.utf8)
        placed.append(("key", labelBytes, false))
    }

    /// Appends `@type{key, … }` and a newline.
    func emit(to out: inout [UInt8]) {
        // Measured first, then written into one buffer of that size through a pointer (a few
        // appends per field to `out` cost more than the bytes they copy).
        var total = type.utf8.count + key.utf8.count + 6
        for field in placed { total += field.name.utf8.count + field.value.count + (field.bare ? 7 : 9) }
        let last = placed.count - 1
        let bytes = arena.withUnsafeBufferPointer { arena in
            [UInt8](unsafeUninitializedCapacity: total) { buf, count in
                var w = EmitCursor(buf)
                w.put(UInt8(ascii: "@"))
                w.put(type)
                w.put(UInt8(ascii: "{"))
                w.put(key)
                w.put(UInt8(ascii: ","))
                w.put(0x0A)
                for index in placed.indices {
                    w.put(0x20)
                    w.put(0x20)
                    w.put(placed[index].name)
                    w.put(0x20)
                    w.put(UInt8(ascii: "="))
                    w.put(0x20)
                    let value = UnsafeBufferPointer(rebasing: arena[placed[index].value])
                    if placed[index].bare {
                        w.put(value)
                    } else {
                        w.put(UInt8(ascii: "{"))
                        w.put(value)
                        w.put(UInt8(ascii: "}"))
                    }
                    if index < last { w.put(UInt8(ascii: ",")) }
                    w.put(0x0A)
                }
                w.put(UInt8(ascii: "}"))
                w.put(0x0A)
                count = w.count
            }
        }
        out.append(contentsOf: bytes)
    }

    // MARK: Type

    struct TypeInfo {
        var written: String
        var marker: BibTeXTypeMarker
        var defaultTypeField: String?
        var leftoverGenre: String?
    }

    /// What ``chooseType()`` depends on: the same for most entries of a file.
    struct TypeKey: Hashable {
        var kind: WorkType
        var genre: String?
        var original: FieldKey?
        var hasParent: Bool
        var hasEditor: Bool
        var noAuthor: Bool

        /// One word of the kind, the flags and the lengths of the strings: keys that share it
        /// are told apart by `==` (hashing the strings cost more than the table saved).
        func hash(into hasher: inout Hasher) {
            var word = UInt64(kind.ordinal)
            word |= (hasParent ? 1 : 0) << 8 | (hasEditor ? 1 : 0) << 9 | (noAuthor ? 1 : 0) << 10
            word |= UInt64(truncatingIfNeeded: (genre?.utf8.count ?? 0xFF) & 0xFF) << 16
            word |= UInt64(truncatingIfNeeded: (original?.name.utf8.count ?? 0xFF) & 0xFF) << 24
            word |= UInt64(truncatingIfNeeded: (original?.namespace.utf8.count ?? 0xFF) & 0xFF) << 32
            hasher.combine(word)
        }
    }

    /// ``chooseType()`` through the write's cache.
    private mutating func cachedType() -> TypeInfo {
        var hasParent = false
        for key in entry.extra.keys where key.isBibTeXFamily {
            if Self.equalsIgnoringASCIICase(key.name, "crossref") || Self.equalsIgnoringASCIICase(key.name, "xdata") {
                hasParent = true
                break
            }
        }
        let typeKey = TypeKey(
            kind: entry.type.kind, genre: entry.type.genre, original: entry.type.original, hasParent: hasParent,
            hasEditor: hasEditor, noAuthor: entry.contributors[.author]?.isEmpty ?? true)
        if let info = context.typeInfos[typeKey] { return info }
        let info = chooseType()
        context.typeInfos[typeKey] = info
        return info
    }

    /// ASCII case-insensitive equality with a lower-case ASCII word.
    static func equalsIgnoringASCIICase(_ s: String, _ lower: StaticString) -> Bool {
        guard s.utf8.count == lower.utf8CodeUnitCount else { return false }
        var k = 0
        let p = lower.utf8Start
        for b in s.utf8 {
            let folded = b &- 0x41 < 26 ? b | 0x20 : b
            if folded != p[k] { return false }
            k += 1
        }
        return true
    }

    private func chooseType() -> TypeInfo {
        let kind = entry.type.kind
        let genre = BibTeXTypeTable.normalizedGenre(entry.type.genre)
        let row = BibTeXTypeTable.row(for: kind, genre: entry.type.genre)
        var written = row.type(in: dialect)
        if let original = entry.type.original, original.isBibTeXFamily {
            let name = original.name.lowercased()
            if BibTeXTypeTable.isWritable(name, in: dialect) { written = name }
        }
        // A child of a `crossref`/`xdata` parent may get its editor or author from the parent:
        // its own fields alone do not tell `@incollection` from `@inbook`.
        let hasParent = entry.extra.keys.contains {
            $0.isBibTeXFamily && ["crossref", "xdata"].contains($0.name.lowercased())
        }
        if dialect == .biblatex, written == row.biblatex, !hasParent {
            if let alternative = row.biblatexWithoutEditor, !hasEditor {
                written = alternative
            } else if let alternative = row.biblatexWithoutAuthor, hasEditor,
                entry.contributors[.author]?.isEmpty ?? true
            {
                written = alternative
            }
        }
        // What marks the kind (and genre) for a reader, given the type actually written.
        let sameType = BibTeXTypeTable.writeRows(for: kind).filter { $0.type(in: dialect) == written }
        var marker: BibTeXTypeMarker
        var encodedGenre: String?
        if let r = sameType.first(where: { $0.genre == genre }) ?? sameType.first(where: { $0.genre == nil })
            ?? sameType.first
        {
            marker = r.marker(in: dialect)
            encodedGenre = r.genre
        } else if let canonical = BibTeXTypeTable.canonicalRow(forWritten: written, dialect: dialect),
            canonical.kind == kind
        {
            marker = .none
            encodedGenre = canonical.genre
        } else {
            marker = .subtype(kind.rawValue)
            encodedGenre = nil
        }
        let defaultType = dialect == .biblatex && written == row.biblatex ? row.biblatexDefaultTypeField : nil
        let leftover = genre != nil && genre != encodedGenre ? entry.type.genre : nil
        return TypeInfo(written: written, marker: marker, defaultTypeField: defaultType, leftoverGenre: leftover)
    }

    private var hasEditor: Bool {
        !(entry.contributors[.editor]?.isEmpty ?? true) || !(entry.container?.contributors[.editor]?.isEmpty ?? true)
    }

    private mutating func addTypeMarkers(_ info: TypeInfo) {
        switch info.marker {
        case .none:
            break
        case .typeField(let label):
            request("entry type", [FieldCandidate("type"), FieldCandidate("entrysubtype")], text(label, "type"),
                borrowed: true)
        case .subtype(let value):
            request("entry type", FieldCandidate("entrysubtype"), text(value, "entrysubtype"))
        }
        if let genre = info.leftoverGenre {
            request("type genre '\(genre)'", FieldCandidate("entrysubtype"), text(genre, "entrysubtype"), borrowed: true)
        }
        if let value = info.defaultTypeField {
            request("type", FieldCandidate("type"), stored(value.utf8), borrowed: true, quiet: true)
        }
    }

    // MARK: Names

    private mutating func addNames() {
        var lists: [(ContributorRole, NameList)] = []
        func add(_ role: ContributorRole, _ list: NameList) {
            if list.isEmpty { return }
            if let i = lists.firstIndex(where: { $0.0 == role }) {
                lists[i].1.names.append(contentsOf: list.names)
                lists[i].1.truncated = lists[i].1.truncated || list.truncated
            } else {
                lists.append((role, list))
            }
        }
        if let authors = entry.contributors[.author] { add(.author, authors) }
        let entryEditors = entry.contributors[.editor]
        if let editors = entryEditors {
            add(.editor, editors)
        } else if let editors = entry.container?.contributors[.editor] {
            add(.editor, editors)
        }
        for (role, list) in entry.contributors where role != .author && role != .editor { add(role, list) }
        if let container = entry.container {
            for (role, list) in container.contributors {
                switch role {
                case .editor:
                    if let entryEditors, entryEditors != list { add(ContributorRole("container-editor"), list) }
                case .author: add(.containerAuthor, list)
                default: add(ContributorRole("container-" + role.rawValue), list)
                }
            }
        }
        if let series = entry.series {
            for (role, list) in series.contributors {
                if role == .editor || role == .collectionEditor {
                    add(.collectionEditor, list)
                } else {
                    add(ContributorRole("series-" + role.rawValue), list)
                }
            }
        }
        for (role, list) in lists {
            var kept = 0
            let start = arena.count
            guard
                BibTeXNames.append(list, encoder: &context.encoder, forBiber: dialect == .biblatex, kept: &kept, to: &arena)
            else { continue }
            let value = start..<arena.count
            drainEncoder(role.rawValue)
            if kept > 0 {
                context.diagnostics.warning(
                    "bibtex.name-as-literal",
                    "\(kept) \(role.rawValue) name(s) with a suffix have a comma inside a part, which biber rejects; written as one unit",
                    entryKey: key, field: role.rawValue)
            }
            let places: FieldCandidates
            if let cached = context.roleCandidates[role] {
                places = cached
            } else {
                places = FieldCandidates(candidates(for: role))
                context.roleCandidates[role] = places
            }
            request(role.rawValue, places, value)
        }
    }

    private func candidates(for role: ContributorRole) -> [FieldCandidate] {
        let row = BibTeXRoleTable.row(role)
        guard dialect == .biblatex else { return [FieldCandidate(row.bibtex)] }
        let generic = ["namea", "nameb", "namec"].map {
            FieldCandidate($0, companions: [($0 + "type", Array(role.rawValue.utf8))])
        }
        switch row.biblatex {
        case .field(let name):
            return [FieldCandidate(name)] + generic
        case .editorType(let key):
            return ["editora", "editorb", "editorc"].map {
                FieldCandidate($0, companions: [($0 + "type", Array(key.utf8))])
            } + generic
        case .generic:
            return generic
        }
    }

    // MARK: Titles, container, series

    private mutating func addTitles() {
        if let title = entry.title { request("title", FieldCandidate("title"), rich(title, "title", title: true)) }
        if let short = entry.shortTitle {
            request("shorttitle", FieldCandidate("shorttitle"), rich(short, "shorttitle", title: true))
        }
    }

    private mutating func addContainerAndSeries() {
        if let container = entry.container {
            if let title = container.title, !title.isEmpty, let volume = entry.fields[.volumeTitle],
                plans.isChapter
            {
                // A chapter in a volume of a multi-volume work: the work is the `maintitle`,
                // the volume the `booktitle`.
                request("container title", FieldCandidate("maintitle"), rich(title, "maintitle"))
                request("volume title", FieldCandidate("booktitle"), text(volume, "booktitle"))
                volumeTitleWritten = true
            } else if let title = container.title, !title.isEmpty {
                let (names, borrowed) = containerFields
                request("container title", names.map { FieldCandidate($0) }, rich(title, "container title"),
                    borrowed: borrowed)
            }
            if let short = container.shortTitle {
                request("container short title", FieldCandidate("shortjournal"), text(short, "shortjournal"))
            }
        }
        if let series = entry.series {
            if let title = series.title, !title.isEmpty {
                request("series", FieldCandidate("series"), rich(title, "series"))
            }
            if let short = series.shortTitle {
                request("series short title", FieldCandidate("shortseries"), text(short, "shortseries"))
            }
        }
    }

    /// Where the container's title goes for the written type, and whether that field
    /// belongs to another slot first (so a real `howpublished` wins over the container).
    private var containerFields: ([String], Bool) {
        switch dialect {
        case .bibtex:
            switch type {
            case "article": return (["journal"], false)
            case "misc", "booklet": return (["howpublished", "booktitle"], true)
            default: return (["booktitle"], false)
            }
        case .biblatex:
            switch type {
            case "article": return (["journaltitle"], false)
            case "inbook", "incollection", "inproceedings", "inreference", "bookinbook", "suppbook", "suppcollection":
                return (["booktitle"], false)
            case "book", "collection", "proceedings", "reference", "mvbook", "mvcollection", "mvproceedings",
                "mvreference":
                return (["maintitle"], false)
            case "misc", "software", "booklet", "unpublished": return (["howpublished"], true)
            case "online": return (["organization"], true)
            case "dataset": return (["publisher", "organization"], true)
            case "manual": return (["series"], true)
            default: return ([], false)
            }
        }
    }

    // MARK: Volume, issue, numbers

    private mutating func addVolumeAndNumbers() {
        addField(.volume)
        // One `number` field, three claimants: the type decides who owns it, the others
        // move to a field of their own (`issue`, `eid`, BibTeX `seriesnumber`).
        let articleLike = plans.issueInNumber
        let bookLike = plans.seriesNumber
        // The classic styles warn "there's a number but no volume" for an article: without a
        // volume the issue goes to `issue` (which they ignore) and `number` stays empty.
        let numberFree = !(dialect == .bibtex && articleLike && (entry.fields[.volume]?.isEmpty ?? true))
        func candidates(_ names: [String]) -> [FieldCandidate] {
            names.filter { numberFree || $0 != "number" }.map { FieldCandidate($0) }
        }
        let rank: (issue: Int, number: Int, series: Int) =
            articleLike ? (0, 1, 2) : bookLike ? (2, 1, 0) : (1, 0, 2)
        let base = requests.count * 4
        var issue = entry.fields[.issue]
        var containerNumber = entry.container?.number
        if issue == nil {
            issue = containerNumber
            containerNumber = nil
        }
        if let issue {
            request("issue", candidates(BibTeXFieldTable.row(.issue).names(in: dialect, type: type)),
                text(issue, "issue"), priority: base + rank.issue)
        }
        if let number = entry.fields[.number] {
            // In an article `number` is the issue: an article number goes to `eid` first.
            var names = BibTeXFieldTable.row(.number).names(in: dialect, type: type)
            if articleLike { names = names.filter { $0 == "eid" } + names.filter { $0 != "eid" } }
            request("number", candidates(names), text(number, "number"), priority: base + rank.number)
        }
        if let seriesNumber = entry.series?.number {
            let names = dialect == .bibtex ? ["number", "seriesnumber"] : ["number"]
            request("series number", candidates(names), text(seriesNumber, "number"), priority: base + rank.series)
        }
        if let containerNumber, containerNumber != issue {
            request("container number", FieldCandidate("issue"), text(containerNumber, "issue"))
        }
    }

    // MARK: Fields

    /// Fields requested at a fixed place in ``build()``; the others follow the notes, in
    /// ``Field`` order.
    static let fixedFields: [Field] = [
        .volume, .issue, .number, .page, .edition, .publisher, .publisherPlace, .institution, .organization,
        .howPublished, .genre, .eventTitle, .eventPlace, .annote,
    ]

    /// Written types whose publisher is the degree-granting or issuing institution.
    static let institutionTypes: Set<String> = ["phdthesis", "mastersthesis", "techreport", "thesis", "report"]

    /// ``Field/allCases`` without ``fixedFields``.
    static let laterFields: [Field] = Field.allCases.filter { !fixedFields.contains($0) }

    /// Requests a model field at its home (and fallbacks) from the field table.
    private mutating func addField(_ field: Field, value: String? = nil) {
        let home = plans.homeID[field.ordinal]
        if home >= 0, homePosition[home] < 0 {
            homePosition[home] = requests.count
            anyHome = true
        }
        guard var raw = value ?? (fieldMask >> UInt64(field.ordinal & 63) & 1 != 0 ? entry.fields[field] : nil) else {
            return
        }
        if field == .status, dialect == .biblatex, let key = BibTeXDates.publicationStates[raw.trimmingSpaces.lowercased()] {
            raw = key  // biblatex localises its pubstate keys ("in press" → `inpress`)
        }
        let names = plans.names[field.ordinal]
        let borrowed = dialect == .biblatex && field == .medium
        request(field.rawValue, FieldCandidates(names: names), text(raw, field.rawValue), borrowed: borrowed)
    }

    // MARK: Dates

    private mutating func addDates() {
        for (role, parsed) in entry.dates {
            switch role {
            case .issued: addIssued(parsed)
            case .accessed: addOtherDate(parsed, label: "accessed date", field: "urldate")
            case .eventDate: addOtherDate(parsed, label: "event date", field: "eventdate")
            case .originalDate: addOtherDate(parsed, label: "original date", field: "origdate")
            default:
                let name = BibTeXKeys.fieldName(role.rawValue)
                let field = name.hasSuffix("date") ? name.replacingAll("-", with: "") : name + "date"
                addOtherDate(parsed, label: role.rawValue + " date", field: dialect == .bibtex ? field : nil)
            }
        }
    }

    private mutating func addIssued(_ parsed: Parsed<BibDate>) {
        // A range open at both ends says nothing.
        if let date = parsed.typed, date.start == nil, date.end == nil { return }
        switch dialect {
        case .bibtex:
            if let date = parsed.typed, date.start.map({ $0.isValid }) ?? true, date.end.map({ $0.isValid }) ?? true {
                let parts = BibTeXDates.bibtexParts(date)
                if !parts.isEmpty {
                    for part in parts {
                        let value = part.bare ? stored(part.value.utf8) : text(part.value, part.name)
                        request(part.name, FieldCandidate(part.name), value, bare: part.bare)
                    }
                    return
                }
            }
            let raw = parsed.raw ?? parsed.typed?.edtf ?? ""
            guard !raw.trimmingSpaces.isEmpty else { return }
            context.diagnostics.warning(
                "bibtex.raw-date",
                "the date '\(raw)' is not a calendar date; written as the year text",
                entryKey: key, field: "year")
            request("year", FieldCandidate("year"), text(raw, "year"))
        case .biblatex:
            if let date = parsed.typed {
                if let value = BibTeXDates.biblatexDate(date) {
                    request("date", FieldCandidate("date"), stored(value.utf8))
                    return
                }
                if !date.isRange, let year = date.year, date.start?.month == nil {
                    // A year biber's date parser rejects (five digits) is still an integer year.
                    request("year", FieldCandidate("year"), stored(String(year).utf8))
                    return
                }
            }
            let raw = (parsed.raw ?? parsed.typed?.edtf ?? "").trimmingSpaces
            guard !raw.isEmpty else { return }
            if let state = BibTeXDates.publicationStates[raw.lowercased()], entry.fields[.status] == nil {
                request("date", FieldCandidate("pubstate"), stored(state.utf8))
                return
            }
            context.diagnostics.warning(
                "bibtex.raw-date",
                "the date '\(raw)' is not a date biber can read; written to addendum",
                entryKey: key, field: "date")
            addendumParts.append(text(raw, "addendum"))
        }
    }

    private mutating func addOtherDate(_ parsed: Parsed<BibDate>, label: String, field: String?) {
        guard let field else {
            request(label, [], text(parsed.typed?.edtf ?? parsed.raw ?? "", label))
            return
        }
        switch dialect {
        case .bibtex:
            // ISO 8601-2 as biber reads it (seasons as `2020-21`), else the EDTF text.
            let value = parsed.typed.map { BibTeXDates.biblatexDate($0) ?? $0.edtf } ?? parsed.raw ?? ""
            request(label, FieldCandidate(field), text(value, field))
        case .biblatex:
            if let date = parsed.typed, let value = BibTeXDates.biblatexDate(date) {
                request(label, FieldCandidate(field), stored(value.utf8))
            } else {
                let raw = parsed.raw ?? parsed.typed?.edtf ?? ""
                request(label, [], text(raw, field), reason: "the \(label) '\(raw)' is not a date biber can read")
            }
        }
    }

    // MARK: Identifiers

    /// The kinds written first, in this order; other kinds follow in the order met.
    private static let identifierOrder: [IdentifierKind] = [.doi, .isbn, .issn, .arxiv, .pmid, .pmcid, .hdl, .lccn]

    private mutating func addIdentifiers() {
        let total = entry.identifiers.count + (entry.container?.identifiers.count ?? 0)
            + (entry.series?.identifiers.count ?? 0)
        if total == 0 { return }
        // Distinct non-empty identifiers, in the order met.
        var distinct: [Identifier] = []
        distinct.reserveCapacity(total)
        var seen = Set<Identifier>()
        func consider(_ ids: [Identifier]) {
            for id in ids where !Self.isBlank(id.value) {
                // The usual handful: compared pairwise rather than hashed.
                if total <= 16 ? !distinct.contains(id) : seen.insert(id).inserted { distinct.append(id) }
            }
        }
        consider(entry.identifiers)
        if let ids = entry.container?.identifiers { consider(ids) }
        if let ids = entry.series?.identifiers { consider(ids) }
        if distinct.isEmpty { return }
        // Grouped by kind: the kinds of ``identifierOrder`` first, then the others as met.
        let order = Self.identifierOrder
        var others: [IdentifierKind] = []
        var ranks: [Int] = []
        ranks.reserveCapacity(distinct.count)
        for id in distinct {
            if let k = order.firstIndex(of: id.kind) {
                ranks.append(k)
            } else if let k = others.firstIndex(of: id.kind) {
                ranks.append(order.count + k)
            } else {
                ranks.append(order.count + others.count)
                others.append(id.kind)
            }
        }
        var sorted = distinct
        if distinct.count > 1 {
            let positions = distinct.indices.sorted { (ranks[$0], $0) < (ranks[$1], $1) }
            sorted = positions.map { distinct[$0] }
        }
        var lo = 0
        while lo < sorted.count {
            let kind = sorted[lo].kind
            var hi = lo + 1
            while hi < sorted.count && sorted[hi].kind == kind { hi += 1 }
            let ids = sorted[lo..<hi]
            switch kind {
            case .doi: addVerbatimSeries(ids, name: "doi", label: "doi")
            case .isbn: addChecked(ids, name: "isbn", valid: IdentifierChecks.isValidISBN)
            case .issn: addChecked(ids, name: "issn", valid: IdentifierChecks.isValidISSN)
            default: addEprintLike(ids, kind: kind)
            }
            lo = hi
        }
    }

    /// Whether a value is empty once spaces, tabs and line breaks are trimmed.
    static func isBlank(_ s: String) -> Bool {
        !s.utf8.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }

    /// The first value at `name`, further values at `name2`, `name3`… (BibTeX) or reported.
    private mutating func addVerbatimSeries(_ ids: ArraySlice<Identifier>, name: String, label: String) {
        for (i, id) in ids.enumerated() {
            let value = verbatim(id.value, name)
            if i == 0 {
                request(label, FieldCandidate(name), value)
            } else {
                request(label, dialect == .bibtex ? [FieldCandidate(name + String(i + 1))] : [], value)
            }
        }
    }

    /// ISBN/ISSN: BibTeX takes them all, comma-separated; biber checks the checksum of one.
    private mutating func addChecked(_ ids: ArraySlice<Identifier>, name: String, valid: (String) -> Bool) {
        if dialect == .bibtex {
            let joined =
                ids.count == 1 ? (ids.first?.value.trimmingSpaces ?? "") : ids.map { $0.value.trimmingSpaces }.joined(separator: ", ")
            request(name, FieldCandidate(name), text(joined, name))
            return
        }
        var first = true
        for id in ids {
            let value = id.value.trimmingSpaces
            guard valid(value) else {
                context.diagnostics.warning(
                    "bibtex.invalid-identifier",
                    "\(name.uppercased()) '\(value)' has a wrong checksum; biber would reject it, not written",
                    entryKey: key, field: name)
                continue
            }
            request(name, first ? [FieldCandidate(name)] : [], text(value, name))
            first = false
        }
    }

    /// arXiv, PubMed and other ids. BibTeX: arXiv as `eprint` + `archiveprefix` + `primaryclass`,
    /// the others under their own name. BibLaTeX: `eprint` + `eprinttype` (+ `eprintclass`),
    /// first come first served.
    private mutating func addEprintLike(_ ids: ArraySlice<Identifier>, kind: IdentifierKind) {
        for (i, id) in ids.enumerated() {
            switch dialect {
            case .bibtex:
                let base = BibTeXIdentifierTable.bibtexFields[kind] ?? BibTeXKeys.fieldName(kind.rawValue)
                if kind == .arxiv && i == 0 {
                    var companions: [(name: String, value: [UInt8])] = [("archiveprefix", Array("arXiv".utf8))]
                    if let q = id.qualifier, !q.isEmpty {
                        let r = text(q, "primaryclass")
                        companions.append(("primaryclass", bytes(r)))
                    }
                    request("arXiv id", FieldCandidate("eprint", companions: companions), verbatim(id.value, "eprint"))
                } else {
                    let name = i == 0 ? base : (kind == .arxiv ? "arxiv" : base) + String(i + 1)
                    let v = kind == .arxiv ? verbatim(id.value, name) : text(id.value.trimmingSpaces, name)
                    request(kind.rawValue, FieldCandidate(name), v)
                }
            case .biblatex:
                let value = verbatim(id.value, "eprint")
                let eprintType = BibTeXIdentifierTable.biblatexEprintTypes[kind] ?? kind.rawValue
                let typeRange = text(eprintType, "eprinttype")
                var companions: [(name: String, value: [UInt8])] = [("eprinttype", bytes(typeRange))]
                if let q = id.qualifier, !q.isEmpty, kind == .arxiv {
                    let r = text(q, "eprintclass")
                    companions.append(("eprintclass", bytes(r)))
                }
                request(kind.rawValue, FieldCandidate("eprint", companions: companions), value, borrowed: i > 0)
            }
        }
    }

    // MARK: Links, notes

    /// `url` (the first link to the work, else the first link), `file` (the first file);
    /// returns the other links as `Label: \url{…}` texts for the note.
    private mutating func addLinks() -> [Range<Int>] {
        let links = entry.links
        let urlIndex = links.firstIndex { $0.kind == .work } ?? links.firstIndex { $0.kind != .file }
        let fileIndex = links.firstIndex { $0.kind == .file }
        if let urlIndex {
            request("url", FieldCandidate("url"), verbatim(links[urlIndex].url, "url"))
        }
        if let fileIndex {
            request("file", FieldCandidate("file"), verbatim(links[fileIndex].url, "file"))
        }
        var parts: [Range<Int>] = []
        for (i, link) in links.enumerated() where i != urlIndex && i != fileIndex {
            let start = arena.count
            arena.append(contentsOf: (Self.linkLabels[link.kind] ?? "Link").utf8)
            arena.append(contentsOf: ": ".utf8)
            context.encoder.appendURLCommand(link.url, to: &arena)
            drainEncoder("note")
            parts.append(start..<arena.count)
        }
        return parts
    }

    private static let linkLabels: [Link.Kind: String] = [
        .work: "URL", .fullText: "Full text", .code: "Code", .data: "Data", .file: "File", .related: "Related",
    ]

    private mutating func addAbstractKeywordsLanguage() {
        if let abstract = entry.abstract {
            request("abstract", FieldCandidate("abstract"), rich(abstract, "abstract"))
        }
        // The keywords trimmed, the empty ones skipped (one by one: no arrays of them).
        let start = arena.count
        var written = 0
        for keyword in entry.keywords {
            var word = keyword.trimmingSpaces
            if word.isEmpty { continue }
            if written > 0 { BibTeXNames.appendLiteral(", ", to: &arena) }
            let braced = word.withUTF8 { $0.contains(UInt8(ascii: ",")) }
            if braced { arena.append(UInt8(ascii: "{")) }
            context.encoder.appendText(word, to: &arena)
            if braced { arena.append(UInt8(ascii: "}")) }
            written += 1
        }
        if written > 0 {
            drainEncoder("keywords")
            request("keywords", FieldCandidate("keywords"), start..<arena.count)
        }
        if let language = entry.language?.trimmingSpaces, !language.isEmpty {
            if dialect == .biblatex, let babel = BabelLanguages.name(for: language) {
                request("language", FieldCandidate("langid"), stored(babel.utf8))
            } else {
                request("language", FieldCandidate("language"), text(language, "language"))
            }
        }
    }

    /// BibTeX: notes and extra links in `note`. BibLaTeX: notes in `note`; extra links (and a
    /// date biber cannot read) in `addendum`.
    private mutating func addNotes(linkParts: [Range<Int>]) {
        var noteParts = entry.notes.filter { !$0.isEmpty }.map { rich($0, "note") }
        if dialect == .bibtex {
            noteParts += linkParts
        } else {
            addendumParts += linkParts
        }
        let note = joinSentences(noteParts)
        if !note.isEmpty { request("note", FieldCandidate("note"), note) }
        let addendum = joinSentences(addendumParts)
        if !addendum.isEmpty { request("addendum", FieldCandidate("addendum"), addendum) }
    }

    /// Joins sentences with `. ` (or a space after one that already ends in `.`, `!`, `?`).
    private mutating func joinSentences(_ parts: [Range<Int>]) -> Range<Int> {
        let start = arena.count
        for part in parts where !part.isEmpty {
            if arena.count > start, let last = arena.last {
                if last == UInt8(ascii: ".") || last == UInt8(ascii: "!") || last == UInt8(ascii: "?") {
                    arena.append(0x20)
                } else {
                    arena.append(contentsOf: ". ".utf8)
                }
            }
            arena.append(contentsOf: arena[part])
        }
        return start..<arena.count
    }

    // MARK: Extras

    /// `bibtex:`/`biblatex:` extras verbatim under their own name; other namespaces as
    /// `namespace-name` in BibTeX and, since biber warns on fields outside its data model,
    /// reported once per field name in BibLaTeX.
    private mutating func addExtras() {
        for (fieldKey, value) in entry.extra {
            if fieldKey.namespace == BibTeXReader.macroNamespace {
                let name = BibTeXKeys.folded(fieldKey.name)
                macroMarkers.append((name, Self.markerAliases[name], value))
            } else if fieldKey.isBibTeXFamily {
                let name = BibTeXKeys.identifier(fieldKey.name) ?? BibTeXKeys.fieldName(fieldKey.name, preservingCase: true)
                var bytes: Range<Int>
                if BraceBalance.isBalanced(value) {
                    let start = arena.count
                    context.encoder.appendVerbatimBytes(value.trimmingSpaces, to: &arena)
                    bytes = start..<arena.count
                    drainEncoder(name)
                } else {
                    context.diagnostics.warning(
                        "bibtex.unbalanced-braces",
                        "field '\(fieldKey.name)' has unbalanced braces; written as escaped text",
                        entryKey: key, field: fieldKey.name)
                    bytes = text(value, name)
                }
                request(fieldKey.description, FieldCandidate(name), bytes, isExtra: true)
            } else if dialect == .bibtex {
                let name = BibTeXKeys.fieldName(fieldKey.namespace + "-" + fieldKey.name, preservingCase: true)
                request(fieldKey.description, FieldCandidate(name), text(value, name), isExtra: true)
            } else {
                let label = fieldKey.description
                context.report.add(
                    id: "unsupported:" + label, code: "bibtex.unsupported-field", field: label, key: key
                ) { count, keys in
                    "field '\(label)' has no place in biblatex's data model (biber would warn); not written in "
                        + entriesPhrase(count, keys)
                }
            }
        }
    }

    // MARK: Placement

    private mutating func request(
        _ label: String, _ candidate: FieldCandidate, _ value: Range<Int>, bare: Bool = false,
        borrowed: Bool = false, priority: Int? = nil, quiet: Bool = false, reason: String? = nil,
        isExtra: Bool = false
    ) {
        request(
            label, FieldCandidates(candidate), value, bare: bare, borrowed: borrowed, priority: priority, quiet: quiet,
            reason: reason, isExtra: isExtra)
    }

    private mutating func request(
        _ label: String, _ candidates: [FieldCandidate], _ value: Range<Int>, bare: Bool = false,
        borrowed: Bool = false, priority: Int? = nil, quiet: Bool = false, reason: String? = nil,
        isExtra: Bool = false
    ) {
        request(
            label, FieldCandidates(candidates), value, bare: bare, borrowed: borrowed, priority: priority,
            quiet: quiet, reason: reason, isExtra: isExtra)
    }

    private mutating func request(
        _ label: String, _ candidates: FieldCandidates, _ value: Range<Int>, bare: Bool = false,
        borrowed: Bool = false, priority: Int? = nil, quiet: Bool = false, reason: String? = nil,
        isExtra: Bool = false
    ) {
        if value.isEmpty && !isExtra { return }
        let order = requests.count
        let p = priority ?? (borrowed ? 1_000_000 + order * 4 : order * 4)
        requests.append(
            FieldRequest(
                label: label, candidates: candidates, value: value,
                isInteger: dialect == .biblatex && Self.isInteger(arena[value]), bare: bare, priority: p, quiet: quiet,
                reason: reason, isExtra: isExtra))
    }

    /// Whether biber accepts the field for the entry type (and, for integer fields, the value).
    private func allowed(_ name: String) -> Bool {
        Self.allowed(name, isInteger: nil, dialect: dialect, type: type)
    }

    /// `isInteger`: whether the value is an integer, nil to leave the value out of it.
    private static func allowed(_ name: String, isInteger: Bool?, dialect: BibTeXDialect, type: String) -> Bool {
        guard dialect == .biblatex else { return true }
        guard BibLaTeXDataModel.allows(name, in: type) else { return false }
        if let isInteger, BibLaTeXDataModel.integerFields.contains(name) { return isInteger }
        return true
    }

    static func isInteger<C: Collection>(_ value: C) -> Bool where C.Element == UInt8 {
        !value.isEmpty && value.allSatisfy(isASCIIDigit)
    }

    /// Whether `name` is among the field names taken. (Lengths first: most names taken differ
    /// in length from the one asked about, and a String comparison of two unequal names costs
    /// more than the whole test.)
    private static func isUsed(_ name: String, in used: [String]) -> Bool {
        let count = name.utf8.count
        for u in used where u.utf8.count == count && u == name { return true }
        return false
    }

    /// Whether candidate `c` (its name `folded`) can be placed: its name and its companions'
    /// not taken, and all of them allowed. Field names compare ignoring case (extras keep the
    /// case they were read with).
    private static func fits(
        _ c: FieldCandidate, folded name: String, _ isInteger: Bool, used: [String], dialect: BibTeXDialect, type: String
    ) -> Bool {
        if isUsed(name, in: used) || c.companions.contains(where: { isUsed($0.name, in: used) }) { return false }
        return allowed(name, isInteger: isInteger, dialect: dialect, type: type)
            && c.companions.allSatisfy { allowed($0.name, isInteger: Self.isInteger($0.value), dialect: dialect, type: type) }
    }

    /// Takes the names of candidate `c` (its name `folded`) and of its companions.
    private static func take(_ c: FieldCandidate, folded name: String, into used: inout [String]) {
        used.append(name)
        for companion in c.companions { used.append(companion.name) }
    }

    private mutating func resolve() {
        // The field names taken (a few dozen at most: a linear search beats hashing).
        var used = usedNames
        usedNames = []
        used.removeAll(keepingCapacity: true)
        // Plain values, so the helpers below do not capture (and copy) the builder.
        let dialect = self.dialect
        let type = self.type
        let requests = self.requests
        let n = requests.count
        // The candidate chosen for each request, -1 for none.
        var chosen = chosenCandidates
        chosenCandidates = []
        chosen.removeAll(keepingCapacity: true)
        chosen.append(contentsOf: repeatElement(-1, count: n))
        // Usually requested in order of priority already.
        var inOrder = true
        for i in requests.indices.dropFirst() where requests[i - 1].priority > requests[i].priority {
            inOrder = false
            break
        }
        let byPriority: [Int] =
            inOrder ? [] : requests.indices.sorted { (requests[$0].priority, $0) < (requests[$1].priority, $1) }
        // Field names compare ignoring case (extras keep the case they were read with).
        // (Static helpers over `used` passed in: nested functions capturing the mutable array
        // reached it through a box with an exclusivity check at every access.)
        for step in 0..<n {
            let i = inOrder ? step : byPriority[step]
            if let first = requests[i].candidates.first {
                let name = BibTeXKeys.folded(first.name)
                if Self.fits(first, folded: name, requests[i].isInteger, used: used, dialect: dialect, type: type) {
                    chosen[i] = 0
                    Self.take(first, folded: name, into: &used)
                }
            }
        }
        for step in 0..<n {
            let i = inOrder ? step : byPriority[step]
            guard chosen[i] < 0 else { continue }
            let candidates = requests[i].candidates
            for k in candidates.indices.dropFirst() {
                let name = BibTeXKeys.folded(candidates[k].name)
                if Self.fits(candidates[k], folded: name, requests[i].isInteger, used: used, dialect: dialect, type: type) {
                    chosen[i] = k
                    Self.take(candidates[k], folded: name, into: &used)
                    break
                }
            }
        }
        used.removeAll(keepingCapacity: true)
        usedNames = used
        placed.reserveCapacity(n + 4)
        for i in 0..<n where chosen[i] < 0 { reportUnplaced(requests[i]) }
        // Output order: a value placed in its own first candidate keeps its request position;
        // one placed in a field that is another slot's home takes that slot's position, just
        // before whatever was requested there.
        var outputOrder: [Int] = []
        if anyHome {
            let homePosition = self.homePosition
            let homeIDs = plans.homeIDs
            func position(_ i: Int) -> (Int, Int, Int) {
                let k = chosen[i]
                guard k >= 0, !requests[i].isExtra else { return (i, 1, i) }
                let borrowed = k > 0 || requests[i].priority >= 1_000_000
                guard borrowed else { return (i, 1, i) }
                let name = BibTeXKeys.folded(requests[i].candidates[k].name)
                if let id = homeIDs[name], homePosition[id] >= 0, homePosition[id] != i {
                    let home = homePosition[id]
                    return (home, 0, i)
                }
                return (i, 1, i)
            }
            let keys = requests.indices.map(position)
            if !zip(keys, keys.dropFirst()).allSatisfy({ $0 < $1 }) {
                outputOrder = requests.indices.sorted { keys[$0] < keys[$1] }
            }
        }
        let hasMarkers = !macroMarkers.isEmpty
        for step in 0..<n {
            let i = outputOrder.isEmpty ? step : outputOrder[step]
            let k = chosen[i]
            guard k >= 0 else { continue }
            let c = requests[i].candidates[k]
            let bare = requests[i].bare
            if !bare, hasMarkers, let expression = macroExpression(for: c.name, value: requests[i].value) {
                let expressionBytes = stored(expression.utf8)
                placed.append((c.name, expressionBytes, true))
            } else {
                placed.append((c.name, requests[i].value, bare))
            }
            for companion in c.companions where !companion.value.isEmpty {
                let companionBytes = stored(companion.value)
                placed.append((companion.name, companionBytes, false))
            }
        }
        chosenCandidates = chosen
    }

    /// The macro expression a field was read with (`journal = jmlr`), when the value about to
    /// be written still means what the expression expands to.
    private mutating func macroExpression(for name: String, value: Range<Int>) -> String? {
        guard !macroMarkers.isEmpty else { return nil }
        let folded = BibTeXKeys.folded(name)
        // The marker read under this name, else under the other dialect's name (the aliases
        // pair names both ways).
        // (Index loops: `last(where:)` copied each marker, three strings, into its closure.)
        var found = -1
        var k = macroMarkers.count - 1
        while k >= 0 {
            if macroMarkers[k].name == folded {
                found = k
                break
            }
            k -= 1
        }
        if found < 0 {
            k = macroMarkers.count - 1
            while k >= 0 {
                if macroMarkers[k].alias == folded {
                    found = k
                    break
                }
                k -= 1
            }
        }
        guard found >= 0 else { return nil }
        let expression = macroMarkers[found].expression
        // The same few expressions come back entry after entry: expanded once per write.
        let expanded: MacroExpansion
        if let cached = context.macroExpansions[expression] {
            expanded = cached
        } else {
            let bytes = BibTeXExpressions.expand(expression, macros: context.macros)
            expanded = MacroExpansion(bytes: bytes, plain: bytes?.withUnsafeBufferPointer { LaTeXDecoder.plain($0).0 })
            context.macroExpansions[expression] = expanded
        }
        guard let expansion = expanded.bytes, let plain = expanded.plain else { return nil }
        // The usual value is the expansion itself, byte for byte: then its plain text is too.
        if arena.withUnsafeBufferPointer({ a in
            expansion.withUnsafeBufferPointer { sameBytes(UnsafeBufferPointer(rebasing: a[value]), $0) }
        }) {
            return expression
        }
        if plain == arena[value].withUnsafeBufferPointer({ LaTeXDecoder.plain($0).0 }) {
            return expression
        }
        // Names: the same people, however the parts are ordered (`First Last` vs `Last, First`).
        let isNames = BibTeXRoleTable.role(forBibTeXField: folded) != nil || BibTeXRoleTable.role(forBibLaTeXField: folded) != nil
        if isNames {
            let a = expansion.withUnsafeBufferPointer { BibTeXNameParser.parse($0, useprefix: false).names }
            let b = arena[value].withUnsafeBufferPointer { BibTeXNameParser.parse($0, useprefix: false).names }
            if a == b { return expression }
        }
        return nil
    }

    /// The other dialect's name of a field, for macro markers read under that name.
    static let markerAliases: [String: String] = [
        "journal": "journaltitle", "journaltitle": "journal", "address": "location", "location": "address",
        "school": "institution", "institution": "school", "annote": "annotation", "annotation": "annote",
    ]

    private mutating func reportUnplaced(_ r: FieldRequest) {
        if r.quiet { return }
        if let reason = r.reason {
            context.diagnostics.warning("bibtex.invalid-value", reason + "; not written", entryKey: key, field: r.label)
            return
        }
        let names = r.candidates.map(\.name)
        if dialect == .biblatex, let integer = names.first(where: {
            BibLaTeXDataModel.integerFields.contains($0) && BibLaTeXDataModel.allows($0, in: type)
        }), !r.isInteger {
            let shown = String(decoding: arena[r.value], as: UTF8.self)
            context.diagnostics.warning(
                "bibtex.invalid-value",
                "\(r.label) '\(shown)' is not an integer, which biber requires for '\(integer)'; not written",
                entryKey: key, field: r.label)
            return
        }
        let taken = names.filter { allowed($0) }
        let clash = !taken.isEmpty
        if dialect == .biblatex && !clash {
            let label = r.label
            let type = self.type
            if r.isExtra {
                context.report.add(
                    id: "unsupported:" + label, code: "bibtex.unsupported-field", field: label, key: key
                ) { count, keys in
                    "field '\(label)' is not in biblatex's data model for @\(type) (biber would warn); not written in "
                        + entriesPhrase(count, keys)
                }
            } else {
                context.report.add(
                    id: "not-in-type:" + label + "@" + type, code: "bibtex.field-not-in-type", field: label, key: key
                ) { count, keys in
                    "\(label) has no place in biblatex's data model for @\(type) (biber would warn); not written in "
                        + entriesPhrase(count, keys)
                }
            }
            return
        }
        let outside = names.filter { !allowed($0) }
        var message = "\(r.label) could not be written: \(taken.joined(separator: ", ")) already taken"
        if !outside.isEmpty { message += "; \(outside.joined(separator: ", ")) not in biblatex's data model for @\(type)" }
        context.diagnostics.warning("bibtex.duplicate-field", message, entryKey: key, field: r.label)
    }

    // MARK: Encoding helpers

    /// Plain text → field bytes.
    private mutating func text(_ s: String, _ field: String) -> Range<Int> {
        let start = arena.count
        context.encoder.appendText(s, to: &arena)
        drainEncoder(field)
        Self.collapseSpaces(&arena, from: start)
        return start..<arena.count
    }

    /// Bytes stored as they are.
    private mutating func stored<S: Sequence>(_ bytes: S) -> Range<Int> where S.Element == UInt8 {
        let start = arena.count
        arena.append(contentsOf: bytes)
        return start..<arena.count
    }

    /// A copy of stored bytes.
    private func bytes(_ range: Range<Int>) -> [UInt8] { Array(arena[range]) }

    /// Rich text → field bytes (titles get case protection).
    private mutating func rich(_ r: RichText, _ field: String, title: Bool = false) -> Range<Int> {
        let start = arena.count
        context.encoder.append(r, to: &arena, title: title)
        drainEncoder(field)
        Self.collapseSpaces(&arena, from: start)
        return start..<arena.count
    }

    /// A verbatim field (URL, DOI, eprint, file): never escaped; unmatched braces
    /// percent-encoded (with a warning) so the file still parses; control characters dropped;
    /// for ASCII output, non-ASCII bytes of a URL percent-encoded (an equivalent URI).
    private mutating func verbatim(_ s: String, _ field: String) -> Range<Int> {
        let (fixed, changed) = BraceBalance.percentEncodingUnmatched(s.trimmingSpaces)
        if changed {
            context.diagnostics.warning(
                "bibtex.unbalanced-braces",
                "\(field) has unbalanced braces; the unmatched ones were percent-encoded",
                entryKey: key, field: field)
        }
        let start = arena.count
        let isURL = field == "url"
        let encodeNonASCII = context.encoder.asciiOnly && isURL
        // The reader takes `\&` (`\_ \% \# \~`) in these fields for the bare character, one
        // backslash less: a backslash the value has there is doubled, so it reads back.
        let readerUnescapes = isURL || field == "eprint" || field.hasPrefix("doi")
        var fixedBytes = fixed
        fixedBytes.withUTF8 { bytes in
            // Usually nothing to change: copied at once.
            var plain = true
            for b in bytes
            where b < 0x20 || b == 0x7F || b == UInt8(ascii: "\\") || (b >= 0x80 && encodeNonASCII) || (b == 0x20 && isURL) {
                plain = false
                break
            }
            if plain {
                arena.append(contentsOf: bytes)
                return
            }
            for (i, b) in bytes.enumerated() {
                if b < 0x20 || b == 0x7F { continue }
                if readerUnescapes && b == UInt8(ascii: "\\") && i + 1 < bytes.count && Self.unescapedAfterBackslash(bytes[i + 1]) {
                    arena.append(b)
                }
                if b >= 0x80 && encodeNonASCII || (b == 0x20 && isURL) {
                    arena.append(UInt8(ascii: "%"))
                    arena.append(contentsOf: PercentEncoding.hex(b))
                } else {
                    arena.append(b)
                }
            }
        }
        return start..<arena.count
    }

    /// `_ % & # ~`: what the reader unescapes after a backslash in a URL, DOI or eprint.
    static func unescapedAfterBackslash(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "&") || b == UInt8(ascii: "_") || b == UInt8(ascii: "%") || b == UInt8(ascii: "#") || b == UInt8(ascii: "~")
    }

    /// Reports what the encoder met while encoding one field.
    private mutating func drainEncoder(_ field: String) {
        let encoder = context.encoder
        guard !encoder.unmapped.isEmpty || encoder.droppedControls > 0 || encoder.unbalancedMarkup > 0 else { return }
        defer { context.encoder.resetReports() }
        if !encoder.unmapped.isEmpty {
            var seen = Set<Unicode.Scalar>()
            for scalar in encoder.unmapped where seen.insert(scalar).inserted {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                let code = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                let shown = String(scalar)
                context.report.add(
                    id: "no-latex:" + code, code: "bibtex.no-latex-form", field: field, key: key
                ) { count, keys in
                    "'\(shown)' (U+\(code)) has no LaTeX form; kept as UTF-8 in " + entriesPhrase(count, keys)
                }
            }
        }
        if encoder.droppedControls > 0 {
            context.diagnostics.warning(
                "bibtex.control-character",
                "\(encoder.droppedControls) control character(s) in \(field) dropped", entryKey: key, field: field)
        }
        if encoder.unbalancedMarkup > 0 {
            context.diagnostics.warning(
                "bibtex.unbalanced-braces",
                "LaTeX or math in \(field) has unbalanced braces; written as escaped text", entryKey: key, field: field)
        }
    }

    /// ``collapsingSpaces(_:)`` in place.
    static func collapseSpaces(_ bytes: inout [UInt8]) { collapseSpaces(&bytes, from: 0) }

    /// ``collapseSpaces(_:)`` of the bytes from `start` on.
    static func collapseSpaces(_ bytes: inout [UInt8], from start: Int) {
        if !hasSpaceToCollapse(bytes, from: start) { return }
        var w = start
        bytes.withUnsafeMutableBufferPointer { p in
            for r in start..<p.count {
                let b = p[r]
                if b == 0x20 && (w == start || p[w - 1] == 0x20) { continue }
                p[w] = b
                w += 1
            }
        }
        if w > start && bytes[w - 1] == 0x20 { w -= 1 }
        bytes.removeLast(bytes.count - w)
    }

    /// Whether ``collapseSpaces(_:)`` may change anything: a leading or trailing space or
    /// two spaces in a row (tested eight bytes at a time, words overlapping by one byte so
    /// that every adjacent pair is seen; a rare false alarm only costs the slow path).
    static func hasSpaceToCollapse(_ bytes: [UInt8], from start: Int = 0) -> Bool {
        bytes.withUnsafeBufferPointer { all -> Bool in
            let p = UnsafeBufferPointer(rebasing: all[start...])
            guard let base = p.baseAddress, let first = p.first, let last = p.last else { return false }
            if first == 0x20 || last == 0x20 { return true }
            let n = p.count
            var i = 0
            while i + 8 <= n {
                let m = ByteWord.equal(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self), 0x20)
                if m & (m << 8) != 0 { return true }
                i += 7
            }
            while i + 1 < n {
                if p[i] == 0x20 && p[i + 1] == 0x20 { return true }
                i += 1
            }
            return false
        }
    }

    /// Runs of spaces collapsed to one; leading and trailing spaces dropped.
    static func collapsingSpaces(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes {
            if b == 0x20 && (out.isEmpty || out.last == 0x20) { continue }
            out.append(b)
        }
        if out.last == 0x20 { out.removeLast() }
        return out
    }
}

/// Checksums of ISBN and ISSN (biber rejects values whose check digit is wrong).
public enum IdentifierChecks {
    /// Whether an ISBN-10 or ISBN-13 (hyphens and spaces allowed) has a correct check digit.
    public static func isValidISBN(_ s: String) -> Bool {
        let chars = Array(s.utf8.filter { $0 != UInt8(ascii: "-") && $0 != 0x20 })
        if chars.count == 10 {
            var sum = 0
            for (i, c) in chars.enumerated() {
                let v: Int
                if isASCIIDigit(c) { v = Int(c - 0x30) } else if i == 9 && (c | 0x20) == UInt8(ascii: "x") { v = 10 } else { return false }
                sum += v * (10 - i)
            }
            return sum % 11 == 0
        }
        if chars.count == 13, chars.allSatisfy(isASCIIDigit) {
            let prefix = String(decoding: chars.prefix(3), as: UTF8.self)
            guard prefix == "978" || prefix == "979" else { return false }
            var sum = 0
            for (i, c) in chars.enumerated() { sum += Int(c - 0x30) * (i % 2 == 0 ? 1 : 3) }
            return sum % 10 == 0
        }
        return false
    }

    /// Whether an ISSN (`1234-567X`) has a correct check digit.
    public static func isValidISSN(_ s: String) -> Bool {
        let chars = Array(s.utf8.filter { $0 != UInt8(ascii: "-") && $0 != 0x20 })
        guard chars.count == 8 else { return false }
        var sum = 0
        for (i, c) in chars.enumerated() {
            let v: Int
            if isASCIIDigit(c) { v = Int(c - 0x30) } else if i == 7 && (c | 0x20) == UInt8(ascii: "x") { v = 10 } else { return false }
            sum += v * (8 - i)
        }
        return sum % 11 == 0
    }
}

/// Page ranges with BibTeX's `--`.
public enum BibTeXPages {
    /// `123-145`, `123–145`, `123 — 145` → `123--145`; `e1234-e1240` → `e1234--e1240`;
    /// lists (`1-2, 5-7`) per item. A hyphen is a range only where both sides hold a digit
    /// or are roman numerals, so `S-12` or `A-1-2` stay as they are; en and em dashes are
    /// always ranges.
    public static func normalized(_ pages: String) -> String {
        if let simple = simpleRange(pages) { return simple }
        if isNormalizedASCII(pages) { return pages }
        return normalizedByRules(pages)
    }

    /// ``normalized(_:)`` without its two shortcuts (tests compare the two).
    static func normalizedByRules(_ pages: String) -> String {
        // ASCII (the usual case): the same rules on bytes, where `-` is the only dash.
        if pages.utf8.allSatisfy({ $0 < 0x80 }) {
            if !pages.utf8.contains(UInt8(ascii: "-")) { return pages }
            var out: [UInt8] = []
            out.reserveCapacity(pages.utf8.count + 2)
            for (n, item) in Array(pages.utf8).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
                .enumerated()
            {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                normalizedASCIIItem(item, into: &out)
            }
            return String(decoding: out, as: UTF8.self)
        }
        return pages.split(separator: ",", omittingEmptySubsequences: false)
            .map { normalizedItem(String($0)) }
            .joined(separator: ",")
    }

    /// `A-B` where `A` and `B` are ASCII letters and digits with a digit in each (`850-887`,
    /// `e12-e15`, how the model keeps most ranges): `A--B`, as the full rules make it (one
    /// hyphen between two page-like sides is a range); nil for any other shape.
    static func simpleRange(_ pages: String) -> String? {
        let check = { (buf: UnsafeBufferPointer<UInt8>) -> String? in
            let n = buf.count
            var i = 0
            var digitBefore = false
            while i < n, isASCIIDigit(buf[i]) || isASCIILetter(buf[i]) {
                if isASCIIDigit(buf[i]) { digitBefore = true }
                i += 1
            }
            guard digitBefore, i + 1 < n, buf[i] == UInt8(ascii: "-") else { return nil }
            let hyphen = i
            i += 1
            var digitAfter = false
            while i < n, isASCIIDigit(buf[i]) || isASCIILetter(buf[i]) {
                if isASCIIDigit(buf[i]) { digitAfter = true }
                i += 1
            }
            guard digitAfter, i == n else { return nil }
            return String(unsafeUninitializedCapacity: n + 1) { out in
                guard let dst = out.baseAddress, let src = buf.baseAddress else { return 0 }
                dst.initialize(from: src, count: hyphen + 1)
                dst[hyphen + 1] = UInt8(ascii: "-")
                (dst + hyphen + 2).initialize(from: src + hyphen + 1, count: n - hyphen - 1)
                return n + 1
            }
        }
        var text = pages
        return text.withUTF8(check)
    }

    /// True for ASCII pages that ``normalized(_:)`` gives back unchanged because every run of
    /// hyphens in them is already `--` with no space on either side (`850--887`,
    /// `1--2,5--7`, `e1234`): each such run is a range, written `--` again, and nothing else
    /// changes. Anything else (a single hyphen, spaces at a dash, non-ASCII) goes the full way.
    static func isNormalizedASCII(_ pages: String) -> Bool {
        let hyphen = UInt8(ascii: "-")
        let check = { (buf: UnsafeBufferPointer<UInt8>) -> Bool in
            let n = buf.count
            var i = 0
            while i < n {
                let b = buf[i]
                if b >= 0x80 { return false }
                if b == hyphen {
                    guard i + 1 < n, buf[i + 1] == hyphen, i + 2 >= n || buf[i + 2] != hyphen else { return false }
                    if i > 0 && buf[i - 1] == 0x20 { return false }
                    if i + 2 < n && buf[i + 2] == 0x20 { return false }
                    i += 2
                    continue
                }
                i += 1
            }
            return true
        }
        var text = pages
        return text.withUTF8(check)
    }

    private static func normalizedItem(_ item: String) -> String {
        let scalars = Array(item.unicodeScalars)
        func isDash(_ s: Unicode.Scalar) -> Bool {
            s == "-" || s == "\u{2010}" || s == "\u{2011}" || s == "\u{2012}" || s == "\u{2013}" || s == "\u{2014}"
                || s == "\u{2015}" || s == "\u{2212}"
        }
        // Dash runs with the spaces around them.
        var runs: [(Range<Int>, Bool)] = []  // range, contains a non-hyphen dash or 2+ hyphens
        var i = 0
        while i < scalars.count {
            if isDash(scalars[i]) {
                var j = i
                var strong = false
                var hyphens = 0
                while j < scalars.count && isDash(scalars[j]) {
                    if scalars[j] == "-" { hyphens += 1 } else { strong = true }
                    j += 1
                }
                // Spaces between two dash runs (`1- -2`) belong to the first.
                var lo = i
                let floor = runs.last?.0.upperBound ?? 0
                while lo > floor && scalars[lo - 1] == " " { lo -= 1 }
                var hi = j
                while hi < scalars.count && scalars[hi] == " " { hi += 1 }
                runs.append((lo..<hi, strong || hyphens >= 2))
                i = max(j, hi)
            } else {
                i += 1
            }
        }
        guard !runs.isEmpty else { return item }
        let single = runs.count == 1
        var out = String.UnicodeScalarView()
        var last = 0
        for (range, strong) in runs {
            let left = String(String.UnicodeScalarView(scalars[last..<range.lowerBound]))
            let right = String(String.UnicodeScalarView(scalars[range.upperBound...]))
            out.append(contentsOf: scalars[last..<range.lowerBound])
            let isRange = strong || (single && looksLikePage(left) && looksLikePage(right))
            if isRange {
                out.append(contentsOf: "--".unicodeScalars)
            } else {
                out.append(contentsOf: scalars[range])
            }
            last = range.upperBound
        }
        out.append(contentsOf: scalars[last...])
        return String(out)
    }

    /// ``normalizedItem(_:)`` for ASCII bytes.
    private static func normalizedASCIIItem(_ item: ArraySlice<UInt8>, into out: inout [UInt8]) {
        let u = Array(item)
        let hyphen = UInt8(ascii: "-")
        var runs: [(Range<Int>, Bool)] = []  // range, 2+ hyphens
        var i = 0
        while i < u.count {
            if u[i] == hyphen {
                var j = i
                while j < u.count && u[j] == hyphen { j += 1 }
                var lo = i
                let floor = runs.last?.0.upperBound ?? 0
                while lo > floor && u[lo - 1] == 0x20 { lo -= 1 }
                var hi = j
                while hi < u.count && u[hi] == 0x20 { hi += 1 }
                runs.append((lo..<hi, j - i >= 2))
                i = max(j, hi)
            } else {
                i += 1
            }
        }
        guard !runs.isEmpty else {
            out.append(contentsOf: u)
            return
        }
        let single = runs.count == 1
        var last = 0
        for (range, strong) in runs {
            out.append(contentsOf: u[last..<range.lowerBound])
            let isRange =
                strong
                || (single && looksLikeASCIIPage(u[last..<range.lowerBound]) && looksLikeASCIIPage(u[range.upperBound...]))
            if isRange {
                out.append(hyphen)
                out.append(hyphen)
            } else {
                out.append(contentsOf: u[range])
            }
            last = range.upperBound
        }
        out.append(contentsOf: u[last...])
    }

    /// ``looksLikePage(_:)`` for ASCII bytes.
    private static func looksLikeASCIIPage(_ s: ArraySlice<UInt8>) -> Bool {
        func isTrimmed(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let first = s.firstIndex(where: { !isTrimmed($0) }), let last = s.lastIndex(where: { !isTrimmed($0) })
        else { return false }
        let t = s[first...last]
        if t.contains(where: isASCIIDigit) { return true }
        return t.allSatisfy { "ivxlcdm".utf8.contains($0 | (($0 >= 0x41 && $0 <= 0x5A) ? 0x20 : 0)) }
    }

    private static func looksLikePage(_ s: String) -> Bool {
        let t = s.trimmingSpaces
        if t.isEmpty { return false }
        if t.utf8.contains(where: isASCIIDigit) { return true }
        return t.lowercased().utf8.allSatisfy { "ivxlcdm".utf8.contains($0) }
    }
}

/// Babel language names for BibLaTeX's `langid`.
public enum BabelLanguages {
    /// BCP 47 tags and English names (lower case) → babel name.
    public static let names: [String: String] = {
        var out: [String: String] = [
            "en": "english", "en-us": "american", "en-gb": "british", "en-au": "australian", "en-ca": "canadian",
            "en-nz": "newzealand", "de": "ngerman", "de-de": "ngerman", "de-at": "naustrian",
            "de-ch": "nswissgerman", "fr": "french", "es": "spanish", "it": "italian", "pt": "portuguese",
            "pt-br": "brazilian", "pt-pt": "portuguese", "nl": "dutch", "ru": "russian", "pl": "polish",
            "sv": "swedish", "da": "danish", "fi": "finnish", "nb": "norsk", "no": "norsk", "nn": "nynorsk",
            "cs": "czech", "sk": "slovak", "hu": "magyar", "el": "greek", "tr": "turkish", "ca": "catalan",
            "hr": "croatian", "sl": "slovene", "et": "estonian", "lv": "latvian", "lt": "lithuanian",
            "uk": "ukrainian", "bg": "bulgarian", "sr": "serbian", "ro": "romanian", "is": "icelandic",
            "he": "hebrew", "la": "latin", "eu": "basque", "gl": "galician",
            "german": "ngerman", "hungarian": "magyar", "slovenian": "slovene", "norwegian": "norsk",
        ]
        for name in [
            "english", "american", "british", "australian", "canadian", "newzealand", "ngerman", "austrian",
            "naustrian", "swissgerman", "nswissgerman", "french", "spanish", "italian", "portuguese",
            "brazilian", "dutch", "russian", "polish", "swedish", "danish", "finnish", "norsk", "nynorsk",
            "czech", "slovak", "magyar", "greek", "turkish", "catalan", "croatian", "slovene", "estonian",
            "latvian", "lithuanian", "ukrainian", "bulgarian", "serbian", "romanian", "icelandic", "hebrew",
            "latin", "basque", "galician",
        ] {
            out[name] = name
        }
        return out
    }()

    /// The babel name for a language tag or name, or nil when babel has none.
    public static func name(for language: String) -> String? {
        let key = language.trimmingSpaces.lowercased().replacingAll("_", with: "-")
        return names[key]
    }
}

/// Writes bytes into uninitialised memory of a size measured beforehand: what would not fit
/// is dropped (the measure is an upper bound, so nothing is).
struct EmitCursor {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    /// The bytes written.
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    @inline(__always)
    mutating func put(_ b: UInt8) {
        guard count < buffer.count else { return }
        buffer[count] = b
        count += 1
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let src = bytes.baseAddress, let dst = buffer.baseAddress, bytes.count <= buffer.count - count else { return }
        (dst + count).initialize(from: src, count: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    mutating func put(_ s: String) {
        var s = s
        s.withUTF8 { put($0) }
    }
}
