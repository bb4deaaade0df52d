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
    ]

    static func goldenName(_ input: String, _ format: String) -> String {
        let ext = ["csl-json": "json", "bibtex": "bib", "biblatex": "bib", "ris": "ris", "jats": "xml"][format] ?? format
        return "\(input).\(format).\(ext)"
    }

    static func formatOf(_ input: String) -> String {
        input.hasSuffix(".json") ? "csl-json" : input.hasSuffix(".ris") ? "ris" : input.hasSuffix(".xml") ? "jats" : "bibtex"
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
}
