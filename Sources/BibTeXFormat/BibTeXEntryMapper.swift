import BibModel
import Foundation
import OrderedCollections

/// Stage two of the reader: one resolved entry → one ``Entry``.
struct BibTeXEntryMapper {
    let source: ResolvedEntry
    let dialect: BibTeXDialect
    let lines: LineIndex
    var diagnostics = Diagnostics()
    var unknown = UnknownCommandReport()

    private var entry = BibTeXEntryMapper.blankEntry
    /// The written type in lower case.
    private let type: String
    private var container = BibTeXEntryMapper.blankLevel
    private var series = BibTeXEntryMapper.blankLevel
    /// Empty values made once: `Entry(type:)` and `Level()` build their empty collections
    /// through the collections' literal initialisers each time (about 1 700 instructions for
    /// an entry), a copy of these only retains shared empty storage.
    private static let blankEntry = Entry(type: EntryType(.document))
    private static let blankLevel = Level()
    private var fields: [ResolvedField] = []
    /// The ``Known`` name of each field (its raw value), -1 for other names.
    private var known: [Int8] = []
    /// First occurrence of each ``Known`` name (by raw value) → index into `fields`, -1 if none.
    private var first: [Int32] = []
    /// The fields that are the first of their name (`first[f.lower] == i`), without hashing.
    private var isFirst = FieldFlags()
    private var consumed = FieldFlags()
    private var extra: [(Int, FieldKey, String)] = []
    /// Plain decodings met before, handed from entry to entry by the reader (swap it in and out).
    var plainCache = LaTeXPlainCache()

    init(source: ResolvedEntry, dialect: BibTeXDialect, lines: LineIndex) {
        self.source = source
        self.dialect = dialect
        self.lines = lines
        self.type = BibTeXText.lowercased(source.type)
    }

    /// The entry type's memberships in the type sets the mapping asks about, looked up once.
    struct TypeClass: Equatable {
        var issueInNumber = false
        var seriesNumber = false
        var book = false
        var chapter = false

        init() {}

        init(_ type: String) {
            issueInNumber = BibTeXFieldTable.issueInNumberTypes.contains(type)
            seriesNumber = BibTeXFieldTable.seriesNumberTypes.contains(type)
            book = BibTeXEntryMapper.bookTypes.contains(type)
            chapter = BibTeXEntryMapper.chapterTypes.contains(type)
        }
    }

    /// Set by ``map()`` (through the cache's ``LaTeXPlainCache/typeClass(_:)``).
    private var typeClass = TypeClass()

    private var key: String? { source.key }
    private var namespace: String { dialect.namespace }

    // MARK: Map

    mutating func map() -> Entry {
        typeClass = plainCache.typeClass(type)
        entry.key = source.key
        entry.origin = SourceRange(
            start: lines.location(ofOffset: source.range.lowerBound), endOffset: source.range.upperBound + lines.baseOffset)
        fields = source.fields
        // The per-field tables live in the cache between entries: no allocation per entry.
        swap(&consumed, &plainCache.mapperScratch.consumed)
        swap(&isFirst, &plainCache.mapperScratch.isFirst)
        swap(&first, &plainCache.mapperScratch.first)
        swap(&known, &plainCache.mapperScratch.known)
        defer {
            swap(&consumed, &plainCache.mapperScratch.consumed)
            swap(&isFirst, &plainCache.mapperScratch.isFirst)
            swap(&first, &plainCache.mapperScratch.first)
            swap(&known, &plainCache.mapperScratch.known)
        }
        consumed.reset(count: fields.count)
        isFirst.reset(count: fields.count)
        first.removeAll(keepingCapacity: true)
        first.append(contentsOf: repeatElement(-1, count: Known.allCases.count))
        known.removeAll(keepingCapacity: true)
        known.append(contentsOf: repeatElement(-1, count: fields.count))
        // Names the mapper never asks for: a few are scanned, many go into a set.
        var otherNames: [String] = []
        var otherSet: Set<String> = []
        for i in fields.indices {
            let lower = fields[i].lower
            let isFirstOfName: Bool
            if let k = Known.named(lower) {
                known[i] = Int8(k.rawValue)
                isFirstOfName = first[k.rawValue] < 0
                if isFirstOfName { first[k.rawValue] = Int32(i) }
            } else if otherNames.count < 16 {
                isFirstOfName = !otherNames.contains(lower)
                if isFirstOfName { otherNames.append(lower) }
            } else {
                if otherSet.isEmpty { otherSet = Set(otherNames) }
                isFirstOfName = otherSet.insert(lower).inserted
            }
            if isFirstOfName {
                isFirst.insert(i)
            } else if !fields[i].inherited {
                keepAside(i, because: "field '\(fields[i].name)' appears again; the first value counts (as in BibTeX)")
            }
        }
        mapType()
        mapNames()
        mapTitles()
        mapNumbers()
        mapDates()
        mapIdentifiers()
        mapLinksAndNotes()
        mapOtherFields()
        finish()
        dropGeneratedLabelKey()
        // Moved out, not copied: a copy retains every part of the entry, and the mapper's own
        // releases them all again when it goes.
        var mapped = Self.blankEntry
        swap(&mapped, &entry)
        return mapped
    }

    /// A `key` field equal to the one the writer gives an entry without author or editor
    /// (``BibTeXLabelKey``) is the writer's, not the user's: dropped, written again on output.
    private mutating func dropGeneratedLabelKey() {
        guard let keyField = entry.extra.keys.first(where: { Self.isKeyName($0.name) && $0.namespace == namespace }),
            let value = entry.extra[keyField], BibTeXLabelKey.isGenerated(value, in: source)
        else { return }
        entry.extra.removeValue(forKey: keyField)
    }

    /// `name.lowercased() == "key"` without lowercasing ASCII names.
    static func isKeyName(_ name: String) -> Bool {
        let u = name.utf8
        if u.allSatisfy({ $0 < 0x80 }) {
            guard u.count == 3 else { return false }
            var it = u.makeIterator()
            return it.next().map { $0 | 0x20 } == UInt8(ascii: "k") && it.next().map { $0 | 0x20 } == UInt8(ascii: "e")
                && it.next().map { $0 | 0x20 } == UInt8(ascii: "y")
        }
        return name.lowercased() == "key"
    }

    // MARK: Field access

    /// The field names the mapper asks for, as small numbers: each field's name is hashed
    /// once per entry, every later question is an array read.
    enum Known: Int, CaseIterable {
        case type, entrysubtype, title, shorttitle, journal, journaltitle, booktitle, maintitle, volumetitle
        case shortjournal, series, shortseries, volume, number, issue, eid, seriesnumber, pages
        case date, year, month, day, urldate, eventdate, origdate, submitteddate, availabledate
        case archiveprefix, eprinttype, primaryclass, eprintclass, url, file, pdf, howpublished, note, addendum
        case abstract, keywords, langid, language, options, editortype, editoratype, editorbtype, editorctype
        case nameatype, namebtype, namectype, doi, isbn, issn, pmid, pmcid, hdl, lccn, arxiv, arxivid, eprint
        case pubstate

        /// The field name (lower case), in case order.
        static let names: [String] = [
            "type", "entrysubtype", "title", "shorttitle", "journal", "journaltitle", "booktitle", "maintitle",
            "volumetitle", "shortjournal", "series", "shortseries", "volume", "number", "issue", "eid",
            "seriesnumber", "pages", "date", "year", "month", "day", "urldate", "eventdate", "origdate",
            "submitteddate", "availabledate", "archiveprefix", "eprinttype", "primaryclass", "eprintclass", "url",
            "file", "pdf", "howpublished", "note", "addendum", "abstract", "keywords", "langid", "language",
            "options", "editortype", "editoratype", "editorbtype", "editorctype", "nameatype", "namebtype",
            "namectype", "doi", "isbn", "issn", "pmid", "pmcid", "hdl", "lccn", "arxiv", "arxivid", "eprint",
            "pubstate",
        ]

        var name: String { Self.names[rawValue] }

        /// The case named `name`, by its length and first letter (no hashing).
        @inline(__always)
        static func named(_ name: String) -> Known? {
            let u = name.utf8
            guard let f = u.first, u.count < 16 else { return nil }
            for k in byLengthAndLetter[u.count &* 32 &+ Int(f & 0x1F)] where names[k.rawValue] == name { return k }
            return nil
        }

        /// The cases by `count * 32 + (first byte & 0x1F)` of their names.
        static let byLengthAndLetter: [[Known]] = {
            var out = [[Known]](repeating: [], count: 16 * 32)
            for k in allCases {
                let u = k.name.utf8
                if let f = u.first, u.count < 16 { out[u.count * 32 + Int(f & 0x1F)].append(k) }
            }
            return out
        }()
    }

    /// The ``Known`` name of field `i`, if it has one.
    private func knownName(_ i: Int) -> Known? { Known(rawValue: Int(known[i])) }

    private func index(_ k: Known) -> Int? {
        let i = Int(first[k.rawValue])
        return i >= 0 ? i : nil
    }

    private func field(_ k: Known) -> ResolvedField? { index(k).map { fields[$0] } }

    /// Takes a field: marks it consumed and returns it.
    private mutating func take(_ k: Known) -> ResolvedField? {
        guard let i = index(k), !consumed.contains(i) else { return nil }
        consumed.insert(i)
        return fields[i]
    }

    /// ``take(_:)-(Known)`` giving the field's index instead of a copy of it (a copy of a
    /// ``ResolvedField`` retains and releases each of its parts).
    private mutating func takeIndex(_ k: Known) -> Int? {
        guard let i = index(k), !consumed.contains(i) else { return nil }
        consumed.insert(i)
        return i
    }

    /// Marks a field consumed, as ``take(_:)-(Known)`` does, without a copy of it.
    private mutating func consume(_ k: Known) {
        guard let i = index(k) else { return }
        consumed.insert(i)
    }

    /// The first field of a name (lower case), known or not.
    private func index(_ name: String) -> Int? {
        if let k = Known.named(name) { return index(k) }
        return fields.firstIndex { $0.lower == name }
    }

    private func field(_ name: String) -> ResolvedField? { index(name).map { fields[$0] } }

    private mutating func take(_ name: String) -> ResolvedField? {
        guard let i = index(name), !consumed.contains(i) else { return nil }
        consumed.insert(i)
        return fields[i]
    }

    private func location(_ f: ResolvedField) -> SourceLocation { f.location ?? lines.location(ofOffset: f.offset) }

    /// Plain decoded text of a field.
    private mutating func plain(_ f: ResolvedField) -> String {
        let (text, unknownCommands) = f.value.withUnsafeBufferPointer { plainCache.plain($0) }
        note(unknownCommands, f)
        return text
    }

    /// ``plain(_:)`` of field `i`, read in place.
    private mutating func plain(at i: Int) -> String {
        let value = fields[i].value
        let (text, unknownCommands) = value.withUnsafeBufferPointer { plainCache.plain($0) }
        if !unknownCommands.isEmpty { note(unknownCommands, fields[i]) }
        return text
    }

    /// ``rich(_:title:)`` of field `i`, read in place (the field is copied only to report
    /// what its decoding found).
    private mutating func rich(at i: Int, title: Bool = false) -> RichText {
        let value = fields[i].value
        let result = value.withUnsafeBufferPointer { LaTeXDecoder.decode($0, protectGroups: true) }
        if !result.unknownCommands.isEmpty || result.flattened { report(result, fields[i]) }
        return title ? Self.withoutWriterProtection(result.text) : result.text
    }

    /// Rich decoded text of a field.
    private mutating func rich(_ f: ResolvedField, title: Bool = false) -> RichText {
        let result = f.value.withUnsafeBufferPointer { LaTeXDecoder.decode($0, protectGroups: true) }
        report(result, f)
        return title ? Self.withoutWriterProtection(result.text) : result.text
    }

    /// What decoding field `f` found: its unknown commands, formatting nested too deep.
    private mutating func report(_ result: LaTeXDecoder.Result, _ f: ResolvedField) {
        note(result.unknownCommands, f)
        if result.flattened {
            diagnostics.warning(
                "bibtex.deep-nesting",
                "formatting nested more than \(LaTeXDecoder.maxInlineDepth) levels deep; the inner formatting was dropped",
                at: location(f), entryKey: key, field: f.name)
        }
    }

    private mutating func note(_ commands: [String], _ f: ResolvedField) {
        for c in commands { unknown.add(c, location: location(f), key: key, field: f.name) }
    }

    /// The value as kept in `extra`: the LaTeX source with white space collapsed (as BibTeX reads it).
    private func extraValue(_ f: ResolvedField) -> String {
        Self.collapsedWhitespace(f.value)
    }

    static func collapsedWhitespace(_ bytes: [UInt8]) -> String {
        String(decoding: collapsedWhitespaceBytes(bytes), as: UTF8.self)
    }

    static func collapsedWhitespace(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBufferPointer { buf in
            // The usual value has nothing to collapse: its bytes as they are, without a copy.
            hasNothingToCollapse(buf)
                ? String(decoding: buf, as: UTF8.self) : String(decoding: collapsedWhitespaceBytes(buf), as: UTF8.self)
        }
    }

    /// True when ``collapsedWhitespaceBytes(_:)`` gives the bytes back unchanged: no white
    /// space first or last, none but single spaces (0x20) between. Eight bytes at a time; any
    /// byte below 0x0E counts as other white space (a borrow may flag a byte after a true
    /// match: only ever toward false, which is never wrong here).
    static func hasNothingToCollapse(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return true }
        if isBibSpace(bytes[0]) || isBibSpace(bytes[n - 1]) { return false }
        var previousSpace = false
        var i = 0
        #if _endian(little)
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let spaces = ByteWord.equal(x, 0x20)
            if ByteWord.below(x, 0x0E) != 0 || spaces & (spaces << 8) != 0 || (previousSpace && x & 0xFF == 0x20) {
                return false
            }
            previousSpace = x >> 56 == 0x20
            i += 8
        }
        #endif
        while i < n {
            let b = bytes[i]
            if b == 0x20 {
                if previousSpace { return false }
                previousSpace = true
            } else if isBibSpace(b) {
                return false
            } else {
                previousSpace = false
            }
            i += 1
        }
        return true
    }

    /// ``collapsedWhitespace(_:)`` as bytes.
    static func collapsedWhitespaceBytes(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { collapsedWhitespaceBytes($0) }
    }

    static func collapsedWhitespaceBytes(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.withUnsafeBufferPointer { collapsedWhitespaceBytes($0) }
    }

    static func collapsedWhitespaceBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        if hasNothingToCollapse(bytes) { return Array(bytes) }
        return collapsedWhitespaceBytesOneByOne(bytes)
    }

    /// ``collapsedWhitespaceBytes(_:)`` without the check for nothing to collapse (tests compare the two).
    static func collapsedWhitespaceBytesOneByOne(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pending = false
        for b in bytes {
            if isBibSpace(b) {
                pending = !out.isEmpty
                continue
            }
            if pending {
                out.append(0x20)
                pending = false
            }
            out.append(b)
        }
        return out
    }

    /// A verbatim field (URL, DOI, file): white space collapsed; in URLs and DOIs the LaTeX
    /// escapes of `_ % & # ~` removed.
    private func verbatim(_ f: ResolvedField, unescape: Bool) -> String {
        let s = Self.collapsedWhitespace(f.value)
        guard unescape, s.utf8.contains(UInt8(ascii: "\\")) else { return s }
        var out: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "\\"), i + 1 < u.count,
                [UInt8(ascii: "_"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "#"), UInt8(ascii: "~")].contains(u[i + 1])
            {
                out.append(u[i + 1])
                i += 2
                continue
            }
            out.append(u[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Keeps a field whose value lost to another one (a second `title`, a `month` that
    /// disagrees with `date`) in extra as `<name>-duplicate`, so a writer can give it back
    /// without clashing with the winner.
    private mutating func keepAside(_ i: Int, because reason: String) {
        let f = fields[i]
        var name = f.name + "-duplicate"
        var n = 2
        while fields.contains(where: { $0.lower == name.lowercased() })
            || extra.contains(where: { $0.1.name.lowercased() == name.lowercased() })
        {
            name = f.name + "-duplicate\(n)"
            n += 1
        }
        diagnostics.warning(
            "bibtex.duplicate-field", "\(reason); it is kept as '\(name)'", at: location(f), entryKey: key, field: f.name)
        extra.append((i, FieldKey(namespace, name), extraValue(f)))
        consumed.insert(i)
        asideNames[i] = name
    }

    /// Fields kept aside by ``keepAside(_:because:)``: index → their name in extra.
    private var asideNames: [Int: String] = [:]

    // MARK: Type

    private mutating func mapType() {
        let typeField = field(.type).map { plainNoReport($0) }
        let subtypeField = field(.entrysubtype).map { plainNoReport($0) }
        let reading =
            typeField == nil && subtypeField == nil
            ? plainCache.typeReading(written: source.type, dialect: dialect)
            : BibTeXTypeTable.reading(written: source.type, typeField: typeField, subtypeField: subtypeField, dialect: dialect)
        entry.type = reading.type
        if reading.usedTypeField { consume(.type) }
        if reading.usedSubtypeField { consume(.entrysubtype) }
    }

    private mutating func plainNoReport(_ f: ResolvedField) -> String {
        f.value.withUnsafeBufferPointer { plainCache.plain($0) }.0
    }

    // MARK: Names

    private var useprefix: Bool {
        guard let options = field(.options) else { return false }
        let text = String(decoding: options.value, as: UTF8.self).lowercased().replacingAll(" ", with: "")
        return text.contains("useprefix=true") || text.split(separator: ",").contains("useprefix")
    }

    private mutating func mapNames() {
        var prefix: Bool?
        for i in fields.indices where !consumed.contains(i) && isFirst.contains(i) {
            guard Self.mayBeNameField(fields[i].lower), let target = nameTarget(fields[i].lower) else { continue }
            let f = fields[i]
            consumed.insert(i)
            if prefix == nil { prefix = useprefix }
            if let typeName = target.typeField { _ = take(typeName) }
            let result = f.value.withUnsafeBufferPointer { BibTeXNameParser.parse($0, useprefix: prefix ?? false, cache: &plainCache) }
            note(result.unknownCommands, f)
            for problem in result.problems {
                diagnostics.warning("bibtex.name", "\(f.name): \(problem)", at: location(f), entryKey: key, field: f.name)
            }
            guard !result.names.isEmpty else { continue }
            switch target.level {
            case .entry: Self.add(result.names, to: &entry.contributors, role: target.role)
            case .container: Self.add(result.names, to: &container.contributors, role: target.role)
            case .series: Self.add(result.names, to: &series.contributors, role: target.role)
            }
        }
    }

    private static func add(_ list: NameList, to contributors: inout OrderedDictionary<ContributorRole, NameList>, role: ContributorRole) {
        if var existing = contributors[role] {
            existing.names.append(contentsOf: list.names)
            existing.truncated = existing.truncated || list.truncated
            contributors[role] = existing
        } else {
            contributors[role] = list
        }
    }

    private enum LevelKind { case entry, container, series }

    /// Where a name field goes: the role, the level, and the `…type` field it used.
    private mutating func nameTarget(_ name: String) -> (role: ContributorRole, level: LevelKind, typeField: String?)? {
        // Most fields are not names: one table lookup says so, and gives what does not
        // depend on other fields.
        guard let kind = Self.nameFieldKinds[name] else { return nil }
        switch kind {
        case .lettered:
            let typeName = name + "type"
            let typeValue = field(typeName).map { plainNoReport($0).trimmingSpaces }
            guard let role = BibTeXRoleTable.role(forBibLaTeXField: name, typeField: typeValue) else { return nil }
            return (role, .entry, typeValue == nil ? nil : typeName)
        case .fixed(let target):
            // biblatex's `editortype` gives the editor's role (`director` of a film, `compiler`).
            if name == "editor", let typeValue = field(.editortype).map({ plainNoReport($0).trimmingSpaces }), !typeValue.isEmpty {
                let role = BibTeXRoleTable.role(forBibLaTeXField: "editora", typeField: typeValue) ?? .editor
                return (role, .entry, "editortype")
            }
            return target.map { ($0.role, $0.level, nil) }
        }
    }

    /// What a name field's name alone says of its target: `editora`…`namec` depend on their
    /// `…type` field; the others have a fixed one (nil: not a name field), except that
    /// `editor` depends on `editortype` when there is one.
    private enum NameFieldKind {
        case lettered
        case fixed((role: ContributorRole, level: LevelKind)?)
    }

    /// ``NameFieldKind`` of each of ``possibleNameFields``.
    private static let nameFieldKinds: [String: NameFieldKind] = {
        var out: [String: NameFieldKind] = [:]
        for name in possibleNameFields {
            if ["editora", "editorb", "editorc", "namea", "nameb", "namec"].contains(name) {
                out[name] = .lettered
            } else {
                out[name] = .fixed(fixedNameTarget(name))
            }
        }
        return out
    }()

    /// The target of a name field that does not depend on other fields.
    private static func fixedNameTarget(_ name: String) -> (role: ContributorRole, level: LevelKind)? {
        if let role = BibTeXRoleTable.role(forBibTeXField: name) ?? BibTeXRoleTable.role(forBibLaTeXField: name) {
            return (role, .entry)
        }
        if name == "container-editor" { return (.editor, .container) }
        if name.hasPrefix("container-"), name.utf8.count > 10 {
            let role = String(name.dropFirst(10))
            if Self.nameRoles.contains(role) { return (ContributorRole(role), .container) }
        }
        if name.hasPrefix("series-"), name.utf8.count > 7 {
            let role = String(name.dropFirst(7))
            if Self.nameRoles.contains(role) { return (ContributorRole(role), .series) }
        }
        if Self.nameRoles.contains(name), name != "author", name != "editor" { return (ContributorRole(name), .entry) }
        return nil
    }

    /// Whether a field name (lower case) may be in ``possibleNameFields``, by its length and first
    /// byte (a superset, without hashing): most fields are not names.
    @inline(__always)
    static func mayBeNameField(_ name: String) -> Bool {
        let table = nameFieldLengths
        return name.utf8.withContiguousStorageIfAvailable { b -> Bool in
            guard let lead = b.first else { return false }
            return table[Int(lead & 0x3F)] & (1 << UInt64(min(b.count, 63))) != 0
        } ?? true
    }

    /// Per first byte (its low six bits), the lengths of ``possibleNameFields`` as bits (63: longer).
    static let nameFieldLengths: [UInt64] = {
        var out = [UInt64](repeating: 0, count: 64)
        for name in possibleNameFields {
            guard let lead = name.utf8.first else { continue }
            out[Int(lead & 0x3F)] |= 1 << UInt64(min(name.utf8.count, 63))
        }
        return out
    }()

    /// Every field name ``nameTarget(_:)`` may take as a name field (a superset).
    static let possibleNameFields: Set<String> = {
        var out: Set<String> = ["editora", "editorb", "editorc", "namea", "nameb", "namec", "container-editor"]
        for row in BibTeXRoleTable.rows {
            out.insert(row.bibtex.lowercased())
            if case .field(let name) = row.biblatex { out.insert(name.lowercased()) }
        }
        for role in nameRoles {
            out.insert(role)
            out.insert("container-" + role)
            out.insert("series-" + role)
        }
        return out
    }()

    /// CSL name variables the writer may use as field names (`director`, `illustrator`).
    static let nameRoles: Set<String> = ContributorRole.cslRoles.subtracting(["container-author"])

    // MARK: Titles, container, series

    /// Entry types (lower case) whose container title is a `maintitle`.
    private static let bookTypes: Set<String> = [
        "book", "collection", "proceedings", "reference", "mvbook", "mvcollection", "mvproceedings", "mvreference",
        "manual", "thesis", "phdthesis", "mastersthesis",
    ]

    /// Entry types (lower case) that are a part of a book: their `booktitle` is the book's.
    static let chapterTypes: Set<String> = [
        "inbook", "incollection", "inproceedings", "inreference", "bookinbook", "suppbook", "suppcollection", "conference",
    ]

    private mutating func mapTitles() {
        if let i = takeIndex(.title) { entry.title = rich(at: i, title: true) }
        if let i = takeIndex(.shorttitle) { entry.shortTitle = rich(at: i, title: true) }
        // The field the writer uses for the type comes first, so that a second one (an
        // `@inproceedings` with `journal` too) stays in extra under its own name.
        let containerSources: [Known]
        if typeClass.issueInNumber {
            containerSources = Self.articleContainerSources
        } else if typeClass.book {
            containerSources = Self.bookContainerSources
        } else {
            containerSources = typeClass.chapter ? Self.chapterContainerSources : Self.otherContainerSources
        }
        // A chapter in a volume of a multi-volume work: the work (`maintitle`) is the
        // container and the volume (`booktitle`) its volume title, as CSL 1.0.2 has them.
        if typeClass.chapter, index(.volumetitle) == nil, index(.maintitle) != nil,
            let volume = take(.booktitle), let main = take(.maintitle)
        {
            container.title = rich(main)
            entry.fields[.volumeTitle] = plain(volume)
        }
        for name in containerSources where container.title == nil {
            // A book's `booktitle` that repeats its title is there for the chapters that
            // crossref it (biblatex-examples does this), not a work the book belongs to.
            if name == .booktitle, typeClass.book, let b = field(name), let t = field(.title),
                plainNoReport(b).lowercased() == plainNoReport(t).lowercased()
            {
                continue
            }
            if let i = takeIndex(name) { container.title = rich(at: i) }
        }
        if let f = take(.shortjournal) { container.shortTitle = plain(f) }
        if let i = takeIndex(.series) { series.title = rich(at: i) }
        if let f = take(.shortseries) { series.shortTitle = plain(f) }
    }

    private static let articleContainerSources: [Known] = [.journal, .journaltitle, .booktitle]
    private static let bookContainerSources: [Known] = [.booktitle, .maintitle, .journal, .journaltitle]
    private static let chapterContainerSources: [Known] = [.booktitle, .journal, .journaltitle, .maintitle]
    private static let otherContainerSources: [Known] = [.booktitle, .journal, .journaltitle]

    // MARK: Volume, issue, numbers

    private mutating func mapNumbers() {
        if let i = takeIndex(.volume) { entry.fields[.volume] = plain(at: i) }
        if typeClass.issueInNumber {
            if let f = take(.number) {
                entry.fields[.issue] = plain(f)
                if let g = take(.issue) { container.number = plain(g) }
            } else if let f = take(.issue) {
                entry.fields[.issue] = plain(f)
            }
            if let f = take(.eid) { entry.fields[.number] = plain(f) }
        } else {
            if let f = take(.number) {
                if typeClass.seriesNumber && index(.series) != nil {
                    series.number = plain(f)
                } else {
                    entry.fields[.number] = plain(f)
                }
            }
            if let f = take(.issue) { entry.fields[.issue] = plain(f) }
            if entry.fields[.number] == nil, let f = take(.eid) { entry.fields[.number] = plain(f) }
        }
        if series.number == nil, let f = take(.seriesnumber) { series.number = plain(f) }
        if let i = takeIndex(.pages) {
            entry.fields[.page] = fields[i].value.withUnsafeBufferPointer({ Self.simplePages($0) }) ?? Self.pages(plain(at: i))
        }
    }

    /// The common page values read without decoding: `123` and `e12` as they are, `12-15`
    /// and `12--15` as `12-15` (what ``pages(_:)`` makes of their decoded text); nil for
    /// anything else. A single hyphen is a range only between digits (`S-12` stays).
    static func simplePages(_ value: [UInt8]) -> String? {
        value.withUnsafeBufferPointer { simplePages($0) }
    }

    static func simplePages(_ value: UnsafeBufferPointer<UInt8>) -> String? {
        func isAlnum(_ b: UInt8) -> Bool { isASCIIDigit(b) || isASCIILetter(b) }
        var i = 0
        let n = value.count
        while i < n && isAlnum(value[i]) { i += 1 }
        guard i > 0 else { return nil }
        if i == n { return String(decoding: value, as: UTF8.self) }
        let leftEnd = i
        while i < n && value[i] == UInt8(ascii: "-") { i += 1 }
        let hyphens = i - leftEnd
        let rightStart = i
        while i < n && isAlnum(value[i]) { i += 1 }
        guard i == n, rightStart < n, hyphens == 1 || hyphens == 2 else { return nil }
        if hyphens == 1 {
            guard value[..<leftEnd].allSatisfy(isASCIIDigit), value[rightStart...].allSatisfy(isASCIIDigit) else { return nil }
        }
        // The string made in place (ASCII letters, digits and one hyphen).
        let count = leftEnd + 1 + n - rightStart
        return String(unsafeUninitializedCapacity: count) { out in
            guard let dst = out.baseAddress, let src = value.baseAddress else { return 0 }
            dst.initialize(from: src, count: leftEnd)
            dst[leftEnd] = UInt8(ascii: "-")
            (dst + leftEnd + 1).initialize(from: src + rightStart, count: n - rightStart)
            return count
        }
    }

    /// Page ranges as the model keeps them: `12345--12360`, `12345–12360`, `1598 - 1602` →
    /// `12345-12360` (the writer's ``BibTeXPages/normalized(_:)`` with one hyphen).
    static func pages(_ text: String) -> String {
        let normalized = BibTeXPages.normalized(text)
        guard normalized.contains("--") else { return normalized }
        return normalized.replacingAll("--", with: "-")
    }

    // MARK: Dates

    private mutating func mapDates() {
        if let f = take(.date) {
            // ISO dates use `~` (circa) and `/`: read the value as written, not as LaTeX.
            let written = Self.collapsedWhitespace(f.value)
            let text = BibTeXDateReading.edtf(written) == nil ? plain(f) : written
            if var date = BibTeXDateReading.edtf(text) {
                // `year`/`month`/`day` that say the same are redundant; a month or day the
                // date lacks completes it; others stay in extra.
                let yearAgrees = field(.year).map { BibTeXDateReading.integerYear(plainNoReport($0).trimmingSpaces) == date.year } ?? true
                if yearAgrees, !date.isRange, let start = date.start {
                    if index(.year) != nil { consume(.year) }
                    let month = field(.month).flatMap { BibTeXDateReading.month(plainNoReport($0)) }
                    if let m = month, m.end == nil {
                        if start.month == nil, let value = m.start {
                            date.start = DateParts(year: start.year, month: value)
                            consume(.month)
                        } else if start.month == m.start || (m.season != nil && m.season == date.season) {
                            consume(.month)
                        }
                    }
                    if let s2 = date.start, s2.month != nil, let d = field(.day), let (day, endDay) = BibTeXDateReading.day(plainNoReport(d)),
                        endDay == nil
                    {
                        if s2.day == nil {
                            let candidate = DateParts(year: s2.year, month: s2.month, day: day)
                            if candidate.isValid {
                                date.start = candidate
                                consume(.day)
                            }
                        } else if s2.day == day {
                            consume(.day)
                        }
                    }
                }
                entry.dates[.issued] = .typed(Self.collapsedRange(date))
                for name in [Known.year, .month, .day] {
                    guard let i = index(name), !consumed.contains(i) else { continue }
                    // A month that is no month says nothing against the date: it stays a field
                    // under its own name, as it does beside `year` (so tidying twice agrees).
                    if name == .month, BibTeXDateReading.month(plainNoReport(fields[i])) == nil {
                        diagnostics.warning(
                            "bibtex.bad-date", "month '\(plainNoReport(fields[i]))' is not a month; kept as a field",
                            at: location(fields[i]), entryKey: key, field: fields[i].name)
                        continue
                    }
                    keepAside(i, because: "'\(fields[i].name)' disagrees with 'date', which counts (as in biber)")
                }
            } else if let state = Self.publicationState(text), entry.fields[.status] == nil {
                entry.fields[.status] = state
            } else {
                entry.dates[.issued] = .raw(text)
                diagnostics.warning(
                    "bibtex.bad-date", "date '\(text)' is not an ISO 8601 date; kept as text", at: location(f), entryKey: key, field: f.name)
            }
        }
        if entry.dates[.issued] == nil, let y = index(.year) {
            // (Fields by index: no copies of them.)
            let yearText = plain(at: y)
            let monthField = index(.month)
            let dayField = index(.day)
            let monthText = monthField.map { plain(at: $0) }
            let dayText = dayField.map { plain(at: $0) }
            if let date = BibTeXDateReading.classic(year: yearText, month: monthText, day: dayText) {
                entry.dates[.issued] = .typed(Self.collapsedRange(date))
                consume(.year)
                consume(.month)
                consume(.day)
            } else if let date = BibTeXDateReading.classic(year: yearText, month: monthText, day: nil) {
                entry.dates[.issued] = .typed(date)
                consume(.year)
                consume(.month)
                if let d = dayField {
                    diagnostics.warning(
                        "bibtex.bad-date", "day '\(dayText ?? "")' is not a day of the month; kept as a field", at: location(fields[d]),
                        entryKey: key, field: fields[d].name)
                }
            } else if let date = BibTeXDateReading.classic(year: yearText, month: nil, day: nil) {
                entry.dates[.issued] = .typed(date)
                consume(.year)
                if let m = monthField {
                    diagnostics.warning(
                        "bibtex.bad-date", "month '\(monthText ?? "")' is not a month; kept as a field", at: location(fields[m]),
                        entryKey: key, field: fields[m].name)
                }
            } else if !yearText.trimmingSpaces.isEmpty {
                entry.dates[.issued] = .raw(yearText.trimmingSpaces)
                consume(.year)
            }
        }
        for (name, role) in Self.otherDates {
            guard let f = take(name) else { continue }
            let written = Self.collapsedWhitespace(f.value)
            let text = BibTeXDateReading.edtf(written) == nil ? plain(f) : written
            if let date = BibTeXDateReading.edtf(text) {
                entry.dates[role] = .typed(date)
            } else {
                entry.dates[role] = .raw(text)
            }
        }
    }

    private static let otherDates: [(Known, DateRole)] = [
        (.urldate, .accessed), (.eventdate, .eventDate), (.origdate, .originalDate),
        (.submitteddate, .submitted), (.availabledate, .availableDate),
    ]

    /// A range whose ends are the same date is that date (`year = {2012--2012}`).
    static func collapsedRange(_ date: BibDate) -> BibDate {
        guard date.isRange, let a = date.start, a == date.end else { return date }
        return BibDate(a, circa: date.circa, uncertain: date.uncertain)
    }

    static func publicationState(_ text: String) -> String? {
        let lower = text.trimmingSpaces.lowercased()
        guard BibTeXDates.publicationStates[lower] != nil else { return nil }
        return text.trimmingSpaces
    }

    // MARK: Identifiers

    private var entryIDs: [Identifier] = []
    private var issns: [String] = []
    private var isbns: [String] = []

    private mutating func mapIdentifiers() {
        // By index: a field is copied only when it is used.
        for i in fields.indices where !consumed.contains(i) && isFirst.contains(i) {
            let kind = knownName(i)
            if kind == nil && Self.numberedIdentifierLead(fields[i].lower) == false { continue }
            if let kind, !Self.isIdentifierName(kind) { continue }
            let f = fields[i]
            switch kind {
            case .doi?:
                consumed.insert(i)
                entryIDs.append(Identifier(.doi, Self.bareDOI(verbatim(f, unescape: true))))
            case .isbn?:
                consumed.insert(i)
                isbns.append(contentsOf: Self.list(plain(f)))
            case .issn?:
                consumed.insert(i)
                issns.append(contentsOf: Self.list(plain(f)))
            case .pmid?, .pmcid?, .hdl?, .lccn?, .arxiv?, .arxivid?:
                consumed.insert(i)
                let name = f.lower
                let kind: IdentifierKind = name == "arxivid" ? .arxiv : IdentifierKind(name)
                entryIDs.append(Identifier(kind, plain(f).trimmingSpaces))
            case .eprint?:
                mapEprint(i, f)
            case _?:
                break
            case nil:
                // `doi2`, `arxiv2`, `pmid2`: further identifiers the writer numbered.
                if let kind = Self.numberedIdentifier(f.lower) {
                    consumed.insert(i)
                    let value = kind == .doi ? Self.bareDOI(verbatim(f, unescape: true)) : plain(f).trimmingSpaces
                    entryIDs.append(Identifier(kind, value))
                }
            }
        }
    }

    private mutating func mapEprint(_ i: Int, _ f: ResolvedField) {
        let typeName: Known? = index(.archiveprefix) != nil ? .archiveprefix : index(.eprinttype) != nil ? .eprinttype : nil
        let classField: Known? = index(.primaryclass) != nil ? .primaryclass : index(.eprintclass) != nil ? .eprintclass : nil
        let value = verbatim(f, unescape: true).trimmingSpaces
        let eprintType = typeName.flatMap { field($0) }.map { plainNoReport($0).trimmingSpaces.lowercased() }
        let kind: IdentifierKind?
        switch eprintType {
        case "arxiv"?: kind = .arxiv
        case "pubmed"?, "pmid"?: kind = .pmid
        case "pmcid"?, "pmc"?: kind = .pmcid
        case "hdl"?, "handle"?: kind = .hdl
        case "doi"?: kind = .doi
        case "lccn"?: kind = .lccn
        // Other kinds (`jstor`, `googlebooks`…) stay as `eprint` + `eprinttype` extras: a
        // classic BibTeX writer could not give them back.
        case _?: kind = nil
        case nil: kind = Self.looksLikeArXiv(value) ? .arxiv : nil
        }
        guard let kind else { return }
        consumed.insert(i)
        if let typeName { _ = take(typeName) }
        var qualifier: String?
        if kind == .arxiv, let classField, let c = take(classField) { qualifier = plain(c).trimmingSpaces }
        entryIDs.append(Identifier(kind, kind == .doi ? Self.bareDOI(value) : value, qualifier: qualifier))
    }

    /// Whether ``mapIdentifiers()`` reads fields of this name.
    private static func isIdentifierName(_ k: Known) -> Bool {
        switch k {
        case .doi, .isbn, .issn, .pmid, .pmcid, .hdl, .lccn, .arxiv, .arxivid, .eprint: true
        default: false
        }
    }

    /// Whether a name may be one of ``numberedIdentifier(_:)``'s, by its first byte.
    @inline(__always)
    static func numberedIdentifierLead(_ name: String) -> Bool {
        switch name.utf8.first {
        case UInt8(ascii: "d"), UInt8(ascii: "a"), UInt8(ascii: "p"), UInt8(ascii: "h"), UInt8(ascii: "l"): true
        default: false
        }
    }

    static func numberedIdentifier(_ name: String) -> IdentifierKind? {
        // Every base starts with one of these letters: most names are out after one byte.
        switch name.utf8.first {
        case UInt8(ascii: "d"), UInt8(ascii: "a"), UInt8(ascii: "p"), UInt8(ascii: "h"), UInt8(ascii: "l"): break
        default: return nil
        }
        for base in ["doi", "arxiv", "pmid", "pmcid", "hdl", "lccn"] where name.hasPrefix(base) {
            let rest = name.dropFirst(base.utf8.count)
            if !rest.isEmpty, rest.utf8.allSatisfy(isASCIIDigit) { return IdentifierKind(base) }
        }
        return nil
    }

    /// `2306.16788`, `2306.16788v2`, `math/0211159`, `cs.LG/0101001`.
    static func looksLikeArXiv(_ s: String) -> Bool {
        var t = s.lowercased()
        if t.hasPrefix("arxiv:") { t = String(t.dropFirst(6)) }
        let u = Array(t.utf8)
        if u.count >= 9, u[4] == UInt8(ascii: "."), u[0..<4].allSatisfy(isASCIIDigit) {
            var j = 5
            while j < u.count && isASCIIDigit(u[j]) { j += 1 }
            guard j - 5 >= 4 else { return false }
            if j < u.count && u[j] == UInt8(ascii: "v") {
                j += 1
                while j < u.count && isASCIIDigit(u[j]) { j += 1 }
            }
            return j == u.count
        }
        if let slash = u.firstIndex(of: UInt8(ascii: "/")), slash > 0, u.count - slash - 1 >= 7 {
            return u[(slash + 1)...].prefix(7).allSatisfy(isASCIIDigit)
                && u[..<slash].allSatisfy { isASCIILetter($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
        }
        return false
    }

    /// `https://doi.org/10.1/x`, `doi:10.1/x` → `10.1/x`.
    static func bareDOI(_ s: String) -> String {
        var t = s.trimmingSpaces
        // Every prefix starts with `h`, `d` or `D`; a bare DOI starts with `10.`.
        switch t.utf8.first {
        case UInt8(ascii: "h"), UInt8(ascii: "d"), UInt8(ascii: "D"): break
        default: return t
        }
        for prefix in ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:", "DOI:", "doi.org/"]
        where t.hasPrefix(prefix) {
            t = String(t.dropFirst(prefix.count)).trimmingSpaces
            break
        }
        return t
    }

    /// `a, b; c` → `[a, b, c]`.
    static func list(_ s: String) -> [String] {
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: characters are bytes (`\r\n` aside, which is no separator either way).
            var out: [String] = []
            var start = s.utf8.startIndex
            var k = start
            let u = s.utf8
            while true {
                let atEnd = k == u.endIndex
                if atEnd || u[k] == UInt8(ascii: ",") || u[k] == UInt8(ascii: ";") {
                    if start < k {
                        let piece = String(Substring(u[start..<k])).trimmingSpaces
                        if !piece.isEmpty { out.append(piece) }
                    }
                    if atEnd { break }
                    start = u.index(after: k)
                }
                k = u.index(after: k)
            }
            return out
        }
        return s.split(whereSeparator: { $0 == "," || $0 == ";" }).map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }

    // MARK: Links, notes, abstract, keywords, language

    static let linkLabels: [(String, Link.Kind)] = [
        ("Full text", .fullText), ("URL", .work), ("Code", .code), ("Data", .data), ("File", .file),
        ("Related", .related), ("Link", .related),
    ]

    /// The target and shown text of a value that is one link and nothing else (`\href{…}{…}`).
    static func soleLink(_ f: ResolvedField) -> (String, String)? {
        let text = f.value.withUnsafeBufferPointer { LaTeXDecoder.decode($0, protectGroups: false) }.text
        guard text.inlines.count == 1, case .link(let url, let shown)? = text.inlines.first, !url.isEmpty else { return nil }
        return (url, RichText(shown).plainText)
    }

    /// Whether a link's text is its target written out (scheme and a final `/` aside).
    static func sameURL(_ shown: String, _ url: String) -> Bool {
        func bare(_ s: String) -> Substring {
            var t = Substring(s.trimmingSpaces)
            for scheme in ["https://", "http://"] where t.lowercased().hasPrefix(scheme) { t = t.dropFirst(scheme.count) }
            while t.hasSuffix("/") { t = t.dropLast() }
            return t
        }
        return bare(shown) == bare(url)
    }

    private mutating func mapLinksAndNotes() {
        var links: [Link] = []
        if let f = take(.url) {
            let url = verbatim(f, unescape: true)
            if !url.isEmpty { links.append(Link(url, kind: .work)) }
        }
        if let f = take(.file) {
            let file = verbatim(f, unescape: false)
            if !file.isEmpty { links.append(Link(file, kind: .file)) }
        }
        if let f = take(.pdf) {
            let file = verbatim(f, unescape: false)
            if !file.isEmpty { links.append(Link(file, kind: .fullText)) }
        }
        // `howpublished = {\url{…}}` alone is the work's URL.
        if links.first(where: { $0.kind == .work }) == nil, let f = field(.howpublished) {
            let text = Self.collapsedWhitespace(f.value)
            if text.hasPrefix("\\url{"), text.hasSuffix("}"), !text.dropFirst(5).dropLast().contains("}") {
                consume(.howpublished)
                let url = String(text.dropFirst(5).dropLast()).replacingAll("\\_", with: "_").replacingAll("\\%", with: "%")
                    .replacingAll("\\#", with: "#").replacingAll("\\&", with: "&")
                links.insert(Link(url, kind: .work), at: 0)
            } else if let (url, shown) = Self.soleLink(f) {
                // `\href{url}{text}` alone: the target is the work's URL; the text stays the
                // value unless it only shows the URL again.
                links.insert(Link(url, kind: .work), at: 0)
                if Self.sameURL(shown, url) { consume(.howpublished) }
            }
        }
        if let f = take(.note) {
            let (rest, noteLinks) = Self.splitLinks(Self.collapsedWhitespace(f.value))
            links.append(contentsOf: noteLinks)
            if !rest.isEmpty {
                var g = f
                g.value = ArraySlice(rest.utf8)
                let text = rich(g)
                if !text.isEmpty { entry.notes.append(text) }
            }
        }
        if let i = index(.addendum), !consumed.contains(i) {
            let f = fields[i]
            let (rest, addendumLinks) = Self.splitLinks(Self.collapsedWhitespace(f.value))
            if !addendumLinks.isEmpty {
                consumed.insert(i)
                links.append(contentsOf: addendumLinks)
                if !rest.isEmpty { extra.append((i, FieldKey(namespace, f.name), rest)) }
            }
        }
        entry.links = links
        if let i = takeIndex(.abstract) {
            let text = rich(at: i)
            if !text.isEmpty { entry.abstract = text }
        }
        if let f = take(.keywords) {
            entry.keywords = keywords(f)
        }
        mapLanguage()
    }

    /// Trailing `Label: \url{…}` parts the writer adds to a note for links without a field.
    static func splitLinks(_ text: String) -> (String, [Link]) {
        var s = text.trimmingSpaces
        var links: [Link] = []
        while s.hasSuffix("}"), let open = s.range(of: "\\url{", options: .backwards) {
            let url = s[open.upperBound..<s.index(before: s.endIndex)]
            guard !url.contains("{"), !url.contains("}") else { break }
            let before = s[..<open.lowerBound]
            guard let (label, kind) = linkLabels.first(where: { before.hasSuffix($0.0 + ": ") }) else { break }
            let unescaped = String(url).replacingAll("\\%", with: "%").replacingAll("\\#", with: "#")
                .replacingAll("\\_", with: "_").replacingAll("\\&", with: "&")
            links.insert(Link(unescaped, kind: kind), at: 0)
            s = String(before.dropLast(label.utf8.count + 2)).trimmingSpaces
            if s.hasSuffix(".") { s.removeLast() }
        }
        return (s.trimmingSpaces, links)
    }

    private mutating func keywords(_ f: ResolvedField) -> [String] {
        let value = Self.collapsedWhitespaceBytes(f.value)
        var lo = 0
        var hi = value.count
        // `{{a; b; c}}` (Web of Science): the whole list in one group.
        if value.first == UInt8(ascii: "{"), value.last == UInt8(ascii: "}"),
            value.withUnsafeBufferPointer({ BibTeXText.matchingClose($0, 0) }) == value.count - 1
        {
            lo = 1
            hi = value.count - 1
        }
        let hasComma = value[lo..<hi].contains(UInt8(ascii: ","))
        let separator = hasComma ? UInt8(ascii: ",") : UInt8(ascii: ";")
        // Each part decoded as soon as its separator is met (no list of the parts).
        var out: [String] = []
        func add(_ part: Range<Int>) {
            let (decoded, unknownCommands) = value.withUnsafeBufferPointer {
                plainCache.plain(UnsafeBufferPointer(rebasing: $0[part]))
            }
            note(unknownCommands, f)
            let text = decoded.trimmingSpaces
            if !text.isEmpty { out.append(text) }
        }
        var start = lo
        var depth = 0
        for k in lo..<hi {
            let b = value[k]
            if b == UInt8(ascii: "{") { depth += 1 } else if b == UInt8(ascii: "}") { depth = max(0, depth - 1) }
            if b == separator && depth == 0 {
                add(start..<k)
                start = k + 1
            }
        }
        add(start..<hi)
        return out
    }

    /// BibTeX: `language` first, `langid` when there is none; BibLaTeX the other way round
    /// (the other one stays in `extra`, where the writer puts it back).
    private mutating func mapLanguage() {
        let order: (Known, Known) = dialect == .biblatex ? (.langid, .language) : (.language, .langid)
        for name in [order.0, order.1] where entry.language == nil {
            guard let f = take(name) else { continue }
            let text = plain(f).trimmingSpaces
            if text.isEmpty { continue }
            entry.language = name == .langid ? BabelLanguages.tag(forBabel: text) ?? text : text
        }
    }

    // MARK: Everything else

    /// Foreign namespaces the writer turns into `namespace-name` fields.
    static let foreignNamespaces = ["csl-json", "custom-json", "profile", "ris", "csl", "jats", "custom", "bibkit"]

    private mutating func mapOtherFields() {
        let table = plainCache.fieldLookup(type, dialect)
        // Where two names feed one model field (`school` and `institution`), the field's home
        // for this entry type wins; the other stays in extra under its own name.
        for i in fields.indices where !consumed.contains(i) && isFirst.contains(i) && !isNotField(i) {
            let lower = fields[i].lower
            guard let field = table.field(named: lower), entry.fields[field] == nil,
                BibTeXFieldTable.row(field).names(in: dialect, type: type).first == lower
            else { continue }
            consumed.insert(i)
            entry.fields[field] = plain(fields[i])
        }
        for i in fields.indices where !consumed.contains(i) && isFirst.contains(i) {
            let f = fields[i]
            let name = f.lower
            if knownName(i) == .pubstate {
                consumed.insert(i)
                var text = plain(f).trimmingSpaces
                if dialect == .biblatex, let spelled = Self.spelledStates[text.lowercased()] { text = spelled }
                entry.fields[.status] = text
                continue
            }
            if !isNotField(i), let field = table.field(named: name), entry.fields[field] == nil {
                consumed.insert(i)
                entry.fields[field] = plain(f)
                continue
            }
            if let ns = Self.foreignNamespaces.first(where: { name.hasPrefix($0 + "-") && name.utf8.count > $0.utf8.count + 1 }) {
                consumed.insert(i)
                let rest = String(f.name.dropFirst(ns.utf8.count + 1))
                extra.append((i, FieldKey(ns, rest), plain(f)))
                continue
            }
            consumed.insert(i)
            extra.append((i, FieldKey(namespace, f.name), extraValue(f)))
        }
    }

    /// One name per model slot for macro markers, whichever dialect's name the field had
    /// (the writer looks under both).
    static let markerName: [String: String] = ["journaltitle": "journal", "location": "address", "annotation": "annote"]

    /// ``markerName`` of a name, or the name (compared, not hashed).
    static func markerName(_ name: String) -> String {
        switch name.utf8.count {
        case 12 where name == "journaltitle": "journal"
        case 8 where name == "location": "address"
        case 10 where name == "annotation": "annote"
        default: name
        }
    }

    /// Names the field table knows but that mean something else here.
    static let notFields: Set<String> = ["number", "issue", "eid", "volume", "pages"]

    /// Whether field `i` has one of ``notFields``' names.
    private func isNotField(_ i: Int) -> Bool {
        switch knownName(i) {
        case .number?, .issue?, .eid?, .volume?, .pages?: true
        default: false
        }
    }

    /// biblatex's pubstate keys back to words (`inpress` → `in press`).
    static let spelledStates: [String: String] = [
        "inpress": "in press", "inpreparation": "in preparation",
    ]

    // MARK: Finish

    private mutating func finish() {
        // Macro markers, after the other extras and by field name, so that their place does not
        // depend on the order the fields were written in.
        var markers: [(String, String)] = []
        for i in fields.indices where isFirst.contains(i) {
            guard let expression = fields[i].expression else { continue }
            let lower = fields[i].lower
            if let k = knownName(i), k == .month || k == .year || k == .day {
                if !extra.contains(where: { $0.0 == i }) { continue }
            }
            let inModel = !extra.contains(where: { $0.0 == i })
            let name = asideNames[i].map { $0.lowercased() } ?? (inModel ? Self.markerName(lower) : lower)
            markers.append((name, expression))
        }
        for (name, expression) in markers.sorted(by: { $0.0 < $1.0 }) {
            extra.append((Int.max, FieldKey(BibTeXReader.macroNamespace, name), expression))
        }
        // Identifiers: ISSN with the journal, ISBN of a part with its book.
        let isPart = Self.partKinds
        let hasContainer = container.title != nil
        var ids = entryIDs
        for isbn in isbns {
            if hasContainer && isPart.contains(entry.type.kind) {
                container.identifiers.append(Identifier(.isbn, isbn))
            } else {
                ids.append(Identifier(.isbn, isbn))
            }
        }
        for issn in issns {
            if hasContainer {
                container.identifiers.append(Identifier(.issn, issn))
            } else {
                ids.append(Identifier(.issn, issn))
            }
        }
        entry.identifiers = Self.canonicalIdentifiers(ids)
        container.identifiers = Self.canonicalIdentifiers(container.identifiers)
        if !container.isEmpty {
            // Moved into the entry (a copy would retain its parts, and the mapper release them).
            var moved = Self.blankLevel
            swap(&moved, &container)
            entry.container = moved
        }
        // The writer's canonical orders, so that a round trip gives the same model.
        if !zip(entry.fields.keys, entry.fields.keys.dropFirst()).allSatisfy({ $0 < $1 }) {
            entry.fields.sort { $0.key < $1.key }
        }
        // Authors, then editors, then the others as met (rebuilt only when not so already).
        let roles = entry.contributors.keys
        let authorAt = roles.firstIndex(of: .author)
        let editorAt = roles.firstIndex(of: .editor)
        if (authorAt ?? 0) != 0 || (editorAt.map { $0 != (authorAt == nil ? 0 : 1) } ?? false) {
            var contributors: OrderedDictionary<ContributorRole, NameList> = [:]
            for role in [ContributorRole.author, .editor] { if let list = entry.contributors[role] { contributors[role] = list } }
            for (role, list) in entry.contributors where contributors[role] == nil { contributors[role] = list }
            entry.contributors = contributors
        }
        if !series.isEmpty {
            var moved = Self.blankLevel
            swap(&moved, &series)
            entry.series = moved
        }
        let ordered = extra.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
        for (_, item) in ordered where entry.extra[item.1] == nil {
            entry.extra[item.1] = item.2
        }
    }

    private static let partKinds: Set<WorkType> = [.chapter, .paperConference, .entryEncyclopedia, .entryDictionary, .entry]

    /// Identifiers without exact repeats, in the writer's order of kinds (DOI, ISBN, ISSN,
    /// arXiv, PubMed, PMC, handle, LCCN, then others as met).
    static func canonicalIdentifiers(_ ids: [Identifier]) -> [Identifier] {
        guard ids.count > 1 else { return ids }
        let order: [IdentifierKind] = [.doi, .isbn, .issn, .arxiv, .pmid, .pmcid, .hdl, .lccn]
        var seen = Set<Identifier>()
        let unique = ids.filter { seen.insert($0).inserted }
        let ranked = unique.enumerated().map { (order.firstIndex(of: $0.element.kind) ?? order.count, $0.offset, $0.element) }
        return ranked.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    // MARK: Writer protection

    /// Drops the braces the writer adds by itself in titles: around a word it would protect
    /// anyway (`{ECHOSAT}`, `{Frank-Wolfe}`) and around math (`{$x$}`).
    static func withoutWriterProtection(_ text: RichText) -> RichText {
        guard text.inlines.contains(where: { if case .caseProtected = $0 { true } else { false } }) else { return text }
        var out: [Inline] = []
        out.reserveCapacity(text.inlines.count)
        for inline in text.inlines {
            if case .caseProtected(let content) = inline, content.count == 1 {
                switch content[0] {
                case .math:
                    out.append(content[0])
                    continue
                case .text(let word) where isAutoProtected(word):
                    out.append(.text(word))
                    continue
                default:
                    break
                }
            }
            out.append(inline)
        }
        return RichText(out)
    }

    static func isAutoProtected(_ word: String) -> Bool {
        // The writer splits words at ASCII white space only (a no-break space joins a word).
        guard !word.isEmpty, !word.utf8.contains(where: isBibSpace) else { return false }
        var w = word
        return w.withUTF8 { buf in CaseProtection.protectedCore(buf, 0..<buf.count) == 0..<buf.count }
    }
}

extension BabelLanguages {
    /// The BCP 47 tag for a babel language name (`ngerman` → `de`, `american` → `en-US`), or nil.
    public static func tag(forBabel babel: String) -> String? {
        reverse[babel.trimmingSpaces.lowercased()]
    }

    private static let reverse: [String: String] = {
        var out: [String: String] = [:]
        for (key, babel) in names.sorted(by: { ($0.key.utf8.count, $0.key) < ($1.key.utf8.count, $1.key) }) {
            let parts = key.split(separator: "-")
            guard (parts.first?.utf8.count ?? 0) == 2, parts.count <= 2 else { continue }
            let tag = parts.count == 2 ? parts[0] + "-" + parts[1].uppercased() : String(parts[0])
            if out[babel] == nil { out[babel] = tag }
        }
        return out
    }()
}

/// Which fields of an entry are taken, by index (a flag per field: no hashing).
struct FieldFlags {
    private var flags: [Bool]

    init(count: Int = 0) { flags = filledArray(count, false) }

    /// `count` flags, none set, in the storage there is (no allocation when it is large enough).
    mutating func reset(count: Int) {
        flags.removeAll(keepingCapacity: true)
        flags.append(contentsOf: repeatElement(false, count: count))
    }

    mutating func insert(_ i: Int) {
        guard i >= 0 else { return }
        if i >= flags.count { flags.append(contentsOf: repeatElement(false, count: i - flags.count + 1)) }
        flags[i] = true
    }

    func contains(_ i: Int) -> Bool { i >= 0 && i < flags.count && flags[i] }
}

/// `[T](repeating: value, count: count)`, built through the specialised initialiser (the
/// `repeating:` one went through the runtime's unspecialised buffer allocation here).
@inline(__always)
func filledArray<T: BitwiseCopyable>(_ count: Int, _ value: T) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buf, initialized in
        if count > 0, let base = buf.baseAddress { base.initialize(repeating: value, count: count) }
        initialized = count
    }
}
