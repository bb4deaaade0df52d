import BibModel
import BibSchemas
import BibXML
import Foundation
import JATSFormat
import Testing
import TestSupport

/// Paths, oracles and helpers shared by the JATS tests.
enum Support {
    static let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    static let packageRoot = here.deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = here.appendingPathComponent("Fixtures")
    static let snapshots = fixtures.appendingPathComponent("Snapshots")
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static let corpus = shared.appendingPathComponent("corpus")
    static let jatsDTDFolder = shared.appendingPathComponent("schemas-official/jats-1.3")
    static let publishingDTD = jatsDTDFolder.appendingPathComponent("JATS-journalpublishing1-3-mathml3.dtd").path
    static let archivingDTD = jatsDTDFolder.appendingPathComponent("JATS-archivearticle1-3-mathml3.dtd").path
    static let oracle = shared.appendingPathComponent("oracles/jats_valid.sh").path

    static var hasOfficialDTD: Bool { FileManager.default.fileExists(atPath: publishingDTD) }

    static func write(_ library: Library, article: Bool = false) -> (bytes: [UInt8], diagnostics: Diagnostics) {
        var diagnostics = Diagnostics()
        let bytes = JATSWriter(wrapInArticle: article).write(library, options: WriteOptions(), diagnostics: &diagnostics)
        return (bytes, diagnostics)
    }

    static func read(_ bytes: [UInt8], source: String = "test.xml") -> (library: Library, diagnostics: Diagnostics) {
        var diagnostics = Diagnostics()
        let library = (try? JATSReader().read(bytes, source: source, options: ReadOptions(), diagnostics: &diagnostics)) ?? Library()
        return (library, diagnostics)
    }

    /// Problems against our own XSD (empty = valid).
    static func xsdProblems(_ bytes: [UInt8]) -> [Diagnostic] {
        JATSValidation.validate(bytes: bytes, source: "out.xml").all.filter { $0.severity == .error }
    }

    /// Problems against the official JATS 1.3 DTD, in process: the ref-list is wrapped into a
    /// minimal Journal Publishing article (as the oracle does); articles use Archiving.
    static func dtdProblems(_ bytes: [UInt8], article: Bool = false) -> [Diagnostic] {
        var text = String(decoding: bytes, as: UTF8.self)
        let dtd: String
        if article {
            dtd = archivingDTD
        } else {
            dtd = publishingDTD
            text = text.replacingOccurrences(of: "<ref-list xmlns:xlink=\"http://www.w3.org/1999/xlink\">", with: wrapperHead + "<ref-list>")
            text += "</back></article>\n"
        }
        return JATSValidation.validate(bytes: Array(text.utf8), source: "wrapped.xml", dtdPath: dtd).all.filter { $0.severity == .error }
    }

    static let wrapperHead = """
        <article xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:mml="http://www.w3.org/1998/Math/MathML" \
        dtd-version="1.3" article-type="other"><front><journal-meta><journal-id journal-id-type="publisher-id">t</journal-id>\
        <issn>0000-0000</issn></journal-meta><article-meta><title-group><article-title>t</article-title></title-group>\
        <pub-date-not-available/></article-meta></front><back>
        """

    /// Runs `jats_valid.sh` (when present and xmllint is installed); nil when it cannot run.
    static func oracle(_ bytes: [UInt8], strict: Bool = true) -> (passed: Bool, output: String)? {
        guard FileManager.default.isExecutableFile(atPath: oracle),
            FileManager.default.isExecutableFile(atPath: "/usr/bin/xmllint")
        else { return nil }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jats-\(UUID().uuidString).xml")
        do { try Data(bytes).write(to: file) } catch { return nil }
        defer { try? FileManager.default.removeItem(at: file) }
        guard let result = try? Shell.run(["bash", oracle] + (strict ? ["--strict"] : []) + [file.path]) else { return nil }
        return (result.status == 0, result.output)
    }

    /// Compares with a golden file in `Fixtures/Snapshots`; a missing golden is written and the
    /// test fails; `RECORD_SNAPSHOTS=1` re-records.
    static func assertSnapshot(_ bytes: [UInt8], named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let url = snapshots.appendingPathComponent(name)
        let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
        guard !record, let expected = try? Data(contentsOf: url) else {
            try? FileManager.default.createDirectory(at: snapshots, withIntermediateDirectories: true)
            try? Data(bytes).write(to: url)
            Issue.record("snapshot \(name) recorded; re-run the tests", sourceLocation: sourceLocation)
            return
        }
        let actual = String(decoding: bytes, as: UTF8.self)
        let golden = String(decoding: expected, as: UTF8.self)
        #expect(actual == golden, "snapshot \(name) differs (RECORD_SNAPSHOTS=1 re-records)", sourceLocation: sourceLocation)
    }
}

extension Entry {
    /// The entry with order-insensitive parts sorted and the origin cleared, for comparisons.
    var normalizedForComparison: Entry {
        var e = self
        e.origin = nil
        e.fields = .init(uniqueKeysWithValues: e.fields.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) })
        e.dates = .init(uniqueKeysWithValues: e.dates.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) })
        e.extra = .init(uniqueKeysWithValues: e.extra.sorted { $0.key.description < $1.key.description }.map { ($0.key, $0.value) })
        e.identifiers.sort { ($0.kind.rawValue, $0.value) < ($1.kind.rawValue, $1.value) }
        e.container?.identifiers.sort { ($0.kind.rawValue, $0.value) < ($1.kind.rawValue, $1.value) }
        e.contributors = .init(uniqueKeysWithValues: e.contributors.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) })
        return e
    }
}
