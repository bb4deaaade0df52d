import BibModel
import Foundation
import JATSFormat
import Testing

/// Hand-built entries covering every work type, name form, date form, identifier, link and
/// rich-text run: model → JATS → model keeps every value JATS can hold.
enum Samples {
    static let richTitle = RichText([
        .text("On "), .italic([.text("E. coli")]), .text(" and "), .bold([.text("bold")]), .text(" "),
        .smallCaps([.text("caps")]), .text(" H"), .subscript([.text("2")]), .text("O x"), .superscript([.text("2")]),
        .text(" "), .math("\\alpha + \\beta"), .text(" via "), .code("fit()"), .text(" at "),
        .link(url: "https://example.org/a?b=1&c=2", [.text("site")]), .text(" & <more>"),
    ])

    static let names = NameList([
        PersonName(family: "Smith", given: "John A."),
        PersonName(family: "Berg", given: "Anna", nonDroppingParticle: "van der"),
        PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d'"),
        PersonName(family: "King", given: "Martin Luther", suffix: "Jr."),
        PersonName(given: "Plato"),
        .literal("World Health Organization"),
        PersonName(family: "Müller-Lüdenscheidt", given: "Jürgen"),
    ], truncated: true)

    /// Whether the type keeps its title as a part title with a container.
    static func hasContainer(_ kind: WorkType) -> Bool {
        ![.book, .thesis, .report, .software, .patent, .standard, .collection, .classic, .pamphlet,
          .manuscript, .document, .map, .motionPicture, .musicalScore, .song, .graphic, .figure].contains(kind)
    }

    static func entry(_ kind: WorkType, index: Int) -> Entry {
        var e = Entry(key: "k\(index)-\(kind.cslName.replacingOccurrences(of: "_", with: "-"))", type: EntryType(kind))
        e.contributors[.author] = names
        e.contributors[.editor] = NameList([PersonName(family: "Editor", given: "Eve")])
        e.contributors[.translator] = NameList([PersonName(family: "Trans", given: "Tom")])
        e.contributors[.reviewedAuthor] = NameList([PersonName(family: "Reviewed", given: "Rita")])
        e.contributors[ContributorRole("inventor")] = NameList([], truncated: true)
        e.title = richTitle
        var container: Level?
        if hasContainer(kind) {
            container = Level(title: RichText([.text("Journal of "), .italic([.text("Things")])]),
                              identifiers: [Identifier(.issn, "1234-5678"), Identifier(.isbn, "978-3-16-148410-0")])
        } else {
            e.identifiers.append(Identifier(.isbn, "978-0-306-40615-7"))
        }
        e.container = container
        e.series = Level(title: "Lecture Notes in Examples")
        e.dates[.issued] = .typed(BibDate(year: 2020, month: 6, day: 29))
        e.dates[.eventDate] = .typed(BibDate(from: DateParts(year: 2020, month: 6, day: 1), to: DateParts(year: 2020, month: 6, day: 5)))
        e.dates[.originalDate] = .typed(BibDate(year: 1905, month: 3))
        e.dates[.submitted] = .raw("sometime in spring")
        e.dates[.accessed] = .typed(BibDate(year: 2021, month: 5, day: 1))
        e.fields[.volume] = "12"
        e.fields[.issue] = "3"
        e.fields[.page] = index % 3 == 0 ? "e1002345" : index % 3 == 1 ? "101-115" : "7"
        e.fields[.edition] = "2"
        e.fields[.publisher] = "Example Press"
        e.fields[.publisherPlace] = "London"
        e.fields[.number] = "TR-\(index)"
        e.fields[.numberOfPages] = "300"
        e.fields[.institution] = "University of Somewhere"
        e.fields[.organization] = "ACM"
        e.fields[.eventTitle] = "Conference on Examples"
        e.fields[.eventPlace] = "Paris"
        e.fields[.version] = "1.2.3"
        e.fields[.supplement] = "S1"
        e.identifiers += [
            Identifier(.doi, "10.1234/ex.\(index)"), Identifier(.pmid, "12345678"), Identifier(.pmcid, "PMC123456"),
            Identifier(.arxiv, "2306.16788"), Identifier(.hdl, "1721.1/12345"), Identifier(IdentifierKind("lccn"), "2001012345"),
        ]
        e.links = [Link("https://example.org/paper"), Link("https://github.com/example/code", kind: .code)]
        e.notes = [RichText([.text("A note with "), .italic([.text("style")])])]
        e.language = "en-GB"
        e.extra[FieldKey("jats", "conf-acronym")] = "CoE"
        return e
    }

    static var library: Library {
        Library(entries: WorkType.allCases.enumerated().map { entry($1, index: $0) })
    }
}

@Suite struct RoundTripTests {
    @Test func everyWorkTypeRoundTrips() throws {
        let original = Samples.library
        let written = Support.write(original)
        #expect(!written.diagnostics.hasErrors)
        #expect(written.diagnostics.all.filter { $0.code == "jats.unwritable-field" }.isEmpty)
        let read = Support.read(written.bytes)
        #expect(read.diagnostics.all.filter { $0.severity != .note }.isEmpty, "\(read.diagnostics.all)")
        try #require(read.library.entries.count == original.entries.count)
        for (before, after) in zip(original.entries, read.library.entries) {
            var expected = before.normalizedForComparison
            expected.type.original = FieldKey("jats", JATSFormatTestsTypeName.publicationType(after))
            let same = after.normalizedForComparison == expected
            #expect(same, "\(before.key ?? "")")
            if !same {
                Self.explain(expected, after.normalizedForComparison)
            }
        }
    }

    /// Prints the first differing part of two entries (test diagnostics only).
    static func explain(_ a: Entry, _ b: Entry) {
        if a.type != b.type { print("type:", a.type, b.type) }
        if a.contributors != b.contributors { print("contributors:\n", a.contributors, "\n", b.contributors) }
        if a.title != b.title { print("title:\n", a.title as Any, "\n", b.title as Any) }
        if a.dates != b.dates { print("dates:\n", a.dates, "\n", b.dates) }
        if a.container != b.container { print("container:\n", a.container as Any, "\n", b.container as Any) }
        if a.series != b.series { print("series:", a.series as Any, b.series as Any) }
        if a.fields != b.fields { print("fields:\n", a.fields, "\n", b.fields) }
        if a.identifiers != b.identifiers { print("ids:\n", a.identifiers, "\n", b.identifiers) }
        if a.links != b.links { print("links:", a.links, b.links) }
        if a.notes != b.notes { print("notes:", a.notes, b.notes) }
        if a.extra != b.extra { print("extra:", a.extra, b.extra) }
        if a.language != b.language { print("lang:", a.language as Any, b.language as Any) }
        if a.key != b.key { print("key:", a.key as Any, b.key as Any) }
    }

    @Test(arguments: WorkType.allCases)
    func typeTableIsSymmetric(_ kind: WorkType) {
        let library = Library(entries: [Entry(key: "a", type: EntryType(kind), title: "T")])
        let back = Support.read(Support.write(library).bytes).library
        #expect(back.entries.first?.type.kind == kind)
        let withoutTitle = Library(entries: [Entry(key: "a", type: EntryType(kind))])
        #expect(Support.read(Support.write(withoutTitle).bytes).library.entries.first?.type.kind == kind)
    }

    @Test func datesOfEveryShapeRoundTrip() {
        let dates: [Parsed<BibDate>] = [
            .typed(BibDate(year: 2020)), .typed(BibDate(year: 2020, month: 2)), .typed(BibDate(year: 2020, month: 2, day: 29)),
            .typed(BibDate(from: DateParts(year: 2019), to: DateParts(year: 2021))),
            .typed(BibDate(from: nil, to: DateParts(year: 2021))), .typed(BibDate(from: DateParts(year: 2019), to: nil)),
            .typed(BibDate(DateParts(year: 1850), circa: true)), .typed(BibDate(DateParts(year: 1850), uncertain: true)),
            .typed(BibDate(DateParts(year: 1850), circa: true, uncertain: true)),
            .typed(BibDate(DateParts(year: 2020), season: .autumn)), .raw("Forthcoming"),
        ]
        for date in dates {
            var entry = Entry(key: "d", type: EntryType(.articleJournal), title: "T")
            entry.dates[.issued] = date
            entry.dates[.accessed] = date
            entry.dates[.originalDate] = date
            let back = Support.read(Support.write(Library(entries: [entry])).bytes).library.entries.first
            #expect(back?.dates[.issued] == date, "\(date)")
            #expect(back?.dates[.accessed] == date, "\(date)")
            #expect(back?.dates[.originalDate] == date, "\(date)")
        }
    }

    @Test func particlesAndCaseProtectionAreNormalised() {
        var entry = Entry(key: "p", type: EntryType(.book))
        entry.authors = NameList([PersonName(family: "La Fontaine", given: "Jean", droppingParticle: "de")])
        entry.title = RichText([.text("The "), .caseProtected([.text("DNA")]), .text(" book")])
        let back = Support.read(Support.write(Library(entries: [entry])).bytes).library.entries.first
        // JATS4R puts particles in <surname>; they come back as a non-dropping particle.
        #expect(back?.authors.names.first == PersonName(family: "La Fontaine", given: "Jean", nonDroppingParticle: "de"))
        // JATS has no "no case change" markup: the span becomes plain text.
        #expect(back?.title == RichText("The DNA book"))
    }

    @Test func profileSampleStyleEntriesKeepCodeLinks() {
        var entry = Entry(key: "zimmer2023sparse", type: EntryType(.article, original: FieldKey("profile", "paper"), genre: "preprint"))
        entry.title = "Sparse Model Soups"
        entry.authors = NameList([PersonName(family: "Zimmer", given: "Max")], truncated: true)
        entry.dates[.issued] = .typed(BibDate(year: 2023, month: 6, day: 29))
        entry.links = [Link("https://github.com/ZIB-IOL/SMS", kind: .code)]
        entry.abstract = "An abstract."
        entry.keywords = ["cs.LG"]
        entry.extra[FieldKey("profile", "subject")] = "LG"
        let written = Support.write(Library(entries: [entry]))
        let lost = written.diagnostics.all.filter { $0.code == "jats.unwritable-field" }.compactMap(\.field)
        #expect(lost == ["abstract", "keyword", "profile:subject"])
        let back = Support.read(written.bytes).library.entries.first
        #expect(back?.links == entry.links)
        #expect(back?.type.kind == .article)
        #expect(String(decoding: written.bytes, as: UTF8.self).contains("publication-type=\"preprint\""))
    }
}

enum JATSFormatTestsTypeName {
    /// The publication-type a read entry came from.
    static func publicationType(_ entry: Entry) -> String { entry.type.original?.name ?? "" }
}
