import Foundation
import Testing

/// `bibkit validate` on real, valid inputs reports no false schema errors; `--schema`
/// checks against a DTD of the user's choice.
@Suite struct ValidateSchemaTests {
    static let jatsDTDs = CLI.root.deletingLastPathComponent().appendingPathComponent("shared/schemas-official/jats-1.3")
    static let publishingDTD = jatsDTDs.appendingPathComponent("JATS-journalpublishing1-3.dtd").path
    static var hasDTD: Bool { FileManager.default.fileExists(atPath: publishingDTD) }

    @Test func zoteroExportAndPublisherArticleValidateClean() throws {
        let result = try CLI.run(["validate", "Samples/zotero-export.json", "Samples/jats-article-refs.xml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("error:"), "\(result.stderr)")
        #expect(result.stderr.contains("13 entries checked: 0 errors"), "\(result.stderr)")
    }

    @Test func plantedCSLShapeErrorIsReportedWithFileLineAndColumn() throws {
        let json = Data("[\n  {\"id\": \"a\", \"type\": \"book\",\n   \"title\": {\"x\": 1}}\n]\n".utf8)
        let result = try CLI.run(["validate", "--no-rules", "--from", "csl-json", "-"], stdin: json)
        #expect(result.status == 1)
        #expect(result.stderr.contains("<stdin>:3:13: error:") || result.stderr.contains(":3:13: error:"), "\(result.stderr)")
        #expect(result.stderr.contains("[csl.schema]"), "\(result.stderr)")
    }

    @Test func schemaWithAnUnknownExtensionIsAUsageError() throws {
        let result = try CLI.run(["validate", "Samples/jats-article-refs.xml", "--schema", "JATS.rng"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(".dtd or .xsd"), "\(result.stderr)")
    }

    @Test func missingSchemaFileFails() throws {
        let result = try CLI.run(["validate", "Samples/jats-article-refs.xml", "--schema", "/nonexistent/JATS.dtd"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("[validate.schema-unavailable]"), "\(result.stderr)")
    }

    @Test(.enabled(if: hasDTD, "../shared/schemas-official/jats-1.3 is not there: skipping"))
    func publisherArticleAgainstTheJATSPublishingDTD() throws {
        let clean = try CLI.run(["validate", "Samples/jats-article-refs.xml", "--schema", Self.publishingDTD])
        #expect(clean.status == 0, "\(clean.stderr)")
        // A planted element the DTD does not allow, reported as file:line:col.
        let sample = try String(contentsOf: CLI.root.appendingPathComponent("Samples/jats-article-refs.xml"), encoding: .utf8)
        var lines = sample.components(separatedBy: "\n")
        let at = try #require(lines.firstIndex { $0.contains("<ref-list") })
        lines.insert("<bogus-element/>", at: at + 1)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-validate-schema-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("article.xml")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["validate", "--no-rules", file.path, "--schema", Self.publishingDTD])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("\(file.path):\(at + 1):"), "\(bad.stderr)")
        #expect(bad.stderr.contains("bogus-element") && bad.stderr.contains("[jats.dtd-invalid]"), "\(bad.stderr)")
        // Without --schema, the same file is only checked for well-formedness: no DTD error.
        let plain = try CLI.run(["validate", "--no-rules", file.path])
        #expect(!plain.stderr.contains("[jats.dtd-invalid]") && !plain.stderr.contains("[jats.schema-invalid]"), "\(plain.stderr)")
    }

    @Test func helpFitsIn80Columns() throws {
        let result = try CLI.run(["validate", "--help"])
        #expect(result.stdout.contains("--schema"))
        let wide = result.stdout.split(separator: "\n").filter { $0.count > 80 }
        #expect(wide.isEmpty, "\(wide)")
    }
}
