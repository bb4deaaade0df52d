import BibKit
import Foundation
import Testing

/// Every corpus file of every format: read without a crash, written in every format with
/// every entry (read back, the count is the same), and what bibkit writes as CSL-JSON and
/// JATS passes bibkit's own schemas (`FormatPlugin.validator`).
@Suite(.enabled(if: Corpus.available, Corpus.absent))
struct CorpusTests {
    /// The formats written from every corpus file.
    static let writtenFormats = ["bibtex", "biblatex", "ris", "csl-json", "jats"]

    static let schemaExceptions = ExceptionList("schema-exceptions.txt")

    @Test(arguments: Corpus.all)
    func readsAndWritesEveryEntry(_ path: String) throws {
        // Entry counts against independent parsers are the readers' own corpus tests.
        let (library, _, format) = try Convert.readCorpus(path)
        var schemaProblems: [String] = []
        for target in Self.writtenFormats {
            let (bytes, _) = try Convert.write(library, as: target)
            let back = try Convert.read(bytes, as: target, source: "\(path) as \(target)").0
            #expect(
                back.entries.count == library.entries.count,
                "\(path) (\(format.rawValue)) → \(target): \(library.entries.count) entries written, \(back.entries.count) read back")
            for problem in try Convert.schemaErrors(bytes, format: target, source: target) {
                schemaProblems.append("\(target) \(problem)")
            }
        }
        let listed = Self.schemaExceptions.contains(path)
        if listed {
            #expect(!schemaProblems.isEmpty, "\(path) now validates: remove it from Fixtures/schema-exceptions.txt")
        } else {
            #expect(schemaProblems.isEmpty, "\(path): \(schemaProblems.prefix(5).joined(separator: "\n"))")
        }
    }

    /// The profile sample: every paper, as valid CSL-JSON and JATS.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: Paths.profileSample.path), "profile sample absent"))
    func profileSampleConverts() throws {
        let bytes = Array(try Data(contentsOf: Paths.profileSample))
        var diagnostics = Diagnostics()
        let pipeline = Pipeline(readOptions: ReadOptions(asOf: DateParts(year: 2026, month: 11, day: 24)))
        let library = try pipeline.read(bytes, as: Convert.plugin("profile"), source: "profile", diagnostics: &diagnostics)
        #expect(library.entries.count == 24)
        for target in ["csl-json", "jats"] {
            let (out, _) = try Convert.write(library, as: target)
            #expect(try Convert.schemaErrors(out, format: target, source: target).isEmpty)
            #expect(try Convert.read(out, as: target, source: target).0.entries.count == 24)
        }
    }
}
