import BibModel
import Testing

@testable import BibTeXFormat

@Suite("Names")
struct NameTests {
    static let cases: [(PersonName, String)] = [
        (person("Zimmer", "Max"), "Zimmer, Max"),
        (PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d'"), "d'Aspremont, Alexandre"),
        (PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d’"), "d'Aspremont, Alexandre"),
        (PersonName(family: "Waals", given: "Johannes", droppingParticle: "van der"), "van der Waals, Johannes"),
        (PersonName(family: "Gogh", given: "Vincent", nonDroppingParticle: "Van"), "Van Gogh, Vincent"),
        (PersonName(family: "Beethoven", given: "Ludwig", droppingParticle: "van"), "van Beethoven, Ludwig"),
        (PersonName(family: "King", given: "Martin Luther", suffix: "Jr."), "King, Jr., Martin Luther"),
        (PersonName(family: "Rothschild", given: "Jakob", droppingParticle: "von", suffix: "III"),
         "von Rothschild, III, Jakob"),
        (.literal("World Health Organization"), "{World Health Organization}"),
        (.literal("Barnes and Noble"), "{Barnes and Noble}"),
        (.literal("others"), "{others}"),
        (person("de la Fuente", "Ana"), "{de la Fuente}, Ana"),
        (person("Doe, Jr.", "John"), "{Doe, Jr.}, John"),
        (person("Doe", "Anna and Bob"), "Doe, {Anna and Bob}"),
        (person("Smith", "John and"), "Smith, {John and}"),
        (person("Plato"), "Plato"),
        (person("Van Gogh"), "{Van Gogh}"),
        (PersonName(family: "Beethoven", droppingParticle: "van"), "van Beethoven"),
        (PersonName(family: "Beethoven", nonDroppingParticle: "Van"), "{Van Beethoven}"),
        (PersonName(given: "Madonna"), "Madonna"),
        (PersonName(given: "Mary Ann"), "{Mary Ann}"),
        (PersonName(family: "Doe", suffix: "Jr."), "{Doe, Jr.}"),
        (person("Schrödter", "Karsten"), #"Schr{\"o}dter, Karsten"#),
        (person("Wäldchen", "Jana"), #"W{\"a}ldchen, Jana"#),
        (person("Erdős", "Paul"), #"Erd{\H{o}}s, Paul"#),
        (person("Ñúñez", "Íñigo"), #"{\~N}{\'u}{\~n}ez, {\'I}{\~n}igo"#),
        (person("  Doe ", "  John   Q. "), "Doe, John Q."),
    ]

    @Test("one name", arguments: cases)
    func one(_ pair: (PersonName, String)) {
        var encoder = LaTeXEncoder(asciiOnly: true)
        var out: [UInt8] = []
        #expect(BibTeXNames.format(pair.0, encoder: &encoder, to: &out))
        #expect(String(decoding: out, as: UTF8.self) == pair.1)
    }

    @Test("an empty name is skipped")
    func empty() {
        var encoder = LaTeXEncoder(asciiOnly: true)
        var out: [UInt8] = []
        #expect(!BibTeXNames.format(PersonName(), encoder: &encoder, to: &out))
        #expect(!BibTeXNames.format(PersonName(family: "  "), encoder: &encoder, to: &out))
    }

    @Test("lists: joined with and; truncated lists end in 'and others', never a person named others")
    func lists() {
        var encoder = LaTeXEncoder(asciiOnly: true)
        let list = NameList([person("Pauls", "Jan"), PersonName(), person("Schrödter", "Karsten")], truncated: true)
        let out = BibTeXNames.format(list, encoder: &encoder).map { String(decoding: $0, as: UTF8.self) }
        #expect(out == #"Pauls, Jan and Schr{\"o}dter, Karsten and others"#)
        #expect(BibTeXNames.format(NameList([], truncated: true), encoder: &encoder) == nil)
        #expect(BibTeXNames.format(NameList([PersonName()]), encoder: &encoder) == nil)
    }

    @Test("biber rejects a comma inside the parts of a name with a suffix: such a name is one unit there")
    func commaWithSuffix() {
        let name = PersonName(family: "Doe, X", given: "A", suffix: "Jr.")
        let entry = Entry(key: "k", type: EntryType(.document), contributors: [.author: NameList([name, person("Roe", "R")])])
        #expect(fields(of: entry)["author"] == "{Doe, X}, Jr., A and Roe, R")
        let (text, diagnostics) = written([entry], .biblatex)
        #expect(parseFields(text)["author"] == "{A Doe, X Jr.} and Roe, R")
        #expect(diagnostics.contains { $0.code == "bibtex.name-as-literal" && $0.field == "author" })
    }

    @Test("biblatex keeps UTF-8 in names")
    func unicodeNames() {
        let entry = Entry(
            key: "k", type: EntryType(.book),
            contributors: [.author: NameList([person("Erdős", "Paul"), person("Wäldchen", "Jana")])])
        #expect(fields(of: entry, .biblatex)["author"] == "Erdős, Paul and Wäldchen, Jana")
    }

    /// A minimal style that prints BibTeX's own reading of each name: von|last|jr|first.
    static let partsStyle = """
        ENTRY { author } {} {}
        INTEGERS { nameptr numnames }
        STRINGS { s }
        FUNCTION {misc} {}
        FUNCTION {default.type} {}
        FUNCTION {names}
        { author 's :=
          s num.names$ 'numnames :=
          #1 'nameptr :=
          { nameptr numnames #1 + < }
          { s nameptr "{vv{ }}|{ll{ }}|{jj{ }}|{ff{ }}" format.name$ write$ newline$
            nameptr #1 + 'nameptr := }
          while$
        }
        READ
        ITERATE {names}
        """

    @Test("BibTeX's name parser reads back every part as the model has it", .enabled(if: onPath("bibtex")))
    func bibtexReadsParts() throws {
        let names: [(PersonName, String)] = [
            (PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d'"), "|d'Aspremont||Alexandre"),
            (PersonName(family: "Waals", given: "Johannes Diderik", droppingParticle: "van der"),
             "van der|Waals||Johannes Diderik"),
            (PersonName(family: "King", given: "Martin Luther", suffix: "Jr."), "|King|Jr.|Martin Luther"),
            (person("de la Fuente", "Ana"), "|{de la Fuente}||Ana"),
            (person("Erdős", "Paul"), #"|Erd{\H{o}}s||Paul"#),
            (.literal("Barnes and Noble"), "|{Barnes and Noble}||"),
            (person("Van Gogh"), "|{Van Gogh}||"),
            (PersonName(family: "Beethoven", droppingParticle: "van"), "van|Beethoven||"),
            (PersonName(family: "Doe", suffix: "Jr."), "|{Doe, Jr.}||"),
            (PersonName(given: "Madonna"), "|Madonna||"),
            (person("Doe", "Anna and Bob"), "|Doe||{Anna and Bob}"),
        ]
        let entry = Entry(
            key: "k", type: EntryType(.document), contributors: [.author: NameList(names.map(\.0), truncated: true)])
        let bbl = try runBibTeX(style: "parts", bib: written([entry]).text, bst: Self.partsStyle)
        let lines = bbl.split(separator: "\n").map(String.init)
        #expect(lines == names.map(\.1) + ["|others||"])
    }
}
