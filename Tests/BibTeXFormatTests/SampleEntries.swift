import BibModel

@testable import BibTeXFormat

/// Rich model entries for the golden files, each with the oracle options its data needs.
struct Sample: Sendable, CustomTestStringConvertible {
    /// File stem of the goldens (`<name>.bibtex.bib`, `<name>.biblatex.bib`).
    var name: String
    var entries: [Entry]
    var metadata = CollectionMetadata()
    /// `bibtex_compiles.sh` options: only where the entry really lacks data.
    var bibtexOracleOptions: [String] = []
    /// `biber_validates.sh` options.
    var biberOracleOptions: [String] = []
    /// `WriteOptions.keepUnicode` for the goldens (nil: the dialect's default).
    var keepUnicode: Bool? = nil

    var testDescription: String { name }
}

import Testing

enum Samples {
    static let zimmer = person("Zimmer", "Max")
    static let spiegel = person("Spiegel", "Christoph")
    static let pokutta = person("Pokutta", "Sebastian")

    static let all: [Sample] = [
        journalArticle, editedBook, inproceedings, phdThesis, arxivPreprint, dataset, organisationReport,
        mathAndGreek, names, everyField, profileLibrary, characterTable,
    ]

    static let journalArticle = Sample(
        name: "journal-article",
        entries: [
            Entry(
                key: "pokutta2020deep", type: EntryType(.articleJournal),
                contributors: [.author: NameList([pokutta, spiegel, zimmer])],
                title: "Deep Neural Network Training with Frank-Wolfe",
                dates: [.issued: .typed(BibDate(year: 2020, month: 6))],
                container: Level(
                    title: "Journal of Machine Learning Research", shortTitle: "J. Mach. Learn. Res.",
                    identifiers: [Identifier(.issn, "1532-4435")]),
                fields: [.volume: "21", .issue: "4", .page: "1-45"],
                identifiers: [Identifier(.doi, "10.5555/3455716.3455740")],
                keywords: ["optimization", "deep learning"], language: "en")
        ])

    static let editedBook = Sample(
        name: "edited-book",
        entries: [
            Entry(
                key: "sra2011optimization", type: EntryType(.book),
                contributors: [
                    .editor: NameList([
                        person("Sra", "Suvrit"), person("Nowozin", "Sebastian"), person("Wright", "Stephen J."),
                    ])
                ],
                title: "Optimization for Machine Learning",
                dates: [.issued: .typed(BibDate(year: 2011))],
                series: Level(title: "Neural Information Processing Series", number: "5"),
                fields: [.edition: "2", .publisher: "MIT Press", .publisherPlace: "Cambridge, MA"],
                identifiers: [Identifier(.isbn, "978-0-262-01646-9")])
        ])

    static let inproceedings = Sample(
        name: "inproceedings",
        entries: [
            Entry(
                key: "zimmer2022compression", type: EntryType(.paperConference, original: FieldKey("bibtex", "inproceedings")),
                contributors: [.author: NameList([zimmer, spiegel, pokutta])],
                title: "Compression-aware Training of Neural Networks using Frank-Wolfe",
                dates: [.issued: .typed(BibDate(year: 2022, month: 7)), .eventDate: .typed(BibDate(from: DateParts(year: 2022, month: 7, day: 17), to: DateParts(year: 2022, month: 7, day: 23)))],
                container: Level(
                    title: "Proceedings of the 39th International Conference on Machine Learning",
                    contributors: [.editor: NameList([person("Chaudhuri", "Kamalika"), person("Jegelka", "Stefanie")])]),
                series: Level(title: "Proceedings of Machine Learning Research", number: "162"),
                fields: [
                    .page: "12345\u{2013}12360", .publisher: "PMLR", .eventTitle: "ICML 2022",
                    .eventPlace: "Baltimore, MD",
                ],
                links: [Link("https://proceedings.mlr.press/v162/zimmer22a.html")])
        ])

    static let phdThesis = Sample(
        name: "phd-thesis",
        entries: [
            Entry(
                key: "schrodter2021canopy", type: EntryType(.thesis, genre: "phd"),
                contributors: [.author: NameList([person("Schrödter", "Karsten")])],
                title: "On Canopy Height Estimation with Vision Transformers",
                dates: [.issued: .typed(BibDate(year: 2021, month: 11, day: 3))],
                fields: [.institution: "Technische Universität Berlin", .publisherPlace: "Berlin"],
                language: "de")
        ])

    static let arxivPreprint = Sample(
        name: "arxiv-preprint",
        entries: [
            Entry(
                type: EntryType(.article, genre: "preprint"),
                contributors: [.author: NameList([zimmer, spiegel, pokutta])],
                title: "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging",
                dates: [.issued: .typed(BibDate(year: 2023, month: 6, day: 29))],
                identifiers: [Identifier(.arxiv, "2306.16788", qualifier: "cs.LG")],
                links: [
                    Link("https://arxiv.org/abs/2306.16788"),
                    Link("https://github.com/ZIB-IOL/SMS", kind: .code),
                ],
                abstract: RichText(
                    "Model soups (Wortsman et al., 2022) improve accuracy by 3% at 0$ extra cost; we prune 90% of weights_in IMP & average."),
                extra: [FieldKey("profile", "score"): "99.8", FieldKey("profile", "subject"): "LG"])
        ],
        // @misc has no required fields in the styles, but a preprint rarely has a publisher.
        bibtexOracleOptions: [], biberOracleOptions: [])

    static let dataset = Sample(
        name: "dataset",
        entries: [
            Entry(
                key: "pauls2024echosat", type: EntryType(.dataset),
                contributors: [.author: NameList([person("Pauls", "Jan"), person("Schrödter", "Karsten")], truncated: true)],
                title: "ECHOSAT: Estimating Canopy Height Over Space And Time",
                dates: [
                    .issued: .typed(BibDate(year: 2024, month: 2, day: 24)),
                    .accessed: .typed(BibDate(year: 2024, month: 3, day: 1)),
                ],
                fields: [.publisher: "Zenodo", .version: "1.0"],
                identifiers: [Identifier(.doi, "10.5281/zenodo.1234567")],
                links: [Link("https://github.com/ai4forest/echosat")])
        ])

    static let organisationReport = Sample(
        name: "organisation-report",
        entries: [
            Entry(
                key: "who2023statistics", type: EntryType(.report),
                contributors: [.author: NameList([.literal("World Health Organization")])],
                title: "World Health Statistics 2023: Monitoring Health for the SDGs",
                dates: [.issued: .typed(BibDate(year: 2023, month: 5, day: 19))],
                fields: [
                    .institution: "World Health Organization", .publisherPlace: "Geneva", .number: "WHO/DDI/2023.1",
                ],
                language: "English")
        ])

    static let mathAndGreek = Sample(
        name: "math-greek",
        entries: [
            Entry(
                key: "muhtar2025sparsity", type: EntryType(.manuscript),
                contributors: [.author: NameList([person("Muhtar", "Dilxat"), person("Song", "Xinyuan"), pokutta], truncated: true)],
                title: RichText([
                    .text("When Does Sparsity Mitigate the Curse of Depth in LLMs? A "), .math("\\Delta_{\\ell}"),
                    .text("-Analysis of α-Stable "), .italic([.text("Pre-LN")]), .text(" Transformers with "),
                    .math("O(n^{3/2})"), .text(" Cost"),
                ]),
                dates: [.issued: .typed(BibDate(year: 2025, month: 3, day: 16))],
                notes: [RichText([.text("Energy "), .math("E = mc^2"), .text(" with β ≤ 1 and μ-law")])])
        ],
        biberOracleOptions: ["--allow-unicode-gaps"])

    static let names = Sample(
        name: "names",
        entries: [
            Entry(
                key: "aspremont2021names", type: EntryType(.articleJournal),
                contributors: [
                    .author: NameList(
                        [
                            PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d'"),
                            PersonName(family: "Waals", given: "Johannes Diderik", droppingParticle: "van der"),
                            person("Erdős", "Paul"), person("Wäldchen", "Jana"), person("Schrödter", "Karsten"),
                            PersonName(family: "King", given: "Martin Luther", suffix: "Jr."),
                            PersonName(family: "de la Fuente", given: "Ana"),
                            .literal("Barnes and Noble"), person("Ñúñez", "Íñigo"),
                        ], truncated: true)
                ],
                title: "Names with Particles, Suffixes and Accents",
                dates: [.issued: .typed(BibDate(year: 2021))],
                container: Level(title: "Journal of Name Parsing"), fields: [.volume: "1", .page: "1--10"])
        ])

    static let everyField = Sample(
        name: "every-field",
        entries: [everyFieldEntry],
        // One entry with every field: a book with author *and* editor, volume *and* number
        // is exactly what the plain styles warn about.
        bibtexOracleOptions: ["--allow-data-warnings"], biberOracleOptions: ["--allow-unicode-gaps"])

    static var everyFieldEntry: Entry {
        var entry = Entry(
            key: "everything2020", type: EntryType(.book),
            contributors: [
                .author: NameList([person("Author", "Anna")]), .editor: NameList([person("Editor", "Ed")]),
                .translator: NameList([person("Translator", "Tina")]), .compiler: NameList([person("Compiler", "Carl")]),
                .director: NameList([person("Director", "Dora")]),
                .containerAuthor: NameList([person("Bookauthor", "Bea")]),
            ],
            title: RichText([.text("Every Field of the "), .smallCaps([.text("Model")]), .text(": A Test")]),
            shortTitle: "Every Field",
            dates: [
                .issued: .typed(BibDate(year: 2020, month: 5, day: 4)),
                .accessed: .typed(BibDate(year: 2021, month: 1, day: 2)),
                .originalDate: .typed(BibDate(year: 1900)),
                .submitted: .typed(BibDate(year: 2019, month: 12)),
            ],
            container: Level(title: "Collected Works", shortTitle: "CW"),
            series: Level(
                title: "Series of Everything", shortTitle: "SoE",
                contributors: [.editor: NameList([person("Serieseditor", "Sam")])], number: "7",
                identifiers: [Identifier(.issn, "0028-0836")]),
            identifiers: [
                Identifier(.doi, "10.1000/xyz123"), Identifier(.isbn, "978-0-262-01646-9"),
                Identifier(.pmid, "12345678"), Identifier(.pmcid, "PMC1234567"), Identifier(.lccn, "2001012345"),
            ],
            links: [
                Link("https://example.org/every"), Link("https://example.org/every.pdf", kind: .fullText),
                Link("https://example.org/code?x=1&y=%20#frag", kind: .code), Link("files/every.pdf", kind: .file),
            ],
            abstract: RichText([.text("An abstract with "), .bold([.text("bold")]), .text(", "), .superscript([.text("sup")]), .text(", "), .subscript([.text("sub")]), .text(", "), .code("x_1 & y"), .text(" and a "), .link(url: "https://example.org/link", [.text("link")]), .text(".")]),
            keywords: ["alpha", "beta, gamma", "Déjà vu"], language: "de",
            notes: [RichText("First note."), RichText("Second note")],
            extra: [
                FieldKey("bibtex", "timestamp"): "2020-05-04T10:00:00Z",
                FieldKey("biblatex", "usera"): "{Kept} \\emph{raw}",
                FieldKey("profile", "score"): "99.8",
                FieldKey("ris", "C1"): "custom 1",
            ])
        for field in Field.allCases { entry.fields[field] = "\(field.rawValue) value" }
        entry.fields[.volume] = "3"
        entry.fields[.page] = "10-20"
        entry.fields[.edition] = "2"
        entry.fields[.genre] = "Collected works"
        entry.fields[.status] = "in press"
        return entry
    }

    /// Every character of the Unicode → LaTeX table in one note: proves each form compiles.
    static let characterTable = Sample(
        name: "character-table",
        entries: [
            Entry(
                key: "table2024", type: EntryType(.document),
                contributors: [.author: NameList([person("Table", "Character")])], title: "Every Character of the Table",
                dates: [.issued: .typed(BibDate(year: 2024))],
                notes: [
                    RichText(
                        LaTeXCharacterTable.textForms.keys.sorted { $0.value < $1.value }
                            .map { "x" + String($0) + "x" }.joined(separator: " "))
                ])
        ],
        // LaTeX forms in both dialects: biber must parse every one of them. pdfLaTeX cannot
        // set most of what biber decodes them to (ǖ, ǻ…), so biber is judged in tool mode.
        biberOracleOptions: ["--tool-only"], keepUnicode: false)

    static let profileLibrary = Sample(
        name: "profile-library",
        entries: [
            Entry(
                type: EntryType(.article, genre: "preprint"),
                contributors: [.author: NameList([person("Pauls", "Jan"), person("Schrödter", "Karsten"), person("Ligensa", "Sven")], truncated: true)],
                title: "ECHOSAT: Estimating Canopy Height Over Space And Time",
                dates: [.issued: .typed(BibDate(year: 2026, month: 2, day: 24))],
                links: [Link("https://github.com/ai4forest/echosat", kind: .code)],
                extra: [FieldKey("profile", "subject"): "CV"]),
            Entry(
                type: EntryType(.article, genre: "preprint"),
                contributors: [.author: NameList([zimmer, spiegel, pokutta])],
                title: "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging",
                dates: [.issued: .typed(BibDate(year: 2023, month: 6, day: 29))],
                extra: [FieldKey("profile", "subject"): "LG"]),
        ],
        metadata: CollectionMetadata(
            title: "Max Zimmer", owner: person("Zimmer", "Max"),
            properties: [
                FieldKey("profile", "h-index"): "29", FieldKey("profile", "papers"): "24",
                FieldKey("profile", "citations"): "177",
            ],
            preambles: ["\"\\providecommand{\\noopsort}[1]{}\""], macros: ["zib": "Zuse Institute Berlin"],
            comments: ["Exported from a profile page; contact: max@example.org"]))
}
