import BibModel
import Foundation
import Testing

@testable import RISFormat

/// Throughput probe, run on demand: `RIS_BENCH=100000 swift test -c release -Xswiftc -enable-testing --filter PerformanceTests`.
/// It reads and writes that many Scopus records (the corpus file repeated) and prints the times.
@Suite struct PerformanceTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RIS_BENCH"] != nil && Env.hasCorpus, "set RIS_BENCH=<records> to run"))
    func readAndWriteManyRecords() throws {
        let n = Int(ProcessInfo.processInfo.environment["RIS_BENCH"] ?? "") ?? 100_000
        let unit = Array(try Data(contentsOf: Env.corpus.appendingPathComponent("synthesisr/scopus.ris"))) + [0x0A]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(unit.count * (n / 92 + 1))
        for _ in 0...(n / 92) { bytes += unit }
        let clock = ContinuousClock()
        var lib = Library()
        let read = clock.measure { lib = readRIS(bytes).0 }
        var out: [UInt8] = []
        let write = clock.measure {
            var d = Diagnostics()
            out = RISWriter().write(lib, options: WriteOptions(), diagnostics: &d)
        }
        print("RIS: \(lib.entries.count) records, \(bytes.count / 1_000_000) MB read in \(read), \(out.count / 1_000_000) MB written in \(write)")
        #expect(lib.entries.count >= n)
    }

    /// The scanner never re-scans: many tiny records cost proportionally to their number.
    @Test func manySmallRecords() {
        let one = "TY  - JOUR\r\nTI  - T\r\nAU  - Doe, J.\r\nPY  - 2020\r\nER  - \r\n"
        let text = String(repeating: one, count: 20_000)
        let (lib, d) = readRIS(text)
        #expect(lib.entries.count == 20_000)
        #expect(d.all.isEmpty)
        #expect(lib.entries.last?.origin?.start.line == 20_000 * 5 - 4)
    }
}
