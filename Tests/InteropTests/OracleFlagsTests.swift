import Foundation
import Testing

/// `Fixtures/oracle-flags.txt` is read the same way by `OracleTests` and `scripts/interop.sh`:
/// every line names a known oracle, an existing corpus file, and the source's reason.
@Suite struct OracleFlagsTests {
    static let oracles: Set<String> = ["csljson_valid", "ris_parses", "jats_valid", "bibtex_compiles"]

    @Test func everyLineNamesAnOracleACorpusFileAndAReason() throws {
        let text = try String(contentsOf: Paths.fixtures.appendingPathComponent("oracle-flags.txt"), encoding: .utf8)
        var seen = Set<String>()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            let parts = line.split(separator: "#", maxSplits: 1)
            let words = (parts.first ?? "").split(separator: " ").map(String.init)
            #expect(words.count >= 3, "no flags: \(line)")
            guard words.count >= 2 else { continue }
            #expect(Self.oracles.contains(words[0]), "unknown oracle: \(line)")
            #expect(seen.insert(words[0] + " " + words[1]).inserted, "listed twice: \(line)")
            let reason = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            #expect(reason.count >= 20, "no reason: \(line)")
            if Corpus.available {
                #expect(FileManager.default.fileExists(atPath: Paths.corpus.appendingPathComponent(words[1]).path), "no such corpus file: \(words[1])")
            }
            for flag in words.dropFirst(2) where flag.hasPrefix("xfail=") {
                #expect((try? NSRegularExpression(pattern: String(flag.dropFirst(6)))) != nil, "bad pattern: \(flag)")
            }
        }
        #expect(seen.count > 10)
    }

    @Test func knownProblemsAreTheOnlyOnesTolerated() throws {
        let report = """
            RESULT: FAIL out.json (3 items): 3 problem(s)
                - RENDER[pandoc] id='D1': issued year -380 not found in output '380BC.'
                - RENDER[citeproc-py] id='D1': issued year -380 not found in output '(380 BC).'
                - SEMANTIC item[2] id='x': missing or blank title
              note RENDER[citeproc-py] id='x': unsupported
            """
        let problems = OracleFlags.problems(report)
        #expect(problems.count == 3)
        #expect(problems.first == "RENDER[pandoc] id='D1': issued year -380 not found in output '380BC.'")
        let left = try OracleFlags.unmatched(problems, by: ["issued.year.-[0-9]+.not.found"])
        #expect(left == ["SEMANTIC item[2] id='x': missing or blank title"])
        #expect(try OracleFlags.unmatched(problems, by: ["issued.year.-[0-9]+.not.found", "blank title"]).isEmpty)
    }
}
