import BibModel
import Foundation
import Testing

@testable import BibTeXFormat

/// Every `.bib` file of `../shared/corpus/bibtex`: no crash in either dialect, at least as many
/// entries as python's bibtexparser v2 (`Fixtures/corpus-counts.tsv`, made by
/// `Fixtures/corpus-counts.py`), no error diagnostics where BibTeX itself reports none, and
/// read → write BibTeX → read gives the same model except for the files listed in
/// `Fixtures/corpus-roundtrip-exceptions.txt` (a ratchet: the list may only shrink).
@Suite("Reader corpus", .enabled(if: CorpusFiles.available, "../shared/corpus/bibtex is absent"))
struct ReaderCorpusTests {
    @Test("every corpus file: counts, errors, round trip")
    func corpus() throws {
        let counts = try CorpusFiles.counts()
        let exceptions = try CorpusFiles.exceptions()
        var totalEntries = 0
        var totalBaseline = 0
        var errorFiles: [String] = []
        var fewer: [String] = []
        var differing: [String: String] = [:]
        var files = 0
        for path in CorpusFiles.all() {
            files += 1
            let bytes = try Array(Data(contentsOf: CorpusFiles.root.appendingPathComponent(path)))
            var diagnostics = Diagnostics()
            let library = try BibTeXReader(dialect: .bibtex).read(bytes, source: path, options: ReadOptions(), diagnostics: &diagnostics)
            var biblatexDiagnostics = Diagnostics()
            _ = try BibTeXReader(dialect: .biblatex).read(bytes, source: path, options: ReadOptions(), diagnostics: &biblatexDiagnostics)
            totalEntries += library.entries.count
            if let row = counts[path] {
                totalBaseline += max(0, row.entries)
                if library.entries.count < row.entries { fewer.append("\(path): \(library.entries.count) < \(row.entries)") }
                if row.bibtexErrors == 0, diagnostics.hasErrors {
                    let first = diagnostics.all.first { $0.severity == .error }
                    errorFiles.append("\(path): \(first.map { "\($0.location?.description ?? "") \($0.message)" } ?? "")")
                }
            }
            if let difference = RoundTrip.difference(library, path: path) { differing[path] = difference }
        }
        print(
            "bibtex-reader corpus: \(files) files, \(totalEntries) entries (bibtexparser: \(totalBaseline)), "
                + "\(errorFiles.count) accepted files with errors, \(differing.count) round-trip exceptions")
        #expect(fewer.isEmpty, "fewer entries than bibtexparser:\n\(fewer.joined(separator: "\n"))")
        #expect(errorFiles.isEmpty, "errors on files BibTeX accepts:\n\(errorFiles.joined(separator: "\n"))")
        let unexpected = differing.keys.filter { !exceptions.contains($0) }.sorted()
        #expect(
            unexpected.isEmpty,
            "round trip differs:\n\(unexpected.map { "\($0): \(differing[$0] ?? "")" }.joined(separator: "\n"))")
        let fixed = exceptions.filter { differing[$0] == nil }.sorted()
        #expect(fixed.isEmpty, "round trip now holds; remove from corpus-roundtrip-exceptions.txt:\n\(fixed.joined(separator: "\n"))")
    }
}

/// The shared corpus and the fixtures about it.
enum CorpusFiles {
    static let root = Paths.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/bibtex")

    static var available: Bool { FileManager.default.fileExists(atPath: root.path) }

    /// Paths of every `.bib` file relative to ``root``, sorted.
    static func all() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var out: [String] = []
        while let next = walker.nextObject() as? String {
            if next.hasSuffix(".bib") { out.append(next) }
        }
        return out.sorted()
    }

    struct Row {
        var entries: Int
        var bibtexErrors: Int
    }

    static func counts() throws -> [String: Row] {
        let text = try String(contentsOf: Paths.testsDir.appendingPathComponent("Fixtures/corpus-counts.tsv"), encoding: .utf8)
        var out: [String: Row] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("path\t") {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard cells.count >= 4, let entries = Int(cells[1]), let errors = Int(cells[3]) else { continue }
            out[String(cells[0])] = Row(entries: entries, bibtexErrors: errors)
        }
        return out
    }

    static func exceptions() throws -> Set<String> {
        let url = Paths.testsDir.appendingPathComponent("Fixtures/corpus-roundtrip-exceptions.txt")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return Set(
            text.split(separator: "\n").filter { !$0.hasPrefix("#") }
                .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "" }
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }
}

/// Read → write BibTeX → read, and what differs.
enum RoundTrip {
    /// Writes a library as classic BibTeX and reads it back with the same dialect's reader.
    static func again(_ library: Library, dialect: BibTeXDialect = .bibtex) -> Library {
        var diagnostics = Diagnostics()
        let bytes = BibTeXWriter(dialect: .bibtex).write(library, options: WriteOptions(), diagnostics: &diagnostics)
        var readDiagnostics = Diagnostics()
        return (try? BibTeXReader(dialect: dialect).read(bytes, source: "again", options: ReadOptions(), diagnostics: &readDiagnostics))
            ?? Library()
    }

    /// The first difference between a library and its round trip, or nil.
    static func difference(_ library: Library, path: String) -> String? {
        let back = again(library)
        if back.entries.count != library.entries.count {
            return "\(library.entries.count) entries became \(back.entries.count)"
        }
        let keys = expectedKeys(library.entries)
        for (index, (a, b)) in zip(library.entries, back.entries).enumerated() {
            var a = a
            var b = b
            if keys[index] == nil {
                a.key = nil
                b.key = nil
            }
            normaliseType(&a, &b)
            a.precedingComments = written(a.precedingComments)
            if a != b { return "entry \(a.key ?? "#\(index)"): " + (EntryDiff.first(a, b) ?? "differs") }
        }
        var m = library.metadata
        // The head's comments: the leading ones, then those after the `@string`s (adjacent
        // when there is no `@preamble` or `@string` between them).
        let leading = written(Array(m.comments[..<m.leadingComments]))
        let rest = written(Array(m.comments[m.leadingComments...]))
        if m.preambles.isEmpty && m.macros.isEmpty {
            m.comments = written(leading + rest)
            m.leadingComments = m.comments.count
        } else {
            m.comments = leading + rest
            m.leadingComments = leading.count
        }
        m.trailingComments = written(m.trailingComments)
        if m.macros != back.metadata.macros { return "macros: \(m.macros) vs \(back.metadata.macros)" }
        if m.preambles != back.metadata.preambles { return "preambles: \(m.preambles) vs \(back.metadata.preambles)" }
        if m.comments != back.metadata.comments { return "comments differ: \(m.comments) vs \(back.metadata.comments)" }
        if m.leadingComments != back.metadata.leadingComments {
            return "leading comments: \(m.leadingComments) vs \(back.metadata.leadingComments)"
        }
        if m.trailingComments != back.metadata.trailingComments {
            return "trailing comments differ: \(m.trailingComments) vs \(back.metadata.trailingComments)"
        }
        return nil
    }

    /// Comments written one after the other as they read back: each as `written(_:)` of one
    /// gives it, and free text next to free text as one (the reader cannot tell them apart).
    static func written(_ comments: [BibComment]) -> [BibComment] {
        var out: [BibComment] = []
        for comment in comments.map(written) {
            if comment.form == .text, let last = out.last, last.form == .text {
                out[out.count - 1].text += "\n" + comment.text
            } else {
                out.append(comment)
            }
        }
        return out
    }

    /// A comment as the BibTeX writer's output reads back: `@` as `(at)`; an `@comment`
    /// whose braces do not balance as `%` lines, free text with a `%` before each line
    /// that is not blank or a `%` line already.
    static func written(_ comment: BibComment) -> BibComment {
        let text = comment.text.replacingOccurrences(of: "@", with: "(at)")
        func percent(_ line: Substring, always: Bool) -> String {
            let start = line.drop { $0 == " " || $0 == "\t" }
            if start.isEmpty { return always ? "%" : "" }
            var out = always || !start.hasPrefix("%") ? "% " + line : String(line)
            while out.hasSuffix(" ") || out.hasSuffix("\t") { out.removeLast() }
            return out
        }
        switch comment.form {
        case .block where BraceBalance.isBalanced(text):
            return BibComment(text)
        case .block:
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { percent($0, always: true) }
            return BibComment(lines.joined(separator: "\n"), form: .text)
        case .text:
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { percent($0, always: false) }
            return BibComment(lines.joined(separator: "\n"), form: .text)
        }
    }

    /// Keys the writer keeps as they are (nil where it sanitises, suffixes or generates one).
    static func expectedKeys(_ entries: [Entry]) -> [String?] {
        var seen = Set<String>()
        return entries.map { e in
            guard let key = e.key, !key.isEmpty, BibTeXKeys.sanitised(key) == key else { return nil }
            return seen.insert(BibTeXKeys.folded(key)).inserted ? key : nil
        }
    }

    /// A type the dialect cannot write (`@online` in classic BibTeX) comes back as the
    /// writer's choice: only kind and genre are compared then.
    static func normaliseType(_ a: inout Entry, _ b: inout Entry) {
        if let o = a.type.original, o.namespace == "bibtex", !BibTeXTypeTable.isWritable(o.name, in: .bibtex),
            a.type.kind == b.type.kind
        {
            a.type = b.type
        }
    }
}

/// Names the first differing property of two entries.
enum EntryDiff {
    static func first(_ a: Entry, _ b: Entry) -> String? {
        func show<T>(_ name: String, _ x: T, _ y: T) -> String { "\(name): \(x) ≠ \(y)" }
        if a.key != b.key { return show("key", a.key as Any, b.key as Any) }
        if a.type != b.type { return show("type", a.type, b.type) }
        if a.contributors != b.contributors { return show("contributors", a.contributors, b.contributors) }
        if a.title != b.title { return show("title", a.title as Any, b.title as Any) }
        if a.shortTitle != b.shortTitle { return show("shortTitle", a.shortTitle as Any, b.shortTitle as Any) }
        if a.dates != b.dates { return show("dates", a.dates, b.dates) }
        if a.container != b.container { return show("container", a.container as Any, b.container as Any) }
        if a.series != b.series { return show("series", a.series as Any, b.series as Any) }
        if a.fields != b.fields { return show("fields", a.fields, b.fields) }
        if a.identifiers != b.identifiers { return show("identifiers", a.identifiers, b.identifiers) }
        if a.links != b.links { return show("links", a.links, b.links) }
        if a.abstract != b.abstract { return show("abstract", a.abstract as Any, b.abstract as Any) }
        if a.keywords != b.keywords { return show("keywords", a.keywords, b.keywords) }
        if a.language != b.language { return show("language", a.language as Any, b.language as Any) }
        if a.notes != b.notes { return show("notes", a.notes, b.notes) }
        if a.precedingComments != b.precedingComments {
            return show("precedingComments", a.precedingComments, b.precedingComments)
        }
        if a.extra != b.extra {
            for (k, v) in a.extra where b.extra[k] != v { return show("extra \(k)", v, b.extra[k] as Any) }
            for (k, v) in b.extra where a.extra[k] == nil { return "extra \(k) added: \(v)" }
            return show("extra order", Array(a.extra.keys), Array(b.extra.keys))
        }
        return nil
    }
}
