import BibKit
import Foundation
import Testing

/// `bibkit tidy` over every `.bib` of `../shared/corpus/bibtex`: what compiled with BibTeX still
/// compiles after tidying, and tidying the output again changes nothing.
@Suite
struct TidyCorpusTests {
    static let corpus = CLI.root.deletingLastPathComponent().appendingPathComponent("shared/corpus/bibtex")

    static var files: [String] {
        guard let walker = FileManager.default.enumerator(atPath: corpus.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".bib") }.sorted()
    }

    static func tidy(_ bytes: [UInt8], name: String) -> [UInt8]? {
        var diagnostics = Diagnostics()
        return try? BibTeXTidier().tidy(bytes, source: name, diagnostics: &diagnostics).bytes
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpus.path), "../shared/corpus is not there"))
    func tidyingTwiceChangesNothing() throws {
        var unstable: [String] = []
        for name in Self.files {
            let bytes = try FileIO.read(path: Self.corpus.appendingPathComponent(name).path)
            guard let once = Self.tidy(bytes, name: name), let twice = Self.tidy(once, name: name) else {
                Issue.record("tidy failed on \(name)")
                continue
            }
            if once != twice { unstable.append(name) }
        }
        // Every file, the double-escaped brace soup of the Mendeley/Better BibTeX exports
        // (`\{\{\vphantom{\}\}}{{GaAs}}\vphantom\{\}`, `\{\textbackslash\&\}` in an arXiv URL) too.
        #expect(unstable.isEmpty, "tidy is not idempotent on: \(unstable.sorted())")
        print("tidy corpus: \(Self.files.count) files, \(Self.files.count - unstable.count) stable on a second run")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpus.path) && CLI.has("bibtex"), "needs ../shared/corpus and bibtex"))
    func whatCompiledStillCompiles() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var compiled = 0
        var broken: [String] = []
        for (n, name) in Self.files.enumerated() {
            let input = Self.corpus.appendingPathComponent(name).path
            guard try CLI.oracle("bibtex_compiles.sh", ["--bibtex-only", "--styles", "plain", "-q", input]).status == 0 else { continue }
            compiled += 1
            let bytes = try FileIO.read(path: input)
            guard let out = Self.tidy(bytes, name: name) else {
                broken.append(name)
                continue
            }
            let path = dir.appendingPathComponent("\(n).bib").path
            try FileIO.writeAtomically(out, to: path)
            let o = try CLI.oracle("bibtex_compiles.sh", ["--bibtex-only", "--styles", "plain", "-q", path])
            if o.status != 0 { broken.append("\(name): \(o.output.prefix(300))") }
        }
        print("tidy corpus: \(compiled) of \(Self.files.count) inputs compile with BibTeX; \(compiled - broken.count) still do after tidy")
        #expect(compiled > 100)
        #expect(broken.isEmpty, "\(broken)")
    }
}
