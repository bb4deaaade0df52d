import BibModel
import Foundation
import Testing

@testable import BibTeXFormat

/// Opt-in reader timing: `BIBKIT_BENCH=1 swift test -c release --filter ReaderBenchmarkTests`.
/// Reads a 10 000-entry file from `../shared/bench/gen_corpus.py` (made on the fly) and prints
/// MB/s for each stage; no assertion on time.
@Suite("Reader benchmark", .enabled(if: ProcessInfo.processInfo.environment["BIBKIT_BENCH"] == "1"))
struct ReaderBenchmarkTests {
    @Test("10 000 generated entries")
    func tenThousand() throws {
        let script = Paths.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/bench/gen_corpus.py")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-reader-bench.bib")
        if !FileManager.default.fileExists(atPath: file.path) {
            let result = try run("python3", [script.path, "10000", "--bib", file.path])
            try #require(result.status == 0, "\(result.output)")
        }
        let bytes = try Array(Data(contentsOf: file))
        let megabytes = Double(bytes.count) / 1_000_000
        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        var scanned = 0
        let scan = seconds {
            var diagnostics = Diagnostics()
            scanned = BibTeXScanner.scan(bytes, lines: LineIndex(file: "b", bytes: bytes), diagnostics: &diagnostics).blocks.count
        }
        var entries = 0
        var diagnosticCount = 0
        let full = try seconds {
            var diagnostics = Diagnostics()
            entries = try BibTeXReader().read(bytes, source: "b", options: ReadOptions(), diagnostics: &diagnostics).entries.count
            diagnosticCount = diagnostics.all.count
        }
        print(
            "bibtex-reader: \(String(format: "%.1f", megabytes)) MB, \(entries) entries, \(scanned) blocks, \(diagnosticCount) diagnostics; "
                + "scan \(String(format: "%.3f", scan)) s (\(String(format: "%.0f", megabytes / scan)) MB/s), "
                + "read \(String(format: "%.3f", full)) s (\(String(format: "%.1f", megabytes / full)) MB/s)")
        #expect(entries == 10_000)
    }
}
