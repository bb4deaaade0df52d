import BibModel
import Testing

@testable import ProfileTextFormat

/// The paper line grammar: `[score][SUBJECT]Mon D[, YYYY][Code]`.
@Suite struct MetaLineTests {
    /// An expected parse: score, subject, month, day, year, Code flag.
    struct Case: CustomTestStringConvertible, Sendable {
        var line: String
        var score: String?
        var subject: String?
        var month: Int?
        var day: String
        var year: String?
        var code: Bool
        var date: String
        var testDescription: String { line }
    }

    static let wellFormed: [Case] = [
        // The forms in the sample.
        Case(line: "99.8CLMar 16Code", score: "99.8", subject: "CL", month: 3, day: "16", year: nil, code: true, date: "Mar 16"),
        Case(line: "CVFeb 24Code", score: nil, subject: "CV", month: 2, day: "24", year: nil, code: true, date: "Feb 24"),
        Case(line: "LGJun 29, 2023", score: nil, subject: "LG", month: 6, day: "29", year: "2023", code: false, date: "Jun 29, 2023"),
        Case(line: "97.5NEMay 19", score: "97.5", subject: "NE", month: 5, day: "19", year: nil, code: false, date: "May 19"),
        Case(line: "91.2AGApr 10", score: "91.2", subject: "AG", month: 4, day: "10", year: nil, code: false, date: "Apr 10"),
        Case(line: "87.0LGMar 16Code", score: "87.0", subject: "LG", month: 3, day: "16", year: nil, code: true, date: "Mar 16"),
        Case(line: "LGJun 1, 2022", score: nil, subject: "LG", month: 6, day: "1", year: "2022", code: false, date: "Jun 1, 2022"),
        // Edge cases.
        Case(line: "Mar 16", score: nil, subject: nil, month: 3, day: "16", year: nil, code: false, date: "Mar 16"),
        Case(line: "97.5May 19", score: "97.5", subject: nil, month: 5, day: "19", year: nil, code: false, date: "May 19"),
        Case(line: "87LGMar 16", score: "87", subject: "LG", month: 3, day: "16", year: nil, code: false, date: "Mar 16"),
        Case(line: "100LGMar 16", score: "100", subject: "LG", month: 3, day: "16", year: nil, code: false, date: "Mar 16"),
        Case(line: "LGJun 29, 2023Code", score: nil, subject: "LG", month: 6, day: "29", year: "2023", code: true, date: "Jun 29, 2023"),
        Case(line: "LGJun 29, 2023 Code", score: nil, subject: "LG", month: 6, day: "29", year: "2023", code: true, date: "Jun 29, 2023"),
        Case(line: "LGJun 29,2023", score: nil, subject: "LG", month: 6, day: "29", year: "2023", code: false, date: "Jun 29,2023"),
        Case(line: "LGJun  29", score: nil, subject: "LG", month: 6, day: "29", year: nil, code: false, date: "Jun  29"),
        Case(line: "MLSept 3, 2021", score: nil, subject: "ML", month: 9, day: "3", year: "2021", code: false, date: "Sept 3, 2021"),
        Case(line: "LGJune 3", score: nil, subject: "LG", month: 6, day: "3", year: nil, code: false, date: "June 3"),
        Case(line: "LGDecember 31, 1999", score: nil, subject: "LG", month: 12, day: "31", year: "1999", code: false, date: "December 31, 1999"),
        Case(line: "QBIOJan 5", score: nil, subject: "QBIO", month: 1, day: "5", year: nil, code: false, date: "Jan 5"),
        // Structurally a meta line though the date does not exist: the date check reports it.
        Case(line: "LGJun 45, 2023", score: nil, subject: "LG", month: 6, day: "45", year: "2023", code: false, date: "Jun 45, 2023"),
        Case(line: "LGJun 31", score: nil, subject: "LG", month: 6, day: "31", year: nil, code: false, date: "Jun 31"),
        Case(line: "LGJun 123", score: nil, subject: "LG", month: 6, day: "123", year: nil, code: false, date: "Jun 123"),
        Case(line: "LGJun 29, 23", score: nil, subject: "LG", month: 6, day: "29", year: "23", code: false, date: "Jun 29, 23"),
    ]

    @Test(arguments: wellFormed)
    func parsesMetaLines(_ c: Case) throws {
        let (meta, bytes) = try #require(Support.meta(c.line))
        #expect(Support.string(bytes, meta.score) == c.score)
        #expect(Support.string(bytes, meta.subject) == c.subject)
        #expect(meta.month == c.month)
        #expect(meta.isWellFormed)
        #expect(Support.string(bytes, meta.dayDigits) == c.day)
        #expect(Support.string(bytes, meta.yearDigits) == c.year)
        #expect(meta.code == c.code)
        #expect(Support.string(bytes, meta.dateText) == c.date)
    }

    /// The month takes the last capital of the run: `ABMar` is subject `AB` + `Mar`.
    @Test func capitalRunSplitsBeforeTheLastCapital() throws {
        let (meta, bytes) = try #require(Support.meta("ABMar 5"))
        #expect(Support.string(bytes, meta.subject) == "AB")
        #expect(Support.string(bytes, meta.monthToken) == "Mar")
        #expect(Support.meta("MayMay 5") == nil, "lower-case letters inside the capitals run are no meta line")
    }

    /// Lines that have the shape but not a month: damaged meta lines when a score or a
    /// subject precedes them, otherwise ordinary text.
    @Test(arguments: [
        ("LGJux 12", true, "Jux 12"),
        ("99.1LGJux 12Code", true, "Jux 12"),
        ("97.5Xyz 3, 2024", true, "Xyz 3, 2024"),
        ("Jux 12", false, "Jux 12"),
        ("Top 10", false, "Top 10"),
    ])
    func damagedMetaLines(_ line: String, hasPrefix: Bool, date: String) throws {
        let (meta, bytes) = try #require(Support.meta(line))
        #expect(!meta.isWellFormed)
        #expect(meta.month == nil)
        #expect(meta.hasPrefix == hasPrefix)
        #expect(Support.string(bytes, meta.dateText) == date)
        let b = Array(line.utf8)
        #expect((ProfileScanner.startOfPaper(b, 0..<b.count, atBlockStart: true) != nil) == hasPrefix)
        #expect(ProfileScanner.startOfPaper(b, 0..<b.count, atBlockStart: false) == nil, "only at a block start")
    }

    @Test(arguments: [
        "", "Max Zimmer", "LG", "h-index29", "24papers", "177citations", "Novelty57%", "AI Score60",
        "24 Papers", "Llama 2", "Top 10 Tips", "When Does Sparsity Mitigate the Curse of Depth in LLMs",
        "LGJun 29, 2023 extra", "LGJun 29 2023", "LGJun", "LGJun 29,", "LGJun29", "99.8", "99.8CL",
        "ABCDEFGMar 1", "12345LGMar 1", "99.8765LGMar 1", "LGJun 29, 20231", "LGJun 1234",
        "LGJun 29code", "LGJun 29 Slides", "LGJun 29Code Slides", "LGJun 29CodeX", "LGJun 29AbCdEfGh",
        "LGJun 29SlidesVideoDataCodeMore", "lgJun 29", "LG Jun 29", "99.LGMar 16", "Dilxat Muhtar, Xinyuan Song",
        "Mar", "March", "LGMarch", "GPT 4", "ÄGJun 29",
    ])
    func rejectsOtherLines(_ line: String) {
        #expect(Support.meta(line) == nil)
    }

    @Test(arguments: [
        ("LGJun 29Slides", false, ["Slides"]),
        ("LGJun 29, 2023CodeSlides", true, ["Slides"]),
        ("LGJun 29, 2023SlidesCode", true, ["Slides"]),
        ("LGJun 29, 2023Slides Code", true, ["Slides"]),
        ("LGJun 29Codes", false, ["Codes"]),
        ("LGJun 29", false, []),
    ])
    func flags(_ line: String, _ code: Bool, _ others: [String]) throws {
        let (meta, bytes) = try #require(Support.meta(line))
        #expect(meta.code == code)
        #expect(meta.otherFlags.compactMap { Support.string(bytes, $0) } == others)
    }

    /// Trimming happens before parsing: the scanner passes trimmed content.
    @Test func trailingBlanksAreTrimmedByTheLineSplitter() throws {
        let text = "  LGJun 29, 2023 \t \r\nnext"
        let bytes = Array(text.utf8)
        let lines = ProfileBytes.lines(bytes, index: LineIndex(file: "x", bytes: bytes))
        #expect(lines.count == 2)
        let first = try #require(lines.first)
        #expect(String(decoding: bytes[first.content], as: UTF8.self) == "LGJun 29, 2023")
        #expect(MetaLine.parse(bytes, first.content)?.isWellFormed == true)
    }
}
