import BibModel
import Foundation
import Testing

@testable import BibTeXFormat

/// The grammar: blocks, delimiters, values, macros, keys, encodings.
@Suite("Reader syntax")
struct ReaderSyntaxTests {
    @Test("@string with # and BibTeX's definition order; month macros predefined")
    func strings() throws {
        let (lib, diags) = try readWithDiagnostics(
            """
            @string{first = "Jo"}
            @STRING(full = first # "hn" # { Doe})
            @misc{a, author = full, title = early # {!}, note = {x} # later, month = jun}
            @string{later = "defined too late"}
            @string{early = "Early"}
            @misc{b, note = later, howpublished = Early}
            """)
        #expect(lib.metadata.macros.keys.elements == ["first", "full", "later", "early"])
        #expect(lib.metadata.macros["full"] == #"first # "hn" # { Doe}"#)
        let a = try #require(lib.entries.first)
        #expect(a.authors.names == [PersonName(family: "Doe", given: "John")])
        #expect(a.title == RichText("early!"))
        #expect(a.issued == nil)
        #expect(a.extra[FieldKey("bibtex", "month")] == "June")
        #expect(lib.entries[1].notes == [RichText("defined too late")])
        #expect(lib.entries[1].fields[.howPublished] == "Early")
        let undefined = diags.filter { $0.code == "bibtex.undefined-macro" }
        #expect(undefined.count == 2)
        #expect(undefined.first?.location?.line == 3)
        #expect(undefined.first?.location?.column == 33)
        #expect(undefined.first?.entryKey == "a")
    }

    @Test("@entry( … ), nested braces, bare numbers, quotes with braces, trailing commas, case-insensitive names")
    func delimiters() throws {
        let lib = try read(
            """
            @ARTICLE(k1,
              TITLE = "A {"}quoted{"} {B{c{d}}} title",
              Year = 2020,
              VOLUME = 3,
            )
            @Book{k2, title = {x},}
            """)
        #expect(lib.entries.count == 2)
        let e = lib.entries[0]
        #expect(e.type.kind == .articleJournal)
        #expect(e.type.original == FieldKey("bibtex", "article"))
        #expect(e.title?.plainText == "A \"quoted\" Bcd title")
        #expect(e.year == 2020)
        #expect(e.fields[.volume] == "3")
        #expect(lib.entries[1].title == RichText("x"))
    }

    @Test("keys with any character BibTeX allows", arguments: [
        "foo:2020/bar-baz+", "Ölçer2019", "a.b_c", "10.1:18", "key{x", "ü'ß",
    ])
    func keys(_ key: String) throws {
        let lib = try read("@misc{\(key), title = {t}}")
        #expect(lib.entries.first?.key == key)
    }

    @Test("@preamble, @comment and text between entries are kept, in their places and forms")
    func metadata() throws {
        let lib = try read(
            """
            % JabRef header line
            @preamble{ "\\newcommand{\\noopsort}[1]{}" # "\\x" }
            @comment{jabref-meta: databaseType:bibtex;}
            @misc{a, title = {t}}
            Some text between entries.\r
              %% indented, trailing blanks  \t
            @Comment this line is a comment
            @misc{b, title = {u}}

            % after the last entry
            @comment{ the end }

            """)
        #expect(lib.metadata.preambles == [#""\newcommand{\noopsort}[1]{}" # "\x""#])
        // Before the first entry: the collection's; the first came before the @preamble.
        #expect(lib.metadata.comments == [BibComment("% JabRef header line", form: .text), "jabref-meta: databaseType:bibtex;"])
        #expect(lib.metadata.leadingComments == 1)
        #expect(lib.entries.map(\.key) == ["a", "b"])
        #expect(lib.entries[0].precedingComments.isEmpty)
        // Free text with its lines as written (without CR and trailing blanks), then the @comment's content.
        #expect(
            lib.entries[1].precedingComments == [
                BibComment("Some text between entries.\n  %% indented, trailing blanks", form: .text), "this line is a comment",
            ])
        #expect(lib.metadata.trailingComments == [BibComment("% after the last entry", form: .text), "the end"])
    }

    @Test("a @ in text between entries (an e-mail address) starts nothing")
    func strayAt() throws {
        let (lib, diags) = try readWithDiagnostics("Contact: me@example.org\n@misc{a, title = {t}}\n")
        #expect(lib.entries.count == 1)
        #expect(!diags.contains { $0.severity == .error })
    }

    @Test("an entry commented out with % is not read")
    func commentedOut() throws {
        let lib = try read("%@misc{a, title = {t}}\n@misc{b, title = {u}}\n")
        #expect(lib.entries.map(\.key) == ["b"])
    }

    @Test("entries inside @comment{…} are read, as BibTeX reads them")
    func entriesInComment() throws {
        let (lib, diags) = try readWithDiagnostics("@comment{\n@misc{a, title = {t}}\n}\n")
        #expect(lib.entries.map(\.key) == ["a"])
        #expect(diags.contains { $0.code == "bibtex.entries-in-comment" })
    }

    @Test("UTF-8 with and without a byte-order mark")
    func bom() throws {
        let text = "@misc{a, title = {Gödel}}"
        var diagnostics = Diagnostics()
        let withBOM = try BibTeXReader().read([0xEF, 0xBB, 0xBF] + Array(text.utf8), source: "b", options: ReadOptions(), diagnostics: &diagnostics)
        #expect(withBOM.entries.first?.title == RichText("Gödel"))
        #expect(diagnostics.all.isEmpty)
        #expect(try read(text).entries.first?.title == RichText("Gödel"))
    }

    @Test("Latin-1 is detected, decoded and warned about")
    func latin1() throws {
        var bytes = Array("@misc{a, title = {G".utf8)
        bytes.append(0xF6)  // ö in Latin-1
        bytes += Array("del}, author = {Fran".utf8) + [0xE7] + Array("ois Dupont}}".utf8)
        var diagnostics = Diagnostics()
        let lib = try BibTeXReader().read(bytes, source: "l", options: ReadOptions(), diagnostics: &diagnostics)
        #expect(lib.entries.first?.title == RichText("Gödel"))
        #expect(lib.entries.first?.authors.names.first?.given == "François")
        let warning = diagnostics.all.first { $0.code == "bibtex.latin1" }
        #expect(warning?.location?.column == 20)
    }

    @Test("UTF-16 input is decoded")
    func utf16() throws {
        let text = "@misc{a, title = {Gödel}}"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        var diagnostics = Diagnostics()
        let lib = try BibTeXReader().read(bytes, source: "u", options: ReadOptions(), diagnostics: &diagnostics)
        #expect(lib.entries.first?.title == RichText("Gödel"))
    }

    @Test("binary input is refused")
    func binary() {
        var diagnostics = Diagnostics()
        #expect(throws: FatalReadError.self) {
            try BibTeXReader().read([0x40, 0x00, 0x01], source: "x", options: ReadOptions(), diagnostics: &diagnostics)
        }
    }

    @Test("duplicate fields: the first counts, the others are kept and reported")
    func duplicateFields() throws {
        let (lib, diags) = try readWithDiagnostics("@misc{a, title = {First}, Title = {Second}, note = {n}, title = {Third}}")
        let e = try #require(lib.entries.first)
        #expect(e.title == RichText("First"))
        #expect(e.extra[FieldKey("bibtex", "Title-duplicate")] == "Second")
        #expect(e.extra[FieldKey("bibtex", "title-duplicate2")] == "Third")
        #expect(diags.filter { $0.code == "bibtex.duplicate-field" }.count == 2)
        #expect(diags.first { $0.code == "bibtex.duplicate-field" }?.location?.column == 27)
    }

    @Test("duplicate keys are reported (BibTeX compares them ignoring case); both entries are kept")
    func duplicateKeys() throws {
        let (lib, diags) = try readWithDiagnostics("@misc{Key, title = {a}}\n@misc{key, title = {b}}\n")
        #expect(lib.entries.count == 2)
        let d = diags.first { $0.code == "bibtex.duplicate-key" }
        #expect(d?.location?.line == 2)
        #expect(d?.entryKey == "key")
    }

    @Test("unknown entry types and fields are kept")
    func unknownKept() throws {
        let lib = try read("@foo{a, title = {T}, owner = {me}, timestamp = {2020.01.01}, Groups = {g1, g2}}")
        let e = try #require(lib.entries.first)
        #expect(e.type == EntryType(.document, original: FieldKey("bibtex", "foo")))
        #expect(Array(e.extra.keys) == [FieldKey("bibtex", "owner"), FieldKey("bibtex", "timestamp"), FieldKey("bibtex", "Groups")])
        #expect(e.extra[FieldKey("bibtex", "Groups")] == "g1, g2")
    }

    @Test("the BibLaTeX reader uses its own namespace")
    func biblatexNamespace() throws {
        let lib = try read("@online{a, title = {T}, usera = {x}}", dialect: .biblatex)
        #expect(lib.entries.first?.type == EntryType(.webpage, original: FieldKey("biblatex", "online")))
        #expect(lib.entries.first?.extra[FieldKey("biblatex", "usera")] == "x")
    }

    @Test("fields the writer made from other formats go back to their namespace")
    func foreignNamespaces() throws {
        let lib = try read("@misc{a, profile-score = {99.8}, ris-C1 = {custom 1}, csl-json-foo = {1}}")
        let e = try #require(lib.entries.first)
        #expect(e.extra[FieldKey("profile", "score")] == "99.8")
        #expect(e.extra[FieldKey("ris", "C1")] == "custom 1")
        #expect(e.extra[FieldKey("csl-json", "foo")] == "1")
    }

    @Test("a field that used a macro keeps the expression for the writer")
    func macroMarkers() throws {
        let text = "@string{jmlr = {Journal of Machine Learning Research}}\n@article{a, author = {Doe, J.}, journal = jmlr, publisher = pub, title = {T}}\n"
        let lib = try read(text)
        let e = try #require(lib.entries.first)
        #expect(e.container?.title == RichText("Journal of Machine Learning Research"))
        #expect(e.extra[FieldKey(BibTeXReader.macroNamespace, "journal")] == "jmlr")
        #expect(e.extra[FieldKey(BibTeXReader.macroNamespace, "publisher")] == "pub")
        let out = written(lib.entries, metadata: lib.metadata).text
        #expect(out.contains("@string{jmlr = {Journal of Machine Learning Research}}"))
        #expect(out.contains("journal = jmlr,"))
        #expect(out.contains("publisher = pub\n"))
        // A changed value is written as the value, never as a stale macro.
        var changed = lib.entries
        changed[0].container?.title = "Other Journal"
        #expect(written(changed, metadata: lib.metadata).text.contains("journal = {Other Journal}"))
    }

    @Test("macro expressions in names compare by person, not by spelling")
    func macroNames() throws {
        let lib = try read("@string{jd = \"John Doe\"}\n@misc{a, author = jd # \" and Jane Roe\"}\n")
        #expect(written(lib.entries, metadata: lib.metadata).text.contains(#"author = jd # " and Jane Roe""#))
    }
}
