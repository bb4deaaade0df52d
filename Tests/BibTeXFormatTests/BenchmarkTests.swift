import BibModel
import Foundation
import Testing

@testable import BibTeXFormat

/// Opt-in timing: `BIBKIT_BENCH=1 swift test -c release --filter BenchmarkTests`.
@Suite("Benchmark", .enabled(if: ProcessInfo.processInfo.environment["BIBKIT_BENCH"] == "1"))
struct BenchmarkTests {
    static func library(_ n: Int) -> Library {
        let base = Samples.all.flatMap(\.entries)
        var entries: [Entry] = []
        entries.reserveCapacity(n)
        for i in 0..<n {
            var e = base[i % base.count]
            e.key = nil  // exercise key generation and disambiguation
            e.title = RichText("Word\(i) " + (e.title?.plainText ?? ""))  // distinct key bases (see report on CitationKeyGenerator)
            entries.append(e)
        }
        return Library(entries: entries)
    }

    @Test("100 000 entries, both dialects; time grows linearly")
    func hundredThousand() {
        for dialect in BibTeXDialect.allCases {
            var times: [Double] = []
            var size = 0
            for n in [25_000, 100_000] {
                let lib = Self.library(n)
                var diagnostics = Diagnostics()
                let start = DispatchTime.now().uptimeNanoseconds
                let bytes = BibTeXWriter(dialect: dialect).write(lib, options: WriteOptions(), diagnostics: &diagnostics)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                times.append(seconds)
                size = bytes.count
                print("bibtex-writer \(dialect) \(n) entries: \(String(format: "%.2f", seconds)) s, \(size / 1_000_000) MB, \(diagnostics.all.count) diagnostics")
            }
            // Four times the entries should take about four times as long, not sixteen.
            #expect(times[1] < times[0] * 8, "\(times)")
        }
    }
}
