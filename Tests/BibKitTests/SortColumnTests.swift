import Foundation
import TestSupport
import Testing

@testable import BibKit
@testable import BibModel

/// The sort step compares precomputed columns (integers, ASCII bytes); it must give the
/// order the plain definition gives: `Sort.value` per entry compared as values, missing
/// values last whatever the direction, ties in library order.
@Suite struct SortColumnTests {
    /// The definition: values compared as `Sort.Value`s.
    static func referenceOrder(_ sort: Sort, _ entries: [Entry]) -> [Int] {
        let decorated = entries.enumerated().map { i, e in (i, sort.criteria.map { Sort.value($0.key, of: e) }) }
        return decorated.sorted { a, b in
            for (n, c) in sort.criteria.enumerated() {
                switch (a.1[n], b.1[n]) {
                case (nil, nil): continue
                case (nil, _): return false
                case (_, nil): return true
                case (let x?, let y?):
                    if x == y { continue }
                    return c.descending ? x > y : x < y
                }
            }
            return a.0 < b.0
        }.map(\.0)
    }

    static let families = [
        "Smith", "smith", "de la Cruz", "O'Brien", "Müller", "Muller", "Schr{\\\"o}dinger", "Schrödinger", "Ngô",
        "김", "Zhang", "van der Berg", "Smith-Jones", "AT&T", "", "Ωmega", "Ærø", "Straße", "strasse", "Lee",
    ]
    static let givens: [String?] = [nil, "A.", "Ann", "ann", "José", "J.-P.", "", "Zoë", "Ø."]
    static let titles: [String?] = [
        nil, "", "Attention Is All You Need", "attention is all you need!", "Über Graphen", "Uber graphen",
        "The $\\alpha$-helix", "α-helix", "Q&A: a study", "Q and A a study", "2001", "200 1",
    ]

    static func entries(count: Int, seed: UInt64) -> [Entry] {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        var out: [Entry] = []
        for i in 0..<count {
            let kind = pick([WorkType.articleJournal, .book, .chapter, .thesis])
            let key: String? = pick([nil, "k\(i % 7)", "K\(i % 5)", "é\(i % 3)", "Zed", ""])
            let hasAuthor = rng.next() % 5 != 0
            let authors: [(String, String?)] = hasAuthor ? [(pick(families), pick(givens))] : []
            let editors: [(String, String?)] = !hasAuthor && rng.next() % 2 == 0 ? [(pick(families), pick(givens))] : []
            let year: Int? = rng.next() % 6 == 0 ? nil : 1995 + Int(rng.next() % 6)
            let journal: String? = pick([nil, "J. Mach. Learn. Res.", "Zeitschrift für Physik", "zeitschrift fur physik"])
            var e = Make.entry(key, kind, title: pick(titles), authors: authors, year: year, journal: journal, editors: editors)
            if let year, rng.next() % 3 == 0 {
                e.issued = .typed(BibDate(year: year, month: pick([nil, 1, 6, 12]), day: pick([nil, 1, 15])))
            }
            out.append(e)
        }
        return out
    }

    @Test(arguments: ["year,author", "-year,author", "author", "-author,-title", "title", "key", "-key", "type,journal",
        "date", "-date,key", "journal,-year,title"])
    func columnsGiveTheDefinedOrder(spec: String) throws {
        let sort = try Sort(parsing: spec)
        for seed in 1...6 {
            let entries = Self.entries(count: 150, seed: UInt64(seed))
            let expected = Self.referenceOrder(sort, entries)
            #expect(sort.order(of: entries) == expected, "\(spec), seed \(seed)")
            var library = Library(entries: entries)
            var diagnostics = Diagnostics()
            _ = sort.apply(to: &library, diagnostics: &diagnostics)
            #expect(library.entries == expected.map { entries[$0] }, "\(spec), seed \(seed)")
        }
    }

    /// The 64-bit prefixes (a year's rank, then a text column's first bytes) decide most
    /// comparisons: ASCII-only values (so text columns give a prefix), many years including
    /// extreme ones, missing values, and texts that share their first 7 to 12 bytes or are
    /// prefixes of one another.
    @Test(arguments: ["year,author", "-year,author", "year,-author", "author", "-author,year", "key", "-key,year", "title,-year",
        "year", "-year", "journal,-year,title", "date,author"])
    func prefixesGiveTheDefinedOrder(spec: String) throws {
        let sort = try Sort(parsing: spec)
        // (Values that share their first 15 bytes and more: the second prefix words tie too.)
        let families = [
            "Abernathy", "Abernathy-Smith", "Abernath", "abernathy", "Smith", "Smithson", "Smithsonian", "", "Xu", "X",
            "Abernathy-Smithsonian", "Abernathy-Smithsonian-Lee", "Abernathy-Smithsonia",
        ]
        let givens: [String?] = [nil, "Ann", "Annabel", "A.", "", "Annabelle-Marie", "Annabelle-Marie Louise"]
        let titles: [String?] = [
            nil, "", "Learning to learn", "Learning to learn again", "Learning", "Zebra", "learning to Learn",
            "Learning to learn again and again", "Learning to learn again and again, twice",
        ]
        let years: [Int?] = [nil, 1999, 2000, 2001, -44, Int.max, Int.min, 0]
        for seed in 1...5 {
            var rng = SplitMix64(seed: UInt64(seed) * 7919)
            func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
            var entries: [Entry] = []
            for i in 0..<200 {
                let family = pick(families)
                let authors: [(String, String?)] = family.isEmpty && rng.next() % 2 == 0 ? [] : [(family, pick(givens))]
                let key: String? = pick([nil, "abernathy2000", "abernathy2000a", "abernath", "k\(i % 9)", ""])
                entries.append(
                    Make.entry(key, .articleJournal, title: pick(titles), authors: authors, year: pick(years),
                        journal: pick([nil, "Journal of Learning", "Journal of Learning Research", "J"])))
            }
            let expected = Self.referenceOrder(sort, entries)
            #expect(sort.order(of: entries) == expected, "\(spec), seed \(seed)")
        }
    }

    @Test func yearAndASCIITextColumnsGivePrefixes() {
        let entries = [Make.entry("b", title: "B", authors: [("Lee", "A.")], year: 2001), Make.entry("a", title: "A", year: nil)]
        let columns = [Sort.Criterion(.year), Sort.Criterion(.author)].map { SortColumn($0, entries: entries) }
        let prefix = SortColumn.prefixes(columns, count: entries.count)
        #expect(prefix != nil && prefix?[0] != prefix?[1])
        // Text that is not ASCII as the first column: no prefix, the columns decide.
        let other = [Make.entry("x", authors: [("김", nil)]), Make.entry("y", authors: [("Lee", nil)])]
        #expect(SortColumn.prefixes([SortColumn(Sort.Criterion(.author), entries: other)], count: 2) == nil)
    }

    @Test func asciiWordsMatchMatchText() {
        let texts = Self.families + Self.titles.compactMap { $0 } + [
            "  lead and trail  ", "a&b", "&&", "x'y", "'", "Mc'Donald & Sons, Ltd.", "ÀB", "tab\there", "\\emph{x}",
        ]
        for t in texts {
            var out: [UInt8] = []
            let ascii = SortColumn.appendWords(t, to: &out)
            let joined = MatchText.words(t).joined(separator: " ")
            if ascii {
                #expect(String(decoding: out, as: UTF8.self) == joined, "\(t)")
            } else {
                #expect(joined.utf8.contains { $0 >= 0x80 }, "\(t)")
                #expect(out.isEmpty)
            }
        }
    }
}
