import Foundation
import Testing

@testable import BibKit
import TestSupport

/// The duplicate finder on a labelled set built from real records: every usable RIS and
/// CSL-JSON record of `../shared/corpus` once, a perturbed duplicate of each (written through
/// another format and read back), and hard non-duplicates (same title in another year, another
/// edition, Part I/Part II, same authors and year with another title). Recall must be at least
/// 97% of the true pairs and precision at least 99% of the pairs found.
@Suite struct DedupeCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus")

    static var corpusPresent: Bool {
        FileManager.default.fileExists(atPath: corpus.appendingPathComponent("ris").path)
    }

    /// Deterministic randomness (SplitMix64).
    struct Rand {
        var generator: SplitMix64
        init(state: UInt64) { generator = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { generator.next() }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
    }

    /// Real records: read from every RIS and CSL-JSON file of the corpus, kept when they have a
    /// title of four or more words, an author and a year; one per title and per DOI.
    static func baseRecords() throws -> [Entry] {
        var files: [String] = []
        for sub in ["ris", "csl-json"] {
            let dir = corpus.appendingPathComponent(sub)
            guard let walker = FileManager.default.enumerator(atPath: dir.path) else { continue }
            for case let path as String in walker where path.hasSuffix(".ris") || path.hasSuffix(".json") {
                files.append(dir.appendingPathComponent(path).path)
            }
        }
        var sources = SourceStore()
        var diagnostics = Diagnostics()
        let (library, _) = Pipeline().read(files.sorted().map { InputSpec(path: $0) }, sources: &sources, diagnostics: &diagnostics)
        var seenTitles = Set<String>()
        var seenDOIs = Set<String>()
        var out: [Entry] = []
        for e in library.entries {
            guard let title = e.title?.plainText, MatchText.words(title).count >= 4, !e.authors.names.isEmpty, e.year != nil else {
                continue
            }
            let key = MatchText.key(title)
            if !seenTitles.insert(key).inserted { continue }
            if let doi = e.identifier(.doi).flatMap(Identifiers.doiMatchKey), !seenDOIs.insert(doi).inserted { continue }
            out.append(e)
        }
        return out
    }

    // MARK: Perturbations

    static let latex: [Unicode.Scalar: String] = [
        "\u{0301}": "'", "\u{0300}": "`", "\u{0308}": "\"", "\u{0302}": "^", "\u{0303}": "~", "\u{0327}": "c ", "\u{030C}": "v ",
    ]

    /// `Schrödinger` → `Schr{\"o}dinger`.
    static func latexAccents(_ s: String) -> String {
        var out = ""
        var pendingBase: Character?
        for ch in s.decomposedStringWithCanonicalMapping {
            let scalars = Array(ch.unicodeScalars)
            if scalars.count == 2, let cmd = latex[scalars[1]] {
                out += "{\\\(cmd)\(Character(scalars[0]))}"
            } else {
                out.append(ch)
            }
            pendingBase = nil
        }
        _ = pendingBase
        return out
    }

    static func abbreviatedJournal(_ title: String) -> String {
        let skip: Set<String> = ["of", "the", "and", "for", "in", "on", "&"]
        return title.split(separator: " ").filter { !skip.contains($0.lowercased()) }
            .map { $0.count > 5 ? String($0.prefix(4)) + "." : String($0) }.joined(separator: " ")
    }

    static func initials(_ given: String) -> String {
        given.split(whereSeparator: { $0 == " " || $0 == "." }).compactMap { $0.first.map { "\($0)." } }.joined(separator: " ")
    }

    /// A duplicate as another source would have it: 2–4 perturbations, a different key.
    static func perturbed(_ e: Entry, _ rng: inout Rand, index: Int) -> Entry {
        var d = e
        d.key = "dup\(index)"
        d.origin = nil
        var kinds = Array(0..<9)
        for i in kinds.indices.reversed() { kinds.swapAt(i, rng.int(i + 1)) }
        for kind in kinds.prefix(2 + rng.int(3)) {
            switch kind {
            case 0:  // case changes
                let t = d.title?.plainText ?? ""
                d.title = RichText(rng.chance(0.5) ? t.uppercased() : t.lowercased())
            case 1:  // punctuation changes
                var t = d.title?.plainText ?? ""
                t = t.replacingOccurrences(of: ": ", with: rng.chance(0.5) ? " - " : ". ")
                t = t.replacingOccurrences(of: ",", with: "")
                d.title = RichText(t + (rng.chance(0.5) ? "." : ""))
            case 2:  // LaTeX instead of Unicode accents
                d.title = d.title.map { RichText(latexAccents($0.plainText)) }
                var list = d.authors
                for j in list.names.indices { list.names[j].family = list.names[j].family.map(latexAccents) }
                d.authors = list
            case 3:  // abbreviated given names
                var list = d.authors
                for j in list.names.indices { list.names[j].given = list.names[j].given.map(initials) }
                d.authors = list
            case 4:  // DOI on one side only, or with a resolver prefix
                if let doi = d.identifier(.doi) {
                    d.identifiers.removeAll { $0.kind == .doi }
                    if rng.chance(0.5) { d.identifiers.append(Identifier(.doi, "https://doi.org/" + doi.uppercased())) }
                }
            case 5:  // abbreviated journal
                if let t = d.container?.title?.plainText {
                    d.container?.title = RichText(abbreviatedJournal(t))
                }
            case 6:  // `-` vs `--` pages
                if let p = d.fields[.page] { d.fields[.page] = p.replacingOccurrences(of: "-", with: rng.chance(0.5) ? "--" : "–") }
            case 7:  // missing fields
                for f in [Field.volume, .issue, .page, .publisher] where rng.chance(0.6) { d.fields[f] = nil }
                if rng.chance(0.5) { d.abstract = nil }
                if rng.chance(0.3) { d.container = nil }
                d.keywords = []
            default:  // fewer authors
                var list = d.authors
                if list.names.count > 1, rng.chance(0.7) {
                    list.names = Array(list.names.prefix(1 + rng.int(list.names.count - 1)))
                    list.truncated = true
                    d.authors = list
                }
            }
        }
        return d
    }

    /// Through a writer and back through the reader of another format.
    static func roundTrip(_ entries: [Entry], as format: FormatID) -> [Entry] {
        var d = Diagnostics()
        guard let plugin = FormatRegistry.plugin(named: format.rawValue), let writer = plugin.writer, let reader = plugin.reader else {
            return entries
        }
        let bytes = writer.write(Library(entries: entries), options: WriteOptions(), diagnostics: &d)
        guard let back = try? reader.read(bytes, source: "roundtrip", options: ReadOptions(), diagnostics: &d),
            back.entries.count == entries.count
        else { return entries }
        return back.entries
    }

    struct LabelledSet {
        var entries: [Entry]
        var truePairs: Set<[Int]>
        var hardPairs: Set<[Int]>
    }

    /// - Parameter lazyCopies: hard non-duplicates keep the original's DOI, as a careless
    ///   copy would; identifiers must then not override the vetoes.
    static func labelledSet(seed: UInt64, lazyCopies: Bool = false) throws -> LabelledSet {
        var rng = Rand(state: seed)
        let base = try baseRecords()
        var entries = base
        var truePairs = Set<[Int]>()
        var hardPairs = Set<[Int]>()
        // Perturbed duplicates, half through RIS and half through CSL-JSON.
        var dups: [(Int, Entry)] = []
        for (i, e) in base.enumerated() { dups.append((i, perturbed(e, &rng, index: i))) }
        let halves = [dups.filter { $0.0 % 2 == 0 }, dups.filter { $0.0 % 2 == 1 }]
        for (n, half) in halves.enumerated() {
            let back = roundTrip(half.map(\.1), as: n == 0 ? .ris : .cslJSON)
            for (k, (i, _)) in half.enumerated() {
                truePairs.insert([i, entries.count])
                entries.append(back[k])
            }
        }
        // Hard non-duplicates of every third record.
        for (i, e) in base.enumerated() where i % 3 == 0 {
            var h = e
            h.key = "hard\(i)"
            // Another work has another DOI: drop the DOI and any doi.org link.
            if !lazyCopies {
                h.identifiers.removeAll { $0.kind == .doi }
                h.links.removeAll { $0.url.contains("doi.org/") }
            }
            let year = e.year ?? 2000
            switch (i / 3) % 4 {
            case 0:  // the same title in another year
                h.issued = .typed(BibDate(year: year + 2 + rng.int(6)))
            case 1:  // another edition
                h.fields[.edition] = ["2", "2nd", "Third", "4th edition"][rng.int(4)]
                h.issued = .typed(BibDate(year: year + (rng.chance(0.5) ? 0 : 1 + rng.int(5))))
                if e.fields[.edition] == nil && rng.chance(0.5) {
                    // Both sides name their edition.
                    entries[i].fields[.edition] = "1"
                }
            case 2:  // Part I and Part II
                let t = e.title?.plainText ?? ""
                h.title = RichText(t + ": Part II")
                var p1 = e
                p1.key = "part1-\(i)"
                if !lazyCopies {
                    p1.identifiers.removeAll { $0.kind == .doi }
                    p1.links.removeAll { $0.url.contains("doi.org/") }
                }
                p1.title = RichText(t + ": Part I")
                hardPairs.insert([i, entries.count])
                entries.append(p1)
                hardPairs.insert([entries.count - 1, entries.count])
            default:  // same authors and year, another title
                let other = base[(i + base.count / 2) % base.count]
                h.title = other.title
            }
            hardPairs.insert([i, entries.count])
            entries.append(h)
        }
        return LabelledSet(entries: entries, truePairs: truePairs, hardPairs: hardPairs)
    }

    static func predictedPairs(_ entries: [Entry]) -> Set<[Int]> {
        var out = Set<[Int]>()
        for c in DuplicateFinder().clusters(in: entries) {
            for (i, a) in c.members.enumerated() { for b in c.members[(i + 1)...] { out.insert([a, b]) } }
        }
        return out
    }

    @Test(.enabled(if: corpusPresent, "../shared/corpus is not there: skipping the labelled duplicate set"))
    func recallAndPrecisionOnTheLabelledSet() throws {
        for (seed, lazy): (UInt64, Bool) in [(7, false), (2024, false), (99, true)] {
            let set = try Self.labelledSet(seed: seed, lazyCopies: lazy)
            let predicted = Self.predictedPairs(set.entries)
            let found = predicted.intersection(set.truePairs)
            let recall = Double(found.count) / Double(max(set.truePairs.count, 1))
            let precision = Double(found.count) / Double(max(predicted.count, 1))
            let wrong = predicted.subtracting(set.truePairs)
            let hardWrong = wrong.intersection(set.hardPairs)
            print(
                "dedupe labelled set (seed \(seed)\(lazy ? ", hard non-duplicates keep the DOI" : "")): \(set.entries.count) entries, \(set.truePairs.count) true pairs, \(set.hardPairs.count) hard non-pairs; recall \(String(format: "%.4f", recall)), precision \(String(format: "%.4f", precision)), false pairs \(wrong.count) (\(hardWrong.count) hard)"
            )
            let missed = set.truePairs.subtracting(predicted)
            if !missed.isEmpty { print("  missed: \(missed.sorted { $0[0] < $1[0] }.prefix(5).map { describe($0, set.entries) })") }
            #expect(set.truePairs.count >= 300, "too few usable corpus records: \(set.truePairs.count)")
            #expect(recall >= 0.97, "missed: \(set.truePairs.subtracting(predicted).sorted { $0[0] < $1[0] }.prefix(10).map { describe($0, set.entries) })")
            #expect(precision >= 0.99, "false: \(wrong.sorted { $0[0] < $1[0] }.prefix(10).map { describe($0, set.entries) })")
        }
    }

    func describe(_ pair: [Int], _ entries: [Entry]) -> String {
        let cluster = DuplicateFinder().clusters(in: entries).first { $0.members.contains(pair[0]) }
        return pair.map { i in
            let e = entries[i]
            let why = cluster.flatMap { c in c.members.firstIndex(of: i).flatMap { c.reasons[$0] } } ?? "-"
            return "[\(e.key ?? "#\(i)") \(e.year.map(String.init) ?? "-") \(e.authors.names.first?.family ?? "-") \(e.title?.plainText.prefix(60) ?? "") <\(why)>]"
        }.joined(separator: " ~ ")
    }
}
