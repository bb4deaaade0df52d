import BibKit
import Foundation
import Testing

// README-EXAMPLE-BEGIN
import BibKit

/// Reads a BibTeX file and a Zotero export, merges duplicates and writes CSL-JSON.
func mergeToCSLJSON(_ inputs: [String], to output: String) throws -> Int {
    let pipeline = Pipeline()
    var diagnostics = Diagnostics()
    var sources = SourceStore()

    // Read every input into one library; formats are told from extension and content.
    var (library, _) = pipeline.read(inputs.map { InputSpec(path: $0) }, sources: &sources, diagnostics: &diagnostics)

    // Merge duplicates: the first entry of each cluster, filled in from the others.
    let chain = TransformChain(dedupe: Dedupe(options: Dedupe.Options(merge: .combine)))
    let report = chain.apply(to: &library, diagnostics: &diagnostics)

    // Write CSL-JSON (temporary file, then rename) and print the diagnostics as the CLI does.
    let json = try pipeline.write(library, as: .cslJSON, diagnostics: &diagnostics)
    try FileIO.writeAtomically(json, to: output)
    let renderer = DiagnosticRenderer()
    for d in diagnostics.all { print(renderer.render(d, sources: &sources), terminator: "") }
    print("\(library.entries.count) entries, \(report.clusters.count) duplicates merged")
    return library.entries.count
}

// let count = try mergeToCSLJSON(["Samples/paper-references.bib", "Samples/zotero-export.json"], to: "merged.json")
// README-EXAMPLE-END

/// The code of the DocC article "Converting in code" (`Sources/BibKit/BibKit.docc/ConvertingInCode.md`),
/// its blocks in order; compiled here so the article cannot show an API that does not exist.
/// Not run: it writes `merged.json` into the working directory.
func convertingInCodeArticle() throws {
    // ARTICLE-BEGIN
    let pipeline = Pipeline(readOptions: ReadOptions(asOf: DateParts(iso8601: "2026-11-24")))
    var diagnostics = Diagnostics()
    var sources = SourceStore()
    var (library, inputsRead) = pipeline.read(
        [InputSpec(path: "Samples/paper-references.bib"), InputSpec(path: "Samples/zotero-export.json")],
        sources: &sources, diagnostics: &diagnostics)
    var chain = TransformChain()
    chain.clean = Clean(options: .safeDefaults)
    chain.dedupe = Dedupe(options: Dedupe.Options(merge: .combine))
    chain.keys = GenerateKeys(pattern: .default, keepExisting: true)
    let report = chain.apply(to: &library, diagnostics: &diagnostics)
    print(report.renderText())
    let bytes = try pipeline.write(library, as: .cslJSON, diagnostics: &diagnostics)
    try FileIO.writeAtomically(bytes, to: "merged.json")
    let renderer = DiagnosticRenderer(style: .text)
    for d in diagnostics.all { print(renderer.render(d, sources: &sources), terminator: "") }
    // ARTICLE-END
    _ = inputsRead
}

/// README's "Using BibKit from Swift" example is this file's code, and it works.
@Suite struct LibraryExampleTests {
    static let source = URL(fileURLWithPath: #filePath)

    @Test func readmeShowsThisCode() throws {
        let mine = try String(contentsOf: Self.source, encoding: .utf8)
        let begin = try #require(mine.range(of: "// README-EXAMPLE-BEGIN\n"))
        let end = try #require(mine.range(of: "// README-EXAMPLE-END"))
        let example = String(mine[begin.upperBound..<end.lowerBound])
        let readme = try String(contentsOf: CLI.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("```swift\n" + example + "```\n"), "README's Swift example differs from Tests/BibKitCLITests/LibraryExampleTests.swift")
    }

    @Test func doccArticleCodeIsCompiledHere() throws {
        let mine = try String(contentsOf: Self.source, encoding: .utf8)
        let begin = try #require(mine.range(of: "    // ARTICLE-BEGIN\n"))
        let end = try #require(mine.range(of: "    // ARTICLE-END"))
        let code = mine[begin.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : String($0) }.joined(separator: "\n")
        let article = try String(
            contentsOf: CLI.root.appendingPathComponent("Sources/BibKit/BibKit.docc/ConvertingInCode.md"), encoding: .utf8)
        let blocks = article.components(separatedBy: "```swift\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
        #expect(blocks.count == 3)
        #expect(blocks.joined() == code, "ConvertingInCode.md's code differs from convertingInCodeArticle() in LibraryExampleTests.swift")
    }

    @Test func exampleMergesTheSamples() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("merged.json")
        let samples = CLI.root.appendingPathComponent("Samples")
        let count = try mergeToCSLJSON(
            [samples.appendingPathComponent("paper-references.bib").path, samples.appendingPathComponent("zotero-export.json").path],
            to: out.path)
        #expect(count == 12)  // 8 + 6 read, two works in both
        let items = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [[String: Any]])
        #expect(items.count == 12)
        #expect(items.filter { ($0["DOI"] as? String)?.lowercased() == "10.1038/nature14539" }.count == 1)
    }
}
