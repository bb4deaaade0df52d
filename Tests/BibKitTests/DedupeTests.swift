import BibModel
import BibTeXFormat
import Testing
import TestSupport

@testable import BibKit

@Suite struct DuplicateFinderTests {
    let base = Make.entry(
        "smith2020", title: "Learning sparse models for image segmentation", authors: [("Smith", "John"), ("Doe", "Jane")],
        year: 2020, doi: "10.1000/abc.1", journal: "Journal of Machine Learning Research", fields: [.volume: "12", .page: "123-145"])

    func pairs(_ entries: [Entry]) -> Set<[Int]> {
        var out = Set<[Int]>()
        for c in DuplicateFinder().clusters(in: entries) {
            for (i, a) in c.members.enumerated() { for b in c.members[(i + 1)...] { out.insert([a, b]) } }
        }
        return out
    }

    func isDuplicate(_ a: Entry, _ b: Entry) -> Bool { pairs([a, b]) == [[0, 1]] }

    @Test func sameDOIWithResolverPrefix() {
        var b = Make.entry("other", title: "Learning sparse models for image segmentation", year: 2020)
        b.identifiers = [Identifier(.doi, "https://doi.org/10.1000/ABC.1")]
        #expect(isDuplicate(base, b))
        #expect(DuplicateFinder().clusters(in: [base, b]).first?.reasons == [nil, "doi 10.1000/abc.1"])
    }

    @Test func perturbedTitleAndNames() {
        var b = Make.entry(
            "Smith_2020", title: #"LEARNING SPARSE MODELS FOR IMAGE SEGMENTATION."#, authors: [("Smith", "J."), ("Doe", "J.")],
            year: 2020, journal: "J. Mach. Learn. Res.", fields: [.page: "123--145"])
        #expect(isDuplicate(base, b))
        b.title = RichText(#"Learning {S}parse Models for Image Segmentation"#)
        #expect(isDuplicate(base, b))
    }

    @Test func accentsLaTeXVersusUnicode() {
        let a = Make.entry("a", title: "Über die Schrödinger-Gleichung", authors: [("Müller", "K.")], year: 1999)
        let b = Make.entry("b", title: #"{\"U}ber die Schr{\"o}dinger-Gleichung"#, authors: [(#"M{\"u}ller"#, "Karl")], year: 1999)
        #expect(isDuplicate(a, b))
    }

    @Test func greekInTeXMathVersusUnicode() throws {
        // Read from BibTeX, where the math stays TeX source in the model.
        let bib = """
            @article{d1, author = {van der Berg, Jan}, title = {On the $\\alpha$-stability of flows}, journal = {JFM}, year = 2011}
            @article{d2, author = {van der Berg, Jan}, title = {On the α-Stability of Flows}, journal = {JFM}, year = 2011}
            @article{d3, author = {van der Berg, Jan}, title = {On the $\\beta$-stability of flows}, journal = {JFM}, year = 2011}
            """
        var diagnostics = Diagnostics()
        let library = try BibTeXReader().read(Array(bib.utf8), source: "greek.bib", options: ReadOptions(), diagnostics: &diagnostics)
        #expect(library.entries.count == 3)
        #expect(pairs(library.entries) == [[0, 1]])
    }

    @Test func missingFieldsOnOneSide() {
        let b = Make.entry("b", title: "Learning sparse models for image segmentation", authors: [("Smith", nil)])
        #expect(isDuplicate(base, b))
    }

    @Test func vetoes() {
        func variant(_ change: (inout Entry) -> Void) -> Entry {
            var e = base
            e.identifiers = []
            e.key = "v"
            change(&e)
            return e
        }
        // Years more than one apart.
        #expect(!isDuplicate(base, variant { $0.issued = .typed(BibDate(year: 2023)) }))
        #expect(isDuplicate(base, variant { $0.issued = .typed(BibDate(year: 2021)) }))
        // No author surname in common.
        #expect(!isDuplicate(base, variant { $0.authors = NameList([Make.person("Brown", "A.")]) }))
        // Different volume, pages, chapter.
        #expect(!isDuplicate(base, variant { $0.fields[.volume] = "13" }))
        #expect(!isDuplicate(base, variant { $0.fields[.page] = "200-210" }))
        // Two different DOIs.
        #expect(!isDuplicate(base, variant { $0.identifiers = [Identifier(.doi, "10.1000/other")] }))
        // A conference paper is not its journal version.
        #expect(!isDuplicate(base, variant { $0.type = EntryType(.paperConference) }))
        #expect(isDuplicate(base, variant { $0.type = EntryType(.document) }))
    }

    @Test func editionsAndParts() {
        let first = Make.entry("k1", .book, title: "Numerical Optimization", authors: [("Nocedal", "J.")], year: 1999)
        var second = first
        second.key = "k2"
        second.fields[.edition] = "2nd"
        second.issued = .typed(BibDate(year: 2006))
        #expect(!isDuplicate(first, second))
        var sameYear = second
        sameYear.issued = first.issued
        sameYear.fields[.edition] = "Second edition"
        var third = first
        third.fields[.edition] = "3"
        #expect(!isDuplicate(sameYear, third))
        // Part I vs Part II share a DOI prefix but not a title; with the same DOI typo, the parts veto.
        var p1 = Make.entry("p1", title: "Stochastic processes, Part I", authors: [("Lee", "A.")], year: 2010, doi: "10.1000/p")
        var p2 = p1
        p2.key = "p2"
        p2.title = "Stochastic processes, Part II"
        #expect(!isDuplicate(p1, p2))
        p1.identifiers = []
        p2.identifiers = []
        #expect(!isDuplicate(p1, p2))
    }

    @Test func sameIdentifierButUnrelatedTitles() {
        let b = Make.entry("b", title: "A completely different paper about birds", authors: [("Smith", nil)], year: 2020, doi: "10.1000/abc.1")
        #expect(!isDuplicate(base, b))
    }

    @Test func genericTitlesNeedMoreEvidence() {
        let a = Make.entry("a", title: "Editorial", authors: [("Smith", nil)], year: 2020, journal: "Nature")
        let b = Make.entry("b", title: "Editorial", authors: [("Smith", nil)], year: 2020, journal: "Science")
        let c = Make.entry("c", title: "Editorial", year: 2020, journal: "Nature")
        let d = Make.entry("d", title: "Editorial", authors: [("Smith", nil)], year: 2020, journal: "Nature")
        #expect(!isDuplicate(a, b))
        #expect(!isDuplicate(a, c))
        #expect(isDuplicate(a, d))
    }

    @Test func authorsCompareByFamilyNameAndInitial() {
        let a = Make.entry("a", title: "Forecasting markets with sparse models", authors: [("García", "Peter"), ("Weiß", "J.")], year: 2001)
        let b = Make.entry("b", title: "Forecasting markets with sparse models", authors: [("Garcia", "Yuki"), ("Okafor", "H.")], year: 2002)
        let c = Make.entry("c", title: "Forecasting markets with sparse models", authors: [("Garcia", "P.")], year: 2002)
        let d = Make.entry("d", title: "Forecasting markets with sparse models", authors: [("Garcia", nil)], year: 2002)
        #expect(!isDuplicate(a, b))
        #expect(isDuplicate(a, c))
        #expect(isDuplicate(a, d))
    }

    @Test func twoDifferentSubtitlesAreTwoWorks() {
        let a = Make.entry("a", title: "Towards parallel bibliographic metadata: lessons from SAT solving", authors: [("Bianchi", "S.")], year: 2018)
        let b = Make.entry("b", title: "Towards parallel bibliographic metadata: lessons from protein folding", authors: [("Bianchi", "S.")], year: 2018)
        let c = Make.entry("c", title: "Towards parallel bibliographic metadata", authors: [("Bianchi", "Sara")], year: 2018)
        #expect(!isDuplicate(a, b))
        #expect(isDuplicate(a, c))
    }

    @Test func missingSubtitle() {
        let a = Make.entry("a", title: "Attention is all you need: transformers for translation", authors: [("Vaswani", "A.")], year: 2017)
        let b = Make.entry("b", title: "Attention is all you need", authors: [("Vaswani", "Ashish")], year: 2017)
        let c = Make.entry("c", title: "Attention is all you need", year: 2017)
        #expect(isDuplicate(a, b))
        #expect(!isDuplicate(a, c))
    }

    @Test func chainsCannotJoinVetoedWorks() {
        // b matches a by DOI and c by title, but a and c are different editions.
        let a = Make.entry("a", .book, title: "Convex Optimization", authors: [("Boyd", "S.")], year: 2004, fields: [.edition: "1"], isbn: "0521833787")
        var b = Make.entry("b", .book, title: "Convex optimization", authors: [("Boyd", "Stephen")], year: 2004, isbn: "978-0-521-83378-3")
        b.fields = [:]
        let c = Make.entry("c", .book, title: "Convex optimization", authors: [("Boyd", "S.")], year: 2004, fields: [.edition: "2"])
        let found = pairs([a, b, c])
        #expect(found.contains([0, 1]))
        #expect(!found.contains([0, 2]))
    }

    /// The pair check reads family, thesis genre, years, subtitles and parts from the compact
    /// ``QuickKey``s: it must decide every pair as the rules say when read from the entries'
    /// fingerprints (written out here), in every mode, and both refuse and allow some.
    @Test func pairCheckFromQuickKeysFollowsTheFingerprintRules() {
        let kinds: [(WorkType, String?)] = [
            (.articleJournal, nil), (.book, nil), (.chapter, nil), (.thesis, "phd"), (.thesis, "masters"), (.document, nil),
            (.paperConference, nil),
        ]
        let titles = [
            "Editorial", "Learning sparse models for image segmentation", "Learning sparse models for image segmentation: a review",
            "Learning sparse models for image segmentation, Part II", "Learning sparse models for image segmentation - Part 2",
            "On robust estimators of scale: lessons from physics", "Über die Lösung großer Systeme von Gleichungen", "Notes",
        ]
        let years: [Int?] = [nil, 1999, 2000, 2001, 2003, Int.max, Int.min]
        let containers: [String?] = [nil, "Journal of Physics", "J. Phys.", "Annals of Statistics"]
        var entries: [Entry] = []
        for (n, title) in titles.enumerated() {
            for (k, kind) in kinds.enumerated() {
                let year = years[(n + k) % years.count]
                let journal = containers[(n * 3 + k) % containers.count]
                var e = Make.entry("e\(entries.count)", kind.0, title: title, authors: [("Smith", "J.")], year: year, journal: journal, genre: kind.1)
                // Part 0 too: a part of number 0 is not "no part".
                if (n + k) % 3 == 0 { e.fields[.part] = ["1", "II", "0"][k % 3] }
                entries.append(e)
            }
        }
        let prints = entries.map(Fingerprint.init)
        func within(_ x: Int?, _ y: Int?) -> Bool {
            guard let x, let y else { return false }
            return ClusterState.within(x, y, 1)
        }
        let details = entries.map(FingerprintDetails.init)
        func sameContainer(_ ia: Int, _ ib: Int) -> Bool {
            let (a, b) = (details[ia], details[ib])
            guard let ca = a.containerKey, let cb = b.containerKey else { return true }
            return MatchText.sameContainer(a.containerWords, b.containerWords, ca, cb)
        }
        let words = entries.map { Set(MatchText.words($0.title?.plainText ?? "")) }
        func rules(_ ia: Int, _ ib: Int, _ mode: MatchMode) -> Bool {
            let (a, b) = (prints[ia], prints[ib])
            if let fa = a.family, let fb = b.family, fa != fb { return false }
            if let ga = a.thesisGenre, let gb = b.thesisGenre, ga != gb { return false }
            switch mode {
            case .identifier:
                let (ta, tb) = (words[ia], words[ib])
                guard ta.count >= 3 && tb.count >= 3 else { return true }
                return 2 * ta.intersection(tb).count >= min(ta.count, tb.count)
            case .title:
                return !(a.genericTitle || b.genericTitle) || (within(a.year, b.year) && sameContainer(ia, ib))
            case .mainTitle:
                return !(a.hasSubtitle && b.hasSubtitle) && within(a.year, b.year) && a.part == b.part && sameContainer(ia, ib)
            }
        }
        var state = ClusterState(prints: prints, entries: entries)
        for i in entries.indices { state.noteTitleWords(of: i) }
        var decided: [MatchMode: (allowed: Int, refused: Int)] = [:]
        for a in prints.indices {
            for b in prints.indices where a != b {
                for mode in [MatchMode.identifier, .title, .mainTitle] {
                    let allows = state.pairAllows(a, b, mode: mode)
                    #expect(allows == rules(a, b, mode), "\(entries[a].title?.plainText ?? "") / \(entries[b].title?.plainText ?? "") \(mode)")
                    if allows { decided[mode, default: (0, 0)].allowed += 1 } else { decided[mode, default: (0, 0)].refused += 1 }
                }
            }
        }
        for mode in [MatchMode.identifier, .title, .mainTitle] {
            #expect((decided[mode]?.allowed ?? 0) > 20 && (decided[mode]?.refused ?? 0) > 100, "\(mode): \(String(describing: decided[mode]))")
        }
    }

    /// `KeyList` keeps exactly the groups a dictionary of all keys gives, minus the keys one
    /// index has: same members in the same order, repeats included; also when different keys
    /// share a hash value (a hash that collides often).
    @Test func keyListsKeepTheSharedKeysOfAFullGrouping() {
        var rng = SplitMix64(seed: 42)
        for round in 0..<20 {
            var lists = [DuplicateFinder.KeyList(), DuplicateFinder.KeyList(hashOf: { $0.utf8.count % 3 })]
            var reference: [String: [Int]] = [:]
            for i in 0..<(50 + round * 10) {
                // Some indices add two values, sometimes the same one twice.
                for _ in 0..<(1 + Int(rng.next() % 2)) {
                    let key = "k\(rng.next() % UInt64(10 + round * 5))"
                    for n in lists.indices { lists[n].add(key, i) }
                    reference[key, default: []].append(i)
                }
            }
            let shared = reference.filter { $0.value.count > 1 }
            #expect(!shared.isEmpty)
            for list in lists { #expect(list.shared() == shared, "round \(round)") }
        }
    }

    /// Composing key maps looks up only the renamed-to keys; the result is the composition
    /// made with a table of every later rename.
    @Test func keyMapCompositionMatchesFullLookup() {
        func reference(_ first: [KeyRename], _ second: [KeyRename]) -> [KeyRename] {
            var later: [String: String] = [:]
            for r in second where later[r.old] == nil { later[r.old] = r.new }
            var seen = Set<String>()
            var out: [KeyRename] = []
            for r in first {
                let target = later[r.new] ?? r.new
                if r.old != target, seen.insert(r.old).inserted { out.append(KeyRename(old: r.old, new: target)) }
            }
            for r in second where seen.insert(r.old).inserted && r.old != r.new { out.append(r) }
            return out
        }
        var rng = SplitMix64(seed: 7)
        func renames(_ n: Int) -> [KeyRename] {
            (0..<n).map { _ in KeyRename(old: "k\(rng.next() % 12)", new: "k\(rng.next() % 12)") }
        }
        for n in 0..<40 {
            let first = renames(n % 7)
            let second = renames(n % 13)
            var report = TransformReport(keyMap: first)
            report.append(TransformReport(keyMap: second))
            #expect(report.keyMap == (second.isEmpty ? first : reference(first, second)), "\(first) then \(second)")
        }
    }

    @Test func yearDistanceWithoutOverflow() {
        #expect(ClusterState.within(2000, 2001, 1))
        #expect(ClusterState.within(2001, 2000, 1))
        #expect(!ClusterState.within(1999, 2001, 1))
        #expect(!ClusterState.within(Int.min, Int.max, 1))
        #expect(!ClusterState.within(Int.max, Int.min, 1))
        #expect(ClusterState.earlier(nil, 3) == 3 && ClusterState.earlier(4, 3) == 3 && ClusterState.earlier(nil, nil) == nil)
        #expect(ClusterState.later(5, nil) == 5 && ClusterState.later(4, 6) == 6)
    }

    @Test func thousandsOfGenericTitlesStayLinear() {
        // One bucket of 3 000 entries: each compares with a bounded number of clusters.
        let entries = (0..<3000).map { i in
            Make.entry("e\(i)", title: "Editorial", authors: [("Author\(i)", nil)], year: 2000 + i % 20)
        }
        #expect(DuplicateFinder().clusters(in: entries).isEmpty)
    }
}

@Suite struct MergeTests {
    var entries: [Entry] {
        var a = Make.entry(
            "smith2020", title: "Learning sparse models", authors: [("Smith", "J."), ("Doe", "J.")], year: 2020,
            doi: "10.1000/abc.1", journal: "J. Mach. Learn. Res.", fields: [.page: "123"], keywords: ["sparsity", "Vision"])
        a.origin = SourceRange(start: SourceLocation(file: "a.bib", line: 3, column: 1, offset: 10), endOffset: 20)
        var b = Make.entry(
            "Smith_J_2020", title: "Learning Sparse Models", authors: [("Smith", "John"), ("Doe", "Jane")], year: 2020,
            journal: "Journal of Machine Learning Research", fields: [.page: "123-145", .volume: "12"], keywords: ["vision", "segmentation"])
        b.identifiers = [Identifier(.doi, "https://doi.org/10.1000/ABC.1"), Identifier(.pmid, "123456")]
        b.issued = .typed(BibDate(year: 2020, month: 5))
        b.abstract = "An abstract."
        let c = Make.entry("unrelated", title: "Something else entirely", authors: [("Other", nil)], year: 2019)
        return [a, c, b]
    }

    func merge(_ policy: Dedupe.MergePolicy?, keepConflicts: Bool = false) -> (Library, TransformReport, Diagnostics) {
        Make.run(Dedupe(options: .init(merge: policy, keepConflicts: keepConflicts)), entries)
    }

    @Test func reportOnlyWarnsAndKeepsAll() {
        let (lib, report, d) = merge(nil)
        #expect(lib.entries.count == 3)
        #expect(report.clusters.count == 1)
        #expect(report.clusters[0].members.map(\.entry) == ["smith2020", "Smith_J_2020"])
        #expect(report.clusters[0].survivor == nil)
        #expect(report.keyMap.isEmpty)
        #expect(d.all.map(\.code) == ["dedupe.duplicate"])
        #expect(d.all[0].entryKey == "Smith_J_2020")
        #expect(d.all[0].message.contains("smith2020 at a.bib:3:1"))
    }

    @Test func combineFillsPrefersCompleteAndUnitesKeywords() {
        let (lib, report, _) = merge(.combine)
        #expect(lib.entries.map(\.key) == ["smith2020", "unrelated"])
        let e = lib.entries[0]
        #expect(e.fields[.page] == "123-145")
        #expect(e.fields[.volume] == "12")
        #expect(e.authors.names.map(\.given) == ["John", "Jane"])
        #expect(e.container?.title?.plainText == "Journal of Machine Learning Research")
        #expect(e.container?.shortTitle == "J. Mach. Learn. Res.")
        #expect(e.issued == .typed(BibDate(year: 2020, month: 5)))
        #expect(e.keywords == ["sparsity", "Vision", "segmentation"])
        #expect(e.identifiers.map(\.kind) == [.doi, .pmid])
        #expect(e.abstract == "An abstract.")
        #expect(e.title?.plainText == "Learning sparse models")
        #expect(e.origin?.start.file == "a.bib")
        #expect(report.keyMap == [KeyRename(old: "Smith_J_2020", new: "smith2020")])
        #expect(report.removed.map(\.entry) == ["Smith_J_2020"])
        #expect(report.clusters[0].survivor == "smith2020")
        #expect(report.changes.contains { $0.step == "merge" && $0.field == "volume" && $0.new == "12" && $0.reason == "from Smith_J_2020" })
    }

    @Test func conflictsAreRecorded() {
        var es = entries
        es[2].fields[.publisher] = "MIT Press"
        es[0].fields[.publisher] = "Microtome"
        var lib = Library(entries: es)
        var d = Diagnostics()
        let report = Dedupe(options: .init(merge: .combine, keepConflicts: true)).apply(to: &lib, diagnostics: &d)
        #expect(lib.entries[0].fields[.publisher] == "Microtome")
        #expect(lib.entries[0].extra[FieldKey("bibkit", "conflict.publisher")] == "MIT Press")
        let conflict = report.clusters[0].conflicts.first { $0.field == "publisher" }
        #expect(conflict?.old == "Microtome" && conflict?.new == "MIT Press")
        var lib2 = Library(entries: es)
        _ = Dedupe(options: .init(merge: .overwrite)).apply(to: &lib2, diagnostics: &d)
        #expect(lib2.entries[0].fields[.publisher] == "MIT Press")
    }

    @Test func firstAndLast() {
        let (first, _, _) = merge(.first)
        #expect(first.entries[0].fields[.page] == "123")
        #expect(first.entries[0].keywords == ["sparsity", "Vision", "segmentation"])
        let (last, report, _) = merge(.last)
        #expect(last.entries.map(\.key) == ["Smith_J_2020", "unrelated"])
        #expect(last.entries[0].fields[.page] == "123-145")
        #expect(report.keyMap == [KeyRename(old: "smith2020", new: "Smith_J_2020")])
    }

    @Test("the comments before every member go before the survivor, in library order, under every policy",
        arguments: Dedupe.MergePolicy.allCases)
    func commentsGoToTheSurvivor(policy: Dedupe.MergePolicy) {
        var es = entries
        es[0].precedingComments = [BibComment("% before smith2020", form: .text)]
        es[1].precedingComments = ["before unrelated"]
        es[2].precedingComments = ["before Smith_J_2020 (1)", BibComment("% before Smith_J_2020 (2)", form: .text)]
        let (lib, _, _) = Make.run(Dedupe(options: .init(merge: policy)), es)
        #expect(lib.entries.count == 2)
        #expect(
            lib.entries[0].precedingComments == [
                BibComment("% before smith2020", form: .text), "before Smith_J_2020 (1)",
                BibComment("% before Smith_J_2020 (2)", form: .text),
            ])
        #expect(lib.entries[1].precedingComments == ["before unrelated"])
        // A cluster without comments gets none.
        let (plain, _, _) = merge(policy)
        #expect(plain.entries.allSatisfy { $0.precedingComments.isEmpty })
    }

    @Test func survivorWithoutKeyTakesOne() {
        var es = entries
        es[0].key = nil
        let (lib, report, _) = Make.run(Dedupe(options: .init(merge: .combine)), es)
        #expect(lib.entries[0].key == "Smith_J_2020")
        #expect(report.keyMap.isEmpty)
    }
}

/// Buckets are joined in library order, not in Dictionary order (which changes from run to
/// run and would make vetoed merges depend on the run).
@Suite struct DuplicateBucketOrderTests {
    @Test func bucketsComeInOrderOfTheirFirstMemberThenKey() {
        var buckets: [String: [Int]] = [:]
        for i in 0..<300 { buckets["k\(i)"] = [(i * 7919) % 300, 300 + i] }
        buckets["single"] = [5]
        buckets["a-tie"] = [(3 * 7919) % 300, 999]
        let ordered = DuplicateFinder.inLibraryOrder(buckets)
        #expect(ordered.count == 301)
        #expect(!ordered.contains { $0.key == "single" })
        let firsts = ordered.map { $0.value[0] }
        #expect(firsts == firsts.sorted())
        let tie = ordered.filter { $0.value[0] == (3 * 7919) % 300 }.map(\.key)
        #expect(tie == ["a-tie", "k3"])
    }
}
