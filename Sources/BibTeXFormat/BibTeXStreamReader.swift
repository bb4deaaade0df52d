import BibModel

/// Reads a `.bib` file piece by piece in bounded memory, giving the same entries, in the
/// same order, as ``BibTeXReader/read(_:source:options:diagnostics:)`` on the whole file.
///
/// Feed it the file's bytes in pieces with ``read(_:atEnd:diagnostics:each:)``: it scans
/// the piece, hands over every block but the last (which may be cut short) and says how
/// many bytes it used; the caller keeps the rest in front of the next piece. `@string`
/// macros, duplicate-key checks and the report of unknown LaTeX commands carry over from
/// piece to piece, and locations are those in the whole file.
///
/// `crossref` and `xdata` parents may come anywhere in the file, so a file that has them
/// is read twice: a first pass with ``collectParents(_:atEnd:)`` keeps the entries that are
/// parents (and only those), the second pass lends their fields as the whole-file reader
/// does. What needs the whole file makes it stop with ``Stop``, and the caller reads the
/// file the ordinary way instead: a file that is UTF-16, not UTF-8, or not text, or a
/// parent that the first pass met before anything named it (then ``missingParents`` is
/// not empty and a second first pass with ``init(dialect:source:wanted:)`` gets them).
public struct BibTeXStreamReader {
    /// Why the file must be read whole.
    public struct Stop: Error, Sendable, CustomStringConvertible {
        /// The reason, for a note.
        public var description: String
    }

    /// The dialect read.
    public let dialect: BibTeXDialect
    /// The file name used in locations.
    public let source: String
    /// Where the next piece starts in the file.
    private var base = SourceLocation(file: "", line: 1, column: 1, offset: 0)
    private var macros: [String: [UInt8]]? = nil
    private var metadata = CollectionMetadata()
    private var seenKeys = CitationKeySet()
    private var unknown = UnknownCommandReport()
    private var plainCache = LaTeXPlainCache()
    private var sawBlock = false
    private var sawText = false
    /// An entry was read (``BibTeXResolver/metEntry``, from piece to piece).
    private var metEntry = false
    /// Diagnostics kept back in the whole-file reader's order (``orderDiagnosticsAsWholeFile()``);
    /// nil: given piece by piece.
    private var order: WholeFileOrder?

    /// The whole-file reader's diagnostics come in groups, each in file order: the scanner's
    /// for the whole file, then the blocks' (`@string`s, macros), the duplicate keys, the
    /// inheritance (`crossref`/`xdata`), then each entry's mapping.
    struct WholeFileOrder {
        var scanned = Diagnostics()
        var blocks = Diagnostics()
        var keys = Diagnostics()
        var inheritance = Diagnostics()
        var mapped = Diagnostics()
    }

    /// Keeps the diagnostics back and gives them with the last piece in the whole-file
    /// reader's order. Inheritance diagnostics cannot always be put in that order (the
    /// whole-file reader gives a parent's while resolving the first entry that leads to it,
    /// wherever that parent is): a file read in more than one piece that has any makes the
    /// reader stop (``Stop``), so it is read the ordinary way.
    public mutating func orderDiagnosticsAsWholeFile() -> Bool {
        order = WholeFileOrder()
        return true
    }

    /// Creates a reader for one file.
    public init(dialect: BibTeXDialect = .bibtex, source: String) {
        self.dialect = dialect
        self.source = source
        base.file = source
    }

    /// Creates a reader for a first pass that keeps the entries with these keys (lower case)
    /// too, however early they come.
    public init(dialect: BibTeXDialect = .bibtex, source: String, wanted: Set<String>) {
        self.init(dialect: dialect, source: source)
        for key in wanted { referenced.insert(key) }
    }

    // First pass: keys named by crossref/xdata, keys met (both lower case, as `lowercased()`
    // gives them; the sets ignore ASCII case, so ASCII keys go in as written), and the
    // parents kept (positions in the whole file), in file order.
    private var referenced = CitationKeySet()
    private var metKeys = CitationKeySet()
    private(set) var parents: [ResolvedEntry] = []

    /// True when the first pass found entries that inherit from others.
    public var hasParents: Bool { !referenced.isEmpty }

    /// Keys named by a crossref or xdata whose entry came before anything named it (the first
    /// pass did not keep it): run the first pass again with ``init(dialect:source:wanted:)``.
    public var missingParents: Set<String> {
        let kept = Set(parents.compactMap { $0.key?.lowercased() })
        return Set(referenced.spellings.filter { metKeys.contains($0) && !kept.contains($0) })
    }

    /// Hands the parents found by a first pass to the reader of the second.
    public mutating func takeParents(from first: BibTeXStreamReader) {
        parents = first.parents
        parentIndex = [:]
        for (i, p) in parents.enumerated() {
            if let key = p.key?.lowercased(), parentIndex[key] == nil { parentIndex[key] = i }
        }
        parentKeysOf = parents.map(BibTeXResolver.parentKeys(of:))
    }

    // Second pass: the parents by key (lower case), and the keys each parent names.
    private var parentIndex: [String: Int] = [:]
    private var parentKeysOf: [[String]] = []

    /// First pass over a piece: like ``read(_:atEnd:diagnostics:each:)`` without mapping or
    /// diagnostics, keeping the parents.
    ///
    /// Nothing of this pass but the parents is kept, and whatever stops the streaming (bytes
    /// that are not UTF-8, NUL bytes) stops the second pass too: so it does not look for
    /// them, and it skims the entries (``BibTeXScanner/skimParentFields(_:lines:)``),
    /// scanning in full only those that may matter. `full`: every entry scanned (with only
    /// its `crossref`/`xdata` fields), with the checks of the second pass: the reference the
    /// tests compare with.
    public mutating func collectParents(_ bytes: [UInt8], atEnd: Bool, full: Bool = false) throws(Stop) -> Int {
        if full { return try collectParentsScanningAll(bytes, atEnd: atEnd) }
        try checkByteOrderMark(bytes)
        // Locations only go into diagnostics, which this pass drops: no index of the lines.
        let lines = LineIndex(file: source, bytes: [])
        var (document, skimmed) = BibTeXScanner.skimParentFields(bytes, lines: lines)
        // The last block (entry or other) may be cut short by the end of the piece.
        var used = bytes.count
        if !atEnd {
            let lastBlock = document.blocks.last.map(Self.start(of:)) ?? -1
            let lastSkimmed = skimmed.last?.range.lowerBound ?? -1
            if lastSkimmed > lastBlock {
                skimmed.removeLast()
                used = lastSkimmed
            } else if lastBlock >= 0 {
                document.blocks.removeLast()
                used = lastBlock
            } else {
                return 0
            }
            guard used > 0 else { return 0 }
        }
        // The entries that name parents (for their keys), with the `@string`s in file order.
        let children = noteNamedParents(document, bytes, lines)
        // Every entry's key in file order (the scanned ones and the skimmed ones, merged).
        var kept: [Int] = []
        var next = 0
        func meet(_ key: String, at start: Int) {
            let key = BibTeXText.lowercased(key)
            if metKeys.insert(key).inserted, referenced.contains(key) { kept.append(start) }
        }
        // A skimmed entry's key straight from its bytes (a string only when one is not ASCII).
        func meet(_ skim: BibTeXScanner.SkimmedEntry) {
            let range = skim.keyRange.clamped(to: bytes.indices)
            let fresh = bytes.withUnsafeBufferPointer { all in
                let key = UnsafeBufferPointer(rebasing: all[range])
                let string = { BibTeXText.lowercased(BibTeXText.string(key)) }
                return metKeys.insert(key, string: string).inserted && !referenced.isEmpty
                    && referenced.contains(key, string: string)
            }
            if fresh { kept.append(skim.range.lowerBound) }
        }
        for block in document.blocks {
            guard case .entry(let raw) = block else { continue }
            while next < skimmed.count, skimmed[next].range.lowerBound < raw.range.lowerBound {
                meet(skimmed[next])
                next += 1
            }
            if let key = raw.key { meet(key, at: raw.range.lowerBound) }
        }
        while next < skimmed.count {
            meet(skimmed[next])
            next += 1
        }
        var resolved: [ResolvedEntry] = []
        if !kept.isEmpty {
            // The parents in full, among the `@string`s (nothing else counts for them).
            kept.sort()
            var whole = BibTeXRawDocument(blocks: [], contentStart: document.contentStart)
            var k = 0
            func addKept(before end: Int) {
                while k < kept.count, kept[k] < end {
                    if let entry = BibTeXScanner.entry(bytes, at: kept[k], lines: lines) { whole.blocks.append(.entry(entry)) }
                    k += 1
                }
            }
            for block in document.blocks {
                guard case .string = block else { continue }
                addKept(before: Self.start(of: block))
                whole.blocks.append(block)
            }
            addKept(before: Int.max)
            var resolver = pieceResolver(bytes, lines)
            resolved = resolver.resolve(whole, inheriting: false)
        }
        macros = children.macros
        metadata = children.metadata
        // The parents' fields' locations, and where the next piece starts, from the line
        // breaks counted up to them (in increasing order).
        var cursor = LineCursor(file: source, bytes: bytes, base: base)
        keepParents(resolved) { cursor.location(ofOffset: $0) }
        if !atEnd { base = cursor.location(ofOffset: used) }
        return used
    }

    /// ``collectParents(_:atEnd:full:)`` scanning every entry.
    private mutating func collectParentsScanningAll(_ bytes: [UInt8], atEnd: Bool) throws(Stop) -> Int {
        // Entries with only their crossref/xdata fields (the blocks are the same): the
        // parents are scanned again in full below, once they are known.
        guard let piece = try scan(bytes, atEnd: atEnd, onlyParentFields: true) else { return 0 }
        let (lines, document, used, _) = piece
        // Only what the first pass needs is resolved: the entries that name parents (for
        // their keys), then the entries that are parents; `@string`s in both, in file order.
        let children = noteNamedParents(document, bytes, lines)
        var kept = Set<Int>()
        for block in document.blocks {
            guard case .entry(let raw) = block, let key = raw.key?.lowercased(), metKeys.insert(key).inserted,
                referenced.contains(key)
            else { continue }
            kept.insert(raw.range.lowerBound)
        }
        var resolved: [ResolvedEntry] = []
        if !kept.isEmpty {
            var whole = document
            for i in whole.blocks.indices {
                guard case .entry(let raw) = whole.blocks[i], kept.contains(raw.range.lowerBound),
                    let entry = BibTeXScanner.entry(bytes, at: raw.range.lowerBound, lines: lines)
                else { continue }
                whole.blocks[i] = .entry(entry)
            }
            var resolver = pieceResolver(bytes, lines)
            resolved = resolver.resolve(whole, inheriting: false) { kept.contains($0.range.lowerBound) }
        }
        macros = children.macros
        metadata = children.metadata
        keepParents(resolved) { lines.location(ofOffset: $0) }
        if !atEnd { base = lines.location(ofOffset: used) }
        return used
    }

    /// A resolver over a piece that knows the macros and metadata of the pieces before it.
    private func pieceResolver(_ bytes: [UInt8], _ lines: LineIndex) -> BibTeXResolver {
        var resolver = BibTeXResolver(bytes: bytes, lines: lines, dialect: dialect, validUTF8: true)
        if let macros { resolver.macros = macros }
        resolver.metadata = metadata
        return resolver
    }

    /// Resolves the entries of `document` that name parents and adds the keys they name to
    /// `referenced`; the resolver then also knows the piece's `@string`s and metadata.
    private mutating func noteNamedParents(
        _ document: BibTeXRawDocument, _ bytes: [UInt8], _ lines: LineIndex
    ) -> BibTeXResolver {
        var children = pieceResolver(bytes, lines)
        let named = children.resolve(document, inheriting: false) { raw in
            raw.fields.contains { BibTeXResolver.isParentField($0.name) }
        }
        for entry in named {
            for key in BibTeXResolver.parentKeys(of: entry) { referenced.insert(key) }
        }
        return children
    }

    /// Adds the resolved parents of a piece to `parents`: their fields' locations from
    /// `location` (piece offsets, in increasing order), their values copied (a slice would
    /// keep the whole piece alive), their offsets moved to the whole file's.
    private mutating func keepParents(_ resolved: [ResolvedEntry], location: (Int) -> SourceLocation) {
        for entry in resolved {
            var parent = entry
            for k in parent.fields.indices {
                parent.fields[k].location = location(parent.fields[k].offset)
                parent.fields[k].value = ArraySlice(Array(parent.fields[k].value))
            }
            parents.append(Self.shifted(parent, by: base.offset))
        }
    }

    /// An entry with its offsets moved by `delta` (piece ↔ whole file).
    private static func shifted(_ entry: ResolvedEntry, by delta: Int) -> ResolvedEntry {
        var e = entry
        e.range = (e.range.lowerBound + delta)..<(e.range.upperBound + delta)
        for k in e.fields.indices { e.fields[k].offset += delta }
        return e
    }

    /// Scans a piece: the blocks to use (the last one dropped unless at the end), how many
    /// bytes they cover, and the scanner's diagnostics about them; nil when no block is
    /// complete yet.
    private func scan(
        _ bytes: [UInt8], atEnd: Bool, onlyParentFields: Bool = false
    ) throws(Stop) -> (LineIndex, BibTeXRawDocument, Int, Diagnostics)? {
        try checkByteOrderMark(bytes)
        let lines = LineIndex(file: source, bytes: bytes, base: base)
        var scanned = Diagnostics()
        var document =
            onlyParentFields
            ? BibTeXScanner.scanParentFields(bytes, lines: lines) : BibTeXScanner.scan(bytes, lines: lines, diagnostics: &scanned)
        guard let used = Self.complete(&document, count: bytes.count, atEnd: atEnd) else { return nil }
        // The whole-file reader refuses binary data and reads NUL bytes as spaces with a
        // warning: a file with any NUL byte is left to it, as one that is not UTF-8. (A piece
        // may end inside a UTF-8 sequence; the bytes used never do. The bytes not used come
        // again with the next piece, and all are used at the end.)
        if !bytes.withUnsafeBufferPointer({ TextDecoding.isValidUTF8WithoutNUL(UnsafeBufferPointer(rebasing: $0[..<used])) }) {
            throw Stop(description: bytes[..<used].contains(0) ? "the file has NUL bytes" : "the file is not UTF-8")
        }
        var kept = Diagnostics()
        for d in scanned.all where (d.location?.offset ?? 0) < base.offset + used { kept.report(d) }
        return (lines, document, used, kept)
    }

    /// A file that starts with a UTF-16 byte-order mark is not read here.
    private func checkByteOrderMark(_ bytes: [UInt8]) throws(Stop) {
        if base.offset == 0, bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw Stop(description: "the file is UTF-16")
        }
    }

    /// The blocks of a piece to use: the last one may be cut short by the end of the piece
    /// (unless `atEnd`), and comes again next time. Returns how many bytes the rest cover;
    /// nil when no block is complete yet.
    private static func complete(_ document: inout BibTeXRawDocument, count: Int, atEnd: Bool) -> Int? {
        guard !atEnd else { return count }
        guard let last = document.blocks.popLast() else { return nil }
        let used = start(of: last)
        return used > 0 ? used : nil
    }

    /// The collection metadata (`@string`s, `@preamble`s, comments) read so far.
    public var collectionMetadata: CollectionMetadata { metadata }

    /// Reads the complete blocks of `bytes` (all of them when `atEnd`), calling `each` with
    /// every entry in file order; returns how many bytes were used (the rest must come again,
    /// in front of the next piece). Diagnostics are those the whole-file reader gives.
    public mutating func read(
        _ bytes: [UInt8], atEnd: Bool, diagnostics: inout Diagnostics, each: (consuming Entry) -> Void
    ) throws(Stop) -> Int {
        guard let piece = try scan(bytes, atEnd: atEnd) else { return 0 }
        let (lines, document, used, scanned) = piece
        if order != nil { order?.scanned.append(contentsOf: scanned) } else { diagnostics.append(contentsOf: scanned) }
        if !document.blocks.isEmpty { sawBlock = true }
        if !sawText, bytes[..<used].contains(where: { !isBibSpace($0) }) { sawText = true }
        var resolver = BibTeXResolver(bytes: bytes, lines: lines, dialect: dialect, validUTF8: true)
        if let macros { resolver.macros = macros }
        resolver.metadata = metadata
        resolver.metEntry = metEntry
        // Handed over, not shared: the key table grows with the file and must not be copied.
        resolver.seenKeys = seenKeys
        seenKeys = CitationKeySet()
        let own: [ResolvedEntry]
        if order != nil {
            own = resolver.resolve(document, inheriting: false, checkingKeys: false)
            order?.blocks.append(contentsOf: resolver.diagnostics)
            resolver.diagnostics = Diagnostics()
            resolver.checkDuplicateKeys(own)
            order?.keys.append(contentsOf: resolver.diagnostics)
            resolver.diagnostics = Diagnostics()
        } else {
            own = resolver.resolve(document, inheriting: false)
        }
        // The parents the piece's entries name (and theirs, and so on) from elsewhere in the
        // file, in piece coordinates; parents inside the piece are its own entries.
        let start = base.offset
        let end = base.offset + used
        var needed: [Int] = []
        var queue = own.flatMap(BibTeXResolver.parentKeys(of:))
        var queued = Set(queue)
        while let key = queue.popLast() {
            guard let index = parentIndex[key] else { continue }
            needed.append(index)
            for next in parentKeysOf[index] where queued.insert(next).inserted { queue.append(next) }
        }
        needed.sort()
        let outside = needed.filter { parents[$0].range.lowerBound < start || parents[$0].range.lowerBound >= end }
        let before = outside.filter { parents[$0].range.lowerBound < start }.map { Self.shifted(parents[$0], by: -start) }
        let after = outside.filter { parents[$0].range.lowerBound >= end }.map { Self.shifted(parents[$0], by: -start) }
        let resolved = resolver.lendParents(own, parents: (before, after))
        if atEnd {
            // No piece comes after the last: the parents (copies of their values) go before
            // its entries are mapped, not with the reader.
            parents = []
            parentIndex = [:]
            parentKeysOf = []
        }
        if order != nil {
            // Only the whole file in one piece gives them in the whole-file reader's order.
            if !resolver.diagnostics.all.isEmpty && !(atEnd && base.offset == 0) {
                throw Stop(description: "crossref/xdata diagnostics in a file read in pieces")
            }
            order?.inheritance.append(contentsOf: resolver.diagnostics)
        } else {
            diagnostics.append(contentsOf: resolver.diagnostics)
        }
        macros = resolver.macros
        metadata = resolver.metadata
        metEntry = resolver.metEntry
        // After the last piece no key is checked any more: the table (every key of the file)
        // goes before the last entries are mapped, not with the reader.
        seenKeys = atEnd ? CitationKeySet() : resolver.seenKeys
        resolver.seenKeys = CitationKeySet()
        for entry in resolved {
            var mapper = BibTeXEntryMapper(source: entry, dialect: dialect, lines: lines)
            swap(&mapper.plainCache, &plainCache)
            let mapped = Self.withComments(mapper.map(), resolver.comments(of: entry))
            swap(&mapper.plainCache, &plainCache)
            each(consume mapped)
            if order != nil { order?.mapped.append(contentsOf: mapper.diagnostics) } else { diagnostics.append(contentsOf: mapper.diagnostics) }
            unknown.merge(mapper.unknown)
        }
        if atEnd {
            if let kept = order {
                for group in [kept.scanned, kept.blocks, kept.keys, kept.inheritance, kept.mapped] {
                    diagnostics.append(contentsOf: group)
                }
                order = WholeFileOrder()
            }
            unknown.flush(into: &diagnostics)
            unknown = UnknownCommandReport()
            if !sawBlock, sawText {
                diagnostics.warning(
                    "bibtex.no-entries", "no BibTeX entry found", at: SourceLocation(file: source, line: 1, column: 1, offset: 0))
            }
        } else {
            base = lines.location(ofOffset: used)
        }
        return used
    }

    /// The entry with the comments that came before it.
    private static func withComments(_ entry: consuming Entry, _ comments: [BibComment]?) -> Entry {
        guard let comments else { return entry }
        var entry = entry
        entry.precedingComments = comments
        return entry
    }

    private static func start(of block: BibTeXRawBlock) -> Int {
        switch block {
        case .entry(let e): return e.range.lowerBound
        case .string(_, let range), .preamble(_, let range), .comment(_, let range): return range.lowerBound
        case .text(let range): return range.lowerBound
        }
    }
}
