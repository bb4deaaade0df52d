import BibModel
import Testing
import TestSupport

@testable import BibKit

/// The duplicate finder's fast paths against the plain one: `join` refusing pairs on years
/// from its own copy of the representatives' roots and years, and `tryUnion` refusing two
/// single entries for their authors from hash values, must find exactly the clusters (members
/// and reasons) that comparing every pair through `tryUnion` with the profiles finds.
@Suite struct DedupeJoinTests {
    /// The finder's passes as `DuplicateFinder.clusters(in:)` runs them, but with the plain
    /// bucket loop (every representative through `tryUnion`, roots read from the state each
    /// time) and the authors always compared through the profiles.
    static func referenceClusters(_ entries: [Entry], maxComparisons: Int) -> [DuplicateFinder.Cluster] {
        let prints = entries.map(Fingerprint.init)
        var state = ClusterState(prints: prints, entries: entries)
        state.hashedAuthorVeto = false
        func join(_ members: [Int], reason: String, mode: MatchMode) {
            var representatives: [Int] = []
            for i in members.sorted() {
                var joined = false
                var compared = 0
                for rep in representatives {
                    if state.find(rep) == state.find(i) {
                        joined = true
                        break
                    }
                    if compared >= maxComparisons { break }
                    compared += 1
                    if state.tryUnion(i, rep, reason: reason, mode: mode) {
                        joined = true
                        break
                    }
                }
                if !joined { representatives.append(i) }
            }
        }
        for kind in IdentifierPass.allCases {
            var buckets: [String: [Int]] = [:]
            for i in prints.indices { for v in kind.values(of: prints[i]) { buckets[v, default: []].append(i) } }
            for (value, members) in DuplicateFinder.inLibraryOrder(buckets) {
                for m in members { state.noteTitleWords(of: m) }
                join(members, reason: "\(kind.rawValue) \(value)", mode: .identifier)
            }
        }
        var titles: [String: [Int]] = [:]
        for i in prints.indices where !prints[i].titleKey.isEmpty { titles[prints[i].titleKey, default: []].append(i) }
        for (_, members) in DuplicateFinder.inLibraryOrder(titles) { join(members, reason: "title", mode: .title) }
        var mains: [String: [Int]] = [:]
        for i in prints.indices where prints[i].mainTitleWords >= 4 && prints[i].mainTitleKey.utf8.count >= 20 {
            mains[prints[i].mainTitleKey, default: []].append(i)
        }
        for (_, members) in DuplicateFinder.inLibraryOrder(mains) { join(members, reason: "main title", mode: .mainTitle) }
        var byRoot: [Int: [Int]] = [:]
        for i in entries.indices { byRoot[state.find(i), default: []].append(i) }
        return byRoot.values.filter { $0.count > 1 }
            .map { members in
                let sorted = members.sorted()
                return DuplicateFinder.Cluster(members: sorted, reasons: sorted.enumerated().map { $0.offset == 0 ? nil : state.reason[$0.element] })
            }
            .sorted { $0.members[0] < $1.members[0] }
    }

    /// Entries drawn from small sets of titles, subtitles, years, names and containers, so
    /// that buckets are large (past the comparison cap), most pairs are refused on years or
    /// authors, and some are true duplicates (clusters of two and more, which later members
    /// meet as clusters rather than single entries).
    static func entries(count: Int, seed: UInt64) -> [Entry] {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
        let titles = [
            "Learning sparse models for image segmentation", "Editorial", "Robust estimators of scale in physics experiments",
            "A survey of graph neural network methods", "Notes", "Deep learning for protein structure prediction",
            // Main titles at the edges of the main-title pass: four words, three words of 20
            // letters and more, four words of fewer than 20.
            "Graph neural network methods", "Convolutional neural networks", "On the use of it",
        ]
        let subtitles = ["a review", "lessons learned", "Part II", "methods and tools"]
        let families = ["Smith", "Lee", "Garcia", "van der Berg", "Müller", "Ng", "O'Brien", "Kelvin"]
        let givens: [String?] = [nil, "J.", "Jae-Won", "Peter", "Yuki", "A. B.", "Ｋ"]
        let kinds: [WorkType] = [.articleJournal, .articleJournal, .book, .chapter, .paperConference, .document, .thesis]
        let journals: [String?] = [nil, "Journal of Physics", "J. Phys.", "Annals of Statistics"]
        var out: [Entry] = []
        while out.count < count {
            if !out.isEmpty && chance(15) {
                // A near copy of an earlier entry: same work, another record of it.
                var e = out[Int(rng.next() % UInt64(out.count))]
                e.key = "k\(out.count)"
                if chance(30), let t = e.title?.plainText { e.title = RichText(t.uppercased()) }
                if chance(30), let y = e.year { e.issued = .typed(BibDate(year: y + (chance(50) ? 1 : 0))) }
                if chance(20) { e.fields[.page] = pick(["1-10", "11-20"]) }
                out.append(e)
                continue
            }
            var title = pick(titles)
            if chance(35) { title += ": " + pick(subtitles) }
            let year: Int? = chance(8) ? nil : 1998 + Int(rng.next() % 6)
            var authors: [(String, String?)] = []
            for _ in 0..<(rng.next() % 4) { authors.append((pick(families), pick(givens))) }
            let kind = pick(kinds)
            var e = Make.entry(
                "k\(out.count)", kind, title: title, authors: authors, year: year,
                doi: chance(10) ? "10.1000/x.\(rng.next() % 5)" : nil, journal: pick(journals),
                genre: kind == .thesis ? pick(["phd", "masters"]) : nil)
            if chance(10) { e.contributors[.author] = NameList([PersonName(literal: pick(["World Health Organization", "CERN Team"]))]) }
            if authors.isEmpty && chance(30) { e.contributors[.editor] = NameList([Make.person(pick(families), pick(givens))]) }
            // The other identifier passes: ISBNs (of books), arXiv ids, PMIDs.
            if chance(6) { e.identifiers.append(Identifier(.isbn, pick(["978-3-16-148410-0", "0-306-40615-2"]))) }
            if chance(6) { e.identifiers.append(Identifier(.arxiv, pick(["2101.00001", "2101.00001v2", "1905.12345"]))) }
            if chance(6) { e.identifiers.append(Identifier(.pmid, pick(["123456", "654321"]))) }
            if chance(10) { e.fields[.edition] = pick(["2", "2nd", "3"]) }
            if chance(10) { e.fields[.volume] = pick(["1", "II", "12"]) }
            out.append(e)
        }
        return out
    }

    @Test func sameClustersAsComparingEveryPairThroughProfiles() {
        var clustered = 0
        for (n, cap) in [(600, 48), (400, 3), (300, 1)] {
            for seed in 1...4 {
                let entries = Self.entries(count: n, seed: UInt64(seed * 97 + cap))
                let fast = DuplicateFinder(maxComparisons: cap).clusters(in: entries)
                let plain = Self.referenceClusters(entries, maxComparisons: cap)
                let same = fast == plain
                let firstDifference = zip(fast, plain).first { $0 != $1 }
                #expect(same, "seed \(seed), cap \(cap): \(fast.count) against \(plain.count) clusters, first difference \(String(describing: firstDifference))")
                clustered += fast.filter { $0.members.count > 2 }.count
            }
        }
        // The sets must make clusters, some of three or more (a newcomer against a cluster).
        #expect(clustered > 10)
    }

    /// The author keys as `AuthorKeys.forEachKey` gives them (the name with its particle looked
    /// at only when there is one) against the rule written out: every name's family key, its
    /// words when it has several, the key of the name with its particle when that differs.
    @Test func authorKeysAsTheRuleSays() {
        let names: [PersonName] = [
            PersonName(family: "Smith", given: "John"), PersonName(family: "van der Berg", given: "J."),
            PersonName(family: "Berg", given: "Jan", nonDroppingParticle: "van der"),
            PersonName(family: "Alembert", given: "Jean", nonDroppingParticle: "d'"),
            PersonName(family: "Gogh", nonDroppingParticle: "van"), PersonName(family: "Beethoven", droppingParticle: "van"),
            PersonName(given: "Madonna"), PersonName(literal: "World Health Organization"), PersonName(family: "O'Brien-Smith", given: "Ö."),
            PersonName(family: "Lee", given: "Jae-Won", nonDroppingParticle: "Lee"),
        ]
        func rule(_ name: PersonName) -> [String] {
            if let literal = name.literal { return MatchText.words(literal).filter { $0.utf8.count >= 3 } }
            var keys: [String] = []
            if let family = name.family {
                let words = MatchText.words(family)
                let key = words.joined()
                if !key.isEmpty { keys.append(key) }
                if words.count > 1 { keys += words.filter { $0.utf8.count >= 2 } }
                let withParticle = MatchText.key(name.familyWithParticle)
                if !withParticle.isEmpty && withParticle != key { keys.append(withParticle) }
            } else if let given = name.given {
                keys.append(MatchText.key(given))
            }
            return keys.filter { !$0.isEmpty }
        }
        for name in names {
            var entry = Entry(key: "k", type: EntryType(.articleJournal))
            entry.authors = NameList([name])
            var got: [String] = []
            AuthorKeys.forEachKey(of: entry) { key, _ in got.append(key) }
            #expect(got == rule(name), "\(name)")
        }
    }

    /// Two single entries' authors from hash values: refused exactly where the profiles'
    /// author rules refuse (the hashes never refuse a pair that shares an author).
    @Test func hashedAuthorsRefuseAsTheAuthorKeysDo() {
        let entries = Self.entries(count: 250, seed: 11)
        var hashed = HashedAuthors(count: entries.count)
        let keys = entries.map(AuthorKeys.init)
        var refused = 0
        for a in entries.indices {
            for b in entries.indices where a != b {
                for strict in [false, true] {
                    let (x, y) = (keys[a], keys[b])
                    let rules = (!x.isEmpty && !y.isEmpty && !x.shares(with: y)) || (strict && (x.isEmpty || y.isEmpty))
                    let x0 = hashed.slot(a, in: entries)
                    let y0 = hashed.slot(b, in: entries)
                    let fast = hashed.refuse(x0, y0, requireSharedSurname: strict)
                    #expect(fast == rules, "\(a) \(b) \(strict)")
                    if fast { refused += 1 }
                }
            }
        }
        #expect(refused > 1000 && refused < 2 * 250 * 249 - 1000)
    }
}
