import BibKit
import BibModel
import Foundation
import Testing

/// RIS records without authors (and often without year) → BibTeX: natbib's styles label such
/// an entry with its `key`, or the first three letters of its citation key; more than 26
/// entries with one label ran natbib's `a`…`z` suffixes out (BibTeX: "isn't valid ASCII";
/// LaTeX: unbalanced braces in `\bibitem`). `Fixtures/authorless-records.ris`: 30 reports of
/// one institution and title, 28 articles with one title, 30 records with nothing but a note,
/// none with an author or a year.
@Suite("Authorless records → BibTeX → natbib")
struct LabelKeyInteropTests {
    static let fixture = Paths.fixtures.appendingPathComponent("authorless-records.ris")

    static func converted() throws -> (records: Int, bibtex: [UInt8]) {
        let (library, _) = try Convert.read(Array(Data(contentsOf: fixture)), as: "ris", source: "authorless-records.ris")
        return (library.entries.count, try Convert.write(library, as: "bibtex").0)
    }

    static func keys(_ bibtex: [UInt8]) -> [String] {
        String(decoding: bibtex, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("  key = {") }
            .map { String($0.dropFirst(9).dropLast()) }
    }

    @Test("every entry gets a key; none is shared by more than 26 entries")
    func keysAreGiven() throws {
        let (records, bibtex) = try Self.converted()
        #expect(records == 88)
        let keys = Self.keys(bibtex)
        #expect(keys.count == 88)
        let uses = Dictionary(keys.map { ($0.lowercased(), 1) }, uniquingKeysWith: +)
        #expect(uses.values.allSatisfy { $0 <= 26 }, "\(uses.filter { $0.value > 26 })")
        #expect(uses["survey office"] == 26)
        #expect(uses["editorial on the year"] == 26)
        #expect(keys.contains("entry") && keys.contains("entryac"))
    }

    /// `--allow-data-warnings`: the records lack author, year and institution on purpose.
    @Test(
        "compiles with pdfLaTeX + BibTeX under plain, unsrtnat and abbrvnat",
        .enabled(if: Oracles.scriptsPresent && Oracles.has("pdflatex", "bibtex"), "pdflatex, bibtex or the oracles missing"))
    func compiles() throws {
        let (_, bibtex) = try Self.converted()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-labelkey-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("authorless.bib")
        try Data(bibtex).write(to: file)
        let result = try Oracles.run([
            "bash", Oracles.script("bibtex_compiles.sh"), "--styles", "plain,unsrtnat,abbrvnat", "--allow-data-warnings", "-q",
            file.path,
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("RESULT: PASS"))
    }

    @Test("BibTeX → model → BibTeX: the generated keys are not read as the user's, and come back unchanged")
    func roundTrip() throws {
        let (_, bibtex) = try Self.converted()
        let (library, _) = try Convert.read(bibtex, as: "bibtex", source: "authorless.bib")
        #expect(library.entries.count == 88)
        #expect(library.entries.allSatisfy { $0.extra.keys.allSatisfy { $0.name != "key" } })
        #expect(try Convert.write(library, as: "bibtex").0 == bibtex)
        // And to RIS: no `bibtex:key` note appears.
        let ris = String(decoding: try Convert.write(library, as: "ris").0, as: UTF8.self)
        #expect(!ris.contains("bibtex:key"))
    }
}
