import Testing

@testable import BibKit

@Suite struct CleanTests {
    func clean(_ entry: Entry, _ configure: (inout Clean.Options) -> Void = { _ in }) -> (Entry, TransformReport, Diagnostics) {
        var options = Clean.Options.safeDefaults
        configure(&options)
        let (lib, report, d) = Make.run(Clean(options: options), [entry])
        return (lib.entries[0], report, d)
    }

    /// A messy record as real exports have them.
    var messy: Entry {
        var e = Make.entry(
            "smith2020", title: "  DEEP  LEARNING FOR MRI:\nA SURVEY ", authors: [("SMITH", "J.R."), ("O'BRIEN", "ANNE")],
            journal: "J. Mach. Learn. Res.", fields: [.page: "pp. 123 -- 145", .volume: " 12 ", .publisher: ""],
            keywords: ["mri; deep learning", "MRI", ""])
        e.issued = .raw("March 2020")
        e.identifiers = [
            Identifier(.doi, "https://doi.org/10.1000/XYZ.1"), Identifier(.isbn, "0306406152"), Identifier(.issn, "03178471"),
            Identifier(.arxiv, "arXiv:2306.16788v2"), Identifier(.doi, "doi:10.1000/xyz.1"),
        ]
        e.links = [Link(" <https://Example.ORG/a b> "), Link("https://doi.org/10.1000/XYZ.1")]
        e.notes = ["  a   note ", "a note"]
        e.extra[FieldKey("bibtex", "timestamp")] = " 2020-01-01 "
        return e
    }

    @Test func safeDefaultsCleanEveryPart() {
        let (e, report, _) = clean(messy)
        #expect(e.title?.plainText == "Deep Learning for MRI: A Survey")
        #expect(e.authors.names.map(\.family) == ["Smith", "O'Brien"])
        #expect(e.authors.names.map(\.given) == ["J. R.", "Anne"])
        #expect(e.fields[.page] == "123-145")
        #expect(e.fields[.volume] == "12")
        #expect(e.fields[.publisher] == nil)
        #expect(e.issued == .typed(BibDate(year: 2020, month: 3)))
        #expect(e.identifiers.map(\.value) == ["10.1000/XYZ.1", "0-306-40615-2", "0317-8471", "2306.16788v2"])
        #expect(e.links.map(\.url) == ["https://example.org/a%20b"])
        #expect(e.keywords == ["mri", "deep learning"])
        #expect(e.notes == ["a note"])
        #expect(e.extra[FieldKey("bibtex", "timestamp")] == "2020-01-01")
        // Every change is reported with its entry and field.
        #expect(report.changes.allSatisfy { $0.step == "clean" && $0.entry == "smith2020" })
        #expect(report.changes.contains { $0.field == "page" && $0.old == "pp. 123 -- 145" && $0.new == "123-145" })
        #expect(report.changes.contains { $0.field == "doi" && $0.old == "https://doi.org/10.1000/XYZ.1" })
        #expect(report.changes.contains { $0.field == "issued" && $0.old == "March 2020" && $0.new == "2020-03" })
        #expect(report.changes.contains { $0.field == "url" && $0.reason == "same as the DOI" })
    }

    @Test func cleaningTwiceChangesNothing() {
        let (once, _, _) = clean(messy)
        let (twice, report, _) = clean(once)
        #expect(twice == once)
        #expect(report.changes.isEmpty, "\(report.changes)")
    }

    @Test func nothingOnChangesNothing() {
        let (lib, report, _) = Make.run(Clean(options: Clean.Options()), [messy])
        #expect(lib.entries[0] == messy)
        #expect(report.isEmpty)
    }

    @Test func invalidISBNIsKeptAndReported() {
        var e = Make.entry("b", .book, title: "A Book")
        e.identifiers = [Identifier(.isbn, "978-0-306-40615-8")]
        let (out, _, d) = clean(e)
        #expect(out.identifiers[0].value == "978-0-306-40615-8")
        #expect(d.all.map(\.code) == ["clean.invalid-isbn"])
        #expect(d.all.first?.entryKey == "b")
    }

    @Test func isbnStyles() {
        var e = Make.entry("b", .book, title: "A Book")
        e.identifiers = [Identifier(.isbn, "0-306-40615-2")]
        #expect(clean(e) { $0.isbn = .isbn13 }.0.identifiers[0].value == "978-0-306-40615-7")
        #expect(clean(e) { $0.isbn = .compact }.0.identifiers[0].value == "0306406152")
    }

    @Test func doiLinkBecomesTheDOI() {
        var e = Make.entry("a", title: "T")
        e.links = [Link("http://dx.doi.org/10.1000/abc"), Link("https://example.org")]
        let (out, _, _) = clean(e)
        #expect(out.identifier(.doi) == "10.1000/abc")
        #expect(out.links.map(\.url) == ["https://example.org"])
    }

    @Test func omitByAnyName() {
        var e = messy
        e.abstract = "An abstract."
        let (out, report, _) = clean(e) { $0.omit = ["abstract", "timestamp", "issn", "pages", "keywords"] }
        #expect(out.abstract == nil)
        #expect(out.extra.isEmpty)
        #expect(out.identifier(.issn) == nil)
        #expect(out.fields[.page] == nil)
        #expect(out.keywords.isEmpty)
        #expect(report.changes.filter { $0.reason == "omitted" }.map(\.field).sorted() == ["abstract", "bibtex:timestamp", "issn", "keywords", "page"].sorted())
        #expect(EntryFields.slots(named: "bibtex:timestamp") == [.extra(namespace: "bibtex", name: "timestamp")])
    }

    @Test func maxAuthorsTruncatesAndFlags() {
        let e = Make.entry("a", title: "T", authors: [("A", nil), ("B", nil), ("C", nil), ("D", nil)])
        let (out, report, _) = clean(e) { $0.maxAuthors = 2 }
        #expect(out.authors.names.map(\.family) == ["A", "B"])
        #expect(out.authors.truncated)
        #expect(report.changes.contains { $0.field == "author" && $0.new == "2 and others" })
        let (short, _, _) = clean(e) { $0.maxAuthors = 4 }
        #expect(!short.authors.truncated)
    }

    @Test func titleCasePolicyAndBraces() {
        var e = Make.entry("a", title: "x")
        e.title = RichText([.text("Learning with "), .caseProtected([.text("Gaussian")]), .text(" Processes")])
        let (sentence, _, _) = clean(e) { $0.titleCase = .sentence }
        #expect(sentence.title == RichText([.text("Learning with "), .caseProtected([.text("Gaussian")]), .text(" processes")]))
        let (unbraced, _, _) = clean(e) { $0.removeBraces = true }
        #expect(unbraced.title == RichText("Learning with Gaussian Processes"))
    }

    @Test func allCapsLeftAloneWhenSwitchedOff() {
        let e = Make.entry("a", title: "DEEP LEARNING FOR IMAGES", authors: [("SMITH", "JOHN")])
        let (out, _, _) = clean(e) { $0.dropAllCaps = false }
        #expect(out.title?.plainText == "DEEP LEARNING FOR IMAGES")
        #expect(out.authors.names[0].family == "SMITH")
    }

    @Test func latexInNonBibTeXText() {
        let e = Make.entry("a", title: #"Schr{\"o}dinger's R\&D"#, authors: [(#"M{\"u}ller"#, "J.")])
        let (out, _, _) = clean(e)
        #expect(out.title?.plainText == "Schrödinger's R&D")
        #expect(out.authors.names[0].family == "Müller")
    }

    @Test func stripCommentsAndSortFields() {
        var lib = Library(entries: [Make.entry("a", title: "T", fields: [.publisher: "P", .volume: "1"])])
        lib.entries[0].fields = [.publisher: "P", .volume: "1"]
        lib.entries[0].extra = [FieldKey("bibtex", "zeta"): "z", FieldKey("bibtex", "alpha"): "a"]
        lib.metadata.comments = ["% a comment", "another"]
        lib.metadata.leadingComments = 1
        lib.metadata.trailingComments = ["after the last entry"]
        lib.entries.append(Make.entry("b", title: "U"))
        lib.entries[1].precedingComments = ["before b", BibComment("% also before b", form: .text)]
        var options = Clean.Options()
        options.stripComments = true
        options.sortFields = true
        var d = Diagnostics()
        let report = Clean(options: options).apply(to: &lib, diagnostics: &d)
        #expect(lib.metadata.comments.isEmpty && lib.metadata.leadingComments == 0 && lib.metadata.trailingComments.isEmpty)
        #expect(lib.entries[1].precedingComments.isEmpty)
        let removed = report.changes.filter { $0.field == "comments" }
        #expect(removed.map(\.entry) == ["b", "(library)"])
        #expect(removed.map(\.old) == ["2 comment(s) before it", "3 comment(s)"])
        #expect(Array(lib.entries[0].fields.keys) == [.volume, .publisher])
        #expect(lib.entries[0].extra.keys.map(\.name) == ["alpha", "zeta"])
    }
}
