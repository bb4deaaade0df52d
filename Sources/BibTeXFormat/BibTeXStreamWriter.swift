import BibModel
import OrderedCollections

extension BibTeXWriter {
    /// Writes BibTeX or BibLaTeX entry by entry: the bytes and diagnostics of
    /// ``BibTeXWriter/write(_:options:diagnostics:)`` for the same entries and metadata.
    ///
    /// The whole-file writer puts the header, every `@preamble`, `@string` and comment of the
    /// collection's head before the first entry, and expands `bibtex-macro:` markers with the
    /// macros of the whole library. Entries are written as they come (``take()``), each with
    /// the comments before it; the prologue is known only at the end, so
    /// ``finish(metadata:diagnostics:)`` makes it (and writes the trailing comments) and
    /// ``takePrefix()`` hands it to the driver, which puts it in front of everything taken. Macro markers are
    /// expanded with the macros read so far (``update(metadata:)``) and checked against the
    /// final ones at the end: when an expansion used would differ (a macro defined or
    /// redefined after an entry that uses it), ``refusal`` says so and the driver converts the
    /// ordinary way. An entry without a key is refused (its key would be generated after all
    /// the others).
    public struct Stream: StreamingWriter {
        private let writer: BibTeXWriter
        private var context: WriteContext
        private var registry = KeyRegistry()
        private var buffers = EntryBuffers()
        private var out: [UInt8] = []
        private var prefix: [UInt8] = []
        private var count = 0
        /// The macros ``WriteContext/macros`` was made from.
        private var macros: OrderedDictionary<String, String> = [:]
        /// Why the output is not the whole-file writer's; nil while it is.
        public private(set) var refusal: String?

        /// Starts an empty output in `dialect`.
        public init(dialect: BibTeXDialect, options: WriteOptions) {
            writer = BibTeXWriter(dialect: dialect)
            let asciiOnly = !(options.keepUnicode ?? (dialect == .biblatex))
            context = WriteContext(dialect: dialect, encoder: LaTeXEncoder(asciiOnly: asciiOnly))
            out.reserveCapacity(1 << 16)
        }

        /// Entries depend on the macros read before them.
        public var wantsMetadata: Bool { true }

        /// The metadata read so far: its macros expand the entries' macro markers.
        public mutating func update(metadata: CollectionMetadata) {
            guard metadata.macros != macros else { return }
            macros = metadata.macros
            context.macros = BibTeXExpressions.macroTable(macros)
        }

        /// Appends one entry; false (nothing written) for an entry without a key.
        public mutating func write(_ entry: Entry, diagnostics: inout Diagnostics) -> Bool {
            guard refusal == nil else { return false }
            guard let original = entry.key, !original.isEmpty else {
                refusal = "an entry has no key (keys are generated over the whole library)"
                return false
            }
            // The builder reports into the caller's diagnostics (swapped in, not copied).
            swap(&context.diagnostics, &diagnostics)
            let key = BibTeXWriter.ownKey(original, registry: &registry, diagnostics: &context.diagnostics)
            if count > 0 { out.append(0x0A) }
            if !entry.precedingComments.isEmpty {
                BibTeXWriter.appendComments(entry.precedingComments, context: &context, to: &out)
            }
            withUnsafePointer(to: entry) { entry in
                BibTeXWriter.appendEntry(entry, key: key, context: &context, buffers: &buffers, to: &out)
            }
            swap(&context.diagnostics, &diagnostics)
            count += 1
            return true
        }

        /// Checks the macro expansions used against the final macros, makes the prologue and
        /// reports what the whole-file writer reports after the entries.
        public mutating func finish(metadata: CollectionMetadata, diagnostics: inout Diagnostics) {
            if !context.macroExpansions.isEmpty {
                let final = BibTeXExpressions.macroTable(metadata.macros)
                for (expression, used) in context.macroExpansions
                where BibTeXExpressions.expand(expression, macros: final) != used.bytes {
                    refusal = "a macro is defined or changed after an entry that uses it"
                    return
                }
            }
            swap(&context.diagnostics, &diagnostics)
            if !metadata.trailingComments.isEmpty {
                if count > 0 { out.append(0x0A) }
                BibTeXWriter.appendComments(metadata.trailingComments, context: &context, to: &out)
            }
            writer.appendPrologue(metadata, to: &prefix, context: &context)
            if count == 0, prefix.last == 0x0A, prefix.count >= 2, prefix[prefix.count - 2] == 0x0A {
                prefix.removeLast()
            }
            context.report.flush(into: &context.diagnostics)
            swap(&context.diagnostics, &diagnostics)
        }

        /// The bytes written since the last call.
        public mutating func take() -> [UInt8] {
            defer { out.removeAll(keepingCapacity: true) }
            return out
        }

        /// After ``finish(metadata:diagnostics:)``: the header, `@preamble`s, `@string`s and
        /// the comments of the head, which go before everything taken.
        public mutating func takePrefix() -> [UInt8] {
            defer { prefix = [] }
            return prefix
        }
    }
}
