import Foundation
import Testing

@testable import BibKit

/// Opt-in timing of the whole chain: `BIBKIT_BENCH=1 swift test -c release --filter TransformBenchmark`.
@Suite("TransformBenchmark", .enabled(if: ProcessInfo.processInfo.environment["BIBKIT_BENCH"] == "1"))
struct TransformBenchmarkTests {
    /// `n` entries from the labelled corpus set, titles made distinct per copy, so that one in
    /// about three is a duplicate of another.
    static func entries(_ n: Int) throws -> [Entry] {
        let set = try DedupeCorpusTests.labelledSet(seed: 1)
        var out: [Entry] = []
        out.reserveCapacity(n)
        var i = 0
        while out.count < n {
            for e in set.entries where out.count < n {
                var copy = e
                copy.key = copy.key.map { "\($0)-\(i)" }
                copy.title = RichText("Copy \(i) " + (e.title?.plainText ?? ""))
                copy.identifiers = copy.identifiers.map { id in id.kind == .doi ? Identifier(.doi, id.value + "/\(i)") : id }
                out.append(copy)
            }
            i += 1
        }
        return out
    }

    @Test("clean → dedupe/merge → keys → sort on 25 000 and 100 000 entries; time grows linearly")
    func hundredThousand() throws {
        guard DedupeCorpusTests.corpusPresent else { return }
        var times: [Double] = []
        for n in [25_000, 100_000] {
            var library = Library(entries: try Self.entries(n))
            let chain = TransformChain(
                clean: Clean(), dedupe: Dedupe(options: .init(merge: .combine)), keys: GenerateKeys(),
                sort: Sort([Sort.Criterion(.year), Sort.Criterion(.author)]))
            var diagnostics = Diagnostics()
            let start = DispatchTime.now().uptimeNanoseconds
            let report = chain.apply(to: &library, diagnostics: &diagnostics)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            times.append(seconds)
            print("transform chain \(n) entries: \(String(format: "%.2f", seconds)) s; \(report.clusters.count) clusters, \(library.entries.count) entries left, \(report.changes.count) changes")
        }
        #expect(times[1] < times[0] * 8, "\(times)")
    }

    @Test("each step on 100 000 entries")
    func steps() throws {
        guard DedupeCorpusTests.corpusPresent else { return }
        let entries = try Self.entries(100_000)
        let steps: [(String, any LibraryTransform)] = [
            ("clean", Clean()), ("dedupe (report)", Dedupe()), ("merge combine", Dedupe(options: .init(merge: .combine))),
            ("keys", GenerateKeys()), ("sort year,author", Sort([Sort.Criterion(.year), Sort.Criterion(.author)])),
        ]
        for (name, step) in steps {
            var library = Library(entries: entries)
            var diagnostics = Diagnostics()
            let start = DispatchTime.now().uptimeNanoseconds
            _ = step.apply(to: &library, diagnostics: &diagnostics)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print("step \(name) on 100000 entries: \(String(format: "%.2f", seconds)) s")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let clusters = DuplicateFinder().clusters(in: entries)
        print("finder alone: \(String(format: "%.2f", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)) s, \(clusters.count) clusters")
    }
}
