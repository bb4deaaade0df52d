import BibModel
import Foundation
import Testing

@testable import RISFormat

/// The writer: layout, goldens, and model → RIS → model.
@Suite struct WriterTests {
    /// An entry using every slot the model has, built so that it reads back identically.
    static var kitchenSink: Entry {
        var e = Entry(type: EntryType(.chapter, original: FieldKey("bibtex", "incollection")))
        e.key = "zimmer2023sparse"
        e.title = RichText([.text("Sparse "), .italic([.text("in vivo")]), .text(" coding of H"), .subscript([.text("2")]), .text("O in "), .caseProtected([.text("BERT")])])
        e.shortTitle = "Sparse coding"
        e.contributors[.author] = NameList(
            [
                PersonName(family: "Zimmer", given: "Max"), PersonName(family: "Berg", given: "Jan", nonDroppingParticle: "van der"),
                PersonName(family: "Beethoven", given: "Ludwig", droppingParticle: "van"), PersonName(family: "King", given: "Martin Luther", suffix: "Jr."),
                .literal("World Health Organization"),
            ], truncated: true)
        e.contributors[.editor] = NameList([PersonName(family: "Editor", given: "Eve")])
        e.contributors[.collectionEditor] = NameList([PersonName(family: "Series", given: "Sam")])
        e.contributors[.translator] = NameList([PersonName(family: "Trans", given: "Tom")])
        e.contributors[.director] = NameList([PersonName(family: "Kubrick", given: "Stanley")])
        e.dates[.issued] = .typed(BibDate(year: 2023, month: 6, day: 29))
        e.dates[.accessed] = .typed(BibDate(year: 2024, month: 1, day: 2))
        e.dates[.originalDate] = .typed(BibDate(from: DateParts(year: 1999), to: DateParts(year: 2001)))
        e.dates[.eventDate] = .raw("the week after Easter")
        e.container = Level(title: "Advances in <Sparse> Learning", shortTitle: "Adv. Sparse Learn.", number: "4", identifiers: [Identifier(.isbn, "978-3-16-148410-0")])
        e.series = Level(title: "Lecture Notes in Computer Science", shortTitle: "LNCS", number: "1234", identifiers: [Identifier(.issn, "0302-9743")])
        e.fields = [
            .volume: "12", .issue: "3", .page: "101-118", .edition: "2nd", .publisher: "Springer", .publisherPlace: "Berlin",
            .number: "TR-17", .numberOfVolumes: "2", .genre: "Research article", .section: "B", .archive: "arXiv",
            .archiveLocation: "2306.16788", .callNumber: "QA76", .annote: "read twice", .medium: "print", .eventTitle: "NeurIPS",
            .eventPlace: "New Orleans", .status: "in press", .rights: "CC-BY 4.0", .howPublished: "online",
        ]
        e.identifiers = [
            Identifier(.doi, "10.1000/xyz123"), Identifier(.arxiv, "2306.16788", qualifier: "cs.LG"), Identifier(.pmid, "12345678"),
            Identifier(.doi, "10.1000/other"),
        ]
        e.links = [
            Link("https://example.org/paper"), Link("https://example.org/paper.pdf", kind: .fullText),
            Link("internal-pdf://123/paper.pdf", kind: .file), Link("https://example.org/related", kind: .related),
        ]
        e.abstract = "We study sparse coding."
        e.keywords = ["sparse coding", "neuroscience"]
        e.language = "en"
        e.notes = ["A plain note.", RichText([.text("With "), .bold([.text("bold")])])]
        e.extra = [
            FieldKey("ris", "AD"): "Some University", FieldKey("ris", "AD#2"): "Another University", FieldKey("ris", "C7"): "104501",
            FieldKey("ris", "NL"): "Unknown tag value", FieldKey("ris", "Y1"): "2023/06/20/", FieldKey("bibtex", "timestamp"): "2020-01-01",
            FieldKey("csl", "custom-thing"): "value with: colon",
        ]
        return e
    }

    @Test func kitchenSinkGolden() throws {
        var d = Diagnostics()
        let bytes = RISWriter().write(Library(entries: [Self.kitchenSink]), options: WriteOptions(), diagnostics: &d)
        try assertSnapshot(String(decoding: bytes, as: UTF8.self), named: "kitchen-sink.ris")
        #expect(d.all.isEmpty, "\(d.all.map(\.message))")
    }

    @Test func kitchenSinkReadsBackIdentically() {
        let original = Self.kitchenSink
        let back = readOne(writeRIS(original))
        // The RIS type replaces the BibTeX one; everything else is kept.
        var expected = original
        expected.type = EntryType(.chapter, original: FieldKey("ris", "CHAP"))
        // Fields come back in the canonical order of `Field`.
        expected.fields.sort { $0.key < $1.key }
        // The chapter's ISBN is the container's; DOI first.
        #expect(back == expected, "\(CorpusTests.diff(expected, back))")
    }

    /// One entry of each of the 45 work types, in a golden file.
    @Test func everyTypeGolden() throws {
        let entries = WorkType.allCases.map { kind in
            Entry(
                type: EntryType(kind), contributors: [.author: NameList([PersonName(family: "Doe", given: "Jane")])],
                title: RichText("A \(kind.rawValue)"), dates: [.issued: .typed(BibDate(year: 2020))])
        }
        let (text, d) = writeRIS(Library(entries: entries))
        try assertSnapshot(text, named: "every-type.ris")
        #expect(d.all.isEmpty)
        let back = readRIS(Array(text.utf8)).0
        #expect(back.entries.map(\.type.kind) == WorkType.allCases)
    }

    @Test func layout() {
        let (text, _) = writeRIS(Library(entries: [Self.kitchenSink, Entry(type: EntryType(.book), title: "B")]))
        let bytes = Array(text.utf8)
        // CRLF only.
        for (i, b) in bytes.enumerated() where b == 0x0A { #expect(i > 0 && bytes[i - 1] == 0x0D) }
        for (i, b) in bytes.enumerated() where b == 0x0D { #expect(i + 1 < bytes.count && bytes[i + 1] == 0x0A) }
        let records = text.components(separatedBy: "\r\n\r\n")
        #expect(records.count == 2)
        for r in records {
            let lines = tagLines(r)
            #expect(lines.first?.hasPrefix("TY  - ") == true)
            #expect(lines.last == "ER  - ")
            for l in lines {
                let b = Array(l.utf8)
                #expect(b.count >= 6 && b[2] == 0x20 && b[3] == 0x20 && b[4] == UInt8(ascii: "-") && b[5] == 0x20, "bad line \(l)")
                #expect(l == "ER  - " || !l.hasSuffix(" "), "trailing space in \(l)")
            }
        }
        #expect(text.hasSuffix("ER  - \r\n"))
    }

    @Test func multiLineValuesAreFlattened() {
        let e = Entry(type: EntryType(.articleJournal), title: "Line one\nline two", abstract: "Para one.\r\n\r\nPara two.", notes: ["a\tb"])
        let lines = tagLines(writeRIS(e))
        #expect(lines.contains("TI  - Line one line two"))
        #expect(lines.contains("AB  - Para one. Para two."))
        #expect(lines.contains("N1  - a b"))
    }

    @Test func untitledEntriesGetAPlaceholderAndAWarning() {
        let (text, d) = writeRIS(Library(entries: [Entry(type: EntryType(.book))]))
        #expect(tagLines(text).contains("TI  - [Untitled]"))
        #expect(d.all.contains { $0.code == "ris.no-title" && $0.severity == .warning })
        #expect(readOne(text).title == nil)
    }

    /// `bibkit:title.alone` gives the title without the parts joined to `TI` (and to the
    /// container's title); an empty one, which bibkit never writes, does not blank a title.
    @Test func titleAloneNotesReplaceJoinedTitles() {
        let joined = readOne("TY  - JOUR\r\nTI  - Main: Sub\r\nT2  - J: S\r\nN1  - bibkit:title.alone: Main\r\nN1  - bibkit:container.title.alone: J\r\nER  - \r\n")
        #expect(joined.title == "Main")
        #expect(joined.container?.title == "J")
        let empty = readOne("TY  - JOUR\r\nTI  - Main: Sub\r\nT2  - J: S\r\nN1  - bibkit:title.alone: \r\nN1  - bibkit:container.title.alone:\r\nER  - \r\n")
        #expect(empty.title == "Main: Sub")
        #expect(empty.container?.title == "J: S")
    }

    @Test func truncatedListsAreNoted() {
        let e = Entry(type: EntryType(.articleJournal), contributors: [.author: NameList([PersonName(family: "A", given: "B")], truncated: true)], title: "T")
        let text = writeRIS(e)
        #expect(tagLines(text).contains("N1  - bibkit:et-al: author"))
        #expect(!text.contains("AU  - et al"))
        #expect(readOne(text).authors.truncated)
    }

    @Test func extrasWrittenAsTagsOrNotes() {
        var e = Entry(type: EntryType(.articleJournal), title: "T")
        e.fields[.volume] = "3"
        e.extra = [
            FieldKey("ris", "C1"): "custom one",  // portable: verbatim
            FieldKey("ris", "VL"): "4",  // VL already written: note
            FieldKey("ris", "Y1"): "4-8 Aug. 2020",  // not a RIS date: note
            FieldKey("ris", "NL"): "nl",  // unknown to clients: note
            FieldKey("ris", "PMID"): "123",  // not a tag: note
            FieldKey("bibtex", "owner"): "max",  // another format: note
        ]
        let lines = tagLines(writeRIS(e))
        #expect(lines.contains("C1  - custom one"))
        #expect(lines.contains("N1  - ris:VL: 4"))
        #expect(lines.contains("N1  - ris:Y1: 4-8 Aug. 2020"))
        #expect(lines.contains("N1  - ris:NL: nl"))
        #expect(lines.contains("N1  - ris:PMID: 123"))
        #expect(lines.contains("N1  - bibtex:owner: max"))
        #expect(readOne(writeRIS(e)).extra == e.extra)
    }

    @Test func extraWithAnUnreadableNameIsReported() {
        var e = Entry(type: EntryType(.articleJournal), title: "T")
        e.extra[FieldKey("bibtex", "my field")] = "x"
        let (_, d) = writeRIS(Library(entries: [e]))
        #expect(d.all.contains { $0.code == "ris.extra-name" })
    }

    @Test func mathIsWrittenAsTeXAndReported() {
        let e = Entry(type: EntryType(.articleJournal), title: RichText([.text("The "), .math("x^2"), .text(" law")]))
        let (text, d) = writeRIS(Library(entries: [e]))
        #expect(tagLines(text).contains("TI  - The $x^2$ law"))
        #expect(d.all.contains { $0.code == "ris.markup-flattened" && $0.severity == .note })
    }

    @Test func writtenTypeKeepsTheRISOriginal() {
        #expect(tagLines(writeRIS(Entry(type: EntryType(.paperConference, original: FieldKey("ris", "CPAPER")), title: "T"))).first == "TY  - CPAPER")
        // An original that no longer matches the type is not used.
        #expect(tagLines(writeRIS(Entry(type: EntryType(.book, original: FieldKey("ris", "CPAPER")), title: "T"))).first == "TY  - BOOK")
        #expect(tagLines(writeRIS(Entry(type: EntryType(.paperConference, original: FieldKey("bibtex", "inproceedings")), title: "T"))).first == "TY  - CONF")
    }

    @Test func genreOfTheTypeIsKept() {
        let e = Entry(type: EntryType(.thesis, genre: "phd"), title: "T")
        #expect(readOne(writeRIS(e)).type == EntryType(.thesis, original: FieldKey("ris", "THES"), genre: "phd"))
    }

    @Test func bookPagesAndPageCount() {
        var b = Entry(type: EntryType(.book), title: "B")
        b.fields[.numberOfPages] = "320"
        #expect(tagLines(writeRIS(b)).contains("SP  - 320"))
        b.fields[.page] = "17"
        let text = writeRIS(b)
        #expect(tagLines(text).contains("N1  - bibkit:page: 17"))
        #expect(readOne(text).fields == [.page: "17", .numberOfPages: "320"])
    }

    @Test func containerEditorsAreWrittenAsEditors() {
        var e = Entry(type: EntryType(.chapter), title: "C")
        e.container = Level(title: "Book", contributors: [.editor: NameList([PersonName(family: "Ed", given: "E")])])
        e.series = Level(title: "Series", contributors: [.editor: NameList([PersonName(family: "Se", given: "S")])])
        let lines = tagLines(writeRIS(e))
        #expect(lines.contains("A2  - Ed, E"))
        #expect(lines.contains("A3  - Se, S"))
        let back = readOne(writeRIS(e))
        #expect(back.contributors[.editor]?.names.first?.family == "Ed")
        #expect(back.contributors[.collectionEditor]?.names.first?.family == "Se")
    }

    @Test func emptyLibraryWritesNothing() {
        #expect(writeRIS(Library()).0.isEmpty)
    }
}

/// The plug-in: names, extension, sniffing.
@Suite struct PluginTests {
    @Test func descriptor() {
        let p = RISFormat.plugin
        #expect(p.descriptor.id == .ris)
        #expect(p.descriptor.extensions == ["ris"])
        #expect(p.descriptor.aliases == ["refman"])
        #expect(p.reader != nil && p.writer != nil)
    }

    @Test(arguments: [
        ("TY  - JOUR\r\nTI  - T\r\nER  - \r\n", 95),
        ("\u{FEFF}TY  - JOUR\nER  - \n", 95),
        ("\n\n1.\nTY  - JOUR\n", 95),
        ("ty - JOUR\n", 70),
        ("DB  - Scopus\nT1  - T\nAU  - A\nER  - \n", 50),
        ("@article{x, title={T}}", 0),
        ("[{\"id\": \"x\"}]", 0),
        ("PT J\nAU Smith\nTI x\nER\n", 0),
        ("", 0),
    ])
    func sniff(_ text: String, _ score: Int) {
        #expect(RISFormat.sniff(ArraySlice(Array(text.utf8))) == score)
    }
}
