import BibModel
import Foundation
import Testing

@testable import BibTeXFormat

/// One golden file: a sample written in a dialect.
struct Golden: Sendable, CustomTestStringConvertible {
    var sample: Sample
    var dialect: BibTeXDialect

    var url: URL { Paths.snapshots.appendingPathComponent("\(sample.name).\(dialect.rawValue).bib") }
    var testDescription: String { "\(sample.name).\(dialect.rawValue)" }

    static let all: [Golden] = Samples.all.flatMap { s in BibTeXDialect.allCases.map { Golden(sample: s, dialect: $0) } }
}

@Suite("Golden files")
struct SnapshotTests {
    static let recording = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"

    @Test("writer output equals the committed golden file", arguments: Golden.all)
    func golden(_ golden: Golden) throws {
        let text = written(
            golden.sample.entries, golden.dialect, keepUnicode: golden.sample.keepUnicode,
            metadata: golden.sample.metadata
        ).text
        let existing = try? String(contentsOf: golden.url, encoding: .utf8)
        if Self.recording || existing == nil {
            try FileManager.default.createDirectory(at: Paths.snapshots, withIntermediateDirectories: true)
            try text.write(to: golden.url, atomically: true, encoding: .utf8)
            Issue.record("recorded \(golden.url.lastPathComponent); check it and run again without RECORD_SNAPSHOTS")
            return
        }
        #expect(text == existing, "\(golden.url.lastPathComponent) differs; RECORD_SNAPSHOTS=1 re-records")
    }
}

/// The independent judges in ../shared/oracles, run on the goldens when TeX is installed.
@Suite("Oracles on the golden files", .serialized)
struct OracleTests {
    static let haveBibTeX = onPath("bibtex") && onPath("pdflatex") && onPath("kpsewhich")
        && FileManager.default.fileExists(atPath: Paths.oracles.appendingPathComponent("bibtex_compiles.sh").path)
    static let haveBiber = onPath("biber") && onPath("pdflatex")
        && FileManager.default.fileExists(atPath: Paths.oracles.appendingPathComponent("biber_validates.sh").path)

    @Test(
        "classic BibTeX goldens compile with pdfLaTeX + BibTeX (plain, unsrtnat, abbrvnat) without warnings",
        .enabled(if: haveBibTeX, "bibtex/pdflatex or ../shared/oracles missing: install with ../shared/oracles/install.sh"),
        arguments: Golden.all.filter { $0.dialect == .bibtex })
    func bibtexCompiles(_ golden: Golden) throws {
        try #require(FileManager.default.fileExists(atPath: golden.url.path), "no golden yet")
        let script = Paths.oracles.appendingPathComponent("bibtex_compiles.sh").path
        let result = try run("bash", [script, "-q"] + golden.sample.bibtexOracleOptions + [golden.url.path])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(
        "BibLaTeX goldens pass biber --validate-datamodel and compile with biblatex without warnings",
        .enabled(if: haveBiber, "biber/pdflatex or ../shared/oracles missing: install with ../shared/oracles/install.sh"),
        arguments: Golden.all.filter { $0.dialect == .biblatex })
    func biberValidates(_ golden: Golden) throws {
        try #require(FileManager.default.fileExists(atPath: golden.url.path), "no golden yet")
        let script = Paths.oracles.appendingPathComponent("biber_validates.sh").path
        let result = try run("bash", [script] + golden.sample.biberOracleOptions + [golden.url.path])
        #expect(result.status == 0, "\(result.output)")
    }
}
