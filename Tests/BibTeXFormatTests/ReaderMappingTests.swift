import BibModel
import Foundation
import Testing

@testable import BibTeXFormat

/// Fields → model, and model → BibTeX → model.
@Suite("Reader mapping")
struct ReaderMappingTests {
    @Test("the mapper's numbered field names spell their cases")
    func knownFieldNames() {
        #expect(BibTeXEntryMapper.Known.names.count == BibTeXEntryMapper.Known.allCases.count)
        for k in BibTeXEntryMapper.Known.allCases {
            #expect(k.name == "\(k)")
            #expect(BibTeXEntryMapper.Known.named(k.name) == k)
        }
        for other in ["", "titles", "titl", "Title", "x", "journaltitles", "a-very-long-field-name", "pdf2", "\u{00E9}t\u{00E9}"] {
            #expect(BibTeXEntryMapper.Known.named(other) == nil, "\(other)")
        }
        #expect(BibTeXEntryMapper.isKeyName("KeY") && BibTeXEntryMapper.isKeyName("key"))
        #expect(!BibTeXEntryMapper.isKeyName("keys") && !BibTeXEntryMapper.isKeyName("ke"))
        #expect(BibTeXEntryMapper.isKeyName("\u{212A}ey") == ("\u{212A}ey".lowercased() == "key"))
    }

    @Test("repeats of field names the mapper does not know, few or many, are kept aside like the others")
    func repeatedOtherFields() throws {
        let many = (0..<40).map { "x\($0) = {v\($0)}" }.joined(separator: ", ")
        let (lib, diags) = try readWithDiagnostics(
            "@misc{k, mine = {one}, \(many), MINE = {two}, x39 = {again}, title = {T}}")
        let e = try #require(lib.entries.first)
        #expect(e.extra[FieldKey("bibtex", "mine")] == "one")
        #expect(e.extra[FieldKey("bibtex", "MINE-duplicate")] == "two")
        #expect(e.extra[FieldKey("bibtex", "x39")] == "v39")
        #expect(e.extra[FieldKey("bibtex", "x39-duplicate")] == "again")
        #expect(e.extra[FieldKey("bibtex", "x0")] == "v0")
        #expect(diags.filter { $0.code == "bibtex.duplicate-field" }.count == 2)
    }

    @Test("journal article fields")
    func article() throws {
        let lib = try read(
            """
            @article{pokutta2020,
              author = {Pokutta, Sebastian and Spiegel, Christoph and Max Zimmer},
              title = {Deep Neural Network Training with {Frank-Wolfe}},
              journal = {Journal of Machine Learning Research}, shortjournal = {JMLR},
              volume = {21}, number = {4}, pages = {1--45}, eid = {e12},
              year = {2020}, month = jun,
              doi = {https://doi.org/10.5555/3455716}, issn = {1532-4435},
              url = {https://jmlr.org/papers/v21/x.html},
              keywords = {optimization, {deep, learning}},
              abstract = {We \\emph{train}.}, note = {Accepted},
              language = {english}, publisher = {JMLR}, timestamp = {2020.01.01}
            }
            """)
        let e = try #require(lib.entries.first)
        #expect(e.type == EntryType(.articleJournal, original: FieldKey("bibtex", "article")))
        #expect(e.authors.names.map(\.family) == ["Pokutta", "Spiegel", "Zimmer"])
        #expect(e.title == RichText("Deep Neural Network Training with Frank-Wolfe"))
        #expect(e.container?.title == RichText("Journal of Machine Learning Research"))
        #expect(e.container?.shortTitle == "JMLR")
        #expect(e.container?.identifiers == [Identifier(.issn, "1532-4435")])
        #expect(e.fields[.volume] == "21")
        #expect(e.fields[.issue] == "4")
        #expect(e.fields[.number] == "e12")
        #expect(e.fields[.page] == "1-45")
        #expect(e.fields[.publisher] == "JMLR")
        #expect(e.issued == .typed(BibDate(year: 2020, month: 6)))
        #expect(e.identifiers == [Identifier(.doi, "10.5555/3455716")])
        #expect(e.links == [Link("https://jmlr.org/papers/v21/x.html")])
        #expect(e.keywords == ["optimization", "deep, learning"])
        #expect(e.abstract == RichText([.text("We "), .italic([.text("train")]), .text(".")]))
        #expect(e.notes == [RichText("Accepted")])
        #expect(e.language == "english")
        #expect(e.extra == [FieldKey("bibtex", "timestamp"): "2020.01.01"])
    }

    @Test("book, thesis, report and misc fields")
    func others() throws {
        let lib = try read(
            """
            @book{b, editor = {Sra, Suvrit}, title = {Optimization}, series = {NIPS Series}, number = {5},
              edition = {2}, publisher = {MIT Press}, address = {Cambridge, MA}, isbn = {978-0-262-01646-9, 0262016464}}
            @phdthesis{t, author = {A B}, title = {T}, school = {TU Berlin}, type = {Habilitation}}
            @techreport{r, author = {{World Health Organization}}, title = {R}, institution = {WHO}, number = {WHO/1}}
            @misc{d, title = {D}, type = {Dataset}, version = {1.0}, publisher = {Zenodo}, howpublished = {\\url{https://z.org/1}}}
            @inproceedings{p, title = {P}, booktitle = {Proc. X}, series = {LNCS}, volume = {12}, editor = {E, F},
              eventtitle = {X 2020}, venue = {Paris}, organization = {ACM}}
            """)
        let b = lib.entries[0]
        #expect(b.contributors[.editor]?.names == [PersonName(family: "Sra", given: "Suvrit")])
        #expect(b.series == Level(title: "NIPS Series", number: "5"))
        #expect(b.fields == [.edition: "2", .publisher: "MIT Press", .publisherPlace: "Cambridge, MA"])
        #expect(b.identifiers == [Identifier(.isbn, "978-0-262-01646-9"), Identifier(.isbn, "0262016464")])
        let t = lib.entries[1]
        #expect(t.type == EntryType(.thesis, original: FieldKey("bibtex", "phdthesis"), genre: "phd"))
        #expect(t.fields == [.genre: "Habilitation", .institution: "TU Berlin"])
        let r = lib.entries[2]
        #expect(r.authors.names == [.literal("World Health Organization")])
        #expect(r.fields == [.number: "WHO/1", .institution: "WHO"])
        let d = lib.entries[3]
        #expect(d.type.kind == .dataset)
        #expect(d.fields == [.publisher: "Zenodo", .version: "1.0"])
        #expect(d.links == [Link("https://z.org/1")])
        let p = lib.entries[4]
        #expect(p.container?.title == RichText("Proc. X"))
        #expect(p.series?.title == RichText("LNCS"))
        #expect(p.fields[.eventTitle] == "X 2020")
        #expect(p.fields[.eventPlace] == "Paris")
        #expect(p.fields[.organization] == "ACM")
    }

    /// (year, month, day or nil, the EDTF of the date, or `raw:` text).
    static let classicDates: [(String, String?, String?, String)] = [
        ("2020", nil, nil, "2020"), ("2020", "jun", nil, "2020-06"), ("2020", "June", "29", "2020-06-29"),
        ("2020", "6", "3", "2020-06-03"), ("2020", "Jun.", nil, "2020-06"), ("2019--2021", nil, nil, "2019/2021"),
        ("2019-2021", nil, nil, "2019/2021"), ("2019--", nil, nil, "2019/.."), ("circa 1900", nil, nil, "1900~"),
        ("1900?", nil, nil, "1900?"), ("2020", "jun # {--} # jul", nil, "2020-06/2020-07"), ("2020", "jun", "1--3", "2020-06-01/2020-06-03"),
        ("2020", "Spring", nil, "2020"), ("in press", nil, nil, "raw:in press"), ("n.d.", nil, nil, "raw:n.d."),
        ("2012--2012", nil, nil, "2012"), ("1998-99", nil, nil, "1998/1999"), ("1999--01", nil, nil, "1999/2001"),
    ]

    @Test("year, month and day", arguments: classicDates)
    func classic(_ c: (String, String?, String?, String)) throws {
        var text = "@misc{a, year = {\(c.0)}"
        if let m = c.1 { text += ", month = " + (m.contains("#") || m.count == 3 ? m : "{\(m)}") }
        if let d = c.2 { text += ", day = {\(d)}" }
        let e = try #require(try read(text + "}").entries.first)
        switch e.issued {
        case .typed(let date)?: #expect(date.edtf == c.3)
        case .raw(let raw)?: #expect("raw:" + raw == c.3)
        case nil: Issue.record("no date")
        }
    }

    @Test("biblatex dates", arguments: [
        ("2023-06-29", "2023-06-29"), ("2019/2021", "2019/2021"), ("2019/..", "2019/.."), ("../2019", "../2019"),
        ("2019/", "2019/.."), ("2020~", "2020~"), ("2020?", "2020?"), ("2020%", "2020%"), ("2020-06-29T10:00:00", "2020-06-29"),
        ("-0044-03-15", "-0044-03-15"),
    ])
    func edtf(_ c: (String, String)) throws {
        let e = try #require(try read("@misc{a, date = {\(c.0)}, urldate = {\(c.0)}}", dialect: .biblatex).entries.first)
        #expect(e.issued?.typed?.edtf == c.1)
        #expect(e.dates[.accessed]?.typed?.edtf == c.1)
    }

    @Test("a season in a date")
    func season() throws {
        let e = try #require(try read("@misc{a, date = {2020-21}}").entries.first)
        #expect(e.issued?.typed?.season == .spring)
        let f = try #require(try read("@misc{a, year = {2020}, month = {Autumn}}").entries.first)
        #expect(f.issued?.typed?.season == .autumn)
    }

    @Test("a month the date lacks completes it; one that disagrees is kept aside")
    func dateAndMonth() throws {
        let (lib, diags) = try readWithDiagnostics("@misc{a, date = {2021}, month = mar}\n@misc{b, date = {2021-07}, month = mar}")
        #expect(lib.entries[0].issued == .typed(BibDate(year: 2021, month: 3)))
        #expect(lib.entries[1].issued == .typed(BibDate(year: 2021, month: 7)))
        #expect(lib.entries[1].extra[FieldKey("bibtex", "month-duplicate")] == "March")
        #expect(diags.contains { $0.code == "bibtex.duplicate-field" })
    }

    @Test("eprints: arXiv (both dialects), PubMed, handles; other kinds stay fields")
    func eprints() throws {
        let lib = try read(
            """
            @misc{a, eprint = {2306.16788}, archivePrefix = {arXiv}, primaryClass = {cs.LG}}
            @misc{b, eprint = {2306.16788}, eprinttype = {arxiv}, eprintclass = {cs.LG}}
            @misc{c, eprint = {12345}, eprinttype = {pubmed}}
            @misc{d, eprint = {ZACDOQ}, eprinttype = {philpapers}}
            @misc{e, eprint = {math/0211159}}
            @misc{f, pmid = {1}, pmcid = {PMC2}, arxiv2 = {2101.00001}, doi2 = {10.2/y}, doi = {10.1/x}}
            """)
        let arxiv = Identifier(.arxiv, "2306.16788", qualifier: "cs.LG")
        #expect(lib.entries[0].identifiers == [arxiv])
        #expect(lib.entries[1].identifiers == [arxiv])
        #expect(lib.entries[2].identifiers == [Identifier(.pmid, "12345")])
        #expect(lib.entries[3].identifiers.isEmpty)
        #expect(lib.entries[3].extra[FieldKey("bibtex", "eprinttype")] == "philpapers")
        #expect(lib.entries[4].identifiers == [Identifier(.arxiv, "math/0211159")])
        #expect(lib.entries[5].identifiers.map(\.kind) == [.doi, .doi, .arxiv, .pmid, .pmcid])
    }

    @Test("language: langid (babel names) and language")
    func language() throws {
        #expect(try read("@misc{a, langid = {ngerman}}", dialect: .biblatex).entries.first?.language == "de")
        #expect(try read("@misc{a, langid = {american}}", dialect: .biblatex).entries.first?.language == "en-US")
        #expect(try read("@misc{a, language = {de}, langid = {ngerman}}").entries.first?.language == "de")
        let both = try read("@misc{a, language = {German}, langid = {ngerman}}", dialect: .biblatex).entries.first
        #expect(both?.language == "de")
        #expect(both?.extra[FieldKey("biblatex", "language")] == "German")
    }

    @Test("links the writer puts in the note come back as links")
    func noteLinks() throws {
        let e = try #require(
            try read(#"@misc{a, note = {Seen. Code: \url{https://github.com/x}. Data: \url{https://d.org/a\%20b}}}"#).entries.first)
        #expect(e.notes == [RichText("Seen")])
        #expect(e.links == [Link("https://github.com/x", kind: .code), Link("https://d.org/a%20b", kind: .data)])
    }

    @Test("other name fields: roles, container and series levels")
    func roles() throws {
        let e = try #require(
            try read(
                """
                @book{a, author = {A}, translator = {T}, bookauthor = {B}, serieseditor = {S}, director = {D},
                  container-editor = {C}, editora = {X}, editoratype = {compiler}, namea = {N}, nameatype = {illustrator}}
                """
            ).entries.first)
        #expect(e.contributors.keys.elements == [.author, .translator, .containerAuthor, .collectionEditor, .director, .compiler, .illustrator])
        #expect(e.container?.contributors[.editor]?.names.first?.family == "C")
    }

    @Test("crossref: the child gets what it lacks by biblatex's rules; the parent stays an entry")
    func crossref() throws {
        let lib = try read(
            """
            @inbook{child, title = {Chapter}, crossref = {parent}, pages = {1--2}}
            @book{parent, title = {The Book}, author = {A. Author}, publisher = {P}, year = 2001, pages = {500}}
            @inproceedings{paper, title = {Paper}, crossref = {proc}}
            @proceedings{proc, title = {Proceedings}, editor = {E. Editor}, year = 1999}
            @incollection{classic, title = {C}, crossref = {coll}}
            @book{coll, title = {Collected}, booktitle = {Collected}, year = 1990}
            """)
        #expect(lib.entries.count == 6)
        let child = lib.entries[0]
        #expect(child.title == RichText("Chapter"))
        #expect(child.container?.title == RichText("The Book"))
        #expect(child.authors.names.first?.family == "Author")
        #expect(child.contributors[.containerAuthor]?.names.first?.family == "Author")
        #expect(child.fields[.page] == "1-2")
        #expect(child.fields[.publisher] == "P")
        #expect(child.year == 2001)
        #expect(child.extra[FieldKey("bibtex", "crossref")] == "parent")
        #expect(lib.entries[2].container?.title == RichText("Proceedings"))
        #expect(lib.entries[2].contributors[.editor]?.names.first?.family == "Editor")
        #expect(lib.entries[4].container?.title == RichText("Collected"))
        #expect(lib.entries[1].title == RichText("The Book"))
    }

    @Test("white space collapsed: the check for nothing to collapse gives what collapsing byte by byte gives")
    func collapsedWhitespaceShortcut() {
        // Mostly what needs no collapsing, so that many values have nothing to collapse.
        let plain = ["a", "bcdefgh", "Z9", " ", "é", "{x}", "~", "ab cd"]
        let alphabet = plain + plain + plain + ["  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{0}", "\u{8}", "\u{0E}"]
        var unchanged = 0
        for text in LaTeXDecodingTests.strings(of: alphabet, upTo: 30, count: 8000, seed: 41) + ["", " ", "a", " a", "a ", "a  b"] {
            let bytes = Array(text.utf8)
            let reference = bytes.withUnsafeBufferPointer { BibTeXEntryMapper.collapsedWhitespaceBytesOneByOne($0) }
            #expect(bytes.withUnsafeBufferPointer { BibTeXEntryMapper.collapsedWhitespaceBytes($0) } == reference, "\(text.debugDescription)")
            // Also for a slice that does not start at zero.
            let slice = ([UInt8(ascii: "x")] + bytes)[1...]
            #expect(BibTeXEntryMapper.collapsedWhitespace(slice) == String(decoding: reference, as: UTF8.self), "\(text.debugDescription)")
            if bytes.withUnsafeBufferPointer({ BibTeXEntryMapper.hasNothingToCollapse($0) }) {
                #expect(reference == bytes)
                if bytes.count > 8 { unchanged += 1 }
            }
        }
        #expect(unchanged > 300)
    }

    @Test("keys, types and field names lowered as lowercased() lowers them")
    func lowercasedAsTheStandardLibrary() {
        let alphabet = ["a", "Z", "Huang2019:", "0", "-", "_", "É", "é", "İ", "ΣΑ", "ß", "Ǆ", "\u{0}", "@", "[", "`", "{"]
        var lowered = 0
        for text in LaTeXDecodingTests.strings(of: alphabet, upTo: 12, count: 6000, seed: 43)
            + ["", "A", "ARTICLE", "article", "InProceedings", String(repeating: "Ab", count: 40), "@", "[", "`", "{"]
        {
            #expect(BibTeXText.lowercased(text) == text.lowercased(), "\(text.debugDescription)")
            #expect(Array(BibTeXText.lowercased(text).utf8) == Array(text.lowercased().utf8), "\(text.debugDescription)")
            if text.utf8.allSatisfy({ $0 < 0x80 }) && text != text.lowercased() { lowered += 1 }
        }
        #expect(lowered > 200)
    }

    @Test("the names a parent does not lend are told by length first exactly as by the set")
    func notInheritedByLength() throws {
        let others = ["", "a", "id", "idss", "title", "booktitle", "xdatas", "label2", "sortkeys", "relatedoption", "Label", "ïds"]
        for name in BibTeXResolver.notInherited.sorted() + others {
            #expect(BibTeXResolver.isNotInherited(name) == BibTeXResolver.notInherited.contains(name), "\(name)")
        }
        // Through a crossref: the parent's `label`, `ids` and `sortkey` stay with it; a child's
        // own field wins over the parent's; `journal` and `journaltitle` count as one.
        let lib = try read(
            """
            @article{child, title = {T}, crossref = {parent}, journaltitle = {Own}}
            @periodical{parent, title = {P}, label = {L}, ids = {x}, sortkey = {s}, journal = {J}, note = {N}}
            """)
        let child = lib.entries[0]
        #expect(child.extra[FieldKey("bibtex", "label")] == nil)
        #expect(child.extra[FieldKey("bibtex", "ids")] == nil)
        #expect(child.extra[FieldKey("bibtex", "sortkey")] == nil)
        #expect(child.container?.title == RichText("Own"))
        #expect(child.notes == [RichText("N")])
        #expect(lib.entries[1].extra[FieldKey("bibtex", "label")] == "L")
    }

    @Test("xdata and nested crossrefs; cycles are reported, not followed")
    func xdata() throws {
        let (lib, diags) = try readWithDiagnostics(
            """
            @xdata{pub, publisher = {Springer}, location = {Berlin}}
            @book{a, title = {A}, xdata = {pub}}
            @inbook{c, title = {C}, crossref = {b}}
            @book{b, title = {B}, crossref = {mv}}
            @mvbook{mv, title = {MV}, year = 2000}
            @misc{x, crossref = {y}}
            @misc{y, crossref = {x}}
            """, dialect: .biblatex)
        #expect(lib.entries[1].fields[.publisher] == "Springer")
        #expect(lib.entries[1].fields[.publisherPlace] == "Berlin")
        // The chapter inherits the book's title as its booktitle and the multi-volume work's
        // as its maintitle: the work is its container and the book the volume title.
        #expect(lib.entries[2].container?.title == RichText("MV"))
        #expect(lib.entries[2].fields[.volumeTitle] == "B")
        #expect(lib.entries[2].year == 2000)
        #expect(diags.contains { $0.code == "bibtex.crossref-cycle" })
    }

    // MARK: Round trips

    /// Properties of each sample that model → BibTeX → model does not keep, and why.
    static let knownLosses: [String: Set<String>] = [
        // Container editors are written as `editor` and read as the entry's; "–" pages read as "-".
        "inproceedings": ["contributors", "container", "fields"],
        // "1--10" in the model reads back as "1-10".
        "names": ["fields"],
        // The only link is a code link: it becomes `url`, a link to the work.
        "profile-library": ["links"],
        // Several notes join into one; the abstract's labelled link becomes text + \url; the
        // series' ISSN and editors come back at other levels; links come back in field order.
        "every-field": ["notes", "abstract", "series", "links", "contributors", "container", "extra"],
        // Characters sharing a LaTeX form (‐ ‑ and -, ’ and ', thin spaces) read back as one of them.
        "character-table": ["notes"],
    ]

    /// What model → BibLaTeX → model does not keep, beyond the BibTeX losses: biber's data
    /// model has no place for foreign extras, and `langid` holds babel names (`English` → `en`).
    static let biblatexLosses: [String: Set<String>] = [
        "arxiv-preprint": ["extra"],
        "organisation-report": ["language"],
        "profile-library": ["extra", "links"],
        "every-field": ["dates", "fields", "identifiers"],
    ]

    @Test("model → BibLaTeX → model keeps what biber's data model can hold", arguments: Samples.all)
    func biblatexRoundTrip(_ sample: Sample) throws {
        let text = written(sample.entries, .biblatex, metadata: sample.metadata).text
        let back = try read(text, dialect: .biblatex)
        #expect(back.entries.count == sample.entries.count)
        let allowed = (Self.knownLosses[sample.name] ?? []).union(Self.biblatexLosses[sample.name] ?? [])
        var all = Set<String>()
        for (original, read) in zip(sample.entries, back.entries) {
            let differing = Self.differingProperties(original, read)
            all.formUnion(differing)
            #expect(differing.subtracting(allowed).isEmpty, "\(sample.name): \(differing.subtracting(allowed).sorted())")
        }
        #expect((Self.biblatexLosses[sample.name] ?? []).subtracting(all).isEmpty, "\(sample.name): shrink biblatexLosses")
    }

    @Test("model → BibTeX → model keeps what BibTeX can hold", arguments: Samples.all)
    func modelRoundTrip(_ sample: Sample) throws {
        for dialect in BibTeXDialect.allCases where dialect == .bibtex {
            let text = written(sample.entries, dialect, metadata: sample.metadata).text
            let back = try read(text, dialect: dialect)
            #expect(back.entries.count == sample.entries.count)
            let allowed = Self.knownLosses[sample.name] ?? []
            for (original, read) in zip(sample.entries, back.entries) {
                let differing = Self.differingProperties(original, read)
                #expect(differing.subtracting(allowed).isEmpty, "\(sample.name): \(differing.subtracting(allowed).sorted()) \(EntryDiff.first(Self.normalised(original, read).0, Self.normalised(original, read).1) ?? "")")
            }
            let all = zip(sample.entries, back.entries).reduce(into: Set<String>()) { $0.formUnion(Self.differingProperties($1.0, $1.1)) }
            #expect(allowed.subtracting(all).isEmpty, "\(sample.name) now keeps \(allowed.subtracting(all).sorted()): shrink knownLosses")
        }
    }

    /// The read entry with what only the reader adds (the source type, a generated key) aligned.
    static func normalised(_ original: Entry, _ read: Entry) -> (Entry, Entry) {
        var b = read
        if original.type.original == nil { b.type.original = nil }
        // `bibtex:inproceedings` read back by the BibLaTeX reader is `biblatex:inproceedings`.
        if let o = original.type.original, o.name == b.type.original?.name { b.type.original = o }
        if original.key == nil { b.key = nil }
        return (original, b)
    }

    static func differingProperties(_ original: Entry, _ read: Entry) -> Set<String> {
        let (a, b) = normalised(original, read)
        var out = Set<String>()
        if a.key != b.key { out.insert("key") }
        if a.type != b.type { out.insert("type") }
        if a.contributors != b.contributors { out.insert("contributors") }
        if a.title != b.title { out.insert("title") }
        if a.shortTitle != b.shortTitle { out.insert("shortTitle") }
        if a.dates != b.dates { out.insert("dates") }
        if a.container != b.container { out.insert("container") }
        if a.series != b.series { out.insert("series") }
        // The writer writes fields in its canonical order; their order is not kept.
        if Dictionary(uniqueKeysWithValues: a.fields.map { ($0.key, $0.value) })
            != Dictionary(uniqueKeysWithValues: b.fields.map { ($0.key, $0.value) })
        {
            out.insert("fields")
        }
        if a.identifiers != b.identifiers { out.insert("identifiers") }
        if a.links != b.links { out.insert("links") }
        if a.abstract != b.abstract { out.insert("abstract") }
        if a.keywords != b.keywords { out.insert("keywords") }
        if a.language != b.language { out.insert("language") }
        if a.notes != b.notes { out.insert("notes") }
        if a.extra != b.extra { out.insert("extra") }
        return out
    }

    @Test("BibTeX → model → BibTeX keeps the file: entries, unknown fields in order, macros, preamble, comments")
    func fileRoundTrip() throws {
        let source = """
            @preamble{"\\newcommand{\\noopsort}[1]{}"}
            @string{jmlr = {Journal of Machine Learning Research}}
            @comment{jabref-meta: databaseType:bibtex;}

            @article{a,
              author = {Knuth, Donald E. and van Beethoven, Ludwig and others},
              title = {The {\\TeX}book and {NASA}: $\\alpha$-Stable \\emph{Things}},
              journal = jmlr,
              volume = {1},
              number = {2},
              pages = {3--4},
              year = {1984},
              month = jan,
              zzz = {{Kept} \\raw{x}},
              Owner = {me},
              file = {:a.pdf:PDF}
            }
            """
        let first = try read(source)
        let once = written(first.entries, metadata: first.metadata).text
        let second = try read(once)
        #expect(second == first)
        #expect(written(second.entries, metadata: second.metadata).text == once)
        #expect(once.contains("journal = jmlr,"))
        #expect(once.contains("zzz = {{Kept} \\raw{x}},\n  Owner = {me}"))
    }
}
