import BibModel
import Foundation
import Testing

@testable import RISFormat

/// The independent judge: `../shared/oracles/ris_parses.py` (rispy + bibutils' ris2xml)
/// must accept every RIS bibkit writes: the writer goldens and the corpus re-written.
@Suite(.enabled(if: Env.hasOracle, "python3 + rispy, ris2xml or ../shared/oracles/ris_parses.py missing: oracle tests skipped"))
struct OracleTests {
    static let snapshotFiles: [String] = {
        ((try? FileManager.default.contentsOfDirectory(atPath: Env.snapshots.path)) ?? []).filter { $0.hasSuffix(".ris") }.sorted()
    }()

    @Test(arguments: snapshotFiles)
    func goldenPasses(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: Env.snapshots.appendingPathComponent(name)))
        let (ok, report) = try Env.oracleCheck(bytes, name: name)
        #expect(ok, "\(name):\n\(report)")
    }

    @Test(.enabled(if: Env.hasCorpus, "corpus missing"), arguments: CorpusTests.files)
    func writtenCorpusPasses(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: Env.corpus.appendingPathComponent(name)))
        let (lib, _) = readRIS(bytes, file: name)
        let (text, _) = writeRIS(lib)
        let (ok, report) = try Env.oracleCheck(Array(text.utf8), name: name)
        #expect(ok, "\(name):\n\(report)")
    }
}
