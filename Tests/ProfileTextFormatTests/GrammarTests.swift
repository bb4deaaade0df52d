import BibModel
import Testing

@testable import ProfileTextFormat

/// Header lines: statistics, heading, subject.
@Suite struct HeaderLineTests {
    static let cases: [(String, HeaderLine)] = [
        ("h-index29", .stat(name: "h-index", value: "29")),
        ("h-index 29", .stat(name: "h-index", value: "29")),
        ("H-Index: 7", .stat(name: "h-index", value: "7")),
        ("24papers", .stat(name: "papers", value: "24")),
        ("1paper", .stat(name: "papers", value: "1")),
        ("24 papers", .stat(name: "papers", value: "24")),
        ("177citations", .stat(name: "citations", value: "177")),
        ("1,234citations", .stat(name: "citations", value: "1,234")),
        ("Novelty57%", .stat(name: "novelty", value: "57%")),
        ("Novelty 57.5%", .stat(name: "novelty", value: "57.5%")),
        ("AI Score60", .stat(name: "ai-score", value: "60")),
        ("AI score 60", .stat(name: "ai-score", value: "60")),
        ("24 Papers", .heading(count: 24, value: "24")),
        ("1 Paper", .heading(count: 1, value: "1")),
        ("24Papers", .heading(count: 24, value: "24")),
        ("LG", .subject("LG")),
        ("CV", .subject("CV")),
        ("Max Zimmer", .other),
        ("h-index", .other),
        ("h-indexes 4", .other),
        ("24 Papers found", .other),
        ("Novelty57%%", .other),
        ("L", .other),
        ("LGML", .other),
        ("", .other),
    ]

    @Test(arguments: cases)
    func classifies(_ line: String, _ expected: HeaderLine) {
        let b = Array(line.utf8)
        #expect(HeaderLine.parse(b, 0..<b.count) == expected)
    }
}

/// Author lines: separators, `et al.`, particles, suffixes, Unicode.
@Suite struct AuthorLineTests {
    typealias P = PersonName

    static let cases: [(String, [PersonName], Bool)] = [
        ("Dilxat Muhtar, Xinyuan Song, Sebastian Pokutta et al.",
         [Support.person("Dilxat", "Muhtar"), Support.person("Xinyuan", "Song"), Support.person("Sebastian", "Pokutta")], true),
        ("Max Zimmer, Christoph Spiegel, Sebastian Pokutta",
         [Support.person("Max", "Zimmer"), Support.person("Christoph", "Spiegel"), Support.person("Sebastian", "Pokutta")], false),
        ("Jan Pauls, Karsten Schrödter, Sven Ligensa et al.",
         [Support.person("Jan", "Pauls"), Support.person("Karsten", "Schrödter"), Support.person("Sven", "Ligensa")], true),
        ("Stephan Wäldchen, Kartikey Sharma", [Support.person("Stephan", "Wäldchen"), Support.person("Kartikey", "Sharma")], false),
        ("Christophe Roux, Max Zimmer, Alexandre d'Aspremont et al.",
         [Support.person("Christophe", "Roux"), Support.person("Max", "Zimmer"), Support.person("Alexandre", "Aspremont", particle: "d'")], true),
        ("Alexandre d’Aspremont", [Support.person("Alexandre", "Aspremont", particle: "d’")], false),
        ("Jan Pauls, Max Zimmer, Una M. Kelly et al.",
         [Support.person("Jan", "Pauls"), Support.person("Max", "Zimmer"), Support.person("Una M.", "Kelly")], true),
        ("Alonso Urbano, David W. Romero", [Support.person("Alonso", "Urbano"), Support.person("David W.", "Romero")], false),
        ("Nico Pelleriti, Sree Harsha Nelaturu", [Support.person("Nico", "Pelleriti"), Support.person("Sree Harsha", "Nelaturu")], false),
        ("Ludwig van Beethoven", [Support.person("Ludwig", "Beethoven", particle: "van")], false),
        ("Anna van der Berg", [Support.person("Anna", "Berg", particle: "van der")], false),
        ("van der Berg", [Support.person(nil, "Berg", particle: "van der")], false),
        ("Jean de La Fontaine", [Support.person("Jean", "La Fontaine", particle: "de")], false),
        ("Martin Luther King Jr.", [Support.person("Martin Luther", "King", suffix: "Jr.")], false),
        ("Martin Luther King, Jr., Ada Lovelace",
         [Support.person("Martin Luther", "King", suffix: "Jr."), Support.person("Ada", "Lovelace")], false),
        ("John Smith III, Jane Doe Sr", [Support.person("John", "Smith", suffix: "III"), Support.person("Jane", "Doe", suffix: "Sr")], false),
        ("Henry Ford II", [Support.person("Henry", "Ford", suffix: "II")], false),
        ("Louis IV", [P(family: "Louis", suffix: "IV")], false),
        ("Plato", [P(family: "Plato")], false),
        ("Plato, Aristotle et al.", [P(family: "Plato"), P(family: "Aristotle")], true),
        ("Ada Lovelace, et al.", [Support.person("Ada", "Lovelace")], true),
        ("Ada Lovelace et al", [Support.person("Ada", "Lovelace")], true),
        ("Ada Lovelace and others", [Support.person("Ada", "Lovelace")], true),
        ("Ada Lovelace, Alan Turing, and Grace Hopper",
         [Support.person("Ada", "Lovelace"), Support.person("Alan", "Turing"), Support.person("Grace", "Hopper")], false),
        ("Ada Lovelace and Alan Turing", [Support.person("Ada", "Lovelace"), Support.person("Alan", "Turing")], false),
        ("Ada Lovelace; Alan Turing", [Support.person("Ada", "Lovelace"), Support.person("Alan", "Turing")], false),
        ("The LLM Consortium, Ada Lovelace", [.literal("The LLM Consortium"), Support.person("Ada", "Lovelace")], false),
        ("Zoe Geiselmann, Michael Joswig, Lars Kastner et al.",
         [Support.person("Zoe", "Geiselmann"), Support.person("Michael", "Joswig"), Support.person("Lars", "Kastner")], true),
        ("et al.", [], true),
    ]

    @Test(arguments: cases)
    func splitsNames(_ line: String, _ names: [PersonName], _ truncated: Bool) {
        let parsed = ProfileAuthors.parse(line)
        #expect(parsed.names == names)
        #expect(parsed.truncated == truncated)
        #expect(!parsed.names.contains { $0.displayName.lowercased().contains("et al") || $0.family == "others" })
    }

    @Test func emptyItemsAreCounted() {
        let parsed = ProfileAuthors.parse("Ada Lovelace, , Alan Turing")
        #expect(parsed.names.count == 2)
        #expect(parsed.emptyItems == 1)
    }

    @Test func displayNamesRoundTrip() {
        let parsed = ProfileAuthors.parse("Alexandre d'Aspremont, Ludwig van Beethoven, Martin Luther King Jr.")
        #expect(parsed.names.map(\.displayName) == ["Alexandre d'Aspremont", "Ludwig van Beethoven", "Martin Luther King Jr."])
    }

    @Test(arguments: [
        ("Max Zimmer, Christoph Spiegel, Sebastian Pokutta", true),
        ("Max Zimmer", true),
        ("Jan Pauls, Max Zimmer, Una M. Kelly et al.", true),
        ("Recent work has demonstrated the curse of depth in large language models (LLMs), where later layers contribute less.", false),
        ("We propose a framework for global-scale canopy height estimation based on satellite data.", false),
        ("The resulting models have significantly fewer layers, while maintaining accuracy, achieving higher throughput.", false),
        ("A T-curve of degree $d$ is given by a triangulation.", false),
        ("Pruning is common. It works.", false),
    ])
    func tellsAuthorsFromProse(_ text: String, _ isAuthors: Bool) {
        #expect(ProfileAuthors.looksLikeAuthors(text) == isAuthors)
    }

    @Test(arguments: [
        ("Max Zimmer, Christoph Spiegel, Sebastian Pokutta", true),
        ("Christoph Spiegel, Max Zimmer et al.", true),
        ("Max Zimmer", false),
        ("Sparse Model Soups", false),
        ("Don't Be Greedy, Just Relax! Pruning LLMs via Frank-Wolfe", false),
        ("Neural Sum-of-Squares: Certifying the Nonnegativity of Polynomials with Transformers", false),
    ])
    func strongAuthorSignal(_ text: String, _ strong: Bool) {
        #expect(ProfileAuthors.isStronglyAuthors(text) == strong)
    }
}

/// Dates: month names, exact dates, and the as-of rule for dates without a year.
@Suite struct DateTests {
    static let asOf = DateParts(year: 2026, month: 11, day: 24)

    static let inferred: [(String, DateParts, DateParts?)] = [
        ("Mar 16", asOf, DateParts(year: 2026, month: 3, day: 16)),
        ("Dec 11", asOf, DateParts(year: 2025, month: 12, day: 11)),
        ("Nov 24", asOf, DateParts(year: 2026, month: 11, day: 24)),
        ("Nov 25", asOf, DateParts(year: 2025, month: 11, day: 25)),
        ("Feb 24", asOf, DateParts(year: 2026, month: 2, day: 24)),
        // Year boundary.
        ("Jan 1", DateParts(year: 2026, month: 1, day: 1), DateParts(year: 2026, month: 1, day: 1)),
        ("Dec 31", DateParts(year: 2026, month: 1, day: 1), DateParts(year: 2025, month: 12, day: 31)),
        ("Jan 2", DateParts(year: 2026, month: 1, day: 1), DateParts(year: 2025, month: 1, day: 2)),
        // Feb 29: the latest leap year's, not after the capture date.
        ("Feb 29", asOf, DateParts(year: 2024, month: 2, day: 29)),
        ("Feb 29", DateParts(year: 2028, month: 2, day: 29), DateParts(year: 2028, month: 2, day: 29)),
        ("Feb 29", DateParts(year: 2028, month: 2, day: 28), DateParts(year: 2024, month: 2, day: 29)),
        ("Feb 29", DateParts(year: 2028, month: 3, day: 1), DateParts(year: 2028, month: 2, day: 29)),
        ("Feb 29", DateParts(year: 2103, month: 6, day: 1), DateParts(year: 2096, month: 2, day: 29)),
        // A capture date given as a year only means its last day.
        ("Dec 11", DateParts(year: 2026), DateParts(year: 2026, month: 12, day: 11)),
        // Days that never exist.
        ("Jun 31", asOf, nil),
        ("Feb 30", asOf, nil),
        ("Jun 0", asOf, nil),
        ("Apr 31", asOf, nil),
    ]

    @Test(arguments: inferred)
    func infersTheYear(_ shown: String, _ asOf: DateParts, _ expected: DateParts?) throws {
        let (meta, bytes) = try #require(Support.meta(shown))
        let month = try #require(meta.month)
        let day = try #require(ProfileBytes.number(bytes, meta.dayDigits))
        let result = ProfileDates.resolve(month: month, day: day, year: nil, yearDigitCount: 0, asOf: asOf)
        if let expected {
            #expect(result == .inferred(expected))
        } else if case .inferred = result {
            Issue.record("\(shown) should not exist, got \(result)")
        }
    }

    @Test(arguments: [
        (6, 29, 2023, 4, ProfileDates.Resolution.exact(DateParts(year: 2023, month: 6, day: 29))),
        (2, 29, 2024, 4, .exact(DateParts(year: 2024, month: 2, day: 29))),
        (2, 29, 2023, 4, .invalid("no such day")),
        (6, 45, 2023, 4, .invalid("no such day")),
        (6, 31, 2022, 4, .invalid("no such day")),
        (6, 29, 23, 2, .invalid("the year needs four digits")),
    ])
    func exactDates(_ month: Int, _ day: Int, _ year: Int, _ digits: Int, _ expected: ProfileDates.Resolution) {
        #expect(ProfileDates.resolve(month: month, day: day, year: year, yearDigitCount: digits, asOf: Self.asOf) == expected)
    }

    @Test func monthNames() {
        let all = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        for (i, name) in all.enumerated() {
            let b = Array(name.utf8)
            #expect(ProfileDates.month(b, 0..<b.count) == i + 1)
        }
        for bad in ["Jux", "jun", "JUN", "Ju", "Juni"] {
            let b = Array(bad.utf8)
            #expect(ProfileDates.month(b, 0..<b.count) == nil)
        }
    }

    @Test func todayIsUsedWithoutACaptureDate() {
        let today = ProfileDates.today()
        let r = Support.read("LGJan 1\nA Title\n\nAda Lovelace\n", asOf: nil)
        // Jan 1 is never after today, so it is this year's.
        #expect(r.entries.first?.year == today.year)
    }
}
