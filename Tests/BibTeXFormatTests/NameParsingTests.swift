import BibModel
import Foundation
import Testing

@testable import BibTeXFormat

/// BibTeX's name grammar and biblatex's extended name format, table-driven.
@Suite("Name parsing")
struct NameParsingTests {
    /// `given|particle|family|suffix` of the single name a value holds (particle = the dropping
    /// one unless marked `!` for non-dropping), or `=literal`.
    static let cases: [(String, String)] = [
        // First von Last.
        ("Donald E. Knuth", "Donald E.||Knuth|"),
        ("Knuth", "||Knuth|"),
        ("Ludwig van Beethoven", "Ludwig|van|Beethoven|"),
        ("Jean de la Fontaine", "Jean|de la|Fontaine|"),
        ("Jean de La Fontaine", "Jean|de|La Fontaine|"),
        ("Johannes Diderik van der Waals", "Johannes Diderik|van der|Waals|"),
        ("Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin", "Charles Louis Xavier Joseph|de la|Vallée Poussin|"),
        ("Alexandre d'Aspremont", "Alexandre|!d'|Aspremont|"),
        ("Jean-Paul Sartre", "Jean-Paul||Sartre|"),
        ("Martin Luther King Jr.", "Martin Luther King||Jr.|"),
        ("{\\relax Ch}ristopher Manning", "Christopher||Manning|"),
        ("D.~E. Knuth", "D. E.||Knuth|"),
        ("Paul Erd{\\H{o}}s", "Paul||Erdős|"),
        ("Kurt G{\\\"o}del", "Kurt||Gödel|"),
        ("{\\\"O}zge Aks{\\i}n", "Özge||Aksın|"),
        ("John {Smith Jones}", "John||Smith Jones|"),
        ("{von Neumann}", "=von Neumann"),
        ("John von Neumann", "John|von|Neumann|"),
        ("Guido {van Rossum}", "Guido||van Rossum|"),
        ("Juan Carlos {de la Cruz}", "Juan Carlos||de la Cruz|"),
        ("jean de la fontaine", "|jean de la|fontaine|"),
        ("Ana Maria de {La} Torre", "Ana Maria|de|La Torre|"),
        ("Niels Bohr", "Niels||Bohr|"),
        ("Ñúñez Íñigo", "Ñúñez||Íñigo|"),
        ("Ærøskøbing Åse", "Ærøskøbing||Åse|"),
        ("Émile Zola", "Émile||Zola|"),
        ("{\\'E}mile Zola", "Émile||Zola|"),
        ("{\\'e}mile Zola", "|émile|Zola|"),
        // von Last, First.
        ("Knuth, Donald E.", "Donald E.||Knuth|"),
        ("van Beethoven, Ludwig", "Ludwig|van|Beethoven|"),
        ("de la Fontaine, Jean", "Jean|de la|Fontaine|"),
        ("d'Aspremont, Alexandre", "Alexandre|!d'|Aspremont|"),
        ("van der Waals, Johannes Diderik", "Johannes Diderik|van der|Waals|"),
        ("Van Gogh, Vincent", "Vincent||Van Gogh|"),
        ("{de la Fuente}, Ana", "Ana||de la Fuente|"),
        ("Schr{\\\"o}dinger, Erwin", "Erwin||Schrödinger|"),
        ("Smith-Jones, Mary", "Mary||Smith-Jones|"),
        ("Smith,", "||Smith|"),
        ("Smith , John", "John||Smith|"),
        ("Smith,John", "John||Smith|"),
        ("{Barnes and Noble}, Inc", "Inc||Barnes and Noble|"),
        ("l'H{\\^o}pital, Guillaume", "Guillaume|!l'|Hôpital|"),
        ("della Robbia, Luca", "Luca|della|Robbia|"),
        ("Gompel, Roger P.\\,G.", "Roger P.\u{202F}G.||Gompel|"),
        // von Last, Jr, First.
        ("King, Jr., Martin Luther", "Martin Luther||King|Jr."),
        ("von Rothschild, III, Jakob", "Jakob|von|Rothschild|III"),
        ("Ford, Jr, Henry", "Henry||Ford|Jr"),
        ("Doe, Jr., John, Extra", "John, Extra||Doe|Jr."),
        // Literals.
        ("{World Health Organization}", "=World Health Organization"),
        ("{Barnes and Noble}", "=Barnes and Noble"),
        ("{IEEE}", "=IEEE"),
        ("{The {LaTeX} Project}", "=The LaTeX Project"),
        ("{\\\"O}", "||Ö|"),
        // biblatex's extended name format.
        ("family=Gogh, given=Vincent, prefix=van, useprefix=true", "Vincent|!van|Gogh|"),
        ("family=Beethoven, given=Ludwig, prefix=van", "Ludwig|van|Beethoven|"),
        ("given=Jean, family={de la Fontaine}", "Jean||de la Fontaine|"),
        ("family=King, given={Martin Luther}, suffix=Jr.", "Martin Luther||King|Jr."),
        ("family={Doe}, given=\"John\"", "John||Doe|"),
        ("given=Ana, given-i=A, family=Pérez", "Ana||Pérez|"),
    ]

    static func describe(_ name: PersonName) -> String {
        if let literal = name.literal { return "=" + literal }
        let particle = name.nonDroppingParticle.map { "!" + $0 } ?? name.droppingParticle ?? ""
        return [name.given ?? "", particle, name.family ?? "", name.suffix ?? ""].joined(separator: "|")
    }

    @Test("one name", arguments: cases)
    func one(_ c: (String, String)) {
        let result = BibTeXNameParser.parse(c.0)
        #expect(result.names.names.count == 1, "\(c.0)")
        #expect(result.names.names.first.map(Self.describe) == c.1, "\(c.0)")
    }

    /// (value, number of names, truncated).
    static let lists: [(String, Int, Bool)] = [
        ("A and B and C", 3, false),
        ("A AND B And C", 3, false),
        ("A and\nB", 2, false),
        ("A and others", 1, true),
        ("Knuth, Donald and others", 1, true),
        ("A and B and et al.", 2, true),
        ("{Barnes and Noble} and Smith", 2, false),
        ("Anderson and Sand", 2, false),
        ("Alexander Andrews", 1, false),
        ("A and and B", 2, false),
        ("", 0, false),
        ("others", 1, false),
        ("A and {others}", 2, false),
        ("A~and~B", 1, false),
    ]

    @Test("lists", arguments: lists)
    func list(_ c: (String, Int, Bool)) {
        let result = BibTeXNameParser.parse(c.0)
        #expect(result.names.names.count == c.1, "\(c.0)")
        #expect(result.names.truncated == c.2, "\(c.0)")
    }

    @Test("problems are reported, names still read")
    func problems() {
        #expect(BibTeXNameParser.parse("A and and B").problems.count == 1)
        #expect(BibTeXNameParser.parse("A and").problems.count == 1)
        #expect(BibTeXNameParser.parse("a, b, c, d").problems.count == 1)
    }

    @Test("useprefix makes the von part non-dropping")
    func useprefix() {
        let name = BibTeXNameParser.parse("Ludwig van Beethoven", useprefix: true).names.names.first
        #expect(name?.nonDroppingParticle == "van")
        #expect(name?.droppingParticle == nil)
    }

    @Test("an entry's options = {useprefix=true} reaches the names")
    func useprefixOption() throws {
        let lib = try read("@book{k, author = {Ludwig van Beethoven}, options = {useprefix=true}, title = {T}}")
        #expect(lib.entries.first?.authors.names.first?.nonDroppingParticle == "van")
    }

    @Test("every name the writer writes parses back to the same parts", arguments: NameWriterCases.all)
    func writerNames(_ name: PersonName) {
        var encoder = LaTeXEncoder(asciiOnly: true)
        var out: [UInt8] = []
        _ = BibTeXNames.format(name, encoder: &encoder, to: &out)
        let parsed = BibTeXNameParser.parse(String(decoding: out, as: UTF8.self)).names.names
        #expect(parsed == [name], "\(String(decoding: out, as: UTF8.self))")
    }

    @Test("ten thousand nested braces in a name")
    func deep() {
        let value = String(repeating: "{", count: 10_000) + "x" + String(repeating: "}", count: 10_000) + " and B"
        #expect(BibTeXNameParser.parse(value).names.names.count == 2)
    }
}

/// Names whose parts the writer's forms keep exactly.
enum NameWriterCases {
    static let all: [PersonName] = [
        PersonName(family: "Zimmer", given: "Max"),
        PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d'"),
        PersonName(family: "Waals", given: "Johannes Diderik", droppingParticle: "van der"),
        PersonName(family: "Beethoven", given: "Ludwig", droppingParticle: "van"),
        PersonName(family: "King", given: "Martin Luther", suffix: "Jr."),
        PersonName(family: "de la Fuente", given: "Ana"),
        PersonName(family: "Erdős", given: "Paul"),
        PersonName(family: "Ñúñez", given: "Íñigo"),
        PersonName(literal: "World Health Organization"),
        PersonName(literal: "Barnes and Noble"),
        PersonName(family: "Rothschild", given: "Jakob", droppingParticle: "von", suffix: "III"),
        PersonName(family: "Plato"),
        PersonName(family: "Beethoven", droppingParticle: "van"),
        PersonName(family: "Smith, Jones", given: "Ann"),
        PersonName(family: "Łukasiewicz", given: "Jan"),
    ]
}

/// Reads BibTeX text.
func read(_ text: String, dialect: BibTeXDialect = .bibtex) throws -> Library {
    var diagnostics = Diagnostics()
    return try BibTeXReader(dialect: dialect).read(Array(text.utf8), source: "t.bib", options: ReadOptions(), diagnostics: &diagnostics)
}

/// Reads BibTeX text and returns the diagnostics too.
func readWithDiagnostics(_ text: String, dialect: BibTeXDialect = .bibtex) throws -> (Library, [Diagnostic]) {
    var diagnostics = Diagnostics()
    let library = try BibTeXReader(dialect: dialect).read(
        Array(text.utf8), source: "t.bib", options: ReadOptions(), diagnostics: &diagnostics)
    return (library, diagnostics.all)
}
