import BibKit
import Foundation
import Testing

/// Small fixtures for conversions the corpus checks against pandoc found wanting
/// (`Fixtures/golden/*`): each input converts to its golden file byte for byte, and the
/// values survive the round trips through the other format.
///
/// A golden is named `<input>.<to>.<ext>`. `RECORD_GOLDEN=1` rewrites them (check the diff).
@Suite struct GoldenConversionTests {
    static let folder = Paths.fixtures.appendingPathComponent("golden")

    /// (input fixture, format written); the golden is `<input>.<format>.<ext>`.
    static let cases: [(String, String)] = [
        ("href-symbol.bib", "csl-json"),
        ("bc-years.bib", "csl-json"), ("bc-years.bib", "jats"), ("bc-years.json", "biblatex"),
        ("maintitle.bib", "csl-json"), ("maintitle.bib", "biblatex"), ("maintitle.bib", "ris"), ("maintitle.bib", "jats"),
        ("maintitle.json", "biblatex"), ("maintitle.json", "csl-json"),
        ("eprint-url.bib", "csl-json"),
        ("subtitles.bib", "csl-json"), ("subtitles.bib", "jats"), ("subtitles-biblatex.bib", "csl-json"), ("subtitles-biblatex.bib", "biblatex"),
        ("subtitles.bib", "ris"), ("subtitles-biblatex.bib", "ris"),
    ]

    static func goldenName(_ input: String, _ format: String) -> String {
        let ext = ["csl-json": "json", "bibtex": "bib", "biblatex": "bib", "ris": "ris", "jats": "xml"][format] ?? format
        return "\(input).\(format).\(ext)"
    }

    /// An input's format: by extension, and BibLaTeX for a `-biblatex.bib`.
    static func formatOf(_ input: String) -> String {
        input.hasSuffix("-biblatex.bib") ? "biblatex" : input.hasSuffix(".json") ? "csl-json" : input.hasSuffix(".ris") ? "ris" : input.hasSuffix(".xml") ? "jats" : "bibtex"
    }

    static func read(_ input: String) throws -> Library {
        let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(input)))
        let (library, diagnostics) = try Convert.read(bytes, as: formatOf(input), source: input)
        #expect(!diagnostics.hasErrors, "\(diagnostics.all.map(\.message))")
        return library
    }

    @Test(arguments: cases)
    func convertsToGolden(_ input: String, _ format: String) throws {
        let (bytes, _) = try Convert.write(try Self.read(input), as: format)
        let url = Self.folder.appendingPathComponent(Self.goldenName(input, format))
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" || !FileManager.default.fileExists(atPath: url.path) {
            try Data(bytes).write(to: url)
            Issue.record("golden \(url.lastPathComponent) written; check it and run again")
            return
        }
        let expected = Array(try Data(contentsOf: url))
        #expect(
            expected == bytes,
            "\(input) → \(format) differs from \(url.lastPathComponent):\n\(String(decoding: bytes, as: UTF8.self))")
    }

    /// The BibTeX fixtures: BibTeX → CSL-JSON → BibTeX holds what BibTeX → BibTeX holds.
    @Test(arguments: cases.map(\.0).filter { $0.hasSuffix(".bib") })
    func bibtexRoundTripsThroughCSL(_ input: String) throws {
        let original = try Self.read(input)
        let direct = try Convert.through(original, "bibtex", source: input)
        let viaCSL = try Convert.through(try Convert.through(original, "csl-json", source: input), "bibtex", source: input)
        let comparison = LibraryComparison(direct, viaCSL, projection: RoundTripTests.cslProjection)
        #expect(comparison.isEqual, "\(comparison.summary)")
    }

    /// The BibTeX fixtures: BibTeX → RIS → BibTeX holds what BibTeX → BibTeX holds (RIS
    /// joins biblatex's subtitle parts to `TI` and the container's title, and reads them
    /// back apart).
    @Test(arguments: cases.map(\.0).filter { $0.hasSuffix(".bib") })
    func bibtexRoundTripsThroughRIS(_ input: String) throws {
        let original = try Self.read(input)
        let direct = try Convert.through(original, "bibtex", source: input)
        let viaRIS = try Convert.through(try Convert.through(original, "ris", source: input), "bibtex", source: input)
        let comparison = LibraryComparison(direct, viaRIS, projection: RoundTripTests.risProjection)
        #expect(comparison.isEqual, "\(comparison.summary)")
    }

    /// The CSL-JSON fixtures: CSL-JSON → BibTeX → CSL-JSON keeps the values, and CSL-JSON →
    /// CSL-JSON writes what it read.
    @Test(arguments: cases.map(\.0).filter { $0.hasSuffix(".json") })
    func cslRoundTripsThroughBibTeX(_ input: String) throws {
        let original = try Self.read(input)
        for format in ["bibtex", "biblatex"] {
            let back = try Convert.through(try Convert.through(original, format, source: input), "csl-json", source: input)
            let comparison = LibraryComparison(original, back, projection: RoundTripTests.bibtexProjection)
            #expect(comparison.isEqual, "\(format): \(comparison.summary)")
        }
        let again = try Convert.through(original, "csl-json", source: input)
        #expect(LibraryComparison(original, again, projection: RoundTripTests.cslProjection).isEqual)
    }

    /// biblatex `maintitle` ↔ CSL: a book volume's title and the work's, a chapter's volume
    /// and work, the album or show of other items; CSL-JSON → CSL-JSON writes them as read.
    @Test func mainTitlesConvertBothWays() throws {
        let bib = try Self.read("maintitle.bib")
        let (bytes, _) = try Convert.write(bib, as: "csl-json")
        let items = try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] ?? []
        func item(_ id: String) -> [String: Any] { items.first { $0["id"] as? String == id } ?? [:] }
        #expect(item("lach")["title"] as? String == "Asia in the Making of Europe: In Three Volumes")
        #expect(item("lach")["volume-title"] as? String == "A Century of Wonder: The Visual Arts")
        #expect(item("lach")["container-title"] == nil)
        #expect(item("bedenel")["container-title"] as? String == "Lecture Notes in Computer Science: Vol. 11353")
        #expect(item("bedenel")["volume-title"] as? String == "Learning and Intelligent Optimization")
        #expect(item("formation")["container-title"] as? String == "Lemonade")
        #expect(item("lemons")["container-title"] as? String == "Black-ish")

        let csl = try Self.read("maintitle.json")
        #expect(csl.entries[0].title?.plainText == "A century of wonder")
        #expect(csl.entries[0].container?.title?.plainText == "Asia in the making of Europe")
        #expect(csl.entries[1].container?.title?.plainText == "The Ashgate research companion to Byzantine hagiography")
        #expect(csl.entries[1].fields[.volumeTitle] == "Genres and contexts")
        let input = Array(try Data(contentsOf: Self.folder.appendingPathComponent("maintitle.json")))
        let original = try JSONSerialization.jsonObject(with: Data(input)) as? [[String: Any]] ?? []
        let (again, _) = try Convert.write(csl, as: "csl-json")
        let written = try JSONSerialization.jsonObject(with: Data(again)) as? [[String: Any]] ?? []
        for (a, b) in zip(original, written) {
            for key in ["title", "volume-title", "container-title"] {
                #expect(a[key] as? String == b[key] as? String, "\(a["id"] ?? "?") \(key)")
            }
        }
    }

    /// BC years: biblatex's astronomical years become CSL's historical ones and back.
    @Test func bcYearsConvertBothWays() throws {
        let bib = try Self.read("bc-years.bib")
        let csl = try Convert.through(bib, "csl-json", source: "bc-years.bib")
        let years = csl.entries.map { $0.issued?.typed?.start?.year }
        #expect(years == bib.entries.map { $0.issued?.typed?.start?.year })
        #expect(years == [1994, 0, -99, -43, -4])
        let (bytes, _) = try Convert.write(bib, as: "csl-json")
        let items = try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] ?? []
        let original = items.first?["original-date"] as? [String: Any]
        #expect((original?["date-parts"] as? [[Int]]) == [[-350]])
        // CSL has no year 0: kept as text, with a warning.
        let (zero, diagnostics) = try Convert.read(Array(#"[{"id": "z", "type": "book", "issued": {"date-parts": [[0]]}}]"#.utf8), as: "csl-json", source: "z.json")
        #expect(zero.entries.first?.issued == .raw("0"))
        #expect(diagnostics.all.contains { $0.code == "csl.bad-date" })
    }
}
