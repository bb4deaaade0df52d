import BibModel

/// Reads BibTeX and BibLaTeX `.bib` files into the model.
///
/// Two stages: ``BibTeXScanner`` turns bytes into a lossless ``BibTeXRawDocument``; then
/// `@string` macros are expanded in file order (BibTeX's rule: a macro is known from its
/// definition on; the month macros `jan`…`dec` are predefined), `crossref`/`xdata` parents
/// lend their fields by biblatex's inheritance rules, and each entry is mapped to an
/// ``Entry`` through the tables the writer uses (``BibTeXTypeTable``, ``BibTeXFieldTable``,
/// ``BibTeXRoleTable``, ``BibTeXIdentifierTable``, ``LaTeXCharacterTable``).
///
/// Decisions:
/// - Fields without a place in the model go to ``Entry/extra`` in source order as
///   `bibtex:<name as written>` (or `biblatex:` for the BibLaTeX reader), their value the
///   LaTeX source with white space collapsed as BibTeX does. Fields the writer made from
///   other formats' extras (`profile-score`) go back to their namespace (`profile:score`).
/// - A field whose value used a macro (`journal = jmlr`) keeps the expression in a
///   `bibtex-macro:<field>` extra; the writer puts the macro back when the value is unchanged.
///   `@string` definitions, `@preamble`s (as BibTeX expressions) and the comments before
///   the first entry and after the last go to ``CollectionMetadata``; comments and free text
///   between two entries go with the entry after them (``Entry/precedingComments``).
///   `@comment{…}` keeps its content, free text its lines as written (`%` included).
/// - A duplicate field is reported; the first value counts (as in BibTeX), the later ones
///   are kept as `<name>-duplicate` extras.
/// - Title words the writer protects by itself (`{ECHOSAT}`, `{Frank-Wolfe}`) read back as
///   plain text, so model → BibTeX → model is the identity; other braces become
///   case-protected spans.
/// - The von part of a name is a dropping particle unless `options` holds `useprefix=true`.
/// - `crossref`/`xdata`: the child gets the fields it lacks (biblatex's rules: `title` of a
///   `@book` parent is an `@inbook` child's `booktitle`, …); the parent stays an entry and the
///   `crossref` field stays in `extra`.
public struct BibTeXReader: BibliographyReader {
    /// The dialect read: it names the namespace of extras and picks the table columns.
    public var dialect: BibTeXDialect

    /// Creates a reader.
    public init(dialect: BibTeXDialect = .bibtex) { self.dialect = dialect }

    /// The namespace of the extras that remember a field's macro expression
    /// (`bibtex-macro:journal` = `jmlr`), so the writer can put the macro back.
    public static let macroNamespace = "bibtex-macro"

    /// Reads a `.bib` file.
    public func read(
        _ bytes: [UInt8], source: String, options: ReadOptions, diagnostics: inout Diagnostics
    ) throws(FatalReadError) -> Library {
        var input = bytes
        if TextDecoding.hasUTF16ByteOrderMark(input) {
            input = TextDecoding.utf16ToUTF8(input)
            diagnostics.warning(
                "bibtex.utf16", "the file is UTF-16; decoded (locations refer to its UTF-8 form)",
                at: SourceLocation(file: source, line: 1, column: 1, offset: 0))
        }
        if TextDecoding.looksBinary(input) {
            throw FatalReadError(
                Diagnostic(
                    .error, code: "bibtex.binary", message: "input is not text (binary data: NUL or control bytes)",
                    location: SourceLocation(file: source, line: 1, column: 1, offset: 0)))
        }
        let nuls = TextDecoding.replaceNULs(&input)
        let lines = LineIndex(file: source, bytes: input)
        for place in TextDecoding.firstPerLine(nuls, lines: lines) {
            diagnostics.warning("bibtex.nul-byte", "NUL byte in the text; read as a space", at: place)
        }
        let invalid = input.withUnsafeBufferPointer { TextDecoding.firstInvalidUTF8($0) }
        if let bad = invalid {
            diagnostics.warning(
                "bibtex.latin1", "input is not valid UTF-8; values that are not were decoded as Windows-1252 (Latin-1)",
                at: lines.location(ofOffset: bad))
        }
        // Memory: the raw blocks are let go as they are resolved (a few hundred at a time),
        // and each resolved entry once mapped (they hold a copy of every value), so the peak
        // is not all three layers, nor two of them whole.
        var document = BibTeXScanner.scan(input, lines: lines, diagnostics: &diagnostics)
        let noBlocks = document.blocks.isEmpty
        var resolver = BibTeXResolver(bytes: input, lines: lines, dialect: dialect, validUTF8: invalid == nil)
        resolver.inherits = options.inheritCrossReferences
        // The blocks in order, as one resolve would take them (its diagnostics in the same
        // order: the blocks', then duplicate keys, then inheritance).
        var resolved: [ResolvedEntry] = []
        resolved.reserveCapacity(document.blocks.count)
        var start = 0
        while start < document.blocks.count {
            let end = min(start + 256, document.blocks.count)
            let chunk = BibTeXRawDocument(blocks: Array(document.blocks[start..<end]), contentStart: document.contentStart)
            // The chunk now holds the only reference to these blocks' fields.
            for i in start..<end { document.blocks[i] = .text(0..<0) }
            resolved += resolver.resolve(chunk, inheriting: false, checkingKeys: false)
            start = end
        }
        document.blocks = []
        resolver.checkDuplicateKeys(resolved)
        resolved = resolver.lendParents(resolved)
        resolver.seenKeys = CitationKeySet()
        diagnostics.append(contentsOf: resolver.diagnostics)
        var library = Library()
        library.metadata = resolver.metadata
        library.entries.reserveCapacity(resolved.count)
        var unknown = UnknownCommandReport()
        var cache = LaTeXPlainCache()
        for i in resolved.indices {
            var entry = ResolvedEntry(type: "", key: nil, fields: [], range: 0..<0, isComplete: true)
            swap(&entry, &resolved[i])
            var mapper = BibTeXEntryMapper(source: entry, dialect: dialect, lines: lines)
            entry.fields = []
            swap(&mapper.plainCache, &cache)
            // The entry is kept with the whole library: its name lists give back what
            // the name parser reserved and did not use.
            var mapped = mapper.map()
            mapped.releaseUnusedCapacity()
            if let comments = resolver.comments(of: entry) { mapped.precedingComments = comments }
            library.entries.append(mapped)
            swap(&mapper.plainCache, &cache)
            diagnostics.append(contentsOf: mapper.diagnostics)
            unknown.merge(mapper.unknown)
        }
        resolved = []
        unknown.flush(into: &diagnostics)
        if noBlocks, input.contains(where: { !isBibSpace($0) }) {
            diagnostics.warning("bibtex.no-entries", "no BibTeX entry found", at: lines.location(ofOffset: 0))
        }
        return library
    }

    /// Reads only the raw layer (for tools that edit `.bib` files in place).
    public func readRaw(_ bytes: [UInt8], source: String, diagnostics: inout Diagnostics) -> BibTeXRawDocument {
        BibTeXScanner.scan(bytes, lines: LineIndex(file: source, bytes: bytes), diagnostics: &diagnostics)
    }
}

// MARK: - Unknown commands, reported once per name

/// Unknown LaTeX commands: one warning per command name with the first place and a count.
struct UnknownCommandReport {
    struct Item {
        var location: SourceLocation?
        var key: String?
        var field: String
        var count: Int
    }
    var order: [String] = []
    var items: [String: Item] = [:]

    mutating func add(_ name: String, location: SourceLocation?, key: String?, field: String) {
        if items[name] == nil {
            order.append(name)
            items[name] = Item(location: location, key: key, field: field, count: 0)
        }
        items[name]?.count += 1
    }

    mutating func merge(_ other: UnknownCommandReport) {
        for name in other.order {
            guard let item = other.items[name] else { continue }
            if items[name] == nil {
                order.append(name)
                items[name] = item
            } else {
                items[name]?.count += item.count
            }
        }
    }

    func flush(into diagnostics: inout Diagnostics) {
        for name in order {
            guard let item = items[name] else { continue }
            let times = item.count == 1 ? "" : " (\(item.count) times in this file)"
            diagnostics.warning(
                "bibtex.unknown-command", "unknown LaTeX command \\\(name) kept verbatim\(times)", at: item.location,
                entryKey: item.key, field: item.field)
        }
    }
}

// MARK: - Macros, crossref

/// A field after macro expansion and inheritance.
struct ResolvedField {
    /// The name as written.
    var name: String
    /// The name in lower case.
    var lower: String
    /// The value's LaTeX after macro expansion: for a value of one piece, a slice of the
    /// bytes read (no copy); indices are those of the bytes, not from zero.
    var value: ArraySlice<UInt8>
    /// The value expression when it used a macro (`jmlr`, `jan # "~1"`), for the round trip.
    var expression: String?
    /// Where the field's name starts.
    var offset: Int
    /// Lent by a `crossref` or `xdata` parent.
    var inherited = false
    /// Where the field is in the file, when it came from another piece of the file than
    /// the one being mapped (the streaming reader's parents); nil: at `offset`.
    var location: SourceLocation? = nil
}

/// An entry with its fields resolved.
struct ResolvedEntry {
    var type: String
    var key: String?
    var fields: [ResolvedField]
    var range: Range<Int>
    var isComplete: Bool
    /// Where ``BibTeXResolver/entryComments`` holds the comments between the entry before
    /// and this one; -1: none. (An index, not an array: entries are copied often, and an
    /// array would be retained with each copy.)
    var commentsIndex = -1
}

/// Expands macros in file order, collects the collection metadata and applies crossref/xdata.
struct BibTeXResolver {
    let bytes: [UInt8]
    let lines: LineIndex
    let dialect: BibTeXDialect
    var diagnostics = Diagnostics()
    var metadata = CollectionMetadata()
    /// Macro name (lower case) → expanded LaTeX.
    var macros: [String: [UInt8]] = [:]
    /// False when the file has bytes that are not UTF-8 (values are then checked one by one).
    let validUTF8: Bool
    /// Lend crossref/xdata parents' fields (``ReadOptions/inheritCrossReferences``).
    var inherits = true
    /// True once an entry was resolved: comments before it are the collection's
    /// (``CollectionMetadata/comments``); later ones wait in
    /// ``CollectionMetadata/trailingComments`` for the next entry, which takes them.
    var metEntry = false
    /// The comments of entries, by ``ResolvedEntry/commentsIndex``.
    var entryComments: [[BibComment]] = []

    init(bytes: [UInt8], lines: LineIndex, dialect: BibTeXDialect, validUTF8: Bool) {
        self.bytes = bytes
        self.lines = lines
        self.dialect = dialect
        self.validUTF8 = validUTF8
        for (index, name) in BibTeXDates.monthMacros.enumerated() {
            macros[name] = Array(BibTeXDateReading.monthNames[index].utf8)
        }
    }

    /// The entries of `document` with macros expanded and, when `inheriting`, the fields of
    /// their crossref/xdata parents lent. `parents` are entries from elsewhere in the file
    /// (before and after the document, for the streaming reader) that may be parents; they
    /// are not returned, and no diagnostics are given about them. Without `checkingKeys`,
    /// duplicate keys are left to ``checkDuplicateKeys(_:)`` (the whole-file reader resolves
    /// its blocks in parts and checks the keys of all at the end).
    mutating func resolve(
        _ document: BibTeXRawDocument, inheriting: Bool = true,
        parents: (before: [ResolvedEntry], after: [ResolvedEntry]) = ([], []),
        only: ((BibTeXRawEntry) -> Bool)? = nil, checkingKeys: Bool = true
    ) -> [ResolvedEntry] {
        var entries: [ResolvedEntry] = []
        for block in document.blocks {
            switch block {
            case .entry(let raw):
                // `only`: the entries wanted (the others are skipped; macros still count).
                if let only, !only(raw) { continue }
                var fields: [ResolvedField] = []
                fields.reserveCapacity(raw.fields.count)
                for field in raw.fields {
                    var (value, expression) = expand(field.value, key: raw.key, field: field.name)
                    if !validUTF8 && !value.withUnsafeBufferPointer({ TextDecoding.isValidUTF8($0) }) {
                        value = ArraySlice(value.withUnsafeBufferPointer { BibTeXText.windows1252($0) }.utf8)
                    }
                    fields.append(
                        ResolvedField(
                            name: field.name, lower: lowerName(field), value: value, expression: expression,
                            offset: field.nameRange.lowerBound))
                }
                var commentsIndex = -1
                if !metadata.trailingComments.isEmpty {
                    commentsIndex = entryComments.count
                    entryComments.append([])
                    swap(&entryComments[commentsIndex], &metadata.trailingComments)
                }
                metEntry = true
                entries.append(
                    ResolvedEntry(
                        type: raw.type, key: raw.key, fields: fields, range: raw.range, isComplete: raw.isComplete,
                        commentsIndex: commentsIndex))
            case .string(let field, _):
                var (value, _) = expand(field.value, key: nil, field: field.name)
                if !validUTF8 && !value.withUnsafeBufferPointer({ TextDecoding.isValidUTF8($0) }) {
                    value = ArraySlice(value.withUnsafeBufferPointer { BibTeXText.windows1252($0) }.utf8)
                }
                let lower = field.name.lowercased()
                if let existing = metadata.macros.keys.first(where: { $0.lowercased() == lower }) {
                    diagnostics.warning(
                        "bibtex.duplicate-macro", "@string '\(field.name)' is defined again; the new value counts from here on",
                        at: lines.location(ofOffset: field.nameRange.lowerBound))
                    metadata.macros[existing] = nil
                }
                macros[lower] = Array(value)
                metadata.macros[field.name] = expressionText(field.value)
            case .preamble(let value, _):
                metadata.preambles.append(expressionText(value))
            case .comment(let content, _):
                let text = String(bytesRange: content, in: bytes).trimmingSpaces
                if !text.isEmpty { keep(BibComment(text, form: .block)) }
            case .text(let range):
                let text = Self.commentText(String(bytesRange: range, in: bytes))
                if !text.isEmpty { keep(BibComment(text, form: .text)) }
            }
        }
        if checkingKeys { checkDuplicateKeys(entries) }
        guard inheriting else { return entries }
        return lendParents(entries, parents: parents)
    }

    /// The second half of ``resolve(_:inheriting:parents:)``: crossref/xdata parents lend
    /// their fields (`parents` from elsewhere in the file are not returned).
    mutating func lendParents(
        _ entries: [ResolvedEntry], parents: (before: [ResolvedEntry], after: [ResolvedEntry]) = ([], [])
    ) -> [ResolvedEntry] {
        guard inherits else { return entries }
        guard parents.before.isEmpty && parents.after.isEmpty else {
            let all = parents.before + entries + parents.after
            let own = parents.before.count..<(parents.before.count + entries.count)
            return Array(inherit(all, own: own)[own])
        }
        return inherit(entries, own: entries.indices)
    }

    /// True for a field name that names parents: `crossref` or `xdata`, in any case.
    static func isParentField(_ name: String) -> Bool {
        // Most names have neither length: out before any byte is read.
        let count = name.utf8.count
        guard count == 8 || count == 5 else { return false }
        var u = name.utf8.makeIterator()
        func next() -> UInt8 { (u.next() ?? 0) | 0x20 }
        switch count {
        case 8:
            return next() == UInt8(ascii: "c") && next() == UInt8(ascii: "r") && next() == UInt8(ascii: "o")
                && next() == UInt8(ascii: "s") && next() == UInt8(ascii: "s") && next() == UInt8(ascii: "r")
                && next() == UInt8(ascii: "e") && next() == UInt8(ascii: "f")
        case 5:
            return next() == UInt8(ascii: "x") && next() == UInt8(ascii: "d") && next() == UInt8(ascii: "a")
                && next() == UInt8(ascii: "t") && next() == UInt8(ascii: "a")
        default:
            return false
        }
    }

    /// The keys (lower case) an entry's `crossref` and `xdata` fields name.
    static func parentKeys(of entry: ResolvedEntry) -> [String] {
        var out: [String] = []
        for field in entry.fields where !field.inherited && isParentField(field.lower) {
            let text = String(decoding: field.value, as: UTF8.self)
            let keys = field.lower == "xdata" ? text.split(separator: ",").map { String($0).trimmingSpaces } : [text.trimmingSpaces]
            for key in keys where !key.isEmpty { out.append(key.lowercased()) }
        }
        return out
    }

    /// The comments between the entry before and this one, if any.
    func comments(of entry: ResolvedEntry) -> [BibComment]? {
        entryComments.indices.contains(entry.commentsIndex) ? entryComments[entry.commentsIndex] : nil
    }

    /// A comment before the first entry goes to the collection's head (leading when no
    /// `@preamble` or `@string` came before it); a later one waits for the next entry.
    private mutating func keep(_ comment: BibComment) {
        if metEntry {
            metadata.trailingComments.append(comment)
            return
        }
        metadata.appendHeadComment(comment)
    }

    /// Text between blocks as a comment, its lines as written (`%` included): trimmed, line
    /// ends without `\r` or trailing blanks.
    static func commentText(_ raw: String) -> String {
        let text = raw.trimmingSpaces
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return text }
        var lines: [Substring] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            var l = line
            while let last = l.last, last == " " || last == "\t" { l = l.dropLast() }
            lines.append(l)
        }
        return lines.joined(separator: "\n")
    }

    /// A field's name in lower case: the name itself when its bytes are ASCII without
    /// capitals (looked at in the file, cheaper than in the string), else `lowercased()`.
    private func lowerName(_ field: BibTeXRawField) -> String {
        let plain = bytes.withUnsafeBufferPointer { buf -> Bool in
            guard field.nameRange.upperBound <= buf.count else { return false }
            for i in field.nameRange {
                let b = buf[i]
                if b >= 0x80 || (b >= 0x41 && b <= 0x5A) { return false }
            }
            return true
        }
        return plain ? field.name : field.name.lowercased()
    }

    /// The expanded value and, when a macro was used, the expression as written.
    private mutating func expand(_ value: BibTeXRawValue, key: String?, field: String) -> (ArraySlice<UInt8>, String?) {
        if value.pieces.count == 1, let piece = value.pieces.first, piece.kind != .macro {
            return (bytes[piece.content], nil)
        }
        var out: [UInt8] = []
        var usedMacro = false
        for piece in value.pieces {
            switch piece.kind {
            case .braced, .quoted, .number:
                out.append(contentsOf: bytes[piece.content])
            case .macro:
                usedMacro = true
                let name = String(bytesRange: piece.content, in: bytes)
                if let expansion = macros[BibTeXText.lowercased(name)] {
                    out.append(contentsOf: expansion)
                } else {
                    diagnostics.warning(
                        "bibtex.undefined-macro",
                        "macro '\(name)' is not defined before this point (BibTeX would use an empty string); its name is kept as the value",
                        at: lines.location(ofOffset: piece.range.lowerBound), entryKey: key, field: field)
                    out.append(contentsOf: bytes[piece.content])
                }
            }
        }
        return (ArraySlice(out), usedMacro ? expressionText(value) : nil)
    }

    /// The value as a BibTeX expression: pieces as written, joined with ` # `.
    func expressionText(_ value: BibTeXRawValue) -> String {
        // One piece as written (a macro name, most often): no list to join.
        if value.pieces.count == 1, let piece = value.pieces.first, piece.isTerminated {
            return String(bytesRange: piece.range, in: bytes)
        }
        var parts: [String] = []
        for piece in value.pieces {
            if piece.isTerminated {
                parts.append(String(bytesRange: piece.range, in: bytes))
            } else {
                // A cut-short piece: close it so the expression stays well formed.
                let open = piece.kind == .quoted ? "\"" : "{"
                let close = piece.kind == .quoted ? "\"" : "}"
                parts.append(open + String(bytesRange: piece.content, in: bytes) + close)
            }
        }
        return parts.joined(separator: " # ")
    }

    /// Keys met so far (compared ignoring case, each as first written), for duplicate-key
    /// warnings.
    var seenKeys = CitationKeySet()

    mutating func checkDuplicateKeys(_ entries: [ResolvedEntry]) {
        // Moved out and back, so the table is not copied (it holds every key of the file).
        var seen = seenKeys
        seenKeys = CitationKeySet()
        defer { seenKeys = seen }
        for entry in entries {
            guard let key = entry.key else { continue }
            // A key met before stays as first written.
            let (inserted, index) = seen.insert(key)
            if !inserted {
                let first = seen.spelling(at: index)
                let how = first == key ? "" : " ('\(first)'; BibTeX compares keys ignoring case)"
                diagnostics.warning(
                    "bibtex.duplicate-key", "citation key '\(key)' is used by an earlier entry\(how); both are kept",
                    at: lines.location(ofOffset: entry.range.lowerBound), entryKey: key)
            }
        }
    }

    // MARK: Inheritance

    /// Fields never inherited (biblatex's defaults).
    static let notInherited: Set<String> = [
        "ids", "crossref", "xref", "xdata", "entryset", "entrysubtype", "execute", "label", "options", "presort",
        "related", "relatedoptions", "relatedstring", "relatedtype", "shorthand", "shorthandintro", "sortkey",
    ]

    /// biblatex's type-specific inheritance (`\DeclareDataInheritance`): parent types, child
    /// types, and source field → target fields (empty: not inherited).
    static let rules: [(parents: Set<String>, children: Set<String>, map: [String: [String]])] = {
        let main: [String: [String]] = [
            "title": ["maintitle"], "subtitle": ["mainsubtitle"], "titleaddon": ["maintitleaddon"],
            "shorttitle": [], "sorttitle": [], "indextitle": [], "indexsorttitle": [],
        ]
        let book: [String: [String]] = [
            "title": ["booktitle"], "subtitle": ["booksubtitle"], "titleaddon": ["booktitleaddon"],
            "shorttitle": [], "sorttitle": [], "indextitle": [], "indexsorttitle": [],
        ]
        let journal: [String: [String]] = [
            "title": ["journaltitle"], "subtitle": ["journalsubtitle"], "titleaddon": ["journaltitleaddon"],
            "shorttitle": [], "sorttitle": [], "indextitle": [], "indexsorttitle": [],
        ]
        var bookAuthors = book
        bookAuthors["author"] = ["author", "bookauthor"]
        var mainAuthors = main
        mainAuthors["author"] = ["author", "bookauthor"]
        return [
            (["mvbook"], ["inbook", "bookinbook", "suppbook"], mainAuthors),
            (["mvbook"], ["book"], main),
            (["mvcollection", "mvreference"], ["collection", "reference", "incollection", "inreference", "suppcollection"], main),
            (["mvproceedings"], ["proceedings", "inproceedings"], main),
            (["book"], ["inbook", "bookinbook", "suppbook"], bookAuthors),
            (["collection", "reference"], ["incollection", "inreference", "suppcollection"], book),
            (["proceedings"], ["inproceedings"], book),
            (["periodical"], ["article", "suppperiodical"], journal),
        ]
    }()

    /// The indices of ``rules`` by parent type.
    static let rulesByParent: [String: [Int]] = {
        var out: [String: [Int]] = [:]
        for (i, rule) in rules.enumerated() {
            for parent in rule.parents { out[parent, default: []].append(i) }
        }
        return out
    }()

    /// Child types whose container is a book: a parent's `title` fills a missing `booktitle`
    /// when no rule above applies (classic BibTeX files crossref `@book` from `@incollection`).
    static let partTypes: Set<String> = [
        "incollection", "inbook", "inproceedings", "inreference", "bookinbook", "suppbook", "suppcollection", "conference",
    ]

    /// Lends parents' fields; diagnostics only for the entries at `own`.
    private mutating func inherit(_ entries: [ResolvedEntry], own: Range<Int>) -> [ResolvedEntry] {
        // Nothing to lend (and nothing to report) when none of the entries names a parent.
        let named = entries[own].contains { entry in
            entry.fields.contains { !$0.inherited && Self.isParentField($0.lower) }
        }
        guard named else { return entries }
        var byKey: [String: Int] = [:]
        byKey.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() {
            if let key = e.key.map(BibTeXText.lowercased), byKey[key] == nil { byKey[key] = i }
        }
        var out = entries
        // 0 new, 1 in progress, 2 done; an entry that names no parent is done from the start.
        var state = [UInt8](repeating: 0, count: entries.count)
        for (i, e) in entries.enumerated() where !e.fields.contains(where: { !$0.inherited && Self.isParentField($0.lower) }) {
            state[i] = 2
        }
        for start in entries.indices where state[start] == 0 {
            // Depth-first over parents with an explicit stack.
            var stack: [Int] = [start]
            while let top = stack.last {
                if state[top] == 2 {
                    stack.removeLast()
                    continue
                }
                let parents = parentIndices(out[top], byKey: byKey, report: state[top] == 0 && own.contains(top))
                state[top] = 1
                if let pending = parents.first(where: { state[$0.index] == 0 }) {
                    stack.append(pending.index)
                    continue
                }
                for p in parents where state[p.index] == 1 && p.index != top && own.contains(top) {
                    diagnostics.warning(
                        "bibtex.crossref-cycle", "\(p.xdata ? "xdata" : "crossref") '\(out[p.index].key ?? "")' leads back to this entry; not inherited",
                        at: lines.location(ofOffset: out[top].range.lowerBound), entryKey: out[top].key)
                }
                for p in parents where state[p.index] == 2 {
                    lend(from: out[p.index], to: &out[top], xdata: p.xdata)
                }
                state[top] = 2
                stack.removeLast()
            }
        }
        return out
    }

    private mutating func parentIndices(_ entry: ResolvedEntry, byKey: [String: Int], report: Bool) -> [(index: Int, xdata: Bool)] {
        var out: [(Int, Bool)] = []
        for field in entry.fields where !field.inherited && Self.isParentField(field.lower) {
            let xdata = field.lower.utf8.count == 5
            let text = String(decoding: field.value, as: UTF8.self)
            let keys = xdata ? text.split(separator: ",").map { String($0).trimmingSpaces } : [text.trimmingSpaces]
            for key in keys where !key.isEmpty {
                if let index = byKey[BibTeXText.lowercased(key)] {
                    out.append((index, xdata))
                } else if report {
                    diagnostics.warning(
                        "bibtex.undefined-crossref", "\(field.lower) '\(key)' is not an entry of this file; nothing inherited",
                        at: lines.location(ofOffset: field.offset), entryKey: entry.key, field: field.name)
                }
            }
        }
        return out
    }

    /// Appends the fields `child` lacks from `parent`.
    private func lend(from parent: ResolvedEntry, to child: inout ResolvedEntry, xdata: Bool) {
        // The two dialects' names of one field count as one (`journal` and `journaltitle`).
        func canonical(_ name: String) -> String { BibTeXEntryMapper.markerName(name) }
        // The names the child has (a few dozen at most: a list searched lengths first costs
        // less than hashing every name into a set).
        var have: [String] = []
        have.reserveCapacity(child.fields.count + parent.fields.count)
        func insert(_ name: String) -> Bool {
            let count = name.utf8.count
            for h in have where h.utf8.count == count && h == name { return false }
            have.append(name)
            return true
        }
        for k in child.fields.indices { _ = insert(canonical(child.fields[k].lower)) }
        let ptype = BibTeXText.lowercased(parent.type)
        let ctype = BibTeXText.lowercased(child.type)
        let map = xdata ? nil : Self.rulesByParent[ptype]?.first { Self.rules[$0].children.contains(ctype) }.map { Self.rules[$0].map }
        var lent: [ResolvedField] = []
        func add(_ k: Int, as name: String) {
            guard insert(canonical(name)) else { return }
            var f = parent.fields[k]
            f.name = name == f.lower ? f.name : name
            f.lower = name
            f.inherited = true
            lent.append(f)
        }
        for k in parent.fields.indices where !Self.isNotInherited(parent.fields[k].lower) {
            let lower = parent.fields[k].lower
            // The parent's `key` when the BibTeX writer generated it for the parent (``BibTeXLabelKey``).
            if lower == "key", !parent.fields[k].inherited,
                BibTeXLabelKey.isGenerated(BibTeXEntryMapper.collapsedWhitespace(parent.fields[k].value), in: parent)
            {
                continue
            }
            if let targets = map?[lower] {
                for t in targets { add(k, as: t) }
            } else if !xdata && map == nil && lower == "title" && Self.partTypes.contains(ctype) {
                add(k, as: "booktitle")
            } else {
                add(k, as: lower)
            }
        }
        child.fields.append(contentsOf: lent)
    }

    /// ``notInherited`` by length first: most names have a length none of them has.
    static func isNotInherited(_ name: String) -> Bool {
        let count = name.utf8.count
        guard count < notInheritedLengths.count, notInheritedLengths[count] else { return false }
        return notInherited.contains(name)
    }

    /// Whether some name of ``notInherited`` has this many bytes (by count, up to the longest).
    static let notInheritedLengths: [Bool] = {
        var out = [Bool](repeating: false, count: (notInherited.map(\.utf8.count).max() ?? 0) + 1)
        for name in notInherited { out[name.utf8.count] = true }
        return out
    }()
}

extension Substring {
    /// The substring without leading blanks.
    var trimmingPrefixSpaces: Substring { drop { $0 == " " || $0 == "\t" } }
}

extension String {
    /// Decodes a byte range of a file (UTF-8, or Windows-1252 when not valid UTF-8).
    init(bytesRange range: Range<Int>, in bytes: [UInt8]) {
        self = bytes.withUnsafeBufferPointer { BibTeXText.string(UnsafeBufferPointer(rebasing: $0[range])) }
    }
}
