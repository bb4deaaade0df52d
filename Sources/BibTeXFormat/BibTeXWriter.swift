import BibModel

/// Writes a library as classic BibTeX or as BibLaTeX (biber).
///
/// Output is deterministic: a `%` header for profile libraries, the leading comments,
/// `@preamble`, `@string`, the other comments of the collection's head, then one entry per
/// model entry with its fields in a fixed canonical order (`  name = {value}`, unaligned),
/// `extra` fields last in source order, a blank line between entries; each entry's
/// ``BibModel/Entry/precedingComments`` just before it, the trailing comments after the last.
/// Comments keep their form: `@comment{…}` (in BibTeX, when its braces balance) or free
/// text as `%` lines (lines already `%` lines as written); biber gets `%` lines only, since
/// `biber --tool` echoes `@comment` blocks as entries. Nothing is dropped silently: what a
/// dialect has no place for is reported in `diagnostics` (BibLaTeX: one warning per field
/// name, with a count).
public struct BibTeXWriter: BibliographyWriter {
    /// The dialect written.
    public typealias Dialect = BibTeXDialect

    /// The dialect.
    public var dialect: Dialect

    /// Creates a writer for a dialect.
    public init(dialect: Dialect = .bibtex) { self.dialect = dialect }

    /// Serialises a library; see the type's documentation for the layout.
    public func write(_ library: Library, options: WriteOptions, diagnostics: inout Diagnostics) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(library.entries.count * 700 + 256)
        write(library, options: options, diagnostics: &diagnostics, into: &out, pieceSize: .max) { _ in }
        return out
    }

    /// Serialises a library as ``write(_:options:diagnostics:)`` does, handing the bytes to
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

    /// The output into `out`; all but its last two bytes are handed to `sink` whenever
    /// `pieceSize` bytes are written (the last two decide, at the end, whether the final
    /// blank line is dropped).
    private func write(
        _ library: Library, options: WriteOptions, diagnostics: inout Diagnostics, into out: inout [UInt8],
        pieceSize: Int, sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        let lib = library  // entries and metadata are read, never changed
        let asciiOnly = !(options.keepUnicode ?? (dialect == .biblatex))
        var context = WriteContext(dialect: dialect, encoder: LaTeXEncoder(asciiOnly: asciiOnly))
        context.macros = BibTeXExpressions.macroTable(lib.metadata.macros)

        appendPrologue(lib.metadata, to: &out, context: &context)

        let keys = assignKeys(lib.entries, context: &context)
        // The builders' buffers, one set for all (their capacity is kept).
        var buffers = EntryBuffers()
        lib.entries.withUnsafeBufferPointer { entries in
            guard let first = entries.baseAddress else { return }
            for i in entries.indices {
                if !entries[i].precedingComments.isEmpty {
                    Self.appendComments(entries[i].precedingComments, context: &context, to: &out)
                }
                Self.appendEntry(first + i, key: keys[i], context: &context, buffers: &buffers, to: &out)
                out.append(0x0A)
                if out.count >= max(pieceSize, 3) {
                    let kept = out.count - 2
                    out.withUnsafeBufferPointer { sink(UnsafeBufferPointer(rebasing: $0[..<kept])) }
                    out.removeFirst(kept)
                }
            }
        }
        // After the last entry's blank line (or the prologue's).
        Self.appendComments(lib.metadata.trailingComments, context: &context, to: &out)
        if out.last == 0x0A, out.count >= 2, out[out.count - 2] == 0x0A { out.removeLast() }
        context.report.flush(into: &context.diagnostics)
        diagnostics.append(contentsOf: context.diagnostics)
    }

    /// Appends one entry (`@type{key, …}` and a newline) built with the write's context.
    static func appendEntry(
        _ entry: UnsafePointer<Entry>, key: String, context: inout WriteContext, buffers: inout EntryBuffers,
        to out: inout [UInt8]
    ) {
        // The builder borrows the context by swapping, so the diagnostics and the encoder
        // stay uniquely referenced (a copy would copy all diagnostics per entry).
        var builder = EntryBuilder(
            entry: entry, key: key,
            context: WriteContext(dialect: context.dialect, encoder: LaTeXEncoder(asciiOnly: context.encoder.asciiOnly)))
        swap(&builder.context, &context)
        builder.exchangeBuffers(&buffers)
        builder.build()
        builder.emit(to: &out)
        swap(&builder.context, &context)
        builder.exchangeBuffers(&buffers)
    }

    // MARK: Keys

    /// The key of every entry: the entry's own keys first (sanitised, duplicates suffixed, as
    /// BibTeX compares keys ignoring case), then keys generated in ``CitationKeyGenerator``'s
    /// style (`zimmer2023sparse`) for entries without one, unique among all.
    func assignKeys(_ entries: [Entry], context: inout WriteContext) -> [String] {
        var registry = KeyRegistry()
        var keys = [String](repeating: "", count: entries.count)
        for i in entries.indices {
            guard let original = entries[i].key, !original.isEmpty else { continue }
            keys[i] = Self.ownKey(original, registry: &registry, diagnostics: &context.diagnostics)
        }
        let generator = CitationKeyGenerator()
        for i in entries.indices where (entries[i].key ?? "").isEmpty {
            keys[i] = registry.unique(BibTeXKeys.sanitised(generator.baseKey(for: entries[i])))
        }
        return keys
    }

    /// An entry's own key as written: sanitised, made unique in `registry` (warnings for both).
    static func ownKey(_ original: String, registry: inout KeyRegistry, diagnostics: inout Diagnostics) -> String {
        let sanitised = BibTeXKeys.sanitised(original)
        if sanitised != original {
            diagnostics.warning(
                "bibtex.key-sanitised",
                "citation key '\(original)' contains characters BibTeX does not allow; written as '\(sanitised)'",
                entryKey: original)
        }
        let unique = registry.unique(sanitised)
        if unique != sanitised {
            diagnostics.warning(
                "bibtex.duplicate-key",
                "citation key '\(sanitised)' is used by an earlier entry (BibTeX compares keys ignoring case); written as '\(unique)'",
                entryKey: original)
        }
        return unique
    }

    // MARK: Header, @preamble, @string, @comment

    /// What goes before the entries: the header of a profile library, then the leading
    /// comments, every `@preamble` and `@string`, and the other comments of the head (with a
    /// blank line after them when there are any).
    func appendPrologue(_ metadata: CollectionMetadata, to out: inout [UInt8], context: inout WriteContext) {
        writeHeader(metadata, to: &out, context: &context)
        writeMetadataBlocks(metadata, to: &out, context: &context)
    }

    /// For a profile library: `% Max Zimmer: h-index 29, papers 24, …` (comments only; no dates).
    private func writeHeader(_ metadata: CollectionMetadata, to out: inout [UInt8], context: inout WriteContext) {
        let name = metadata.title ?? metadata.owner?.displayName
        guard name != nil || metadata.owner != nil || !metadata.properties.isEmpty else { return }
        var line = name ?? "Bibliography"
        if let owner = metadata.owner?.displayName, owner != line { line += " (" + owner + ")" }
        if !metadata.properties.isEmpty {
            let pairs = metadata.properties.map { key, value in key.name + " " + value }
            line += ": " + pairs.joined(separator: ", ")
        }
        appendComment(line, to: &out, context: &context)
        out.append(0x0A)
    }

    private func writeMetadataBlocks(_ metadata: CollectionMetadata, to out: inout [UInt8], context: inout WriteContext) {
        let leading = min(max(metadata.leadingComments, 0), metadata.comments.count)
        Self.appendComments(metadata.comments[..<leading], context: &context, to: &out)
        var wrote = leading > 0
        for preamble in metadata.preambles {
            let body = delimited(preamble)
            guard BraceBalance.isBalanced(body) else {
                context.diagnostics.warning(
                    "bibtex.unbalanced-braces", "an @preamble has unbalanced braces and was not written")
                continue
            }
            out.append(contentsOf: "@preamble{".utf8)
            out.append(contentsOf: body.utf8)
            out.append(contentsOf: "}\n".utf8)
            wrote = true
        }
        var defined = Set(BibTeXDates.monthMacros)
        for (name, value) in metadata.macros {
            let body = delimited(value, macros: defined)
            defined.insert(name.lowercased())
            guard BraceBalance.isBalanced(body) else {
                context.diagnostics.warning(
                    "bibtex.unbalanced-braces", "@string '\(name)' has unbalanced braces and was not written")
                continue
            }
            out.append(contentsOf: "@string{".utf8)
            out.append(contentsOf: (BibTeXKeys.identifier(name) ?? BibTeXKeys.fieldName(name, preservingCase: true)).utf8)
            out.append(contentsOf: " = ".utf8)
            out.append(contentsOf: body.utf8)
            out.append(contentsOf: "}\n".utf8)
            wrote = true
        }
        if leading < metadata.comments.count {
            Self.appendComments(metadata.comments[leading...], context: &context, to: &out)
            wrote = true
        }
        if wrote { out.append(0x0A) }
    }

    /// Appends comments, each on lines of its own: a ``BibModel/BibComment/Form-swift.enum/block``
    /// as `@comment{…}` in BibTeX when its braces balance, else as `%` lines; free text
    /// (``BibModel/BibComment/Form-swift.enum/text``) line by line, a `%` put in front of each
    /// line that is neither blank nor already a `%` line.
    static func appendComments(
        _ comments: some Collection<BibComment>, context: inout WriteContext, to out: inout [UInt8]
    ) {
        for comment in comments {
            let safe = commentText(comment.text, context: &context)
            switch comment.form {
            case .block:
                // biber --tool echoes `@comment` blocks as entries (and the biber oracle counts
                // them as such); `%` lines are ignored by BibTeX and biber alike.
                if context.dialect == .bibtex && BraceBalance.isBalanced(safe) {
                    out.append(contentsOf: "@comment{".utf8)
                    out.append(contentsOf: safe.utf8)
                    out.append(contentsOf: "}\n".utf8)
                } else {
                    for line in safe.split(separator: "\n", omittingEmptySubsequences: false) {
                        out.append(contentsOf: "% ".utf8)
                        out.append(contentsOf: line.utf8)
                        out.append(0x0A)
                    }
                }
            case .text:
                for line in safe.split(separator: "\n", omittingEmptySubsequences: false) {
                    let start = line.trimmingPrefixSpaces
                    if !start.isEmpty {
                        if !start.hasPrefix("%") { out.append(contentsOf: "% ".utf8) }
                        out.append(contentsOf: line.utf8)
                    }
                    out.append(0x0A)
                }
            }
        }
    }

    /// A value that is already a BibTeX expression (`"…"`, `{…}`, a number, a concatenation
    /// or the name of a macro defined before) is kept; anything else is braced.
    private func delimited(_ value: String, macros: Set<String> = []) -> String {
        let t = value.trimmingSpaces
        if !t.isEmpty, macros.contains(t.lowercased()), t.utf8.allSatisfy(isIdentifierByte) { return t }
        if let first = t.utf8.first, first == UInt8(ascii: "\"") || first == UInt8(ascii: "{") { return t }
        if !t.isEmpty, t.utf8.allSatisfy(isASCIIDigit) { return t }
        if t.contains(" # ") { return t }
        return "{" + t + "}"
    }

    /// BibTeX starts an entry at any `@`, even inside a comment: write `(at)` instead.
    private static func commentText(_ text: String, context: inout WriteContext) -> String {
        guard text.utf8.contains(UInt8(ascii: "@")) else { return text }
        context.diagnostics.note(
            "bibtex.comment-changed", "'@' in a comment was written as '(at)': BibTeX would start an entry there")
        return text.replacingAll("@", with: "(at)")
    }

    private func appendComment(_ text: String, to out: inout [UInt8], context: inout WriteContext) {
        let safe = Self.commentText(text, context: &context)
        for line in safe.split(separator: "\n") {
            out.append(contentsOf: "% ".utf8)
            out.append(contentsOf: line.utf8)
            out.append(0x0A)
        }
    }
}

/// The buffers an ``EntryBuilder`` fills for one entry, kept by the writer from entry to
/// entry for their capacity (see ``EntryBuilder/exchangeBuffers(_:)``).
struct EntryBuffers {
    var arena: [UInt8] = []
    var requests: [FieldRequest] = []
    var macroMarkers: [(name: String, alias: String?, expression: String)] = []
    var placed: [(name: String, value: Range<Int>, bare: Bool)] = []
    var homePosition: [Int] = []
    var addendumParts: [Range<Int>] = []
    var usedNames: [String] = []
    var chosenCandidates: [Int] = []

    init() { arena.reserveCapacity(4096) }
}

/// State shared by all entries of one write.
struct WriteContext {
    let dialect: BibTeXDialect
    var encoder: LaTeXEncoder
    var diagnostics = Diagnostics()
    var report = AggregatedReport()
    /// Macros of the library (lower-case name → expansion), for `bibtex-macro:` extras.
    var macros: [String: [UInt8]] = [:]
    /// Generated `key` fields so far (lower case) → how many entries got them (``BibTeXLabelKey``).
    var labelKeyUses: [String: Int] = [:]
    /// `bibtex-macro:` expressions expanded so far (``EntryBuilder``'s macro markers).
    var macroExpansions: [String: MacroExpansion] = [:]
    /// The places of a name list by role (``EntryBuilder``'s `candidates(for:)`, made once).
    var roleCandidates: [ContributorRole: FieldCandidates] = [:]
    /// Entry types chosen so far (``EntryBuilder/chooseType()`` depends on a few facts only).
    var typeInfos: [EntryBuilder.TypeKey: EntryBuilder.TypeInfo] = [:]
    /// ``FieldPlans`` by written entry type, made once per type.
    private var plansByType: [String: FieldPlans] = [:]

    /// Where the fields go for a written entry type.
    mutating func fieldPlans(for type: String) -> FieldPlans {
        if let plans = plansByType[type] { return plans }
        let plans = FieldPlans(dialect: dialect, type: type)
        plansByType[type] = plans
        return plans
    }

    init(dialect: BibTeXDialect, encoder: LaTeXEncoder) {
        self.dialect = dialect
        self.encoder = encoder
    }
}

/// A macro expression's expansion (nil when it does not expand) and the plain text of it.
struct MacroExpansion {
    var bytes: [UInt8]?
    var plain: String?
}

/// Warnings that would repeat for every entry, collected and reported once with a count.
struct AggregatedReport {
    private struct Tally {
        var code: String
        var message: (Int, [String]) -> String
        var count = 0
        var keys: [String] = []
        var field: String?
    }
    private var order: [String] = []
    private var tallies: [String: Tally] = [:]

    /// Counts one occurrence; `id` groups occurrences into one diagnostic.
    mutating func add(
        id: String, code: String, field: String?, key: String, message: @escaping (Int, [String]) -> String
    ) {
        if tallies[id] == nil {
            order.append(id)
            tallies[id] = Tally(code: code, message: message, field: field)
        }
        tallies[id]?.count += 1
        if let n = tallies[id]?.keys.count, n < 5, tallies[id]?.keys.last != key { tallies[id]?.keys.append(key) }
    }

    /// Reports one warning per group, in the order first met.
    mutating func flush(into diagnostics: inout Diagnostics) {
        for id in order {
            guard let t = tallies[id] else { continue }
            diagnostics.warning(
                t.code, t.message(t.count, t.keys), entryKey: t.keys.count == 1 ? t.keys.first : nil, field: t.field)
        }
        order.removeAll()
        tallies.removeAll()
    }
}

/// "2 entries (a, b)" / "1 entry (a)" / "7 entries (a, b, c, d, e, …)".
func entriesPhrase(_ count: Int, _ keys: [String]) -> String {
    let noun = count == 1 ? "entry" : "entries"
    var list = keys.joined(separator: ", ")
    if count > keys.count { list += ", …" }
    return "\(count) \(noun) (\(list))"
}

extension String {
    /// Every occurrence of a string replaced (no Foundation needed on this path).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
