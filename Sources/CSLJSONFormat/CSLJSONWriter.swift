import BibModel

/// Writes CSL-JSON 1.0.2: an array of items, valid against the official schema and
/// bibkit's own (`Schemas/csl-data.bibkit.json`).
///
/// Items are written with a fixed key order (`id`, `type`, `citation-key`, titles, names,
/// dates, container and series, the other variables in ``BibModel/Field`` order,
/// identifiers, `URL`, language, keywords, abstract, note, then `custom`). Whatever CSL
/// has no variable for goes to `custom` (see ``CSLCustomKey``), so reading the output back
/// gives the same model. Entries without a key get one from ``BibModel/CitationKeyGenerator``;
/// ids are made unique.
public struct CSLJSONWriter: BibliographyWriter {
    /// Creates a writer.
    public init() {}

    /// Writes a library as a CSL-JSON array, pretty (two-space indentation) or compact
    /// according to ``BibModel/WriteOptions/pretty``; the output ends with a newline.
    public func write(_ library: Library, options: WriteOptions, diagnostics: inout Diagnostics) -> [UInt8] {
        var stream = Stream(options: options, reserving: library.entries.count * 1024 + 16)
        writeItems(library, diagnostics: &diagnostics, into: &stream, pieceSize: .max) { _ in }
        return stream.takeLast()
    }

    /// Writes a library as ``write(_:options:diagnostics:)`` does, handing the bytes to
    /// `sink` in pieces of about `pieceSize` bytes (the emitter's memory is reused, so no
    /// buffer as big as the output is made).
    public func write(
        _ library: Library, options: WriteOptions, diagnostics: inout Diagnostics, pieceSize: Int,
        to sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var stream = Stream(options: options, reserving: min(pieceSize, writerPieceSize) * 5 / 4)
        writeItems(library, diagnostics: &diagnostics, into: &stream, pieceSize: pieceSize, sink: sink)
        stream.drain(sink)
    }

    /// The items of a library, written into `stream` (closed with ``Stream/finish()``);
    /// the bytes are drained into `sink` whenever `pieceSize` of them are written.
    private func writeItems(
        _ library: Library, diagnostics: inout Diagnostics, into stream: inout Stream,
        pieceSize: Int, sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var library = library
        let unkeyed = library.entries.reduce(0) { $0 + (($1.key ?? "").isEmpty ? 1 : 0) }
        if unkeyed > 0 {
            CitationKeyGenerator().assignMissingKeys(in: &library)
            diagnostics.note(
                "csl.generated-key",
                "\(unkeyed) \(unkeyed == 1 ? "entry has" : "entries have") no citation key; generated \(unkeyed == 1 ? "one" : "them") for `id` and `citation-key`")
        }
        var entryComments = 0
        for entry in library.entries where !entry.precedingComments.isEmpty { entryComments += entry.precedingComments.count }
        Self.reportMetadata(library.metadata, entryComments: entryComments, &diagnostics)
        for entry in library.entries {
            stream.write(entry, diagnostics: &diagnostics)
            if stream.pendingCount >= pieceSize { stream.drain(sink) }
        }
        stream.finish()
    }

    /// Writes CSL-JSON entry by entry, for converting in bounded memory: the bytes are those
    /// of ``write(_:options:diagnostics:)`` for the same entries, taken in pieces with
    /// ``take()``. Every entry must have a key (the whole-library writer generates missing
    /// ones, which needs all the keys); ``write(_:diagnostics:)`` refuses one without.
    public struct Stream {
        private var usedIDs = UniqueKeys(caseSensitive: true)
        private var emitter: JSONEmitter
        private var mathCache = MathTypesetCache()
        /// The item writer, kept from entry to entry for the memory of its lists.
        private var item = CSLItemWriter(entry: Stream.placeholder, key: "", id: "")
        private var count = 0
        /// The comments of the entries written (``BibModel/Entry/precedingComments``), for the report.
        private(set) var entryComments = 0
        private let pretty: Bool
        /// What the item writer holds between entries (not the last entry written).
        private static let placeholder = Entry(type: EntryType(.document))

        /// Starts the array.
        public init(options: WriteOptions, reserving capacity: Int = 1 << 16) {
            pretty = options.pretty
            emitter = JSONEmitter(pretty: options.pretty, reserving: capacity)
            emitter.byte(UInt8(ascii: "["))
            item.readExtra = options.extraText
        }

        /// Appends one item; false (nothing written) for an entry without a key.
        @discardableResult
        public mutating func write(_ entry: Entry, diagnostics: inout Diagnostics) -> Bool {
            guard let key = entry.key, !key.isEmpty else { return false }
            if !entry.precedingComments.isEmpty { entryComments += entry.precedingComments.count }
            let preferred = entry.extra[FieldKey("csl", "id")] ?? key
            let id = usedIDs.unique(preferred)
            if id != preferred {
                diagnostics.warning(
                    "csl.duplicate-id", "duplicate key `\(preferred)`: written with id `\(id)` (CSL ids must be unique)",
                    entryKey: key, field: "id")
            }
            // The item writer borrows the emitter by swapping (no copy of the bytes so far)
            // and writes the item's members into it as it goes.
            item.start(entry: entry, key: key, id: id)
            swap(&item.emitter, &emitter)
            swap(&item.mathCache, &mathCache)
            if count > 0 { item.emitter.byte(UInt8(ascii: ",")) }
            if pretty { item.emitter.newline(1) }
            item.build()
            swap(&item.emitter, &emitter)
            swap(&item.mathCache, &mathCache)
            diagnostics.append(contentsOf: item.diagnostics)
            item.start(entry: Self.placeholder, key: "", id: "")
            count += 1
            return true
        }

        /// Closes the array (call once, after the last entry).
        public mutating func finish() {
            if pretty && count > 0 { emitter.newline(0) }
            emitter.byte(UInt8(ascii: "]"))
            emitter.byte(0x0A)
        }

        /// The bytes written since the last ``take()``, leaving no buffer behind (the
        /// emitter's memory is freed once they are copied out).
        mutating func takeLast() -> [UInt8] {
            emitter.takeAll()
        }

        /// The bytes written since the last call.
        public mutating func take() -> [UInt8] {
            emitter.take()
        }

        /// The number of bytes written since the last ``take()`` or ``drain(_:)``.
        var pendingCount: Int { emitter.count }

        /// Hands the bytes written since the last call to `body`, in place (no copy).
        mutating func drain(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
            emitter.drain(body)
        }
    }

    /// What CSL-JSON cannot hold of a collection's metadata, reported once (the streaming
    /// path calls it after the last entry); `entryComments`: the entries' own comments
    /// (``BibModel/Entry/precedingComments``), counted with the collection's.
    public static func report(_ metadata: CollectionMetadata, entryComments: Int = 0, _ diagnostics: inout Diagnostics) {
        reportMetadata(metadata, entryComments: entryComments, &diagnostics)
    }

    private static func reportMetadata(
        _ metadata: CollectionMetadata, entryComments: Int, _ diagnostics: inout Diagnostics
    ) {
        var lost: [String] = []
        if let title = metadata.title { lost.append("title “\(title)”") }
        if let owner = metadata.owner { lost.append("owner “\(owner.displayName)”") }
        if !metadata.properties.isEmpty {
            lost.append(metadata.properties.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        if !lost.isEmpty {
            diagnostics.warning(
                "csl.collection-metadata",
                "CSL-JSON has no place for collection metadata; not written: " + lost.joined(separator: "; "))
        }
        var bibtexOnly: [String] = []
        if !metadata.preambles.isEmpty { bibtexOnly.append("\(metadata.preambles.count) @preamble") }
        if !metadata.macros.isEmpty { bibtexOnly.append("\(metadata.macros.count) @string") }
        let comments = metadata.commentCount + entryComments
        if comments > 0 { bibtexOnly.append("\(comments) comment(s)") }
        if !bibtexOnly.isEmpty {
            diagnostics.note(
                "csl.collection-metadata",
                "not written to CSL-JSON (values are already expanded in the entries): " + bibtexOnly.joined(separator: ", "))
        }
    }
}

/// Writes the CSL item for one entry, at nesting level 1 (an element of the top array):
/// each member is written as it is put, in the order of the calls.
struct CSLItemWriter {
    private(set) var entry: Entry
    private(set) var key: String
    private(set) var id: String
    var diagnostics = Diagnostics()
    /// Where the item is written (the caller swaps its own emitter in and out).
    var emitter = JSONEmitter(pretty: false)
    /// Typeset formulas (the caller swaps its own cache in and out, as the emitter).
    var mathCache = MathTypesetCache()
    /// How an extra in its format's markup reads as text (``BibModel/WriteOptions/extraText``).
    var readExtra: (@Sendable (FieldKey, String) -> RichText?)?

    private var memberCount = 0
    /// The keys written so far (a handful: a linear search beats hashing).
    private var written: [String] = []
    /// `custom` members carrying model data, by position in ``CSLCustomKey/all``.
    private var custom: [(slot: Int, value: JSONOutput)] = []
    private var derived: [String] = []
    private var truncated: [String] = []
    /// Lossless markup of the rich-text variables written with typeset math: the text to
    /// render with math as TeX when `custom` is written, or the markup itself.
    private var texMarkup: [(variable: String, text: RichText?, markup: String)] = []

    init(entry: Entry, key: String, id: String) {
        self.entry = entry
        self.key = key
        self.id = id
        written.reserveCapacity(24)
    }

    /// Starts another item with this writer: everything as a new writer has it, except the
    /// memory of its lists, kept (and the emitter and formula cache, the caller's).
    mutating func start(entry: Entry, key: String, id: String) {
        self.entry = entry
        self.key = key
        self.id = id
        diagnostics = Diagnostics()
        memberCount = 0
        written.removeAll(keepingCapacity: true)
        if !custom.isEmpty { custom.removeAll(keepingCapacity: true) }
        if !derived.isEmpty { derived.removeAll(keepingCapacity: true) }
        if !truncated.isEmpty { truncated.removeAll(keepingCapacity: true) }
        if !texMarkup.isEmpty { texMarkup.removeAll(keepingCapacity: true) }
        if !extraCustom.isEmpty { extraCustom.removeAll(keepingCapacity: true) }
        if !extraCustomKeys.isEmpty { extraCustomKeys.removeAll(keepingCapacity: true) }
    }

    /// Sets a `custom` member carrying model data.
    private mutating func setCustom(_ slot: CSLCustomKey.Slot, _ value: JSONOutput) {
        if let i = custom.firstIndex(where: { $0.slot == slot.rawValue }) {
            custom[i].value = value
        } else {
            custom.append((slot.rawValue, value))
        }
    }

    /// Writes the separator and the key of the next member of the item.
    /// The key is written as it is: every key comes from CSL's variable table or is `custom`,
    /// none needs escaping (a test checks the tables).
    private mutating func beginMember(_ name: String) {
        emitter.memberKey(name, first: memberCount == 0, level: 2)
        memberCount += 1
        written.append(name)
    }

    private mutating func put(_ name: String, _ value: JSONOutput) {
        beginMember(name)
        emitter.emit(value, level: 2)
    }

    private mutating func putString(_ name: String, _ value: String?) {
        guard let value else { return }
        beginMember(name)
        emitter.emitString(value)
    }

    /// Writes the item: `{`, its members, `}`.
    mutating func build() {
        emitter.byte(UInt8(ascii: "{"))
        let cslType = CSLTypes.cslType(for: entry.type.kind)
        putString("id", id)
        putString("type", cslType)
        if !key.isEmpty { putString("citation-key", key) }
        if let original = entry.type.original, !(original.namespace == "csl" && original.name == cslType) {
            setCustom(.originalType, .string(original.description))
        }
        if let genre = entry.type.genre { setCustom(.typeGenre, .string(genre)) }

        if let main = Self.mainWorkTitle(entry), let title = entry.title {
            // A volume of a multi-volume work: CSL titles the work and names the volume.
            writeTitle(main, variable: "title", parts: TitleParts.containerParts(of: entry))
            writeTitle(title, variable: "volume-title", parts: TitleParts.own)
        } else if let title = entry.title, !title.isEmpty {
            writeTitle(title, variable: "title", parts: TitleParts.own)
        }
        if let short = entry.shortTitle, !short.isEmpty { putMarkup("title-short", short, field: "title-short") }

        writeNames()
        writeDates()
        writeLevels()
        writeFields()
        writeIdentifiers()
        writeLinks()

        putString("language", entry.language)
        writeKeywords()
        if let abstract = entry.abstract, !abstract.isEmpty { putMarkup("abstract", abstract, field: "abstract") }
        writeNotes()
        writeExtras()
        writeCustom()
        // Never empty: `id` and `type` are always written.
        if emitter.pretty { emitter.newline(1) }
        emitter.byte(UInt8(ascii: "}"))
    }

    // MARK: Text

    /// Writes a rich-text variable: its markup for readers, math typeset where possible,
    /// rendered straight into the output (escaped as it goes). When some math is typeset,
    /// the lossless TeX markup goes to `custom.tex` and the variable is derived.
    private mutating func putMarkup(_ name: String, _ text: RichText, field: String) {
        beginMember(name)
        emitter.byte(UInt8(ascii: "\""))
        var losses = CSLMarkup.Losses()
        var typesetAny = false
        if text.inlines.count == 1, case .text(let s) = text.inlines[0] {
            // Plain text is its own markup.
            emitter.write(s)
        } else {
            CSLMarkup.render(text, math: .typeset, losses: &losses, typeset: &typesetAny, cache: &mathCache, into: &emitter)
        }
        emitter.byte(UInt8(ascii: "\""))
        report(losses, field: field)
        if typesetAny {
            texMarkup.append((field, text, ""))
            derived.append(field)
        }
    }

    /// The main title of a multi-volume work the entry is a volume of: a book's container
    /// (biblatex `maintitle`), when the entry has a title of its own and the container
    /// nothing else CSL would have to drop. CSL 1.0.2 writes such a volume as the work's
    /// `title` and the volume's `volume-title` (as Zotero, Better BibTeX and pandoc do);
    /// the reader turns them back.
    static func mainWorkTitle(_ entry: Entry) -> RichText? {
        guard entry.type.kind == .book, entry.fields[.volumeTitle] == nil, let title = entry.title, !title.isEmpty,
            let container = entry.container, let main = container.title, !main.isEmpty, container.shortTitle == nil,
            container.number == nil, container.identifiers.isEmpty, container.contributors.isEmpty
        else { return nil }
        return main
    }

    /// A title. CSL has no subtitle: a BibLaTeX `subtitle` and `titleaddon` (kept as
    /// extras; `mainsubtitle` and `maintitleaddon` for a main title) are joined to it for
    /// readers (``BibModel/TitleParts``); the title alone goes to `custom.tex` and the
    /// variable is derived, so the reader gets the model back.
    private mutating func writeTitle(_ title: RichText, variable: String, parts: [TitleParts.Part]) {
        guard let joined = TitleParts.joined(title, parts, of: entry, read: readExtra) else {
            putMarkup(variable, title, field: variable)
            return
        }
        let own = renderings(title, field: variable)
        texMarkup.append((variable, nil, own.tex ?? own.typeset))
        derived.append(variable)
        putString(variable, renderings(joined.text, field: variable).typeset)
    }

    /// The typeset markup, and the lossless one when it differs (losses reported once).
    private mutating func renderings(_ text: RichText, field: String) -> (typeset: String, tex: String?) {
        var losses = CSLMarkup.Losses()
        var typesetAny = false
        let s = CSLMarkup.render(text, math: .typeset, losses: &losses, typeset: &typesetAny, cache: &mathCache)
        report(losses, field: field)
        return (s, typesetAny ? CSLMarkup.render(text) : nil)
    }

    /// Reports what the markup of a variable could not express.
    private mutating func report(_ losses: CSLMarkup.Losses, field: String) {
        if losses.contains(.code) {
            diagnostics.note(
                "csl.markup-lost", "CSL markup has no monospace: `\(field)` written as plain text", entryKey: key, field: field)
        }
        if losses.contains(.link) {
            diagnostics.warning(
                "csl.markup-lost", "CSL markup has no links: a link target in `\(field)` was dropped (its text kept)",
                entryKey: key, field: field)
        }
    }

    // MARK: Names

    private mutating func nameArray(_ list: NameList, field: String) -> JSONOutput {
        var out: [JSONOutput] = []
        for name in list.names {
            if let object = nameObject(name, field: field) { out.append(object) }
        }
        return .array(out)
    }

    /// Writes a name variable: an array of name objects (as ``nameArray(_:field:)`` builds
    /// them), straight to the output.
    private mutating func putNames(_ variable: String, _ list: NameList, field: String) {
        beginMember(variable)
        emitter.byte(UInt8(ascii: "["))
        var count = 0
        for name in list.names where emitNameObject(name, field: field, index: count) { count += 1 }
        // Name objects are never empty, so a non-empty array goes over several lines.
        if count > 0 && emitter.pretty { emitter.newline(2) }
        emitter.byte(UInt8(ascii: "]"))
    }

    /// Each member of a name object (the parts of `name` that are not nil), in the order
    /// they are written.
    private static func forEachMember(of name: PersonName, _ body: (StaticString, String) -> Void) {
        if let v = name.family { body("family", v) }
        if let v = name.given { body("given", v) }
        if let v = name.droppingParticle { body("dropping-particle", v) }
        if let v = name.nonDroppingParticle { body("non-dropping-particle", v) }
        if let v = name.suffix { body("suffix", v) }
        if let v = name.literal { body("literal", v) }
    }

    /// The members of a name object; nil (with a warning) for a name with nothing to write.
    /// A name without family or literal part is written as a literal name (with a note).
    private mutating func nameMembers(_ name: PersonName, field: String) -> PersonName? {
        func part(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }
        let family = part(name.family)
        let literal = part(name.literal)
        if family == nil && literal == nil {
            let text = name.displayName.trimmingSpaces
            guard !text.isEmpty else {
                diagnostics.warning("csl.empty-name", "an empty name in `\(field)` was not written", entryKey: key, field: field)
                return nil
            }
            diagnostics.note(
                "csl.name-as-literal", "name “\(text)” has no family name: written as a literal name", entryKey: key, field: field)
            return PersonName(literal: text)
        }
        // Other parts are written as they are, empty or not.
        return PersonName(
            family: family, given: name.given, droppingParticle: name.droppingParticle,
            nonDroppingParticle: name.nonDroppingParticle, suffix: name.suffix, literal: literal)
    }

    /// One element of a name array (level 3); false (nothing written) for a name skipped.
    /// Writes the members ``nameObject(_:field:)`` makes, straight from the name when it has
    /// a family or literal part (``nameMembers(_:field:)`` would give it back with only empty
    /// family and literal parts dropped).
    private mutating func emitNameObject(_ name: PersonName, field: String, index: Int) -> Bool {
        let hasFamily = !(name.family?.isEmpty ?? true)
        let hasLiteral = !(name.literal?.isEmpty ?? true)
        var adjusted: PersonName?
        if !hasFamily && !hasLiteral {
            guard let members = nameMembers(name, field: field) else { return false }
            adjusted = members
        }
        if index > 0 { emitter.byte(UInt8(ascii: ",")) }
        if emitter.pretty { emitter.newline(3) }
        emitter.byte(UInt8(ascii: "{"))
        if let adjusted {
            var n = 0
            Self.forEachMember(of: adjusted) { memberKey, value in
                emitter.memberKey(memberKey, first: n == 0, level: 4)
                emitter.emitString(value)
                n += 1
            }
        } else {
            var first = true
            if hasFamily, let v = name.family { nameMember("family", v, first: &first) }
            if let v = name.given { nameMember("given", v, first: &first) }
            if let v = name.droppingParticle { nameMember("dropping-particle", v, first: &first) }
            if let v = name.nonDroppingParticle { nameMember("non-dropping-particle", v, first: &first) }
            if let v = name.suffix { nameMember("suffix", v, first: &first) }
            if hasLiteral, let v = name.literal { nameMember("literal", v, first: &first) }
        }
        if emitter.pretty { emitter.newline(3) }
        emitter.byte(UInt8(ascii: "}"))
        return true
    }

    @inline(__always)
    private mutating func nameMember(_ key: StaticString, _ value: String, first: inout Bool) {
        emitter.memberKey(key, first: first, level: 4)
        emitter.emitString(value)
        first = false
    }

    private mutating func nameObject(_ name: PersonName, field: String) -> JSONOutput? {
        guard let members = nameMembers(name, field: field) else { return nil }
        var out: [JSONOutputMember] = []
        Self.forEachMember(of: members) { out.append(JSONOutputMember($0.description, .string($1))) }
        return .object(out)
    }

    /// `CSLVariables.kinds[role.rawValue] == .names`, without the lookup for the usual roles.
    static func isNameVariable(_ role: ContributorRole) -> Bool {
        role == .author || role == .editor || CSLVariables.kinds[role.rawValue] == .names
    }

    /// `CSLVariables.kinds[role.rawValue] == .date`, without the lookup for `issued`.
    static func isDateVariable(_ role: DateRole) -> Bool {
        role == .issued || CSLVariables.kinds[role.rawValue] == .date
    }

    private mutating func writeNames() {
        var otherRoles: [JSONOutputMember] = []
        for (role, list) in entry.contributors {
            if Self.isNameVariable(role), !written.contains(role.rawValue) {
                // An empty list cut short is written as `[]` so that it keeps its place.
                if !list.isEmpty { putNames(role.rawValue, list, field: role.rawValue) }
                written.append(role.rawValue)
                if list.truncated { truncated.append(role.rawValue) }
            } else {
                otherRoles.append(JSONOutputMember(role.rawValue, nameArray(list, field: role.rawValue)))
                if list.truncated { truncated.append(CSLCustomKey.names + "/" + role.rawValue) }
            }
        }
        if !otherRoles.isEmpty { setCustom(.names, .object(otherRoles)) }

        // Most entries have no container or series contributors.
        guard !(entry.container?.contributors.isEmpty ?? true) || !(entry.series?.contributors.isEmpty ?? true) else { return }
        var from: [JSONOutputMember] = []
        for (levelName, level, customKey, slot) in [
            ("container", entry.container, CSLCustomKey.containerNames, CSLCustomKey.Slot.containerNames),
            ("series", entry.series, CSLCustomKey.seriesNames, CSLCustomKey.Slot.seriesNames),
        ] {
            guard let level, !level.contributors.isEmpty else { continue }
            // Which roles can fill a free top-level variable.
            var plan: [(role: ContributorRole, list: NameList, target: String?)] = []
            for (role, list) in level.contributors {
                let candidate = CSLVariables.levelNameVariables.first { $0.level == levelName && $0.role == role }?.variable
                let target = candidate.flatMap { written.contains($0) ? nil : $0 }
                if let target { written.append(target) }
                plan.append((role, list, target))
            }
            // The reader puts variables before listed roles; when that would reorder the
            // level, the whole level goes to `custom` and the variables are only derived.
            let firstListed = plan.firstIndex { $0.target == nil } ?? plan.count
            let lastVariable = plan.lastIndex { $0.target != nil } ?? -1
            let ordered = lastVariable < firstListed
            var leftover: [JSONOutputMember] = []
            for (role, list, target) in plan {
                if let target {
                    if !list.isEmpty { putNames(target, list, field: target) }
                    if ordered {
                        if list.truncated { truncated.append(target) }
                        from.append(JSONOutputMember(target, .string(levelName)))
                        continue
                    }
                    derived.append(target)
                }
                leftover.append(JSONOutputMember(role.rawValue, nameArray(list, field: customKey)))
                if list.truncated { truncated.append(customKey + "/" + role.rawValue) }
            }
            if !leftover.isEmpty { setCustom(slot, .object(leftover)) }
        }
        if !from.isEmpty { setCustom(.namesFrom, .object(from)) }
    }

    // MARK: Dates

    private mutating func writeDates() {
        var otherRoles: [JSONOutputMember] = []
        var edtf: [JSONOutputMember] = []
        for (role, value) in entry.dates {
            var value = value
            if case .typed(let d) = value, !(d.start?.isValid ?? true) || !(d.end?.isValid ?? true) {
                diagnostics.warning(
                    "csl.invalid-date", "date \(d.edtf) has an impossible month or day: written as a literal",
                    entryKey: key, field: role.rawValue)
                value = .raw(d.edtf)
            }
            let topLevel = Self.isDateVariable(role)
            if topLevel, case .typed(let d) = value, CSLDates.isPlain(d) {
                // Most dates: written straight out, no tree.
                beginMember(role.rawValue)
                CSLDates.emitPlain(d, into: &emitter, level: 2)
                continue
            }
            let (object, exact) = CSLDates.output(value)
            if topLevel {
                put(role.rawValue, object)
            } else {
                otherRoles.append(JSONOutputMember(role.rawValue, object))
            }
            if let exact { edtf.append(JSONOutputMember(role.rawValue, .string(exact))) }
        }
        if !otherRoles.isEmpty { setCustom(.dates, .object(otherRoles)) }
        if !edtf.isEmpty { setCustom(.edtf, .object(edtf)) }
    }

    // MARK: Container and series

    private mutating func writeLevels() {
        if let container = entry.container {
            if Self.mainWorkTitle(entry) != nil {
                // written as the title
            } else if let t = container.title, !t.isEmpty {
                // A chapter in a volume of a multi-volume work, or a book: the container is the
                // work, with its parts; otherwise the book's or the journal's.
                writeTitle(t, variable: "container-title", parts: TitleParts.containerParts(of: entry))
            }
            putString("container-title-short", container.shortTitle)
            if let n = container.number { setCustom(.containerNumber, .string(n)) }
        }
        if entry.container?.title == nil, entry.fields[.volumeTitle] == nil, let main = TitleParts.extra("maintitle", of: entry, read: readExtra)?.text {
            // The biblatex `maintitle` of an item of another type (the album of a song, the
            // series of an episode, the symposium of a talk: CSL's container), which the model
            // keeps as an extra (biblatex has no container field for these types).
            let joined = TitleParts.joined(main, TitleParts.main, of: entry, read: readExtra)?.text ?? main
            putString("container-title", renderings(joined, field: "container-title").typeset)
            derived.append("container-title")
        }
        if let series = entry.series {
            if let t = series.title, !t.isEmpty { putMarkup("collection-title", t, field: "collection-title") }
            putString("collection-number", series.number)
            if let s = series.shortTitle { setCustom(.collectionTitleShort, .string(s)) }
        }
    }

    // MARK: Fields

    private var arXiv: Identifier? { entry.identifiers.first { $0.kind == .arxiv } }

    /// The value written for a field the entry lacks, derived from other data, if any.
    private func derivedValue(_ field: Field) -> String? {
        switch field {
        case .publisher:
            // CSL's publisher is the degree-granting or issuing institution of theses and
            // reports (Zotero and pandoc do the same with `school`/`institution`).
            if let v = entry.fields[.institution] ?? entry.fields[.organization] { return v }
            if let v = entry.fields[.howPublished], !Self.looksLikeURL(v) { return v }
            if entry.type.kind == .article, arXiv != nil { return "arXiv" }
            return nil
        case .number:
            if entry.type.kind == .article, let id = arXiv { return "arXiv:" + id.value }
            return nil
        case .genre:
            return entry.type.genre.flatMap { CSLTypes.genreText[$0.lowercased()] }
        default:
            return nil
        }
    }

    static func looksLikeURL(_ s: String) -> Bool {
        let t = s.trimmingSpaces.lowercased()
        return t.hasPrefix("http://") || t.hasPrefix("https://") || t.hasPrefix("\\url") || t.hasPrefix("www.")
    }

    private mutating func writeFields() {
        // Which fields the entry has, by ordinal, so the fields it lacks cost no lookup.
        var present: UInt64 = 0
        for field in entry.fields.keys { present |= 1 << UInt64(field.ordinal) }
        // The fields present or derivable, in ``Field`` order (the table's, by ordinal: a test
        // checks), lowest bit first.
        let table = CSLVariables.fieldVariables
        var pending = present | Self.derivableMask
        while pending != 0 {
            let ordinal = pending.trailingZeroBitCount
            pending &= pending &- 1
            guard ordinal < table.count else { break }
            let (field, variable) = table[ordinal]
            if let variable {
                if let value = entry.fields[field] {
                    putString(variable, value)
                } else if let value = derivedValue(field) {
                    putString(variable, value)
                    derived.append(variable)
                }
            } else if let value = entry.fields[field] {
                setCustom(Self.customSlot(for: field), .string(value))
            }
        }
    }

    /// The fields ``derivedValue(_:)`` may give a value for.
    static let derivableFields: [Field] = [.publisher, .number, .genre]
    static let derivableMask: UInt64 = derivableFields.reduce(0) { $0 | 1 << UInt64($1.ordinal) }

    static func customSlot(for field: Field) -> CSLCustomKey.Slot {
        switch field {
        case .institution: return .institution
        case .organization: return .organization
        case .howPublished: return .howPublished
        default: return .rights
        }
    }

    // MARK: Identifiers

    private static func identifierObject(_ id: Identifier, level: String?) -> JSONOutput {
        var m = [JSONOutputMember("kind", .string(id.kind.rawValue)), JSONOutputMember("value", .string(id.value))]
        if let q = id.qualifier { m.append(JSONOutputMember("qualifier", .string(q))) }
        if let level { m.append(JSONOutputMember("level", .string(level))) }
        return .object(m)
    }

    /// Each level and the `level` written in its listed identifiers.
    private static let levelNames: [(Int, String?)] = [(0, nil), (1, "container"), (2, "series")]

    /// The identifiers of each level (0 the entry, 1 the container, 2 the series) a variable
    /// took: at most one per variable, a bit per position (positions from 64 on in a list).
    private struct UsedIdentifiers {
        var bits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var far: [(level: Int, index: Int)] = []

        mutating func insert(_ level: Int, _ i: Int) {
            guard i < 64 else { return far.append((level, i)) }
            switch level {
            case 0: bits.0 |= 1 << UInt64(i)
            case 1: bits.1 |= 1 << UInt64(i)
            default: bits.2 |= 1 << UInt64(i)
            }
        }

        func contains(_ level: Int, _ i: Int) -> Bool {
            guard i < 64 else { return far.contains { $0.level == level && $0.index == i } }
            let b = level == 0 ? bits.0 : level == 1 ? bits.1 : bits.2
            return b & (1 << UInt64(i)) != 0
        }
    }

    /// What the reader rebuilds of level `l` (`ids`): each top-level variable as a bare
    /// identifier of the level it belongs to (in the fixed order), followed by the listed
    /// ones. True when that gives the level back.
    private static func rebuildsExactly(
        _ ids: [Identifier], level l: Int, top: [(variable: String, id: Identifier, toContainer: Bool)], used: UsedIdentifiers
    ) -> Bool {
        var k = 0
        if l < 2 {
            for t in top where t.toContainer == (l == 1) {
                guard k < ids.count, ids[k] == Identifier(t.id.kind, t.id.value) else { return false }
                k += 1
            }
        }
        for (i, id) in ids.enumerated() where !used.contains(l, i) {
            guard k < ids.count, ids[k] == id else { return false }
            k += 1
        }
        return k == ids.count
    }

    private mutating func writeIdentifiers() {
        let entryIDs = entry.identifiers
        let containerIDs = entry.container?.identifiers ?? []
        let seriesIDs = entry.series?.identifiers ?? []
        // Nothing to write (and nothing derived) without identifiers.
        if entryIDs.isEmpty && containerIDs.isEmpty && seriesIDs.isEmpty { return }
        let hasContainer = !(entry.container?.title?.isEmpty ?? true)
        var top: [(variable: String, id: Identifier, toContainer: Bool)] = []
        var used = UsedIdentifiers()
        for (kind, variable) in CSLVariables.identifierVariables {
            let toContainer = CSLVariables.identifierBelongsToContainer(kind, type: entry.type.kind, hasContainer: hasContainer)
            // Prefer the level the reader will put the value back into: the container, then
            // the entry, then the series; or the entry, the container, the series.
            for step in 0..<3 {
                let l = step == 2 ? 2 : toContainer ? 1 - step : step
                let ids = l == 0 ? entryIDs : l == 1 ? containerIDs : seriesIDs
                if let i = ids.firstIndex(where: { $0.kind == kind }) {
                    top.append((variable, ids[i], toContainer))
                    used.insert(l, i)
                    break
                }
            }
        }
        let exact =
            Self.rebuildsExactly(entryIDs, level: 0, top: top, used: used)
            && Self.rebuildsExactly(containerIDs, level: 1, top: top, used: used)
            && Self.rebuildsExactly(seriesIDs, level: 2, top: top, used: used)
        for (variable, id, _) in top { putString(variable, id.value) }
        var list: [JSONOutput] = []
        for (l, name) in Self.levelNames {
            let ids = l == 0 ? entryIDs : l == 1 ? containerIDs : seriesIDs
            for (i, id) in ids.enumerated() where !exact || !used.contains(l, i) {
                list.append(Self.identifierObject(id, level: name))
            }
        }
        if !exact { derived.append(contentsOf: top.map(\.variable)) }
        if !list.isEmpty { setCustom(.identifiers, .array(list)) }
    }

    // MARK: Links

    private static func linkObject(_ link: Link) -> JSONOutput {
        .object([JSONOutputMember("url", .string(link.url)), JSONOutputMember("kind", .string(link.kind.rawValue))])
    }

    /// The link biblatex makes of an `eprint` of a kind the model keeps as extras (Google
    /// Books, JSTOR), as biblatex's `eprint:googlebooks` and `eprint:jstor` formats do.
    private var eprintURL: String? {
        func extra(_ name: String) -> String? {
            entry.extra.first { $0.key.isBibTeXFamily && $0.key.name.lowercased() == name }?
                .value.trimmingSpaces
        }
        guard let id = extra("eprint"), !id.isEmpty, !id.contains(where: { $0 == " " || $0 == "\\" || $0 == "{" }) else { return nil }
        switch extra("eprinttype")?.lowercased() {
        case "googlebooks": return "https://books.google.com/books?id=" + id
        case "jstor": return "https://www.jstor.org/stable/" + id
        default: return nil
        }
    }

    private mutating func writeLinks() {
        let links = entry.links
        let urlIndex = links.firstIndex { $0.kind == .work } ?? links.firstIndex { $0.kind == .fullText }
        if let i = urlIndex {
            putString("URL", links[i].url)
            if i == 0 && links[0].kind == .work {
                if links.count > 1 { setCustom(.links, .array(links.dropFirst().map(Self.linkObject))) }
            } else {
                setCustom(.links, .array(links.map(Self.linkObject)))
                derived.append("URL")
            }
        } else {
            if let id = arXiv {
                // pandoc does the same for an eprint without a url.
                putString("URL", "https://arxiv.org/abs/" + id.value)
                derived.append("URL")
            } else if let url = eprintURL {
                putString("URL", url)
                derived.append("URL")
            }
            if !links.isEmpty { setCustom(.links, .array(links.map(Self.linkObject))) }
        }
    }

    // MARK: Keywords and notes

    /// How the reader splits `keyword`: at commas, trimmed, empty pieces dropped.
    static func splitKeywords(_ s: String) -> [String] {
        s.split(separator: ",", omittingEmptySubsequences: true).map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }

    /// Whether ``splitKeywords(_:)`` gives the keywords back from their `, `-joined text:
    /// for ASCII keywords, when none is empty, holds a comma or has white space at an end
    /// (the split is by `Character`, so other text takes the general way).
    static func keywordsSplitBack(_ keywords: [String], joined: @autoclosure () -> String) -> Bool {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        func simple(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let first = u.first, let last = u.last, !isSpace(first), !isSpace(last) else { return false }
            for b in u where b == UInt8(ascii: ",") || b >= 0x80 { return false }
            return true
        }
        for k in keywords {
            guard k.utf8.withContiguousStorageIfAvailable(simple) ?? Array(k.utf8).withUnsafeBufferPointer(simple) else {
                return splitKeywords(joined()) == keywords
            }
        }
        return true
    }

    private mutating func writeKeywords() {
        let keywords = entry.keywords
        guard !keywords.isEmpty else { return }
        // `keywords.joined(separator: ", ")`, escaped piece by piece (escaping goes byte by
        // byte, so the pieces escaped make the whole escaped).
        beginMember("keyword")
        emitter.byte(UInt8(ascii: "\""))
        for (i, keyword) in keywords.enumerated() {
            if i > 0 { emitter.bytes(UInt8(ascii: ","), 0x20) }
            emitter.write(keyword)
        }
        emitter.byte(UInt8(ascii: "\""))
        if !Self.keywordsSplitBack(keywords, joined: keywords.joined(separator: ", ")) {
            setCustom(.keywords, .array(entry.keywords.map { .string($0) }))
            derived.append("keyword")
        }
    }

    private mutating func writeNotes() {
        let notes = entry.notes
        guard !notes.isEmpty else { return }
        if notes.count == 1 {
            putMarkup("note", notes[0], field: "note")
        } else {
            // `custom.notes` holds each note losslessly; `note` is for readers.
            let rendered = notes.map { renderings($0, field: "note") }
            putString("note", rendered.map(\.typeset).joined(separator: "\n"))
            setCustom(.notes, .array(rendered.map { .string($0.tex ?? $0.typeset) }))
            derived.append("note")
        }
    }

    // MARK: Extra and custom

    private var extraCustom: [JSONOutputMember] = []
    private var extraCustomKeys: [String] = []

    private mutating func addExtraCustom(_ key: String, _ value: JSONOutput) {
        // The model keys have no colon (a test checks): a `namespace:name` key is none of them.
        if extraCustomKeys.contains(key) || (!key.utf8.contains(UInt8(ascii: ":")) && CSLCustomKey.reserved.contains(key)) {
            diagnostics.warning(
                "csl.extra-collision", "extra field `\(key)` collides with another custom key and was not written",
                entryKey: self.key, field: key)
            return
        }
        extraCustomKeys.append(key)
        extraCustom.append(JSONOutputMember(key, value))
    }

    /// A `-json` extra's value parsed, or nil (reported) when it is not valid JSON.
    private mutating func jsonValue(_ text: String, field: String) -> JSONNode? {
        var parser = JSONParser(bytes: Array(text.utf8))
        guard let node = try? parser.parseValue(), ({ parser.skipWhitespace(); return parser.atEnd }()) else {
            diagnostics.warning(
                "csl.extra-not-json", "extra field `\(field)` should hold JSON but does not: written as a string",
                entryKey: key, field: field)
            return nil
        }
        return node
    }

    private mutating func writeExtras() {
        for (fieldKey, value) in entry.extra {
            let ns = fieldKey.namespace
            let name = fieldKey.name
            let full = fieldKey.description
            switch ns {
            case "csl":
                if name == "id" { continue }  // used for `id`
                let kind = CSLVariables.kinds[name]
                if (kind == .string || kind == .numberOrString), !written.contains(name) {
                    putString(name, value)
                } else {
                    addExtraCustom(full, .string(value))
                }
            case "csl-json":
                guard let node = jsonValue(value, field: full) else {
                    addExtraCustom(full, .string(value))
                    continue
                }
                if let kind = CSLVariables.kinds[name], kind != .type, kind != .identifier, kind != .object,
                    kind != .names, kind != .date, kind.accepts(node), !written.contains(name)
                {
                    put(name, JSONOutput(node))
                } else {
                    addExtraCustom(full, JSONOutput(node))
                }
            case "custom":
                if !name.contains(":"), !CSLCustomKey.reserved.contains(name), !extraCustomKeys.contains(name) {
                    addExtraCustom(name, .string(value))
                } else {
                    addExtraCustom(full, .string(value))
                }
            case "custom-json":
                guard let node = jsonValue(value, field: full) else {
                    addExtraCustom(full, .string(value))
                    continue
                }
                if !name.contains(":"), !CSLCustomKey.reserved.contains(name), !extraCustomKeys.contains(name) {
                    addExtraCustom(name, JSONOutput(node))
                } else {
                    addExtraCustom(full, JSONOutput(node))
                }
            default:
                if ns.hasSuffix("-json"), let node = jsonValue(value, field: full) {
                    addExtraCustom(full, JSONOutput(node))
                } else {
                    addExtraCustom(full, .string(value))
                }
            }
        }
    }

    /// Writes `custom.tex` (level 3), as `emit(.object(members), level: 3)` writes the object
    /// of each variable and its markup with math as TeX, rendering that straight into the output.
    private mutating func emitTexMarkup() {
        emitter.byte(UInt8(ascii: "{"))
        for (i, member) in texMarkup.enumerated() {
            // The variables are CSL's (``CSLCustomKey/texVariables``): no escaping needed.
            emitter.memberKey(member.variable, first: i == 0, level: 4)
            emitter.byte(UInt8(ascii: "\""))
            if let text = member.text {
                var losses = CSLMarkup.Losses()
                var typeset = false
                CSLMarkup.render(text, math: .tex, losses: &losses, typeset: &typeset, cache: &mathCache, into: &emitter)
            } else {
                emitter.write(member.markup)
            }
            emitter.byte(UInt8(ascii: "\""))
        }
        if emitter.pretty { emitter.newline(3) }
        emitter.byte(UInt8(ascii: "}"))
    }

    private mutating func writeCustom() {
        // `tex` is written by ``emitTexMarkup()`` (the value here only holds its place).
        if !texMarkup.isEmpty { setCustom(.tex, .null) }
        if !truncated.isEmpty { setCustom(.truncated, .array(truncated.map { .string($0) })) }
        if !derived.isEmpty { setCustom(.derived, .array(derived.map { .string($0) })) }
        guard !custom.isEmpty || !extraCustom.isEmpty else { return }
        // `custom` at level 2, its members at level 3, as `put("custom", .object(…))` wrote it.
        custom.sort { $0.slot < $1.slot }
        beginMember("custom")
        emitter.byte(UInt8(ascii: "{"))
        var count = 0
        for (slot, value) in custom {
            // The model keys need no escaping (a test checks them).
            emitter.memberKey(CSLCustomKey.all[slot], first: count == 0, level: 3)
            if slot == CSLCustomKey.Slot.tex.rawValue {
                emitTexMarkup()
            } else {
                emitter.emit(value, level: 3)
            }
            count += 1
        }
        for m in extraCustom {
            // Keys of extras come from the input: escaped.
            if count > 0 { emitter.byte(UInt8(ascii: ",")) }
            if emitter.pretty { emitter.newline(3) }
            emitter.emitString(m.key)
            emitter.byte(UInt8(ascii: ":"))
            if emitter.pretty { emitter.byte(0x20) }
            emitter.emit(m.value, level: 3)
            count += 1
        }
        if emitter.pretty { emitter.newline(2) }
        emitter.byte(UInt8(ascii: "}"))
    }
}
