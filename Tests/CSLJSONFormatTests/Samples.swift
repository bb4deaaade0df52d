import BibModel

/// Hand-built entries that together use every part of the model the CSL-JSON mapping
/// handles: every name form, every date form, levels, identifiers, links, rich text.
enum Samples {
    /// A journal article with everything a journal article can have.
    static let article: Entry = {
        var e = Entry(key: "zimmer2023sparse", type: EntryType(.articleJournal, original: FieldKey("bibtex", "article")))
        e.title = RichText([
            .text("Sparse "), .italic([.text("Model")]), .text(" Soups for "), .caseProtected([.text("LLMs")]),
            .text(": "), .math("x^2"), .text(" and H"), .subscript([.text("2")]), .text("O"),
            .superscript([.text("+")]), .text(" in "), .smallCaps([.text("Small Caps")]), .text(" "),
            .bold([.text("bold "), .italic([.text("nested")])]),
        ])
        e.shortTitle = "Sparse Model Soups"
        e.contributors[.author] = NameList([
            PersonName(family: "Zimmer", given: "Max"),
            PersonName(family: "Berg", given: "Anna", nonDroppingParticle: "van der"),
            PersonName(family: "Beethoven", given: "Ludwig", droppingParticle: "van"),
            PersonName(family: "King", given: "Martin Luther", suffix: "Jr."),
            PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d'"),
            .literal("The CMS Collaboration"),
        ])
        e.contributors[.translator] = NameList([PersonName(family: "Müller", given: "Jürgen")], truncated: true)
        e.dates[.issued] = .typed(BibDate(year: 2023, month: 6, day: 29))
        e.dates[.accessed] = .typed(BibDate(year: 2024, month: 1, day: 2))
        e.container = Level(
            title: RichText([.text("Journal of "), .italic([.text("Machine")]), .text(" Learning")]),
            shortTitle: "J. Mach. Learn.", identifiers: [Identifier(.issn, "1532-4435")])
        e.fields[.volume] = "24"
        e.fields[.issue] = "3"
        e.fields[.page] = "101–129"
        e.identifiers = [Identifier(.doi, "10.1000/xyz-123"), Identifier(.arxiv, "2306.16788", qualifier: "cs.LG")]
        e.links = [Link("https://example.org/paper"), Link("https://github.com/ZIB-IOL/SMS", kind: .code)]
        e.abstract = RichText([.text("We show that \"quotes\", back\\slashes and "), .italic([.text("markup")]), .text(" survive.\nSecond line.")])
        e.keywords = ["pruning", "model soups", "sparsity"]
        e.language = "en"
        e.notes = [RichText("Accepted at ICML.")]
        e.extra[FieldKey("bibtex", "timestamp")] = "2023-07-01"
        e.extra[FieldKey("bibtex", "owner")] = "max"
        return e
    }()

    /// A PhD thesis: institution (written as publisher), genre code, circa date.
    static let thesis: Entry = {
        var e = Entry(key: "doe1999thesis", type: EntryType(.thesis, original: FieldKey("bibtex", "phdthesis"), genre: "phd"))
        e.title = "On Things"
        e.contributors[.author] = NameList([PersonName(family: "Doe", given: "Jane")])
        e.dates[.issued] = .typed(BibDate(DateParts(year: 1999, month: 5), circa: true))
        e.fields[.publisherPlace] = "Berlin"
        e.fields[.institution] = "Technische Universität Berlin"
        return e
    }()

    /// A conference paper: proceedings with editors, a series with editor and number.
    static let conference: Entry = {
        var e = Entry(key: "lovelace2020proc", type: EntryType(.paperConference, original: FieldKey("bibtex", "inproceedings")))
        e.title = "Analytical Engines"
        e.contributors[.author] = NameList([PersonName(family: "Lovelace", given: "Ada")])
        e.dates[.issued] = .typed(BibDate(year: 2020))
        e.dates[.eventDate] = .typed(BibDate(from: DateParts(year: 2020, month: 7, day: 12), to: DateParts(year: 2020, month: 7, day: 18)))
        e.container = Level(
            title: "Proceedings of the 37th International Conference on Machine Learning",
            contributors: [.editor: NameList([PersonName(family: "Daumé", given: "Hal", suffix: "III"), PersonName(family: "Singh", given: "Aarti")])])
        e.series = Level(
            title: "Proceedings of Machine Learning Research", shortTitle: "PMLR",
            contributors: [.editor: NameList([PersonName(family: "Lawrence", given: "Neil")], truncated: true)], number: "119",
            identifiers: [Identifier(.issn, "2640-3498")])
        e.fields[.page] = "1–10"
        e.fields[.publisher] = "PMLR"
        e.fields[.eventTitle] = "ICML 2020"
        e.fields[.eventPlace] = "Virtual"
        e.fields[.organization] = "IMLS"
        return e
    }()

    /// An arXiv preprint with nothing but its id: URL, number and publisher are derived.
    static let preprint: Entry = {
        var e = Entry(key: "pauls2025echosat", type: EntryType(.article, genre: "preprint"))
        e.title = "ECHOSAT: Estimating Canopy Height Over Space And Time"
        e.contributors[.author] = NameList([PersonName(family: "Pauls", given: "Jan"), PersonName(family: "Schrödter", given: "Karsten")], truncated: true)
        e.dates[.issued] = .typed(BibDate(year: 2025, month: 2, day: 24))
        e.identifiers = [Identifier(.arxiv, "2502.12345", qualifier: "cs.CV")]
        e.links = [Link("https://github.com/ai4forest/echosat", kind: .code)]
        e.keywords = ["cs.CV"]
        return e
    }()

    /// A translated book: two ISBNs, a season, an original date, an uncertain date.
    static let book: Entry = {
        var e = Entry(key: "tolstoy1869war", type: EntryType(.book))
        e.title = "War and Peace"
        e.contributors[.author] = NameList([PersonName(family: "Tolstoy", given: "Leo")])
        e.contributors[.translator] = NameList([PersonName(family: "Maude", given: "Louise"), PersonName(family: "Maude", given: "Aylmer")])
        e.dates[.issued] = .typed(BibDate(DateParts(year: 2010), season: .autumn))
        e.dates[.originalDate] = .typed(BibDate(DateParts(year: 1869), uncertain: true))
        e.fields[.edition] = "2"
        e.fields[.publisher] = "Oxford University Press"
        e.fields[.publisherPlace] = "Oxford"
        e.fields[.numberOfPages] = "1392"
        e.fields[.originalTitle] = "Война и мир"
        e.identifiers = [Identifier(.isbn, "978-0-19-923276-5", qualifier: "paperback"), Identifier(.isbn, "0-19-923276-2")]
        return e
    }()

    /// Odd but legal: raw and open dates, non-CSL roles, several notes, awkward keywords,
    /// links in an order URL alone cannot keep, an empty truncated list, foreign extras.
    static let odd: Entry = {
        var e = Entry(key: "odd", type: EntryType(.report, original: FieldKey("ris", "RPRT")))
        e.title = RichText([.caseProtected([.math("\\alpha")]), .text(" and "), .caseProtected([.text("DNA")])])
        e.contributors[.author] = NameList([], truncated: true)
        e.contributors[.editor] = NameList([PersonName(family: "Solo")])
        e.contributors[ContributorRole("bibtex:holder")] = NameList([.literal("ACME Corp.")])
        e.dates[.issued] = .raw("Spring term, year unknown")
        e.dates[.submitted] = .typed(BibDate(from: DateParts(year: 2019), to: nil))
        e.dates[.availableDate] = .typed(BibDate(from: nil, to: DateParts(year: 2021, month: 3)))
        e.dates[DateRole("bibtex:urldate")] = .typed(BibDate(year: 2022, month: 2, day: 2))
        e.fields[.number] = "TR-7"
        e.fields[.rights] = "CC BY 4.0"
        e.fields[.howPublished] = "Mimeographed"
        e.identifiers = [Identifier(.pmid, "12345"), Identifier(.doi, "10.5555/odd"), Identifier(IdentifierKind("hdl"), "1721.1/123")]
        e.links = [Link("https://example.org/code", kind: .code), Link("https://example.org/"), Link("https://example.org/a.pdf", kind: .fullText)]
        e.keywords = ["a, b", "c"]
        e.notes = [RichText("first"), RichText([.italic([.text("second")])])]
        // Extras written as top-level CSL variables come first (they are read first).
        e.extra[FieldKey("csl", "source")] = "Somewhere"
        e.extra[FieldKey("csl-json", "categories")] = "[\"x\",\"y\"]"
        e.extra[FieldKey("bibtex", "file")] = "a.pdf:PDF"
        e.extra[FieldKey("custom", "S2ID")] = "202004462"
        e.extra[FieldKey("custom-json", "scores")] = "[1,2.5,{\"x\":null}]"
        return e
    }()

    /// An entry with every ``Field`` set, in canonical order.
    static let allFields: Entry = {
        var e = Entry(key: "fields", type: EntryType(.document))
        e.title = "All fields"
        for field in Field.allCases { e.fields[field] = "value of \(field.rawValue)" }
        return e
    }()

    /// One minimal entry per work type.
    static let everyType: [Entry] = WorkType.allCases.map { kind in
        var e = Entry(key: "t-\(kind.cslName)", type: EntryType(kind))
        e.title = RichText("A \(kind.cslName)")
        e.dates[.issued] = .typed(BibDate(year: 2001))
        return e
    }

    /// All the rich samples.
    static let all: [Entry] = [article, thesis, conference, preprint, book, odd, allFields]
}
