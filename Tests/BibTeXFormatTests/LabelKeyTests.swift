import BibModel
import Testing

@testable import BibTeXFormat

/// The `key` field the writer gives entries without author or editor (natbib's label and
/// sort key, printed in place of the authors), and the reader's recognition of it.
@Suite("Label key for entries without author or editor")
struct LabelKeyTests {
    static func entry(
        _ key: String, _ kind: WorkType = .document, genre: String? = nil, title: RichText? = nil, fields: [Field: String] = [:],
        authors: [PersonName] = [], editors: [PersonName] = [], note: RichText? = nil, extra: [String: String] = [:]
    ) -> Entry {
        var e = Entry(key: key, type: EntryType(kind, genre: genre), title: title)
        if let note { e.notes = [note] }
        for (f, v) in fields { e.fields[f] = v }
        if !authors.isEmpty { e.contributors[.author] = NameList(authors) }
        if !editors.isEmpty { e.contributors[.editor] = NameList(editors) }
        for (name, value) in extra { e.extra[FieldKey("bibtex", name)] = value }
        return e
    }

    @Test("from the organisation, else the institution, else the title's first four words, else the citation key")
    func sources() {
        #expect(
            fields(of: Self.entry("a", .book, genre: "manual", title: "Manual", fields: [.organization: "The Free Software Foundation"]))["key"]
                == "Free Software Foundation")
        #expect(
            fields(of: Self.entry("b", .report, title: "Report", fields: [.institution: "Bureau of Standards"]))["key"]
                == "Bureau of Standards")
        #expect(fields(of: Self.entry("c", title: "The Annual Report of the Survey, 2020"))["key"] == "Annual Report of the")
        #expect(fields(of: Self.entry("d", .article, note: "A note"))["key"] == "d")
    }

    @Test("LaTeX decoded, folded to ASCII letters and digits: nothing LaTeX could trip on")
    func folding() {
        let e = Self.entry("k", title: "Über \"Straße\" & $x_1$ — {DNA}_2 100% sure")
        #expect(fields(of: e)["key"] == "Uber Strasse x 1")
        #expect(fields(of: Self.entry("doe_2020:x"))["key"] == nil)  // a @misc with nothing plain.bst prints
        #expect(fields(of: Self.entry("doe_2020:x", note: "A note"))["key"] == "doe 2020 x")
    }

    @Test("none with an author, an editor, a key of the user's, a crossref, or for an empty @misc")
    func whenNot() {
        #expect(fields(of: Self.entry("a", title: "T", authors: [person("Doe", "J.")]))["key"] == nil)
        #expect(fields(of: Self.entry("b", .book, title: "T", editors: [person("Doe", "J.")]))["key"] == nil)
        #expect(fields(of: Self.entry("c", title: "T", extra: ["key": "Mine"]))["key"] == "Mine")
        #expect(fields(of: Self.entry("d", .chapter, title: "T", extra: ["crossref": "parent"]))["key"] == nil)
        #expect(fields(of: Self.entry("e"))["key"] == nil)
        #expect(fields(of: Self.entry("f", title: "T"), .biblatex)["key"] == nil)
    }

    @Test("no more than 26 entries share one key (natbib's a…z suffixes); later ones get their citation key appended")
    func atMost26() {
        let entries = (0..<30).map { Self.entry("r\($0)", title: "Editorial") }
        let keys = written(entries).text.split(separator: "\n").filter { $0.hasPrefix("  key = ") }
        #expect(keys.count == 30)
        #expect(keys.filter { $0 == "  key = {Editorial}" }.count == 26)
        #expect(keys.last == "  key = {Editorial r29}")
    }

    @Test("the reader drops the key the writer generated and keeps one a user wrote; the round trip is stable")
    func roundTrip() throws {
        let entries = (0..<30).map { Self.entry("r\($0)", title: "Editorial") }
            + [Self.entry("mine", title: "Editorial", extra: ["key": "Editorial Board"])]
        let once = written(entries).text
        let library = try read(once)
        #expect(library.entries.count == 31)
        #expect(library.entries.dropLast().allSatisfy { $0.extra.isEmpty })
        #expect(library.entries.last?.extra[FieldKey("bibtex", "key")] == "Editorial Board")
        #expect(written(library.entries).text == once)
        // A user's key equal to the generated one is the same key: dropped and written again.
        let same = try read("@misc{x, title = {A Title}, key = {Title}}\n")
        #expect(same.entries.first?.extra.isEmpty == true)
        #expect(fields(of: try #require(same.entries.first))["key"] == "Title")
        // One that only looks like it (another entry's title) is kept.
        let other = try read("@misc{x, title = {A Title}, key = {Other Title}}\n")
        #expect(other.entries.first?.extra[FieldKey("bibtex", "key")] == "Other Title")
    }

    @Test("a crossref parent's generated key is not lent to its children; a user's is, as in BibTeX")
    func crossrefParents() throws {
        let text = """
            @inproceedings{child, author = {Doe, J.}, title = {Paper}, crossref = {parent}}
            @proceedings{parent, title = {Proceedings of the Workshop}, year = {2020}, key = {Proceedings of the Workshop}}
            @inproceedings{child2, author = {Doe, J.}, title = {Paper}, crossref = {parent2}}
            @proceedings{parent2, title = {Proceedings of the Workshop}, year = {2020}, key = {Workshop}}

            """
        let library = try read(text)
        let byKey = Dictionary(uniqueKeysWithValues: library.entries.map { ($0.key ?? "", $0) })
        #expect(byKey["parent"]?.extra[FieldKey("bibtex", "key")] == nil)
        #expect(byKey["child"]?.extra[FieldKey("bibtex", "key")] == nil)
        #expect(byKey["parent2"]?.extra[FieldKey("bibtex", "key")] == "Workshop")
        #expect(byKey["child2"]?.extra[FieldKey("bibtex", "key")] == "Workshop")
    }
}
