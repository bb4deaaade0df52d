import BibModel
import Foundation
import Testing

@testable import RISFormat
import TestSupport

/// Paths and helpers shared by the RIS tests.
enum Env {
    /// The package root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// This target's fixtures.
    static let fixtures = root.appendingPathComponent("Tests/RISFormatTests/Fixtures")
    /// Golden writer output.
    static let snapshots = fixtures.appendingPathComponent("Snapshots")
    /// The shared RIS corpus (`../shared/corpus/ris`), if present.
    static let corpus = root.deletingLastPathComponent().appendingPathComponent("shared/corpus/ris")
    /// The shared BibTeX corpus.
    static let bibtexCorpus = root.deletingLastPathComponent().appendingPathComponent("shared/corpus/bibtex")
    /// The RIS oracle script.
    static let oracle = root.deletingLastPathComponent().appendingPathComponent("shared/oracles/ris_parses.py")

    static var hasCorpus: Bool { FileManager.default.fileExists(atPath: corpus.path) }

    /// True when python3 with rispy, bibutils' ris2xml and the oracle script are present.
    static let hasOracle: Bool = {
        guard FileManager.default.fileExists(atPath: oracle.path), which("ris2xml") else { return false }
        return (try? run(["python3", "-c", "import rispy"]).status) == 0
    }()

    static func which(_ tool: String) -> Bool { Shell.onPath(tool) }

    /// Runs a command (looked up on PATH) and returns its status and combined output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try Shell.run(arguments)
        return (result.status, result.output)
    }

    /// Every `.ris` file of the corpus, sorted, relative to the corpus folder.
    static func corpusFiles() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: corpus.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".ris") }.sorted()
    }

    /// Runs the oracle on bytes written to a temporary file; (passed, report).
    static func oracleCheck(_ bytes: [UInt8], name: String) throws -> (Bool, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-ris-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(name.replacingOccurrences(of: "/", with: "_"))
        try Data(bytes).write(to: file)
        let r = try run(["python3", oracle.path, "-q", file.path])
        return (r.status == 0, r.output)
    }
}

/// Reads RIS text or bytes.
func readRIS(_ text: String, file: String = "test.ris") -> (Library, Diagnostics) {
    readRIS(Array(text.utf8), file: file)
}

func readRIS(_ bytes: [UInt8], file: String = "test.ris") -> (Library, Diagnostics) {
    var d = Diagnostics()
    do {
        let lib = try RISReader().read(bytes, source: file, options: ReadOptions(), diagnostics: &d)
        return (lib, d)
    } catch {
        d.report(error.diagnostic)
        return (Library(), d)
    }
}

/// Reads one record (the first).
func readOne(_ text: String) -> Entry {
    readRIS(text).0.entries.first ?? Entry(type: EntryType(.document))
}

/// Writes a library as RIS text.
func writeRIS(_ library: Library) -> (String, Diagnostics) {
    var d = Diagnostics()
    let bytes = RISWriter().write(library, options: WriteOptions(), diagnostics: &d)
    return (String(decoding: bytes, as: UTF8.self), d)
}

func writeRIS(_ entries: Entry...) -> String { writeRIS(Library(entries: entries)).0 }

/// Builds a RIS record from tag lines (`"AU  - x"`), adding TY and ER.
func record(_ type: String = "JOUR", _ lines: String...) -> String {
    (["TY  - \(type)"] + lines + ["ER  - "]).joined(separator: "\r\n") + "\r\n"
}

/// The lines of written RIS without line endings.
func tagLines(_ text: String) -> [String] {
    text.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
}

/// Compares text with a golden file; a missing golden is written and the test fails;
/// `RECORD_SNAPSHOTS=1` re-records.
func assertSnapshot(_ text: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let url = Env.snapshots.appendingPathComponent(name)
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    if record || !FileManager.default.fileExists(atPath: url.path) {
        try FileManager.default.createDirectory(at: Env.snapshots, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        if !record {
            Issue.record("snapshot \(name) was missing and has been recorded; check it and re-run", sourceLocation: sourceLocation)
        }
        return
    }
    let expected = String(decoding: try Data(contentsOf: url), as: UTF8.self)
    #expect(text == expected, "output differs from snapshot \(name)", sourceLocation: sourceLocation)
}
