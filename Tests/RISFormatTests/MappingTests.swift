import Foundation
import BibModel
import Testing

@testable import RISFormat

/// Stage two: raw fields → model, precedence rules, names, dates, identifiers, extras.
@Suite struct PrecedenceTests {
    @Test func titleTIOverT1OverCT() {
        #expect(readOne(record("JOUR", "CT  - c", "T1  - b", "TI  - a")).title?.plainText == "a")
        #expect(readOne(record("JOUR", "CT  - c", "T1  - b")).title?.plainText == "b")
        #expect(readOne(record("JOUR", "CT  - c")).title?.plainText == "c")
        let e = readOne(record("JOUR", "TI  - a", "T1  - b", "CT  - a"))
        #expect(e.extra == [FieldKey("ris", "T1"): "b"])  // CT repeats TI: redundant; T1 differs: kept
    }

    @Test func bookTitleBT() {
        #expect(readOne(record("BOOK", "BT  - The Book")).title?.plainText == "The Book")
        #expect(readOne(record("CHAP", "TI  - Ch", "BT  - The Book")).container?.title?.plainText == "The Book")
    }

    @Test func containerT2OverJFOverJOOverJA() {
        #expect(readOne(record("JOUR", "JA  - J. X", "JO  - Jour X", "JF  - Journal X", "T2  - The Journal X")).container?.title?.plainText == "The Journal X")
        #expect(readOne(record("JOUR", "JA  - J. X", "JO  - Jour X", "JF  - Journal X")).container?.title?.plainText == "Journal X")
        #expect(readOne(record("JOUR", "JA  - J. X", "JO  - Jour X")).container?.title?.plainText == "Jour X")
        #expect(readOne(record("JOUR", "JA  - J. X")).container?.title?.plainText == "J. X")
    }

    @Test func abbreviationJ2OverJAOverJ1AndJOWhenItIsNotTheTitle() {
        let e = readOne(record("JOUR", "T2  - The Journal of Chemical Physics", "JF  - The Journal of Chemical Physics", "JO  - J. Chem. Phys."))
        #expect(e.container?.title?.plainText == "The Journal of Chemical Physics")
        #expect(e.container?.shortTitle == "J. Chem. Phys.")
        #expect(e.extra.isEmpty)
        let f = readOne(record("JOUR", "T2  - Journal", "J2  - J.", "JA  - Jl.", "J1  - Jnl"))
        #expect(f.container?.shortTitle == "J.")
        #expect(f.extra == [FieldKey("ris", "JA"): "Jl.", FieldKey("ris", "J1"): "Jnl"])
    }

    @Test func dateDAOverPYOverY1() {
        #expect(readOne(record("JOUR", "Y1  - 2018/01/02/", "PY  - 2019", "DA  - 2019/03/04/")).issued == .typed(BibDate(year: 2019, month: 3, day: 4)))
        #expect(readOne(record("JOUR", "Y1  - 2017", "PY  - 2019")).issued == .typed(BibDate(year: 2019)))
        #expect(readOne(record("JOUR", "Y1  - 2017/05//")).issued == .typed(BibDate(year: 2017, month: 5)))
    }

    @Test func agreeingDatesAreRedundantConflictingOnesKept() {
        let (lib, d) = readRIS(record("JOUR", "PY  - 2013", "Y1  - 2013/07/22", "DA  - 2013/07/28"))
        let e = lib.entries[0]
        #expect(e.issued == .typed(BibDate(year: 2013, month: 7, day: 28)))
        #expect(e.extra == [FieldKey("ris", "Y1"): "2013/07/22"])
        #expect(d.all.contains { $0.code == "ris.date-conflict" && $0.location?.line == 3 && $0.severity == .note })
    }

    @Test func aMorePreciseLowerTagRefinesTheYear() {
        let e = readOne(record("JOUR", "PY  - 2015", "Y1  - 2015/09/10"))
        #expect(e.issued == .typed(BibDate(year: 2015, month: 9, day: 10)))
        #expect(e.extra.isEmpty)
    }

    @Test func monthDayOnlyDACompletesTheYear() {
        // EndNote / Web of Science: `DA  - SEP 16` with the year in PY.
        let e = readOne(record("JOUR", "PY  - 2019", "DA  - SEP 16"))
        #expect(e.issued == .typed(BibDate(year: 2019, month: 9, day: 16)))
        #expect(e.extra.isEmpty)
    }

    @Test func accessDateY2() {
        #expect(readOne(record("ELEC", "Y2  - 2021/01/24/")).dates[.accessed] == .typed(BibDate(year: 2021, month: 1, day: 24)))
        #expect(readOne(record("ELEC", "Y2  - 2021-01-24 10:11:12")).dates[.accessed] == .typed(BibDate(year: 2021, month: 1, day: 24)))
    }

    @Test func abstractABOverN2Deduplicated() {
        let e = readOne(record("JOUR", "N2  - The  abstract.", "AB  - The abstract."))
        #expect(e.abstract?.plainText == "The abstract.")
        #expect(e.extra.isEmpty)
        #expect(readOne(record("JOUR", "N2  - Only N2.")).abstract?.plainText == "Only N2.")
        let g = readOne(record("JOUR", "AB  - Abstract.", "AB  - Copyright notice."))
        #expect(g.extra == [FieldKey("ris", "AB"): "Copyright notice."])
    }

    @Test func doiDOOverDIOverM3N1UR() {
        #expect(readOne(record("JOUR", "DI  - 10.1/di", "DO  - 10.1/do")).identifier(.doi) == "10.1/do")
        #expect(readOne(record("JOUR", "DI  - 10.1/di")).identifier(.doi) == "10.1/di")
        #expect(readOne(record("JOUR", "M3  - doi: 10.1063/1.4814070")).identifier(.doi) == "10.1063/1.4814070")
        #expect(readOne(record("JOUR", "N1  - doi: 10.1063/1.4814070")).identifier(.doi) == "10.1063/1.4814070")
        // A DOI inside other text is another work's (issue #5: only a note that states the
        // record's own DOI counts); the note is kept as it is.
        let n = readOne(record("JOUR", "N1  - See also doi:10.1000/abc. for more"))
        #expect(n.identifier(.doi) == nil)
        #expect(n.notes.count == 1)
        #expect(readOne(record("JOUR", "N1  - DOI 10.1000/abc.")).identifier(.doi) == "10.1000/abc")
        let u = readOne(record("JOUR", "UR  - https://doi.org/10.1000/xyz"))
        #expect(u.identifier(.doi) == "10.1000/xyz")
        #expect(u.links == [Link("https://doi.org/10.1000/xyz")])
        // The M3/N1 copies of the DOI repeat DO: nothing in extra, no note, M3 not a genre.
        let all = readOne(record("JOUR", "DO  - https://doi.org/10.1063/1.4814070", "N1  - doi: 10.1063/1.4814070", "M3  - doi: 10.1063/1.4814070"))
        #expect(all.identifiers == [Identifier(.doi, "10.1063/1.4814070")])
        #expect(all.notes.isEmpty && all.extra.isEmpty && all.fields[.genre] == nil)
    }

    /// `Fixtures/doi/notes.ris`: Scopus `References:` notes full of cited works' DOIs give no
    /// DOI; a note that labels the DOI, or is one, gives it; DO, DI and M3 come first.
    @Test func doiFromNotesOnlyWhenTheNoteStatesIt() throws {
        let url = Env.fixtures.appendingPathComponent("doi/notes.ris")
        let (library, _) = readRIS(Array(try Data(contentsOf: url)), file: "notes.ris")
        let dois = library.entries.map { $0.identifier(.doi) }
        #expect(
            dois == [
                nil, "10.1016/j.psyneuen.2019.104501", nil, "10.1063/1.4814070", "10.1016/j.neuron.2016.10.006",
                "10.1201/b19107-2", "10.1000/di.1", "10.1000/m3.1",
            ])
        // The reference lists stay notes, whole.
        #expect(library.entries[0].notes.contains { $0.plainText.hasPrefix("References: Agostini") && $0.plainText.contains("10.1038/tp.2016.191") })
        #expect(library.entries[1].notes.count == 1)
        // A labelled note that loses to DI says something else: it is kept.
        #expect(library.entries[6].identifiers.filter { $0.kind == .doi }.count == 1)
        #expect(library.entries[6].extra[FieldKey("ris", "N1")] == "DOI: 10.1000/note.1")
        // A labelled note that gives the DOI is not also a note.
        #expect(library.entries[3].notes.isEmpty)
        #expect(library.entries[4].notes.isEmpty)
    }

    @Test func pages() {
        #expect(readOne(record("JOUR", "SP  - 123-145")).fields[.page] == "123-145")
        #expect(readOne(record("JOUR", "SP  - 123–145", "EP  - 145")).fields[.page] == "123–145")
        #expect(readOne(record("JOUR", "SP  - 123", "EP  - 145")).fields[.page] == "123-145")
        #expect(readOne(record("JOUR", "EP  - 145", "SP  - 123")).fields[.page] == "123-145")
        #expect(readOne(record("JOUR", "SP  - e1234")).fields[.page] == "e1234")
        #expect(readOne(record("BOOK", "SP  - 320")).fields[.numberOfPages] == "320")
        #expect(readOne(record("BOOK", "SP  - 12", "EP  - 20")).fields[.page] == "12-20")
        #expect(readOne(record("JOUR", "EP  - 145")).extra == [FieldKey("ris", "EP"): "145"])
    }

    @Test func repeatedTagsKeepEveryValue() {
        let e = readOne(record(
            "JOUR", "TI  - T", "AU  - A, B", "A1  - C, D", "KW  - k1", "KW  - k2", "UR  - https://a", "UR  - https://b", "N1  - n1",
            "N1  - n2", "L1  - https://x/paper.pdf", "L1  - internal-pdf://1/p.pdf", "L2  - https://related", "AD  - addr 1",
            "AD  - addr 2", "AD  - addr 3", "A2  - E, F", "ED  - G, H", "A3  - S, E", "A4  - T, R"))
        #expect(e.authors.names.map(\.family) == ["A", "C"])
        #expect(e.contributors[.editor]?.names.map(\.family) == ["E", "G"])
        #expect(e.contributors[.collectionEditor]?.names.map(\.family) == ["S"])
        #expect(e.contributors[.translator]?.names.map(\.family) == ["T"])
        #expect(e.keywords == ["k1", "k2"])
        #expect(e.notes == ["n1", "n2"])
        #expect(e.links == [
            Link("https://a"), Link("https://b"), Link("https://x/paper.pdf", kind: .fullText),
            Link("internal-pdf://1/p.pdf", kind: .file), Link("https://related", kind: .related),
        ])
        // Repeated tags without a slot: numbered keys, in source order.
        #expect(Array(e.extra.keys) == [FieldKey("ris", "AD"), FieldKey("ris", "AD#2"), FieldKey("ris", "AD#3")])
        #expect(Array(e.extra.values) == ["addr 1", "addr 2", "addr 3"])
    }

    @Test func bookLikeTypesUseT2AndA2ForTheSeries() {
        let e = readOne(record("BOOK", "TI  - B", "T2  - Lecture Notes", "A2  - Series, Ed", "A3  - Volume, Ed"))
        #expect(e.series?.title?.plainText == "Lecture Notes")
        #expect(e.contributors[.collectionEditor]?.names.first?.family == "Series")
        #expect(e.contributors[.editor]?.names.first?.family == "Volume")
        let c = readOne(record("CHAP", "TI  - C", "T2  - The Book", "T3  - Lecture Notes", "A2  - Book, Ed"))
        #expect(c.container?.title?.plainText == "The Book")
        #expect(c.series?.title?.plainText == "Lecture Notes")
        #expect(c.contributors[.editor]?.names.first?.family == "Book")
    }

    @Test func standardNumbers() {
        let j = readOne(record("JOUR", "SN  - 0021-9606"))
        #expect(j.container?.identifiers == [Identifier(.issn, "0021-9606")])
        let b = readOne(record("BOOK", "SN  - 978-3-16-148410-0"))
        #expect(b.identifiers == [Identifier(.isbn, "978-3-16-148410-0")])
        let scopus = readOne(record("JOUR", "SN  - 03064530 (ISSN)"))
        #expect(scopus.container?.identifiers == [Identifier(.issn, "03064530 (ISSN)")])
        let report = readOne(record("RPRT", "SN  - TR-2020-17"))
        #expect(report.fields[.number] == "TR-2020-17")
    }

    @Test func fieldsTable() {
        let e = readOne(record(
            "JOUR", "VL  - 12", "IS  - 3", "ET  - 2nd", "PB  - Pub", "CY  - Place", "M3  - Review", "NV  - 4", "SE  - S2",
            "AN  - acc-1", "DB  - Scopus", "CN  - QA76", "RN  - my notes", "LA  - eng", "ID  - key1", "ST  - Short"))
        #expect(e.fields == [
            .volume: "12", .issue: "3", .edition: "2nd", .publisher: "Pub", .publisherPlace: "Place", .numberOfVolumes: "4",
            .genre: "Review", .section: "S2", .archive: "Scopus", .archiveLocation: "acc-1", .callNumber: "QA76", .annote: "my notes",
        ])
        #expect(e.language == "eng")
        #expect(e.key == "key1")
        #expect(e.shortTitle == "Short")
        #expect(readOne(record("COMP", "ET  - 1.2.3")).fields[.version] == "1.2.3")
    }

    @Test func zoteroMarkupInTitles() {
        let e = readOne(record("JOUR", "TI  - The <i>E. coli</i> genome and H<sub>2</sub>O at 10<sup>5</sup> <span class=\"nocase\">iPhone</span>"))
        #expect(e.title?.inlines == [
            .text("The "), .italic([.text("E. coli")]), .text(" genome and H"), .subscript([.text("2")]), .text("O at 10"),
            .superscript([.text("5")]), .text(" "), .caseProtected([.text("iPhone")]),
        ])
        // Not markup: kept verbatim.
        #expect(readOne(record("JOUR", "TI  - p < 0.05 and <i>unclosed")).title == "p < 0.05 and <i>unclosed")
        #expect(readOne(record("JOUR", "TI  - a </i> b")).title == "a </i> b")
    }

    @Test func endNoteTitleRepeatedAsNoteIsDropped() {
        #expect(readOne(record("JOUR", "TI  - Same", "N1  - Same")).notes.isEmpty)
    }

    @Test func structuredNotesOfOtherFormatsGoToExtra() {
        let e = readOne(record("JOUR", "TI  - T", "N1  - bibtex:timestamp: 2020-01-01", "N1  - Export Date: 18 November 2019"))
        #expect(e.extra == [FieldKey("bibtex", "timestamp"): "2020-01-01"])
        #expect(e.notes == ["Export Date: 18 November 2019"])
    }
}

/// Names: `Last, First, Suffix` and what exporters write instead.
@Suite struct NameTests {
    @Test(arguments: [
        ("Smith, John", PersonName(family: "Smith", given: "John")),
        ("Smith,John", PersonName(family: "Smith", given: "John")),
        ("Shi,Yu ", PersonName(family: "Shi", given: "Yu")),
        ("Smith, John, Jr.", PersonName(family: "Smith", given: "John", suffix: "Jr.")),
        ("Smith, Jr., John", PersonName(family: "Smith", given: "John", suffix: "Jr.")),
        ("van der Berg, Jan", PersonName(family: "Berg", given: "Jan", nonDroppingParticle: "van der")),
        ("d'Aspremont, Alexandre", PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d'")),
        ("Beethoven, Ludwig van", PersonName(family: "Beethoven", given: "Ludwig", droppingParticle: "van")),
        ("Cocke,", PersonName(family: "Cocke")),
        (", Madonna", PersonName(given: "Madonna")),
        ("Smith J", PersonName(family: "Smith", given: "J")),
        ("Smith JA", PersonName(family: "Smith", given: "JA")),
        ("Smith J.A.", PersonName(family: "Smith", given: "J.A.")),
        ("de Souza JM", PersonName(family: "Souza", given: "JM", nonDroppingParticle: "de")),
        ("A. Author-One", PersonName(family: "Author-One", given: "A.")),
        ("J. R. R. Tolkien", PersonName(family: "Tolkien", given: "J. R. R.")),
        ("World Health Organization", PersonName(literal: "World Health Organization")),
        ("UNESCO", PersonName(literal: "UNESCO")),
        ("WHO EB", PersonName(literal: "WHO EB")),
        ("John Smith", PersonName(literal: "John Smith")),
        ("First Author 1", PersonName(literal: "First Author 1")),
    ])
    func parses(_ text: String, _ expected: PersonName) {
        #expect(RISNames.parse(text) == [.name(expected)])
    }

    @Test(arguments: ["et al.", "et al", "Et Al.", "others", "and others"])
    func etAlMarksTheListTruncated(_ text: String) {
        let e = readOne(record("JOUR", "AU  - Smith, J.", "AU  - \(text)"))
        #expect(e.authors == NameList([PersonName(family: "Smith", given: "J.")], truncated: true))
    }

    @Test func mendeleySemicolonJoinedAuthorsAreSplit() {
        let (lib, d) = readRIS(record("JOUR", "AU  - Smith, John; Doe, Jane; Roe, R."))
        #expect(lib.entries.first?.authors.names.map(\.family) == ["Smith", "Doe", "Roe"])
        #expect(d.all.contains { $0.code == "ris.joined-names" })
    }

    @Test(arguments: [
        PersonName(family: "Smith", given: "John"),
        PersonName(family: "Smith", given: "John", suffix: "Jr."),
        PersonName(family: "Berg", given: "Jan", nonDroppingParticle: "van der"),
        PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d'"),
        PersonName(family: "Beethoven", given: "Ludwig", droppingParticle: "van"),
        PersonName(family: "Cocke"),
        PersonName(given: "Madonna"),
        PersonName(family: "Smith", suffix: "III"),
        PersonName(literal: "World Health Organization"),
        PersonName(literal: "UNESCO"),
    ])
    func formatThenParseIsIdentity(_ name: PersonName) {
        #expect(RISNames.parse(RISNames.format(name)) == [.name(name)])
    }
}

/// Date values.
@Suite struct DateTests {
    @Test(arguments: [
        ("2020", BibDate(year: 2020)),
        ("2020/", BibDate(year: 2020)),
        ("2020///", BibDate(year: 2020)),
        ("2020/05//", BibDate(year: 2020, month: 5)),
        ("2020/05/17/", BibDate(year: 2020, month: 5, day: 17)),
        ("2020/05/17", BibDate(year: 2020, month: 5, day: 17)),
        ("2001/00/00/", BibDate(year: 2001)),
        ("2020/october", BibDate(year: 2020, month: 10)),
        ("2020-05-17", BibDate(year: 2020, month: 5, day: 17)),
        ("2020-05", BibDate(year: 2020, month: 5)),
        ("2019-2021", BibDate(from: DateParts(year: 2019), to: DateParts(year: 2021))),
        ("Mar. 2017", BibDate(year: 2017, month: 3)),
        ("March 3, 2017", BibDate(year: 2017, month: 3, day: 3)),
        ("4-8 Aug. 2020", BibDate(from: DateParts(year: 2020, month: 8, day: 4), to: DateParts(year: 2020, month: 8, day: 8))),
        ("Spring 2020", BibDate(DateParts(year: 2020), season: .spring)),
        ("2020///Spring", BibDate(DateParts(year: 2020), season: .spring)),
        ("2019///2019/2021", BibDate(from: DateParts(year: 2019), to: DateParts(year: 2021))),
        ("2020///2020~", BibDate(DateParts(year: 2020), circa: true)),
    ])
    func parses(_ text: String, _ expected: BibDate) {
        let e = readOne(record("JOUR", "DA  - \(text)"))
        #expect(e.issued == .typed(expected))
    }

    @Test(arguments: ["YEAR/MONTH/DAY/", "///", "99", "10 15", "Start date: 20170812", "2020/13/01/", "2023/02/29/", "Date"])
    func keepsUnparseableDatesRaw(_ text: String) {
        let (lib, d) = readRIS(record("JOUR", "PY  - \(text)"))
        #expect(lib.entries.first?.issued == .raw(text))
        #expect(d.all.contains { $0.code == "ris.bad-date" && $0.location?.line == 2 })
    }

    @Test func otherPartJunkIsDroppedTextIsKept() {
        let (lib, d) = readRIS(record("JOUR", "DA  - 2019/10//undefined"))
        #expect(lib.entries.first?.issued == .typed(BibDate(year: 2019, month: 10)))
        #expect(d.all.contains { $0.code == "ris.date-junk" })
        let e = readOne(record("JOUR", "PY  - 2013/02/15/received"))
        #expect(e.issued == .typed(BibDate(year: 2013, month: 2, day: 15)))
        #expect(e.extra == [FieldKey("ris", "PY"): "2013/02/15/received"])
    }

    @Test(arguments: [
        (BibDate(year: 2020), "2020///", "2020"),
        (BibDate(year: 2020, month: 5), "2020/05//", "2020"),
        (BibDate(year: 2020, month: 5, day: 7), "2020/05/07/", "2020"),
        (BibDate(year: 987), "0987///", "0987"),
        (BibDate(DateParts(year: 2020), season: .autumn), "2020///Autumn", "2020"),
        (BibDate(from: DateParts(year: 2019), to: DateParts(year: 2021)), "2019///2019/2021", "2019"),
        (BibDate(DateParts(year: 2020), uncertain: true), "2020///2020?", "2020"),
    ])
    func writesDAAndPY(_ date: BibDate, _ da: String, _ py: String) {
        let text = writeRIS(Entry(type: EntryType(.articleJournal), title: "T", dates: [.issued: .typed(date)]))
        #expect(tagLines(text).contains("DA  - \(da)"))
        #expect(tagLines(text).contains("PY  - \(py)"))
        #expect(readOne(text).issued == .typed(date))
        #expect(RISDates.isRISDateForm(da))
    }

    @Test func unrepresentableDatesGoToANote() {
        let e = Entry(
            type: EntryType(.book), title: "T",
            dates: [.issued: .typed(BibDate(year: -44)), .originalDate: .typed(BibDate(year: 1850)), .accessed: .raw("yesterday")])
        let text = writeRIS(e)
        #expect(!text.contains("DA  - "))
        #expect(tagLines(text).contains("N1  - bibkit:date.issued: -0044"))
        #expect(tagLines(text).contains("N1  - bibkit:date.original-date: 1850"))
        #expect(tagLines(text).contains("N1  - bibkit:date.accessed: yesterday"))
        // Read back in the canonical order: issued, accessed, then the others.
        #expect(Dictionary(uniqueKeysWithValues: readOne(text).dates.map { ($0.key, $0.value) }) == Dictionary(uniqueKeysWithValues: e.dates.map { ($0.key, $0.value) }))
    }
}
