import BibModel
import Foundation
import Testing

@testable import CSLJSONFormat

/// Throughput at 100 000 entries. Off by default; run with
/// `BENCH_CSL=1 swift test -c release -Xswiftc -enable-testing --filter CSLJSONBenchmark`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BENCH_CSL"] == "1", "set BENCH_CSL=1 to run"))
struct CSLJSONBenchmark {
    static let count = Int(ProcessInfo.processInfo.environment["BENCH_CSL_COUNT"] ?? "") ?? 100_000

    @Test func writesAndReads100kEntries() throws {
        var entries: [Entry] = []
        entries.reserveCapacity(Self.count)
        let templates = Samples.all
        for i in 0..<Self.count {
            var e = templates[i % templates.count]
            e.key = "k\(i)"
            e.abstract = RichText([.text(String(repeating: "Abstract text with some words. ", count: 20 + i % 7))])
            entries.append(e)
        }
        let library = Library(entries: entries)
        let clock = ContinuousClock()
        var bytes: [UInt8] = []
        var d = Diagnostics()
        let writeTime = clock.measure { bytes = CSLJSONWriter().write(library, options: WriteOptions(pretty: true), diagnostics: &d) }
        var back = Library()
        let readTime = try clock.measure {
            back = try CSLJSONReader().read(bytes, source: "bench.json", options: ReadOptions(), diagnostics: &d)
        }
        let schema = SchemaFiles.ours
        var violations = Diagnostics()
        let validateTime = clock.measure { violations = CSLJSONValidation.validate(bytes, against: schema) }
        print("CSL-JSON \(Self.count) entries, \(bytes.count / 1_000_000) MB: write \(writeTime), read \(readTime), validate \(validateTime)")
        #expect(back.entries.count == Self.count)
        #expect(violations.all.isEmpty)
    }
}
