import BibModel
import Foundation
import Testing

@testable import RISFormat

/// One small fixture per producer quirk of the research notes (§8.3), in `Fixtures/dialects/`.
/// Each is read, checked, written back (golden in `Fixtures/Snapshots/dialect-*.ris`, which
/// the oracle tests also judge) and read again to the same model.
@Suite struct DialectTests {
    static func load(_ name: String) throws -> (Library, Diagnostics) {
        let bytes = Array(try Data(contentsOf: Env.fixtures.appendingPathComponent("dialects/\(name).ris")))
        return readRIS(bytes, file: "\(name).ris")
    }

    static let names = [
        "endnote", "zotero", "mendeley", "scopus", "pubmed", "wos", "ovid", "ebsco", "publisher", "procite", "citavi", "refman-old",
    ]

    @Test(arguments: names)
    func writesBackAndRereadsTheSameModel(_ name: String) throws {
        let (lib, _) = try Self.load(name)
        let (text, _) = writeRIS(lib)
        try assertSnapshot(text, named: "dialect-\(name).ris")
        let (back, d) = readRIS(Array(text.utf8))
        #expect(!d.hasErrors)
        for (a, b) in zip(lib.entries, back.entries) {
            var na = CorpusTests.normalized(a)
            let nb = CorpusTests.normalized(b)
            na.origin = nil
            if na != nb { Issue.record("\(name): \(CorpusTests.diff(na, nb))") }
        }
    }

    @Test func endNote() throws {
        let (lib, d) = try Self.load("endnote")
        try #require(lib.entries.count == 3)
        let article = lib.entries[0]
        #expect(article.issued == .typed(BibDate(year: 2018, month: 3, day: 3)))  // `DA  - Mar 3` + `PY  - 2018`
        #expect(article.fields[.issue] == "4")  // M1 is the issue
        #expect(article.fields[.number] == nil)
        #expect(article.notes.isEmpty)  // the title repeated as a note
        #expect(article.links == [Link("internal-pdf://2287734619/Nakamura-2018.pdf", kind: .file)])
        #expect(d.all.contains { $0.code == "ris.endnote-m1-issue" && $0.location?.line == 9 })
        let web = lib.entries[1]
        #expect(web.type == EntryType(.webpage, original: FieldKey("ris", "WEB")))
        #expect(web.dates[.accessed] == .typed(BibDate(year: 2021, month: 3, day: 3)))  // VL + M1
        #expect(web.fields[.volume] == nil)
        #expect(web.authors.names == [.literal("Environmental Data Office")])
        let chapter = lib.entries[2]
        #expect(chapter.fields[.numberOfVolumes] == "3")
        #expect(chapter.contributors[.editor]?.names.first?.family == "Berg")
        #expect(chapter.container?.identifiers == [Identifier(.isbn, "978-0-12-345678-9")])
    }

    @Test func zotero() throws {
        let (lib, d) = try Self.load("zotero")
        #expect(d.all.isEmpty)
        let a = lib.entries[0]
        #expect(a.title?.inlines.contains(.italic([.text("lac")])) == true)
        #expect(a.container == Level(title: "Journal of Molecular Biology", shortTitle: "J. Mol. Biol.", identifiers: [Identifier(.issn, "0022-2836")]))
        #expect(a.issued == .typed(BibDate(year: 1961, month: 6, day: 1)))
        #expect(a.dates[.accessed] == .typed(BibDate(year: 2021, month: 3, day: 4)))
        #expect(a.fields[.page] == "318-356")
        #expect(a.keywords == ["operon", "gene regulation"])
        #expect(a.notes == ["<p>Classic paper.</p>"])
        #expect(a.extra == [FieldKey("ris", "L4"): "https://example.org/fig1.png"])
        let book = lib.entries[1]
        #expect(book.series?.title?.plainText == "Biology Series")
        #expect(book.contributors[.collectionEditor]?.names.first?.family == "Series")
        #expect(book.contributors[.editor]?.names.first?.family == "Volume")
        #expect(book.fields[.numberOfPages] == "494")
        #expect(book.identifiers == [Identifier(.isbn, "978-0-8053-9603-4")])
    }

    @Test func mendeley() throws {
        let (lib, d) = try Self.load("mendeley")
        let e = lib.entries[0]
        #expect(e.authors.names.map(\.family) == ["Smith", "Doe", "Roe"])
        #expect(d.all.contains { $0.code == "ris.joined-names" })
        #expect(e.identifier(.doi) == "10.5555/sci.2015.007")
        #expect(e.container?.title?.plainText == "Science Studies")
    }

    @Test func scopus() throws {
        let (lib, d) = try Self.load("scopus")
        try #require(lib.entries.count == 2)
        let e = lib.entries[0]
        #expect(e.container?.title?.plainText == "Psychoneuroendocrinology")
        #expect(e.container?.identifiers == [Identifier(.issn, "03064530 (ISSN)")])
        #expect(e.fields[.genre] == "Review")
        #expect(e.fields[.archive] == "Scopus")
        #expect(e.extra[FieldKey("ris", "C7")] == "104501")
        #expect(e.extra[FieldKey("ris", "AD#2")] == "Clinic for Medicine, Bamberg, Germany")
        #expect(e.notes == ["Export Date: 18 November 2019", "CODEN: PSYCD"])
        let second = lib.entries[1]
        #expect(second.fields[.archive] == "Scopus")
        #expect(second.extra[FieldKey("ris", "SO")] == "Medical Hypotheses 134 (2020)")
        #expect(d.all.contains { $0.code == "ris.tag-before-ty" && $0.location?.line == 23 })
    }

    @Test func pubMed() throws {
        let (lib, _) = try Self.load("pubmed")
        let e = lib.entries[0]
        #expect(e.authors.names == [
            PersonName(family: "Smith", given: "JA"), PersonName(family: "Berg", given: "JM", nonDroppingParticle: "van der"),
            PersonName(family: "Lee", given: "K"),
        ])
        #expect(e.identifier(.pmid) == "26957754")
        #expect(e.extra[FieldKey("ris", "U1")] == "26957754[pmid]")
        #expect(e.issued == .typed(BibDate(year: 2016, month: 1)))
    }

    @Test func webOfScience() throws {
        let (lib, _) = try Self.load("wos")
        let e = lib.entries[0]
        #expect(e.issued == .typed(BibDate(year: 2016, month: 12)))
        #expect(e.identifier(.doi) == "10.1016/j.wasman.2016.08.025")
        #expect(e.fields[.archiveLocation] == "WOS:000389109400040")
        #expect(e.authors.names.first == PersonName(family: "De Steur", given: "H."))
    }

    @Test func ovid() throws {
        let (lib, d) = try Self.load("ovid")
        try #require(lib.entries.count == 2)
        let e = lib.entries[0]
        #expect(e.title?.plainText == "The influence of self-criticism on depression symptoms")
        #expect(e.abstract?.plainText == "Considering that self-criticism matters.")
        #expect(e.identifier(.doi) == "10.1002/cpp.2398")
        #expect(e.fields[.publisher] == "John Wiley & Sons")
        #expect(e.extra[FieldKey("ris", "PB")] == "US")
        #expect(e.extra[FieldKey("ris", "NL")] == "Clin Psychol Psychother")
        #expect(e.extra[FieldKey("ris", "AI")] != nil)
        #expect(e.key == "2019-65183-001")
        #expect(e.year == 2019)
        #expect(lib.metadata.comments.count == 2)
        #expect(d.all.filter { $0.code == "ris.outside-record" }.map { $0.location?.line } == [1, 22])
    }

    @Test func ebsco() throws {
        let (lib, _) = try Self.load("ebsco")
        let e = lib.entries[0]
        #expect(e.identifier(.doi) == "10.1016/j.agee.2016.06.041")  // from L3
        #expect(e.abstract?.plainText == "Small rodents are common inhabitants of farmlands.")
        #expect(e.extra[FieldKey("ris", "AB")]?.hasPrefix("Copyright") == true)
        #expect(e.extra[FieldKey("ris", "L3")] == nil)
        #expect(e.container?.identifiers == [Identifier(.issn, "01678809")])
        #expect(e.issued == .typed(BibDate(year: 2016, month: 9)))
    }

    @Test func publisher() throws {
        let (lib, d) = try Self.load("publisher")
        let e = lib.entries[0]
        #expect(e.issued == .typed(BibDate(year: 2013, month: 7, day: 28)))  // DA (print) wins
        #expect(e.extra == [FieldKey("ris", "Y1"): "2013/07/22"])  // the online date is kept
        #expect(e.identifiers == [Identifier(.doi, "10.1063/1.4814070")])
        #expect(e.notes.isEmpty)
        #expect(e.abstract?.plainText == "Ion hydration is studied.")
        #expect(e.container?.shortTitle == "J. Chem. Phys.")
        #expect(e.authors.names.map(\.family) == ["Shi", "Beck"])
        #expect(d.all.contains { $0.code == "ris.date-conflict" && $0.location?.line == 5 })
    }

    @Test func proCite() throws {
        let (lib, _) = try Self.load("procite")
        // The conference place in CY is read as the place of publication (documented choice).
        #expect(lib.entries[0].fields[.publisherPlace] == "Kyoto, Japan")
        #expect(lib.entries[0].container?.title?.plainText == "Proceedings of the Alloy Conference")
    }

    @Test func citavi() throws {
        let (lib, _) = try Self.load("citavi")
        let e = lib.entries[0]
        #expect(e.fields[.callNumber] == "QA76.6 .K64")
        #expect(Array(e.extra.keys) == [FieldKey("ris", "H1"), FieldKey("ris", "H1#2"), FieldKey("ris", "H2")])
    }

    @Test func referenceManagerOldSpecLatin1() throws {
        let (lib, d) = try Self.load("refman-old")
        #expect(d.all.filter { $0.code == "ris.latin1" }.count == 1)
        let a = lib.entries[0]
        #expect(a.title?.plainText == "Über die Elektrodynamik bewegter Körper")
        #expect(a.authors.names.first?.family == "Einstein")
        #expect(a.contributors[.editor]?.names.first?.family == "Planck")
        #expect(a.container?.title?.plainText == "Annalen der Physik")
        #expect(a.container?.shortTitle == "Ann. Phys.")
        #expect(a.abstract?.plainText == "Zur Elektrodynamik: Maxwell–Hertz.")
        #expect(a.issued == .typed(BibDate(year: 1905, month: 6, day: 30)))
        #expect(a.key == "17")
        let b = lib.entries[1]
        #expect(b.title?.plainText == "Théorie analytique de la chaleur")
        #expect(b.type.kind == .book)
    }

    /// EndNote writes the issue in M1, so the writer never puts a bare article number
    /// there when there is no issue: it would come back as the issue.
    @Test func endNoteIssueInM1() {
        var e = Entry(type: EntryType(.articleJournal), title: "T")
        e.fields[.number] = "104501"
        let text = writeRIS(e)
        #expect(!text.contains("M1  - "))
        #expect(readOne(text).fields[.number] == "104501")
    }
}
