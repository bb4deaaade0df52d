import BibModel
import Testing

@testable import BibTeXFormat

@Suite("Dates, months and pages")
struct DateAndPageTests {
    @Test("month macros", arguments: Array(1...12))
    func monthMacro(_ month: Int) {
        let expected = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"][month - 1]
        #expect(BibTeXDates.monthMacro(month) == expected)
        let entry = Entry(key: "k", type: EntryType(.document), dates: [.issued: .typed(BibDate(year: 2020, month: month))])
        let text = written([entry]).text
        // Bare, not braced: biber sorts `{Jun}` wrongly and warns.
        #expect(text.contains("  month = \(expected)\n") || text.contains("  month = \(expected),\n"))
    }

    @Test("no macro outside 1–12")
    func badMonth() {
        #expect(BibTeXDates.monthMacro(0) == nil)
        #expect(BibTeXDates.monthMacro(13) == nil)
    }

    static let bibtexDates: [(BibDate, [String])] = [
        (BibDate(year: 2023), ["year={2023}"]),
        (BibDate(year: 2023, month: 6), ["year={2023}", "month=jun"]),
        (BibDate(year: 2023, month: 6, day: 29), ["year={2023}", "month=jun", "day={29}"]),
        (BibDate(from: DateParts(year: 2019), to: DateParts(year: 2021)), ["year={2019--2021}"]),
        (BibDate(from: DateParts(year: 2019, month: 6), to: DateParts(year: 2019, month: 7)),
         ["year={2019}", "month=jun # {--} # jul"]),
        (BibDate(from: DateParts(year: 2022, month: 7, day: 17), to: DateParts(year: 2022, month: 7, day: 23)),
         ["year={2022}", "month=jul", "day={17--23}"]),
        (BibDate(from: DateParts(year: 2019), to: nil), ["year={2019--}"]),
        (BibDate(from: nil, to: DateParts(year: 2019)), ["year={--2019}"]),
        (BibDate(DateParts(year: 1850), circa: true), ["year={circa 1850}"]),
        (BibDate(DateParts(year: 1850), uncertain: true), ["year={1850?}"]),
        (BibDate(DateParts(year: 2020), season: .spring), ["year={2020}", "month={Spring}"]),
        (BibDate(year: -44, month: 3, day: 15), ["year={-44}", "month=mar", "day={15}"]),
    ]

    @Test("classic BibTeX year/month/day", arguments: bibtexDates)
    func bibtexParts(_ pair: (BibDate, [String])) {
        let parts = BibTeXDates.bibtexParts(pair.0).map { $0.name + "=" + ($0.bare ? $0.value : "{" + $0.value + "}") }
        #expect(parts == pair.1)
    }

    static let biblatexDates: [(BibDate, String?)] = [
        (BibDate(year: 2023), "2023"),
        (BibDate(year: 2023, month: 6, day: 29), "2023-06-29"),
        (BibDate(from: DateParts(year: 2019), to: DateParts(year: 2021)), "2019/2021"),
        (BibDate(from: DateParts(year: 2019), to: nil), "2019/.."),
        (BibDate(from: nil, to: DateParts(year: 2019)), "../2019"),
        (BibDate(DateParts(year: 1850), circa: true), "1850~"),
        (BibDate(DateParts(year: 1850), uncertain: true), "1850?"),
        (BibDate(DateParts(year: 1850), circa: true, uncertain: true), "1850%"),
        (BibDate(from: DateParts(year: 1850), to: DateParts(year: 1860), circa: true), "1850~/1860~"),
        (BibDate(DateParts(year: 2020), season: .spring), "2020-21"),
        (BibDate(DateParts(year: 2020), season: .winter), "2020-24"),
        (BibDate(year: -44, month: 3, day: 15), "-0044-03-15"),
        (BibDate(year: 2020, month: 13), nil),
        (BibDate(year: 2021, month: 2, day: 29), nil),
        (BibDate(year: 12345), nil),
    ]

    @Test("biblatex ISO 8601-2 date", arguments: biblatexDates)
    func biblatexDate(_ pair: (BibDate, String?)) {
        #expect(BibTeXDates.biblatexDate(pair.0) == pair.1)
    }

    @Test("biblatex writes date only (never year and date together)")
    func biblatexDateOnly() {
        let entry = Entry(key: "k", type: EntryType(.document), dates: [.issued: .typed(BibDate(year: 2020, month: 6))])
        let f = fields(of: entry, .biblatex)
        #expect(f["date"] == "2020-06")
        #expect(f["year"] == nil && f["month"] == nil)
    }

    @Test("a raw date: BibTeX writes it as the year with a warning; biblatex uses pubstate or addendum")
    func rawDates() {
        let inPress = Entry(key: "a", type: EntryType(.document), dates: [.issued: .raw("in press")])
        let odd = Entry(key: "b", type: EntryType(.document), dates: [.issued: .raw("c. 1988, reprinted")])
        let (bibtex, bibtexDiagnostics) = written([inPress, odd])
        #expect(bibtex.contains("year = {in press}"))
        #expect(bibtex.contains("year = {c. 1988, reprinted}"))
        #expect(bibtexDiagnostics.filter { $0.code == "bibtex.raw-date" }.count == 2)

        let (biblatex, biblatexDiagnostics) = written([inPress, odd], .biblatex)
        #expect(biblatex.contains("pubstate = {inpress}"))
        #expect(biblatex.contains("addendum = {c. 1988, reprinted}"))
        #expect(!biblatex.contains("year ="))
        #expect(!biblatex.contains("date ="))
        #expect(biblatexDiagnostics.filter { $0.code == "bibtex.raw-date" }.map(\.entryKey) == ["b"])
    }

    @Test("a publication status becomes a biblatex pubstate key")
    func status() {
        let entry = Entry(key: "k", type: EntryType(.document), fields: [.status: "In press"])
        #expect(fields(of: entry, .biblatex)["pubstate"] == "inpress")
        #expect(fields(of: entry)["pubstate"] == "In press")
        let other = Entry(key: "k", type: EntryType(.document), fields: [.status: "under review"])
        #expect(fields(of: other, .biblatex)["pubstate"] == "under review")
    }

    @Test("other date roles")
    func otherDates() {
        let entry = Entry(
            key: "k", type: EntryType(.paperConference),
            dates: [
                .accessed: .typed(BibDate(year: 2024, month: 3, day: 1)),
                .eventDate: .typed(BibDate(from: DateParts(year: 2022, month: 7, day: 17), to: DateParts(year: 2022, month: 7, day: 23))),
                .originalDate: .typed(BibDate(year: 1900)),
                .availableDate: .typed(BibDate(year: 2020, month: 1)),
            ])
        let bibtex = fields(of: entry)
        #expect(bibtex["urldate"] == "2024-03-01")
        #expect(bibtex["eventdate"] == "2022-07-17/2022-07-23")
        #expect(bibtex["origdate"] == "1900")
        #expect(bibtex["availabledate"] == "2020-01")
        let (text, diagnostics) = written([entry], .biblatex)
        let biblatex = parseFields(text)
        #expect(biblatex["urldate"] == "2024-03-01")
        #expect(biblatex["eventdate"] == "2022-07-17/2022-07-23")
        #expect(biblatex["origdate"] == "1900")
        #expect(diagnostics.contains { $0.code == "bibtex.field-not-in-type" && $0.message.contains("available-date") })
        // eventdate has no place in a biblatex @misc.
        let misc = Entry(key: "m", type: EntryType(.document), dates: [.eventDate: .typed(BibDate(year: 2020))])
        let (miscText, miscDiagnostics) = written([misc], .biblatex)
        #expect(!miscText.contains("eventdate"))
        #expect(miscDiagnostics.contains { $0.code == "bibtex.field-not-in-type" && $0.message.contains("@misc") })
    }

    static let pages: [(String, String)] = [
        ("123-145", "123--145"), ("123–145", "123--145"), ("123—145", "123--145"), ("123 - 145", "123--145"),
        ("123--145", "123--145"), ("123---145", "123--145"), ("e1234-e1240", "e1234--e1240"), ("iv-x", "iv--x"),
        ("1-2, 5-7", "1--2, 5--7"), ("1- -2", "1- -2"), ("S-12", "S-12"), ("A-1-2", "A-1-2"), ("e1234", "e1234"), ("123", "123"),
        ("12–S15", "12--S15"), ("", ""),
    ]

    @Test("page ranges use --", arguments: pages)
    func pageRanges(_ pair: (String, String)) {
        #expect(BibTeXPages.normalized(pair.0) == pair.1)
    }
}

struct PageShortcutTests {
    @Test("the shortcuts for `A-B` and for pages already in shape give what the rules give")
    func shortcutsAgreeWithRules() {
        let alphabet = ["1", "23", "e", "S", "iv", "x", "-", "--", "---", " ", ",", ", ", "–", "\t", "a"]
        var samples = LaTeXDecodingTests.strings(of: alphabet, upTo: 7, count: 20000, seed: 3)
        samples += ["850-887", "850--887", "e12-e15", "12-S", "S-12", "1-2,5-7", "1--2,5--7", "--5", "5--", "1 --2", "1-- 2", "a1-b2", ""]
        var shortcuts = 0
        for pages in samples {
            if BibTeXPages.simpleRange(pages) != nil || BibTeXPages.isNormalizedASCII(pages) { shortcuts += 1 }
            #expect(BibTeXPages.normalized(pages) == BibTeXPages.normalizedByRules(pages), "\(pages.debugDescription)")
        }
        // Both ways are taken often.
        #expect(shortcuts > 1000 && shortcuts < samples.count - 1000)
    }
}
