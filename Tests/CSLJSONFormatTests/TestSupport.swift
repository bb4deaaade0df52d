import BibModel
import Foundation
import Testing

@testable import CSLJSONFormat
import TestSupport

/// Paths and helpers shared by the CSL-JSON tests.
enum Support {
    /// The package root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// This test target's fixtures.
    static let fixtures = root.appendingPathComponent("Tests/CSLJSONFormatTests/Fixtures")
    /// Golden files.
    static let snapshots = fixtures.appendingPathComponent("Snapshots")
    /// The shared folder beside the package (corpus, oracles, official schemas), if present.
    static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    /// The CSL-JSON corpus.
    static let corpus = shared.appendingPathComponent("corpus/csl-json")
    /// The official CSL-JSON schema.
    static let officialSchema = shared.appendingPathComponent("schemas-official/csl-data.json")
    /// The oracles.
    static let oracles = shared.appendingPathComponent("oracles")

    /// True when a path exists.
    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    /// The bytes of a file.
    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    /// All CSL-JSON files of the corpus, sorted by path relative to the corpus folder.
    static func corpusFiles() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: corpus.path) else { return [] }
        var out: [String] = []
        while let p = e.nextObject() as? String {
            if p.hasSuffix(".json") { out.append(p) }
        }
        return out.sorted()
    }

    /// Reads CSL-JSON bytes.
    static func read(_ bytes: [UInt8], source: String = "test.json") -> (Library, Diagnostics) {
        var d = Diagnostics()
        let library = (try? CSLJSONReader().read(bytes, source: source, options: ReadOptions(), diagnostics: &d)) ?? Library()
        return (library, d)
    }

    /// Reads CSL-JSON text.
    static func read(_ text: String) -> (Library, Diagnostics) { read(Array(text.utf8)) }

    /// Writes a library.
    static func write(_ library: Library, pretty: Bool = true) -> ([UInt8], Diagnostics) {
        var d = Diagnostics()
        let out = CSLJSONWriter().write(library, options: WriteOptions(pretty: pretty), diagnostics: &d)
        return (out, d)
    }

    /// Writes one entry and returns its JSON text.
    static func text(_ entries: [Entry], pretty: Bool = true) -> String {
        String(decoding: write(Library(entries: entries), pretty: pretty).0, as: UTF8.self)
    }

    /// Parses JSON text (for inspecting output).
    static func json(_ bytes: [UInt8]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    /// The first item of written output, as a dictionary.
    static func item(_ entry: Entry) throws -> [String: Any] {
        let out = write(Library(entries: [entry]), pretty: false).0
        return (try json(out) as? [[String: Any]])?.first ?? [:]
    }

    /// A python3 with `jsonschema` importable, if any.
    static let pythonWithJSONSchema: Bool = {
        run(["python3", "-c", "import jsonschema"]).status == 0
    }()

    /// True when pandoc runs (the oracle renders with it).
    static let pandocAvailable: Bool = run(["pandoc", "--version"]).status == 0

    /// True when the CSL-JSON oracle can run (python3, jsonschema, the script).
    static var oracleAvailable: Bool { pythonWithJSONSchema && exists(oracles.appendingPathComponent("csljson_valid.py")) }

    /// Runs a process, returning status and combined output.
    @discardableResult
    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let result = Shell.runOrReport(arguments)
        return (result.status, result.output)
    }

    /// Writes bytes to a fresh temporary file and returns its URL.
    static func temporaryFile(_ bytes: [UInt8], name: String = "out.json") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("csljson-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// Compares output with a golden file under `Fixtures/Snapshots`. A missing golden is
    /// written and the test fails; `RECORD_SNAPSHOTS=1` re-records on purpose.
    static func assertSnapshot(_ bytes: [UInt8], named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let url = snapshots.appendingPathComponent(name)
        let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
        if record || !exists(url) {
            try FileManager.default.createDirectory(at: snapshots, withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
            Issue.record("snapshot \(name) \(record ? "re-recorded" : "was missing and has been written"); check it and run again", sourceLocation: sourceLocation)
            return
        }
        let expected = try Self.bytes(url)
        if expected != bytes {
            let actual = url.deletingPathExtension().appendingPathExtension("actual.json")
            try? Data(bytes).write(to: actual)
            Issue.record("output differs from snapshot \(name); actual output written to \(actual.lastPathComponent)", sourceLocation: sourceLocation)
        }
    }
}
