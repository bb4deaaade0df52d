import Foundation
import Testing

/// `bibkit convert --dedupe` on the second labelled set (`Fixtures/dedupe`, made by
/// `make_set.py` from the corpus's BibTeX and JATS records, independently of the set in
/// `DedupeCorpusTests`): perturbed duplicates in BibTeX and RIS, hard non-duplicates. The
/// clusters the command reports must hold at least 97% of the true pairs, and at least 99% of
/// the pairs they hold must be true.
@Suite struct DedupeSetTests {
    struct Labels: Decodable {
        var base: Int
        var `true`: [[String]]
        var hard: [[String]]
    }

    /// Pairs of keys in one cluster, from the `KEY: likely a duplicate of KEY at` warnings.
    static func predictedPairs(_ stderr: String) -> Set<[String]> {
        var parent: [String: String] = [:]
        func find(_ x: String) -> String {
            var x = x
            while let p = parent[x], p != x { x = p }
            return x
        }
        for line in stderr.split(separator: "\n") where line.hasSuffix("[dedupe.duplicate]") {
            guard let w = line.range(of: ": warning: "), let l = line.range(of: ": likely a duplicate of "),
                let at = line.range(of: " at ", range: l.upperBound..<line.endIndex)
            else { continue }
            let a = String(line[w.upperBound..<l.lowerBound])
            let b = String(line[l.upperBound..<at.lowerBound])
            let (ra, rb) = (find(a), find(b))
            if ra != rb { parent[ra] = rb }
            if parent[rb] == nil { parent[rb] = rb }
        }
        var clusters: [String: [String]] = [:]
        for key in parent.keys { clusters[find(key), default: []].append(key) }
        var pairs = Set<[String]>()
        for members in clusters.values {
            let sorted = members.sorted()
            for (i, a) in sorted.enumerated() { for b in sorted[(i + 1)...] { pairs.insert([a, b]) } }
        }
        return pairs
    }

    @Test func recallAndPrecisionOnTheSecondSet() throws {
        let dir = CLI.fixtures.appendingPathComponent("dedupe")
        let labels = try JSONDecoder().decode(Labels.self, from: Data(contentsOf: dir.appendingPathComponent("labels.json")))
        let out = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run([
            "convert", dir.appendingPathComponent("set.bib").path, dir.appendingPathComponent("set.ris").path, "--dedupe",
            "--to", "csl-json", "-o", out.appendingPathComponent("all.json").path,
        ])
        #expect(r.status == 0, "\(r.stderr.suffix(2000))")
        let truth = Set(labels.true.map { $0.sorted() })
        let hard = Set(labels.hard.map { $0.sorted() })
        let predicted = Self.predictedPairs(r.stderr)
        let found = predicted.intersection(truth)
        let recall = Double(found.count) / Double(max(truth.count, 1))
        let precision = Double(found.count) / Double(max(predicted.count, 1))
        print(
            "dedupe second set: \(labels.base) records, \(truth.count) true pairs, \(hard.count) hard non-pairs; recall \(String(format: "%.4f", recall)), precision \(String(format: "%.4f", precision)), hard pairs merged \(predicted.intersection(hard).count)"
        )
        #expect(truth.count >= 500)
        #expect(recall >= 0.97, "missed: \(truth.subtracting(predicted).sorted { $0[0] < $1[0] }.prefix(10))")
        #expect(precision >= 0.99, "false: \(predicted.subtracting(truth).sorted { $0[0] < $1[0] }.prefix(10))")
        #expect(predicted.intersection(hard).isEmpty, "\(predicted.intersection(hard).sorted { $0[0] < $1[0] })")
    }
}
