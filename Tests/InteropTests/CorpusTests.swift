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

    /// The profile sample as CSL-JSON (issue #4): all 24 papers, each with its subject code as
    /// an arXiv class keyword (`LG` → `cs.LG`, `AG` → `math.AG`), and every paper marked `Code`
    /// keeps the code link its abstract gives. The expectations come from the profile text.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: Paths.profileSample.path), "profile sample absent"))
    func profileSampleKeepsSubjectsAndCodeLinksInCSLJSON() throws {
        let text = try String(contentsOf: Paths.profileSample, encoding: .utf8)
        // A paper's meta line: optional score, two-letter subject, a month, optional `Code`.
        let meta = try NSRegularExpression(
            pattern: "^(?:[0-9]+\\.[0-9])?([A-Z]{2})(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{1,2}(?:, [0-9]{4})?(Code)?$")
        let link = try NSRegularExpression(pattern: "https://github\\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*")
        var papers: [(subject: String, code: Bool, links: [String])] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let range = NSRange(line.startIndex..., in: line)
            if let m = meta.firstMatch(in: line, range: range), let subject = Range(m.range(at: 1), in: line) {
                papers.append((String(line[subject]), m.range(at: 2).location != NSNotFound, []))
            } else if !papers.isEmpty {
                for found in link.matches(in: line, range: range) {
                    if let r = Range(found.range, in: line) { papers[papers.count - 1].links.append(String(line[r])) }
                }
            }
        }
        try #require(papers.count == 24)
        let pipeline = Pipeline(readOptions: ReadOptions(asOf: DateParts(year: 2026, month: 11, day: 24)))
        var diagnostics = Diagnostics()
        let library = try pipeline.read(
            Array(text.utf8), as: Convert.plugin("profile"), source: "profile", diagnostics: &diagnostics)
        let (bytes, _) = try Convert.write(library, as: "csl-json")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        try #require(items.count == 24)
        #expect(papers.filter(\.code).count == 3)
        for (paper, item) in zip(papers, items) {
            let id = item["id"] as? String ?? "?"
            let arXivClass = (paper.subject == "AG" ? "math." : "cs.") + paper.subject
            let keywords = (item["keyword"] as? String ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(keywords.contains(arXivClass), "\(id): keyword \(keywords), expected \(arXivClass)")
            let custom = item["custom"] as? [String: Any] ?? [:]
            let codeLinks = (custom["links"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "code" }
                .compactMap { $0["url"] as? String }
            if paper.code {
                #expect(!paper.links.isEmpty && codeLinks == [paper.links[0]], "\(id): code links \(codeLinks), profile \(paper.links)")
            } else {
                #expect(codeLinks.isEmpty, "\(id): code links \(codeLinks) on a paper without Code")
            }
        }
    }
}
