import BibModel
import Testing

@testable import BibTeXFormat

@Suite("Fields: coverage, placement, extras")
struct FieldCoverageTests {
    static let types: [WorkType] = [.articleJournal, .book, .chapter, .paperConference, .thesis, .report, .document, .webpage, .dataset]

    @Test("every Field lands somewhere: written in BibTeX; written or reported in BibLaTeX",
        arguments: Field.allCases)
    func everyField(_ field: Field) {
        let value = field == .volume ? "42" : "value of \(field.rawValue)"
        let shown = field == .volume ? "42" : "value of \(field.rawValue.replacingAll("_", with: #"\_"#))"
        for kind in Self.types {
            var entry = Entry(key: "k", type: EntryType(kind), title: "T")
            entry.fields[field] = value
            let bibtex = written([entry])
            #expect(bibtex.text.contains(shown), "\(field) in \(kind), bibtex")
            #expect(bibtex.diagnostics.isEmpty, "\(bibtex.diagnostics)")
            let biblatex = written([entry], .biblatex)
            let reported = biblatex.diagnostics.contains { $0.field == field.rawValue || $0.message.contains(field.rawValue) }
            #expect(biblatex.text.contains(shown) || reported, "\(field) in \(kind), biblatex")
        }
    }

    @Test("the field table has one row per Field, in Field order, and names every field in BibTeX")
    func tableComplete() {
        #expect(BibTeXFieldTable.rows.map(\.field) == Field.allCases)
        for row in BibTeXFieldTable.rows {
            #expect(!row.bibtex.isEmpty)
            for name in row.biblatex { #expect(BibLaTeXDataModel.entryFields.values.contains { $0.contains(name) } || BibLaTeXDataModel.globalFields.contains(name), "\(name)") }
        }
    }

    @Test("foreign extras: `namespace-name` in BibTeX; not written in BibLaTeX, one warning per field with a count")
    func foreignExtras() {
        let entries = ["a", "b"].map {
            Entry(key: $0, type: EntryType(.document), title: "T", extra: [FieldKey("profile", "score"): "99.8", FieldKey("profile", "subject"): "LG & CV"])
        }
        let bibtex = written(entries)
        #expect(bibtex.text.contains("profile-score = {99.8}"))
        #expect(bibtex.text.contains(#"profile-subject = {LG \& CV}"#))
        let biblatex = written(entries, .biblatex)
        #expect(!biblatex.text.contains("profile"))
        let warnings = biblatex.diagnostics.filter { $0.code == "bibtex.unsupported-field" }
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0.severity == .warning && $0.message.contains("2 entries (a, b)") })
        #expect(warnings.map(\.field) == ["profile:score", "profile:subject"])
    }

    @Test("bibtex:/biblatex: extras are written back verbatim under their own name")
    func nativeExtras() {
        let entry = Entry(
            key: "k", type: EntryType(.document), title: "T",
            extra: [
                FieldKey("bibtex", "timestamp"): "2020-01-01", FieldKey("bibtex", "mynote"): #"\emph{raw} 50\% {Kept}"#,
                FieldKey("biblatex", "usera"): "x_y",
            ])
        let f = fields(of: entry)
        #expect(f["timestamp"] == "2020-01-01")
        #expect(f["mynote"] == #"\emph{raw} 50\% {Kept}"#)
        #expect(f["usera"] == "x_y")
        // biber knows usera but not timestamp or mynote.
        let (text, diagnostics) = written([entry], .biblatex)
        #expect(parseFields(text)["usera"] == "x_y")
        #expect(!text.contains("timestamp"))
        #expect(diagnostics.filter { $0.code == "bibtex.unsupported-field" }.count == 2)
    }

    @Test("an extra that collides with a field from the model is not written twice")
    func collidingExtra() {
        let entry = Entry(key: "k", type: EntryType(.document), title: "Model title", extra: [FieldKey("bibtex", "title"): "Extra title"])
        let (text, diagnostics) = written([entry])
        #expect(parseFields(text)["title"] == "Model title")
        #expect(text.components(separatedBy: "title =").count == 2)
        #expect(diagnostics.contains { $0.code == "bibtex.duplicate-field" })
    }

    @Test("an extra with unbalanced braces is escaped, not written raw")
    func unbalancedExtra() {
        let entry = Entry(key: "k", type: EntryType(.document), extra: [FieldKey("bibtex", "broken"): "a}b"])
        let (text, diagnostics) = written([entry])
        #expect(parseFields(text)["broken"] == #"a{\textbraceright}b"#)
        #expect(diagnostics.contains { $0.code == "bibtex.unbalanced-braces" })
    }

    @Test("one number field: the type decides who owns it; the other value keeps a field of its own")
    func numberClash() {
        let article = Entry(key: "a", type: EntryType(.articleJournal), fields: [.volume: "12", .issue: "4", .number: "e123"])
        #expect(fields(of: article)["number"] == "4")
        #expect(fields(of: article)["eid"] == "e123")
        #expect(fields(of: article, .biblatex)["number"] == "4")
        #expect(fields(of: article, .biblatex)["eid"] == "e123")

        let report = Entry(key: "r", type: EntryType(.report), fields: [.issue: "2", .number: "TR-17"])
        #expect(fields(of: report)["number"] == "TR-17")
        #expect(fields(of: report)["issue"] == "2")

        let book = Entry(key: "b", type: EntryType(.book), series: Level(title: "LNCS", number: "1234"), fields: [.number: "7"])
        #expect(fields(of: book)["number"] == "1234")
        #expect(fields(of: book)["eid"] == "7")
        let (text, diagnostics) = written([report], .biblatex)
        #expect(parseFields(text)["number"] == "TR-17")
        #expect(diagnostics.contains { $0.code == "bibtex.duplicate-field" && $0.field == "issue" })
    }

    @Test("an article without a volume keeps its issue out of `number` (plain warns \"number but no volume\")")
    func articleWithoutVolume() {
        let entry = Entry(key: "a", type: EntryType(.articleJournal), fields: [.issue: "4", .number: "e12"])
        let f = fields(of: entry)
        #expect(f["number"] == nil)
        #expect(f["issue"] == "4")
        #expect(f["eid"] == "e12")
        #expect(fields(of: entry, .biblatex)["number"] == "4")
    }

    @Test("contributor roles")
    func roles() {
        let entry = Entry(
            key: "k", type: EntryType(.book),
            contributors: [
                .author: NameList([person("A", "A")]), .translator: NameList([person("T", "T")]),
                .compiler: NameList([person("C", "C")]), .director: NameList([person("D", "D")]),
                ContributorRole("narrator"): NameList([person("N", "N")]), ContributorRole("host"): NameList([person("H", "H")]),
                ContributorRole("guest"): NameList([person("G", "G")]),
            ])
        let bibtex = fields(of: entry)
        #expect(bibtex["translator"] == "T, T")
        #expect(bibtex["compiler"] == "C, C")
        #expect(bibtex["director"] == "D, D")
        #expect(bibtex["narrator"] == "N, N")
        let (text, diagnostics) = written([entry], .biblatex)
        let biblatex = parseFields(text)
        #expect(biblatex["translator"] == "T, T")
        #expect(biblatex["editora"] == "C, C" && biblatex["editoratype"] == "compiler")
        #expect(biblatex["namea"] == "D, D" && biblatex["nameatype"] == "director")
        #expect(biblatex["nameb"] == "N, N" && biblatex["namebtype"] == "narrator")
        #expect(biblatex["namec"] == "H, H" && biblatex["namectype"] == "host")
        // Three generic slots: the fourth role is reported, not dropped silently.
        #expect(diagnostics.contains { $0.field == "guest" })
        // A translator has no slot in a biblatex @misc: the generic slot takes it.
        let misc = Entry(key: "m", type: EntryType(.document), contributors: [.translator: NameList([person("T", "T")])])
        #expect(fields(of: misc, .biblatex)["nameatype"] == "translator")
    }

    @Test("container editors become the editor; series editors and container authors have their own fields")
    func levelContributors() {
        let entry = Entry(
            key: "k", type: EntryType(.chapter), contributors: [.author: NameList([person("A", "A")])],
            container: Level(title: "Book", contributors: [.editor: NameList([person("E", "E")]), .author: NameList([person("B", "B")])]),
            series: Level(title: "S", contributors: [.editor: NameList([person("S", "S")])]))
        let f = fields(of: entry)
        #expect(f["editor"] == "E, E")
        #expect(f["bookauthor"] == "B, B")
        #expect(f["serieseditor"] == "S, S")
        #expect(f["booktitle"] == "Book")
    }

    @Test("links: url, file, and every other link in the note (BibTeX) or addendum (BibLaTeX)")
    func links() {
        let entry = Entry(
            key: "k", type: EntryType(.document),
            links: [
                Link("https://github.com/x/y", kind: .code), Link("https://example.org/paper"),
                Link("https://example.org/paper.pdf", kind: .fullText), Link("local/paper.pdf", kind: .file),
                Link("https://example.org/data?id=1#v2", kind: .data),
            ],
            notes: ["A note"])
        let bibtex = fields(of: entry)
        #expect(bibtex["url"] == "https://example.org/paper")
        #expect(bibtex["file"] == "local/paper.pdf")
        #expect(bibtex["note"] == ##"A note. Code: \url{https://github.com/x/y}. Full text: \url{https://example.org/paper.pdf}. Data: \url{https://example.org/data?id=1\#v2}"##)
        let biblatex = fields(of: entry, .biblatex)
        #expect(biblatex["note"] == "A note")
        #expect(biblatex["addendum"]?.components(separatedBy: #"\url{"#).count == 4)
        // Without a work link the first link that is not a file is the url.
        let codeOnly = Entry(key: "c", type: EntryType(.document), links: [Link("f.pdf", kind: .file), Link("https://g.it", kind: .code)])
        #expect(fields(of: codeOnly)["url"] == "https://g.it")
        #expect(fields(of: codeOnly)["note"] == nil)
    }

    @Test("identifiers")
    func identifiers() {
        let entry = Entry(
            key: "k", type: EntryType(.book),
            identifiers: [
                Identifier(.arxiv, "2306.16788", qualifier: "cs.LG"), Identifier(.isbn, "978-0-262-01646-9"),
                Identifier(.isbn, "978-0-000-00000-1"), Identifier(.pmid, "123"), Identifier(.doi, "10.1/a"),
                Identifier(.doi, "10.1/b"),
            ])
        let bibtex = fields(of: entry)
        #expect(bibtex["eprint"] == "2306.16788")
        #expect(bibtex["archiveprefix"] == "arXiv")
        #expect(bibtex["primaryclass"] == "cs.LG")
        #expect(bibtex["isbn"] == "978-0-262-01646-9, 978-0-000-00000-1")
        #expect(bibtex["pmid"] == "123")
        #expect(bibtex["doi"] == "10.1/a" && bibtex["doi2"] == "10.1/b")
        let (text, diagnostics) = written([entry], .biblatex)
        let biblatex = parseFields(text)
        #expect(biblatex["eprint"] == "2306.16788")
        #expect(biblatex["eprinttype"] == "arxiv")
        #expect(biblatex["eprintclass"] == "cs.LG")
        #expect(biblatex["isbn"] == "978-0-262-01646-9")
        #expect(diagnostics.contains { $0.code == "bibtex.invalid-identifier" && $0.message.contains("978-0-000-00000-1") })
        #expect(diagnostics.contains { $0.field == "pmid" })
        #expect(diagnostics.contains { $0.field == "doi" })
    }

    @Test("container and series identifiers join the entry's (an article's ISSN comes from its journal)")
    func levelIdentifiers() {
        let entry = Entry(key: "k", type: EntryType(.articleJournal), container: Level(title: "J", identifiers: [Identifier(.issn, "1532-4435")]))
        #expect(fields(of: entry)["issn"] == "1532-4435")
        #expect(fields(of: entry, .biblatex)["issn"] == "1532-4435")
        #expect(IdentifierChecks.isValidISSN("0028-0836"))
        #expect(!IdentifierChecks.isValidISSN("1234-5678"))
        #expect(IdentifierChecks.isValidISBN("0-262-03384-4"))
        #expect(IdentifierChecks.isValidISBN("978-0-262-03384-8"))
        #expect(!IdentifierChecks.isValidISBN("123"))
    }

    @Test("language: langid for babel languages in BibLaTeX, `language` otherwise")
    func language() {
        for (given, langid) in [("en", "english"), ("de-AT", "naustrian"), ("German", "ngerman"), ("pt_BR", "brazilian")] {
            let e = Entry(key: "k", type: EntryType(.document), language: given)
            #expect(fields(of: e, .biblatex)["langid"] == langid)
            #expect(fields(of: e)["language"] == given.replacingAll("_", with: #"\_"#))
        }
        let klingon = Entry(key: "k", type: EntryType(.document), language: "Klingon")
        #expect(fields(of: klingon, .biblatex)["language"] == "Klingon")
    }

    @Test("keywords are comma-separated; a keyword with a comma is braced")
    func keywords() {
        let e = Entry(key: "k", type: EntryType(.document), keywords: ["deep learning", " ", "a, b", "C++ & co"])
        #expect(fields(of: e)["keywords"] == #"deep learning, {a, b}, C++ \& co"#)
    }

    @Test("a field outside biber's data model is reported once per field and type, with a count")
    func notInType() {
        let entries = ["a", "b", "c"].map {
            Entry(key: $0, type: EntryType(.articleJournal), container: Level(title: "J"), fields: [.publisher: "Springer"])
        }
        let (text, diagnostics) = written(entries, .biblatex)
        #expect(!text.contains("Springer"))
        let warnings = diagnostics.filter { $0.code == "bibtex.field-not-in-type" }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("3 entries (a, b, c)") == true)
        #expect(written(entries).text.contains("publisher = {Springer}"))
    }

    @Test("non-integer volumes are not given to biber")
    func volumeInteger() {
        let e = Entry(key: "k", type: EntryType(.articleJournal), fields: [.volume: "IV"])
        let (text, diagnostics) = written([e], .biblatex)
        #expect(!text.contains("volume"))
        #expect(diagnostics.contains { $0.code == "bibtex.invalid-value" })
        #expect(fields(of: e)["volume"] == "IV")
    }

    @Test("fields come in a fixed canonical order")
    func order() {
        let text = written(Samples.everyField.entries).text
        let names = text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), let eq = line.range(of: " = ") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 2)..<eq.lowerBound])
        }
        func index(_ n: String) -> Int { names.firstIndex(of: n) ?? -1 }
        let expected = ["author", "editor", "translator", "title", "shorttitle", "series", "volume", "pages", "edition", "publisher", "address", "year", "month", "doi", "isbn", "url", "abstract", "keywords", "language", "note", "annote", "timestamp"]
        let positions = expected.map(index)
        #expect(!positions.contains(-1), "\(names)")
        #expect(positions == positions.sorted(), "\(names)")
        #expect(Set(names).count == names.count, "no field twice")
    }
}

@Suite("Table symmetry (write → read)")
struct TableSymmetryTests {
    static let kinds: [WorkType] = [.articleJournal, .book, .chapter, .paperConference, .thesis, .report, .document, .dataset, .webpage]

    @Test("a field written at its home reads back as that field", arguments: Field.allCases)
    func fieldSymmetry(_ field: Field) {
        var checked = 0
        for dialect in BibTeXDialect.allCases {
            for kind in Self.kinds {
                var entry = Entry(key: "k", type: EntryType(kind))
                entry.fields[field] = field == .volume || field == .numberOfVolumes ? "3" : "x"
                let text = written([entry], dialect).text
                guard let type = header(text)?.type,
                    let home = BibTeXFieldTable.row(field).names(in: dialect, type: type).first,
                    parseFields(text)[home] != nil
                else { continue }
                let owners = BibTeXFieldTable.rows.filter { $0.names(in: dialect, type: type).first == home }.map(\.field)
                let back = BibTeXFieldTable.field(named: home, in: dialect, type: type)
                if owners.count == 1 {
                    #expect(back == field, "\(dialect) @\(type): \(home)")
                } else {
                    // A shared home (`library` for archive, archive location and call number)
                    // reads back as one of its owners.
                    #expect(back.map(owners.contains) == true, "\(dialect) @\(type): \(home)")
                }
                checked += 1
            }
        }
        #expect(checked > 0, "\(field) was never written at its home")
    }

    @Test("number means the issue in articles and the number elsewhere; aliases read back")
    func numberAndAliases() {
        #expect(BibTeXFieldTable.field(named: "number", in: .bibtex, type: "article") == .issue)
        #expect(BibTeXFieldTable.field(named: "number", in: .biblatex, type: "report") == .number)
        #expect(BibTeXFieldTable.field(named: "school", in: .bibtex, type: "phdthesis") == .institution)
        #expect(BibTeXFieldTable.field(named: "location", in: .bibtex, type: "book") == .publisherPlace)
        #expect(BibTeXFieldTable.field(named: "annotation", in: .bibtex, type: "misc") == .annote)
        #expect(BibTeXFieldTable.field(named: "howpublished", in: .biblatex, type: "misc") == .howPublished)
        #expect(BibTeXFieldTable.field(named: "eid", in: .bibtex, type: "article") == .number)
        #expect(BibTeXFieldTable.field(named: "title", in: .bibtex, type: "misc") == nil)
    }

    @Test("roles read back from the field they are written to", arguments: BibTeXRoleTable.rows)
    func roleSymmetry(_ row: BibTeXRoleRow) {
        #expect(BibTeXRoleTable.role(forBibTeXField: row.bibtex) == row.role)
        switch row.biblatex {
        case .field(let name): #expect(BibTeXRoleTable.role(forBibLaTeXField: name) == row.role)
        case .editorType(let key): #expect(BibTeXRoleTable.role(forBibLaTeXField: "editorb", typeField: key) == row.role)
        case .generic: #expect(BibTeXRoleTable.role(forBibLaTeXField: "namec", typeField: row.role.rawValue) == row.role)
        }
    }

    @Test("month macros read back")
    func months() {
        for m in 1...12 {
            let macro = BibTeXDates.monthMacro(m) ?? ""
            #expect(BibTeXDates.monthMacros.firstIndex(of: macro).map { $0 + 1 } == m)
        }
    }

    @Test("the character table inverts: no two characters share a text form")
    func characterTableInverts() {
        var seen: [String: Unicode.Scalar] = [:]
        let allowedShared: Set<String> = ["-", "--", "---", " ", #"{\,}"#, #"{\enspace}"#, #"{\quad}"#]
        for (scalar, form) in LaTeXCharacterTable.textForms where !allowedShared.contains(form) {
            if let other = seen[form] {
                Issue.record("\(form) is the form of both U+\(String(scalar.value, radix: 16)) and U+\(String(other.value, radix: 16))")
            }
            seen[form] = scalar
        }
    }
}
