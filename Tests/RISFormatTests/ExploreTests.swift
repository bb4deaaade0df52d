import BibModel
import Foundation
import Testing

@testable import RISFormat

@Suite struct ExploreTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RIS_EXPLORE"] == "1"))
    func dumpCorpus() throws {
        for name in Env.corpusFiles() {
            let bytes = Array(try Data(contentsOf: Env.corpus.appendingPathComponent(name)))
            let (lib, d) = readRIS(bytes, file: name)
            print("== \(name): \(lib.entries.count) entries, \(d.all.count) diagnostics")
            for x in d.all.prefix(8) { print("   \(x.severity) \(x.code) \(x.location?.description ?? "") \(x.message)") }
            for e in lib.entries.prefix(2) {
                print("   [\(e.type.kind) \(e.type.original?.description ?? "")] \(e.title?.plainText.prefix(60) ?? "NO TITLE") | \(e.authors.names.prefix(3).map { $0.literal ?? "\($0.family ?? "")/\($0.given ?? "")" }) | \(e.issued.map { "\($0)" } ?? "-") | \(e.container?.title?.plainText.prefix(40) ?? "-")")
                print("     extra: \(e.extra.keys.map(\.description))")
            }
        }
    }
}

@Suite struct DumpTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RIS_DUMP_DIR"] != nil))
    func dumpWritten() throws {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["RIS_DUMP_DIR"] ?? "/tmp")
        for name in Env.corpusFiles() {
            let bytes = Array(try Data(contentsOf: Env.corpus.appendingPathComponent(name)))
            let (lib, _) = readRIS(bytes, file: name)
            let (text, _) = writeRIS(lib)
            try Data(text.utf8).write(to: dir.appendingPathComponent(name.replacingOccurrences(of: "/", with: "__")))
        }
    }
}
