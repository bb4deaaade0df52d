import BibTeXFormat

/// Finds entries that describe the same work, in layers like Zotero's duplicate finder:
///
/// 1. exact identifiers: DOI (prefix stripped, case-insensitive), arXiv id (without version),
///    PMID, and ISBN (as ISBN-13, for works that are not parts of a book);
/// 2. the same normalised title (LaTeX decoded, accents folded, punctuation and case ignored);
/// 3. the same main title (before a `:`), with stricter evidence (a shared author surname,
///    years within one, compatible containers).
///
/// A match is vetoed when the works differ: two different DOIs/ISBNs/arXiv ids/PMIDs, years
/// more than one apart, no author surname in common, different editions, volumes, parts
/// (`Part I` vs `Part II`), first pages or chapters, a thesis against something else, or —
/// for identifier matches — titles with almost no word in common. Vetoes are checked against
/// everything already in a cluster (union-find with a profile per cluster), so chains cannot
/// join two works a veto separates.
///
/// Candidates come from buckets (by identifier, by title key), never from all pairs: each
/// entry is compared with at most ``maxComparisons`` clusters of its bucket, so the work is
/// linear in the number of entries.
public struct DuplicateFinder: Sendable {
    /// The most clusters of one bucket an entry is compared with (bounds pathological buckets
    /// such as thousands of entries titled `Editorial`).
    public var maxComparisons: Int

    /// Creates a finder.
    public init(maxComparisons: Int = 48) { self.maxComparisons = maxComparisons }

    /// A cluster found: entry indices in library order, and for every member after the first
    /// the reason it joined.
    public struct Cluster: Sendable, Hashable {
        /// Indices into the entries, ascending.
        public var members: [Int]
        /// Why each member joined, parallel to ``members``; nil for the first.
        public var reasons: [String?]
    }

    /// The clusters of two or more entries, ordered by their first member.
    public func clusters(in entries: [Entry]) -> [Cluster] {
        let filed = Self.file(entries)
        var state = ClusterState(quick: filed.quick, years: filed.years, entries: entries)

        // Pass 1: identifiers.
        for (kind, buckets) in zip(IdentifierPass.allCases, filed.identifiers) {
            for (value, members) in Self.inLibraryOrder(buckets) {
                for m in members { state.noteTitleWords(of: m) }
                join(members, state: &state, reason: "\(kind.rawValue) \(value)", mode: .identifier)
            }
        }
        // Pass 2: the whole title.
        for (_, members) in Self.inLibraryOrder(filed.titles) {
            join(members, state: &state, reason: "title", mode: .title)
        }
        // Pass 3: the main title, for a subtitle missing on one side.
        for (_, members) in Self.inLibraryOrder(filed.mainTitles) {
            join(members, state: &state, reason: "main title", mode: .mainTitle)
        }

        // Member lists only for clusters of two or more (not one array per entry).
        var byRoot: [Int: [Int]] = [:]
        for i in entries.indices {
            let root = state.find(i)
            if state.clusterSize(root) > 1 { byRoot[root, default: []].append(i) }
        }
        return byRoot.values.filter { $0.count > 1 }
            .map { members in
                let sorted = members.sorted()
                return Cluster(members: sorted, reasons: sorted.enumerated().map { $0.offset == 0 ? nil : state.reason[$0.element] })
            }
            .sorted { $0.members[0] < $1.members[0] }
    }

    /// What the passes of ``clusters(in:)`` start from: the buckets of two or more entries
    /// (``KeyList/shared()``) of each identifier kind (in ``IdentifierPass`` order), of titles
    /// and of main titles, and each entry's ``QuickKey`` and year.
    struct Filed {
        var identifiers: [[String: [Int]]]
        var titles: [String: [Int]]
        var mainTitles: [String: [Int]]
        var quick: [QuickKey]
        var years: [Int?]
    }

    /// Makes each entry's fingerprint in one pass over the entries and notes its keys, while
    /// the entry and its fingerprint are in the cache, then groups the keys by sorting their
    /// hash values (``KeyList``): no pass over all fingerprints per key kind and no hash table
    /// of every key, which at 100 000 entries no longer fit in any cache. The fingerprints are
    /// not kept; the few that the cluster profiles need are made again (``ClusterState``).
    static func file(_ entries: [Entry]) -> Filed {
        var makeQuick = QuickKey.Maker()
        var quick: [QuickKey] = []
        quick.reserveCapacity(entries.count)
        var years: [Int?] = []
        years.reserveCapacity(entries.count)
        var identifiers = IdentifierPass.allCases.map { _ in KeyList() }
        var titles = KeyList()
        var mainTitles = KeyList()
        // (Entries are read in place: a copy would retain and release every value of it.)
        for i in entries.indices {
            let p = Fingerprint(entries[i])
            quick.append(makeQuick.key(p))
            years.append(p.year)
            for (n, kind) in IdentifierPass.allCases.enumerated() {
                for value in kind.values(of: p) { identifiers[n].add(value, i) }
            }
            if !p.titleKey.isEmpty { titles.add(p.titleKey, i) }
            if p.mainTitleWords >= 4 && p.mainTitleKey.utf8.count >= 20 { mainTitles.add(p.mainTitleKey, i) }
        }
        return Filed(
            identifiers: identifiers.map { $0.shared() }, titles: titles.shared(), mainTitles: mainTitles.shared(), quick: quick,
            years: years)
    }

    /// Keys noted with the entry index each belongs to, grouped by sorting hash values rather
    /// than in a hash table: sorting an array of (hash, position) pairs reads memory in order,
    /// where a table of 100 000 keys is probed at random and compares each repeated key with
    /// the one stored, read from wherever it lies.
    struct KeyList {
        private var keys: [String] = []
        private var indices: [Int] = []
        private var hashes: [(hash: Int, at: Int)] = []
        /// `String.hashValue` but in tests (equal strings, which `String` compares by canonical
        /// equivalence, have equal hashes).
        private let hashOf: (String) -> Int

        init(hashOf: @escaping (String) -> Int = { $0.hashValue }) { self.hashOf = hashOf }

        /// Notes that entry `i` has `key` (an entry may note a key more than once).
        mutating func add(_ key: String, _ i: Int) {
            hashes.append((hashOf(key), keys.count))
            keys.append(key)
            indices.append(i)
        }

        /// The keys noted two or more times, each with its indices in the order noted: what a
        /// dictionary of every key's indices holds, without the keys noted once.
        func shared() -> [String: [Int]] {
            var order = hashes
            order.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.at < $1.at }
            var out: [String: [Int]] = [:]
            var start = 0
            while start < order.count {
                var end = start + 1
                while end < order.count && order[end].hash == order[start].hash { end += 1 }
                if end - start > 1 {
                    // Equal hashes: the keys are almost always equal, but are compared (two
                    // different keys may share a hash). In the order noted, as `at` is.
                    var groups: [(key: String, members: [Int])] = []
                    for k in start..<end {
                        let at = order[k].at
                        if let g = groups.firstIndex(where: { $0.key == keys[at] }) {
                            groups[g].members.append(indices[at])
                        } else {
                            groups.append((keys[at], [indices[at]]))
                        }
                    }
                    for g in groups where g.members.count > 1 { out[g.key] = g.members }
                }
                start = end
            }
            return out
        }
    }

    /// The buckets of two or more entries, ordered by their first member (members are in
    /// library order), then by key. Joining is order-dependent where a veto is involved (a
    /// cluster that grew in one bucket may no longer be compatible with a candidate of the
    /// next), so buckets must not come in Dictionary order, which changes from run to run.
    static func inLibraryOrder(_ buckets: [String: [Int]]) -> [(key: String, value: [Int])] {
        buckets.filter { $0.value.count > 1 }.sorted { a, b in
            let (x, y) = (a.value.first ?? 0, b.value.first ?? 0)
            return x != y ? x < y : a.key < b.key
        }
    }

    /// Compares each member of a bucket with the clusters earlier members belong to.
    private func join(_ members: [Int], state: inout ClusterState, reason: String, mode: MatchMode) {
        // Bucket members in library order; each tries the distinct clusters seen so far.
        // The representatives' roots and year ranges are kept here, next to each other:
        // most pairs of a common title's bucket are refused on years alone, which is then
        // decided without reading the finder's per-entry arrays (scattered over the whole
        // library). They change only when this loop joins two clusters, and are then read again.
        let ordered = members.sorted()
        var representatives: [Representative] = []  // one member per distinct cluster in this bucket
        for i in ordered {
            let root = state.find(i)
            let (low, high) = state.years(ofRoot: root)
            var joined = false
            var compared = 0
            for rep in representatives {
                if rep.root == root {
                    joined = true
                    break
                }
                if compared >= maxComparisons { break }
                compared += 1
                // `tryUnion`'s first veto: the two clusters' years more than one apart.
                if let lo = ClusterState.earlier(low, rep.low), let hi = ClusterState.later(high, rep.high),
                    !ClusterState.within(lo, hi, 1)
                {
                    continue
                }
                if state.tryUnion(i, rep.entry, reason: reason, mode: mode) {
                    joined = true
                    for n in representatives.indices {
                        let r = state.find(representatives[n].entry)
                        representatives[n].root = r
                        (representatives[n].low, representatives[n].high) = state.years(ofRoot: r)
                    }
                    break
                }
            }
            if !joined { representatives.append(Representative(entry: i, root: root, low: low, high: high)) }
        }
    }

    /// A bucket member that stands for its cluster in ``join(_:state:reason:mode:)``, with the
    /// cluster's root and years as they were last read.
    private struct Representative {
        var entry: Int
        var root: Int
        var low: Int?
        var high: Int?
    }
}

/// How a candidate pair was found; decides how much evidence a match needs.
enum MatchMode {
    case identifier, title, mainTitle
}

/// The identifier passes, in order.
enum IdentifierPass: String, CaseIterable {
    case doi, arxiv, pmid, isbn

    func values(of p: Fingerprint) -> [String] {
        switch self {
        case .doi: p.dois
        case .arxiv: p.arxiv
        case .pmid: p.pmids
        case .isbn: p.isbns
        }
    }
}

/// What the duplicate finder compares of one entry, computed once.
struct Fingerprint: Sendable {
    var dois: [String] = []
    var arxiv: [String] = []
    var pmids: [String] = []
    var isbns: [String] = []
    var titleKey = ""
    var mainTitleKey = ""
    var mainTitleWords = 0
    var year: Int?
    /// The title has a subtitle (its main title differs from it).
    var hasSubtitle = false
    var part: Int?
    /// The family of the work type (journal article, book, chapter, conference paper, …);
    /// nil for generic types (document, article, manuscript, web page) that match any.
    var family: String?
    /// The thesis genre (`phd`, `masters`), if any.
    var thesisGenre: String?
    var genericTitle = false

    /// Work types grouped so that a conference paper and its journal version, a chapter and
    /// its book, a report and an article are not taken for one another.
    static let families: [WorkType: String] = {
        var out: [WorkType: String] = [:]
        let groups: [(String, [WorkType])] = [
            ("journal", [.articleJournal, .articleMagazine, .articleNewspaper, .periodical]),
            ("book", [.book, .classic, .collection]),
            ("chapter", [.chapter, .entry, .entryDictionary, .entryEncyclopedia]),
            ("conference", [.paperConference, .speech, .event]),
            ("report", [.report, .standard]), ("thesis", [.thesis]), ("review", [.review, .reviewBook]),
            ("dataset", [.dataset]), ("software", [.software]), ("patent", [.patent]),
            ("legal", [.bill, .legalCase, .legislation, .regulation, .treaty, .hearing]),
            ("media", [.broadcast, .motionPicture, .song, .musicalScore, .performance, .graphic, .figure, .map, .interview]),
            ("letter", [.personalCommunication]),
        ]
        for (name, kinds) in groups { for k in kinds { out[k] = name } }
        return out
    }()

    /// Kinds that are parts of a larger publication: an ISBN on them is the container's.
    static let containedKinds: Set<WorkType> = [
        .chapter, .paperConference, .articleJournal, .articleMagazine, .articleNewspaper, .entry, .entryDictionary,
        .entryEncyclopedia, .review, .reviewBook, .post, .postWeblog, .article,
    ]

    init(_ entry: Entry) {
        for id in entry.identifiers {
            switch id.kind {
            case .doi: if let k = Identifiers.doiMatchKey(id.value) { dois.append(k) }
            case .arxiv: if let k = Identifiers.arXivMatchKey(id.value) { arxiv.append(k) }
            case .pmid: if let k = Identifiers.barePMID(id.value) { pmids.append(k) }
            case .isbn:
                if !Self.containedKinds.contains(entry.type.kind), let k = Identifiers.isbn13(id.value) { isbns.append(k) }
            default: break
            }
        }
        // A DOI only present as a doi.org link still identifies the work.
        if dois.isEmpty {
            for link in entry.links { if let d = Identifiers.doiInURL(link.url) { dois.append(d.lowercased()) } }
        }
        if arxiv.isEmpty {
            for link in entry.links where link.url.contains("arxiv.org/") {
                if let a = Identifiers.arXivMatchKey(link.url) { arxiv.append(a) }
            }
        }
        let title = entry.title?.plainText ?? ""
        let words = MatchText.words(title)
        titleKey = words.joined()
        genericTitle = titleKey.utf8.count < 12 || words.count < 3
        let main = Self.mainTitle(title)
        let mainWords = MatchText.words(main)
        mainTitleKey = mainWords.joined()
        mainTitleWords = mainWords.count
        hasSubtitle = mainTitleKey != titleKey
        // The same text without a subtitle: share the title key's storage.
        if !hasSubtitle { mainTitleKey = titleKey }
        year = entry.year
        if let p = entry.fields[.part] { part = Self.partNumber(MatchText.words("part " + p)) }
        if part == nil { part = Self.partNumber(words) }
        family = Self.families[entry.type.kind]
        if entry.type.kind == .thesis { thesisGenre = BibTeXTypeTable.normalizedGenre(entry.type.genre ?? entry.fields[.genre]) }
    }

    /// The title before a subtitle separator (`:`, ` - `, ` – `, ` — `, `? `, `. `), found by
    /// scanning bytes; `?` stays with the main title.
    static func mainTitle(_ title: String) -> String {
        let separators: [[UInt8]] = [":", " - ", " – ", " — ", "? ", ". "].map { Array($0.utf8) }
        let bytes = Array(title.utf8)
        var i = 0
        while i < bytes.count {
            for sep in separators where bytes[i] == sep[0] && i + sep.count <= bytes.count && bytes[i..<(i + sep.count)].elementsEqual(sep) {
                let cut = sep[0] == UInt8(ascii: "?") ? i + 1 : i
                return String(decoding: bytes[..<cut], as: UTF8.self)
            }
            i += 1
        }
        return title
    }

    private static let numberWords: [String: Int] = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    ]
    private static let romans: [String: Int] = [
        "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11, "xii": 12,
    ]

    /// The number after `part`, `pt`, `teil`, `partie` in title words (`Part II` → 2).
    static func partNumber(_ words: [String]) -> Int? {
        for (i, w) in words.enumerated() where ["part", "pt", "teil", "partie", "parte"].contains(w) {
            guard i + 1 < words.count else { continue }
            let next = words[i + 1]
            if let n = Int(next) { return n }
            if let n = romans[next] ?? numberWords[next] { return n }
        }
        // `Part1`, `partII` written together.
        for w in words where w.hasPrefix("part") && w.count > 4 {
            let rest = String(w.dropFirst(4))
            if let n = Int(rest) ?? romans[rest] { return n }
        }
        return nil
    }

    /// `2nd edition` in title words.
    static func editionInTitle(_ words: [String]) -> Int? {
        for (i, w) in words.enumerated() where (w == "edition" || w == "ed" || w == "edn") && i > 0 {
            if let n = Edition.number(words[i - 1]) { return n }
        }
        return nil
    }

    /// A volume or chapter number as compared: digits without leading zeros, roman numerals
    /// as numbers, else the folded text.
    static func numberKey(_ text: String) -> String? {
        let words = MatchText.words(text).filter { !["vol", "volume", "no", "chapter", "ch", "chap", "band", "bd", "tome"].contains($0) }
        guard let first = words.first else { return nil }
        if let n = Int(first) { return String(n) }
        if let n = romans[first] { return String(n) }
        return words.joined()
    }
}

extension Array {
    fileprivate var nonEmpty: Self? { isEmpty ? nil : self }
}

/// What the duplicate finder compares of an entry only once the entry is a candidate: its
/// cluster profile's numbers and its container. Made on demand (``ClusterState/details(_:)``),
/// as most entries share no bucket with another.
struct FingerprintDetails {
    var edition: Int?
    var volume: String?
    var firstPage: String?
    var chapter: String?
    var containerKey: String?
    var containerWords: [String] = []

    init(_ entry: Entry) {
        if let e = entry.fields[.edition] { edition = Edition.number(e) }
        if edition == nil { edition = Fingerprint.editionInTitle(MatchText.words(entry.title?.plainText ?? "")) }
        if let v = entry.fields[.volume] { volume = Fingerprint.numberKey(v) }
        if let pages = entry.fields[.page] { firstPage = PageRange.firstPage(pages) }
        if let c = entry.fields[.chapterNumber] { chapter = Fingerprint.numberKey(c) }
        if let c = entry.container?.title?.plainText {
            containerWords = MatchText.words(c)
            containerKey = containerWords.joined()
        } else if let s = entry.container?.shortTitle {
            containerWords = MatchText.words(s)
            containerKey = containerWords.joined()
        }
    }
}

/// The values of a fingerprint that the cheap vetoes read, packed small (32 bytes) so that
/// comparing an entry with many others reads one short array instead of their fingerprints.
struct QuickKey {
    struct Flags: OptionSet {
        let rawValue: UInt8
        static let year = Flags(rawValue: 1)
        static let part = Flags(rawValue: 2)
        static let generic = Flags(rawValue: 4)
        static let subtitle = Flags(rawValue: 8)
    }

    var year = 0
    var part = 0
    /// The work-type family and the thesis genre as small numbers (equal numbers for equal
    /// texts within one finder run), -1 for none.
    var family: Int32 = -1
    var thesis: Int32 = -1
    var flags: Flags = []

    func has(_ flag: Flags) -> Bool { flags.contains(flag) }

    /// Both years known and at most one apart (the `abs(ya - yb) <= 1` of ``ClusterState``).
    func yearsWithinOne(_ o: QuickKey) -> Bool {
        has(.year) && o.has(.year) && ClusterState.within(year, o.year, 1)
    }

    /// Makes the keys of fingerprints one by one, numbering family and thesis-genre texts as
    /// they come.
    struct Maker {
        private var families: [String: Int32] = [:]
        private var theses: [String: Int32] = [:]

        private static func number(_ text: String?, _ table: inout [String: Int32]) -> Int32 {
            guard let text else { return -1 }
            if let n = table[text] { return n }
            let n = Int32(table.count)
            table[text] = n
            return n
        }

        mutating func key(_ p: Fingerprint) -> QuickKey {
            var k = QuickKey()
            if let y = p.year {
                k.year = y
                k.flags.insert(.year)
            }
            if let n = p.part {
                k.part = n
                k.flags.insert(.part)
            }
            if p.genericTitle { k.flags.insert(.generic) }
            if p.hasSubtitle { k.flags.insert(.subtitle) }
            k.family = Self.number(p.family, &families)
            k.thesis = Self.number(p.thesisGenre, &theses)
            return k
        }
    }

    static func make(_ prints: [Fingerprint]) -> [QuickKey] {
        var maker = Maker()
        return prints.map { maker.key($0) }
    }
}

/// Union-find over entries with a profile per cluster, so a merge is checked against every
/// value already in the cluster.
struct ClusterState {
    private var parent: [Int]
    private var size: [Int]
    private var profiles: [Int: Profile] = [:]
    /// Why each entry joined its cluster.
    var reason: [String?]

    /// The earliest and latest year of each cluster (by root), as its profile has them: the
    /// year veto of ``Profile/compatible(with:requireSharedSurname:)`` checked before any
    /// profile is made (most entries that share a title are other works of other years).
    private var minYear: [Int?]
    private var maxYear: [Int?]

    /// What the cheap vetoes of ``pairAllows(_:_:mode:)`` read of each entry, in one small
    /// array: a bucket of a common title compares each entry with up to
    /// ``DuplicateFinder/maxComparisons`` others, and most of those pairs are vetoed by these
    /// values alone, without reading the (large, scattered) fingerprints.
    let quick: [QuickKey]

    /// The title words of the entries that share an identifier with another, for the
    /// identifier pass's "unrelated titles" veto; made only for them (see
    /// ``noteTitleWords(of:)``), as most entries never meet that check.
    private(set) var titleWords: [Int: Set<String>] = [:]

    /// The entries: the title words above and the author keys below are made from them
    /// only when needed.
    private let entries: [Entry]
    /// The authors of the entries whose cluster profile was made (``profile(_:)``): the
    /// entries that share a bucket with another, not all of them.
    private var authorKeys: [Int: AuthorKeys] = [:]
    /// The details of the entries that were compared (``details(_:)``).
    private var madeDetails: [Int: FingerprintDetails] = [:]
    /// The fingerprints of the entries whose profile was made (``fingerprint(_:)``).
    private var madePrints: [Int: Fingerprint] = [:]
    /// The author keys of the entries that were compared, as hash values in flat arrays: the
    /// "no author in common" veto between two single entries (most compared pairs, nearly all
    /// refused by it) without making their profiles.
    private var hashedAuthors: HashedAuthors
    /// Whether ``tryUnion(_:_:reason:mode:)`` may refuse two single entries from
    /// ``hashedAuthors`` before making their profiles (false only in tests, to compare with
    /// the profiles' decision).
    var hashedAuthorVeto = true

    /// The state of entries not yet joined, from their quick keys and years (one each, in
    /// library order).
    init(quick: [QuickKey], years: [Int?], entries: [Entry]) {
        self.entries = entries
        parent = Array(entries.indices)
        size = Array(repeating: 1, count: entries.count)
        reason = Array(repeating: nil, count: entries.count)
        minYear = years
        maxYear = years
        self.quick = quick
        hashedAuthors = HashedAuthors(count: entries.count)
    }

    /// The same from the entries' fingerprints.
    init(prints: [Fingerprint], entries: [Entry]) {
        self.init(quick: QuickKey.make(prints), years: prints.map(\.year), entries: entries)
    }

    /// The cluster's earliest and latest years (by root; nil when no member has a year).
    func years(ofRoot root: Int) -> (Int?, Int?) { (minYear[root], maxYear[root]) }

    /// Makes entry `i`'s title words, unless made already.
    mutating func noteTitleWords(of i: Int) {
        guard titleWords[i] == nil else { return }
        titleWords[i] = Set(MatchText.words(entries[i].title?.plainText ?? ""))
    }

    /// How many entries the cluster with this root has.
    func clusterSize(_ root: Int) -> Int { size[root] }

    mutating func find(_ i: Int) -> Int {
        var x = i
        while parent[x] != x {
            parent[x] = parent[parent[x]]
            x = parent[x]
        }
        return x
    }

    private mutating func profile(_ root: Int) -> Profile {
        if let made = profiles[root] { return made }
        let more = details(root)
        let print = fingerprint(root)
        if let keys = authorKeys[root] { return Profile(print, details: more, authors: keys) }
        let keys = AuthorKeys(entries[root])
        authorKeys[root] = keys
        return Profile(print, details: more, authors: keys)
    }

    /// Entry `i`'s fingerprint, made again the first time it is asked for: they are not kept
    /// (``DuplicateFinder/file(_:)``), and only the entries of pairs that pass every cheaper
    /// veto get here.
    mutating func fingerprint(_ i: Int) -> Fingerprint {
        if let made = madePrints[i] { return made }
        let made = Fingerprint(entries[i])
        madePrints[i] = made
        return made
    }

    /// Entry `i`'s details, made the first time they are asked for.
    mutating func details(_ i: Int) -> FingerprintDetails {
        if let made = madeDetails[i] { return made }
        let made = FingerprintDetails(entries[i])
        madeDetails[i] = made
        return made
    }

    /// Joins the clusters of `a` (the newcomer) and `b` unless the evidence is too weak or a
    /// veto applies; returns whether they are now one cluster.
    mutating func tryUnion(_ a: Int, _ b: Int, reason why: String, mode: MatchMode) -> Bool {
        let ra = find(a)
        let rb = find(b)
        if ra == rb { return true }
        // Every check below only vetoes, so their order does not change the outcome; the
        // cheap ones on small arrays come first.
        let lo = Self.earlier(minYear[ra], minYear[rb])
        let hi = Self.later(maxYear[ra], maxYear[rb])
        if let lo, let hi, !Self.within(lo, hi, 1) { return false }
        let check = pairCheck(a, b, mode: mode)
        if check == .refused { return false }
        let requireSharedSurname = mode != .identifier && (mode == .mainTitle || quick[a].has(.generic) || quick[b].has(.generic))
        // Two single entries (the cluster of one is its entry: `ra == a`, `rb == b`): their
        // profiles' author veto, decided from hash values where they tell (before the
        // container check, which makes the entries' details).
        if hashedAuthorVeto && size[ra] == 1 && size[rb] == 1 {
            let x = hashedAuthors.slot(a, in: entries)
            let y = hashedAuthors.slot(b, in: entries)
            if hashedAuthors.refuse(x, y, requireSharedSurname: requireSharedSurname) { return false }
        }
        if check == .ifSameContainer && !sameContainerIfBothKnown(a, b) { return false }
        let qa = profile(ra)
        let qb = profile(rb)
        guard qa.compatible(with: qb, requireSharedSurname: requireSharedSurname) else {
            return false
        }
        let (big, small) = size[ra] >= size[rb] ? (ra, rb) : (rb, ra)
        parent[small] = big
        size[big] += size[small]
        minYear[big] = lo
        maxYear[big] = hi
        var merged = qa
        merged.absorb(qb)
        profiles[big] = merged
        profiles[small] = nil
        if reason[a] == nil { reason[a] = why }
        if reason[b] == nil { reason[b] = why }
        return true
    }

    /// The earlier of two optional years (nil only when both are).
    static func earlier(_ x: Int?, _ y: Int?) -> Int? {
        guard let x else { return y }
        guard let y else { return x }
        return Swift.min(x, y)
    }

    /// The later of two optional years (nil only when both are).
    static func later(_ x: Int?, _ y: Int?) -> Int? {
        guard let x else { return y }
        guard let y else { return x }
        return Swift.max(x, y)
    }

    /// `abs(hi - lo) <= limit`, without overflowing on absurd years.
    static func within(_ lo: Int, _ hi: Int, _ limit: Int) -> Bool {
        let (d, overflow) = hi.subtractingReportingOverflow(lo)
        return !overflow && d >= -limit && d <= limit
    }

    /// Checks that need the two entries themselves rather than the cluster profile. The
    /// rules that the compact ``QuickKey``s can tell (family, thesis genre, and for title
    /// matches the years, subtitles and parts) are decided from them alone; the fingerprints
    /// (large, scattered) are read only for the title words and the container.
    mutating func pairAllows(_ a: Int, _ b: Int, mode: MatchMode) -> Bool {
        switch pairCheck(a, b, mode: mode) {
        case .refused: return false
        case .allowed: return true
        case .ifSameContainer: return sameContainerIfBothKnown(a, b)
        }
    }

    /// What ``pairAllows(_:_:mode:)`` decides without the containers.
    enum PairCheck { case refused, allowed, ifSameContainer }

    /// ``pairAllows(_:_:mode:)`` but for the container check, which is left to the caller
    /// (``PairCheck/ifSameContainer``): it makes the entries' details.
    func pairCheck(_ a: Int, _ b: Int, mode: MatchMode) -> PairCheck {
        let x = quick[a]
        let y = quick[b]
        if x.family >= 0 && y.family >= 0 && x.family != y.family { return .refused }
        if x.thesis >= 0 && y.thesis >= 0 && x.thesis != y.thesis { return .refused }
        switch mode {
        case .identifier:
            // Same identifier but unrelated titles: a data error more likely than a duplicate.
            let (ta, tb) = (titleWords[a] ?? [], titleWords[b] ?? [])
            if ta.count >= 3 && tb.count >= 3 {
                let shared = ta.intersection(tb).count
                let smaller = min(ta.count, tb.count)
                if Double(shared) < 0.5 * Double(smaller) { return .refused }
            }
            return .allowed
        case .title:
            guard x.has(.generic) || y.has(.generic) else { return .allowed }
            guard x.yearsWithinOne(y) else { return .refused }
            return .ifSameContainer
        case .mainTitle:
            // A subtitle missing on one side, not two different subtitles.
            if x.has(.subtitle) && y.has(.subtitle) { return .refused }
            guard x.yearsWithinOne(y) else { return .refused }
            // `Title: Part I` is not `Title`.
            guard x.has(.part) == y.has(.part) && x.part == y.part else { return .refused }
            return .ifSameContainer
        }
    }

    /// False only when both entries name a container and the containers differ.
    private mutating func sameContainerIfBothKnown(_ a: Int, _ b: Int) -> Bool {
        let (x, y) = (details(a), details(b))
        guard let ca = x.containerKey, let cb = y.containerKey else { return true }
        return MatchText.sameContainer(x.containerWords, y.containerWords, ca, cb)
    }
}

/// Who wrote a work, for the "no author in common" veto: the authors (else editors, else
/// any contributors) as folded family names (with and without particle, and their words),
/// with the first initial where a given name is known — so `Lee, J.` and `Lee, Jae-Won` are
/// one person, `Garcia, Peter` and `Garcia, Yuki` are not, and `Lee` alone matches any Lee.
struct AuthorKeys {
    /// Every family-name key.
    var surnames: Set<String> = []
    /// `family|initial` for names with a given name.
    var people: Set<String> = []
    /// Family-name keys of names without a given name (and organisations' longer words).
    var bare: Set<String> = []

    init() {}

    init(_ entry: Entry) {
        Self.forEachKey(of: entry) { key, initial in
            surnames.insert(key)
            if let initial { people.insert(key + "|" + String(initial)) } else { bare.insert(key) }
        }
    }

    /// Calls `body` with every family-name key of the entry's authors (else editors, else any
    /// contributors) and the first initial that goes with it (nil for a name without a given
    /// name, an organisation's word): what ``init(_:)`` and ``HashedAuthors`` are made of.
    static func forEachKey(of entry: Entry, _ body: (String, Character?) -> Void) {
        let list = entry.contributors[.author]?.names.nonEmpty
            ?? entry.contributors[.editor]?.names.nonEmpty
            ?? entry.contributors.values.first(where: { !$0.names.isEmpty })?.names ?? []
        for name in list {
            if let literal = name.literal {
                for w in MatchText.words(literal) where w.utf8.count >= 3 { body(w, nil) }
                continue
            }
            var keys: [String] = []
            if let family = name.family {
                let words = MatchText.words(family)
                let key = words.joined()
                if !key.isEmpty { keys.append(key) }
                if words.count > 1 { for w in words where w.utf8.count >= 2 { keys.append(w) } }
                // Without a particle the name with particle is the family name: its key is `key`.
                if name.nonDroppingParticle != nil {
                    let withParticle = MatchText.key(name.familyWithParticle)
                    if !withParticle.isEmpty && withParticle != key { keys.append(withParticle) }
                }
            } else if let given = name.given {
                keys.append(MatchText.key(given))
            }
            let initial = name.family == nil ? nil : name.given.flatMap { MatchText.key($0).first }
            for key in keys where !key.isEmpty { body(key, initial) }
        }
    }

    var isEmpty: Bool { surnames.isEmpty }

    /// True when some author is on both sides.
    func shares(with o: AuthorKeys) -> Bool {
        !people.isDisjoint(with: o.people) || !bare.isDisjoint(with: o.surnames) || !o.bare.isDisjoint(with: surnames)
    }

    mutating func formUnion(_ o: AuthorKeys) {
        surnames.formUnion(o.surnames)
        people.formUnion(o.people)
        bare.formUnion(o.bare)
    }
}

/// The ``AuthorKeys`` of some entries as hash values (`String.hashValue`: equal strings,
/// which `String` compares by canonical equivalence, have equal hashes), made the first time
/// an entry is asked for, all in one flat array: disjoint hash lists mean disjoint key sets,
/// so where the hashes already rule out a shared author the profiles' author veto refuses the
/// pair without building any set; where they do not, the profiles decide (a hash collision
/// only costs the slower check).
struct HashedAuthors {
    /// Per entry: where its lists start in `pool`, or -1 when not made yet.
    private var start: [Int]
    /// Per entry made: the counts of its `people`, `bare` and `surnames` hashes, then the
    /// three lists, each sorted.
    private var pool: [Int] = []

    init(count: Int) { start = Array(repeating: -1, count: count) }

    /// Entry `i`'s lists (made from `entries[i]` the first time; the entry is read in place,
    /// not copied, which would retain and release every value of it).
    mutating func slot(_ i: Int, in entries: [Entry]) -> Int {
        let made = start[i]
        if made >= 0 { return made }
        var people: [Int] = []
        var bare: [Int] = []
        var surnames: [Int] = []
        AuthorKeys.forEachKey(of: entries[i]) { key, initial in
            surnames.append(key.hashValue)
            if let initial { people.append((key + "|" + String(initial)).hashValue) } else { bare.append(key.hashValue) }
        }
        let at = pool.count
        pool.append(people.count)
        pool.append(bare.count)
        pool.append(surnames.count)
        pool += people.sorted()
        pool += bare.sorted()
        pool += surnames.sorted()
        start[i] = at
        return at
    }

    /// True when the profiles of two single entries (slots from ``slot(_:_:)``) would refuse
    /// them for their authors: both have authors and none in common (``AuthorKeys/shares(with:)``
    /// with hashes), or a shared surname is required and one has none. False when the hashes
    /// cannot tell.
    func refuse(_ x: Int, _ y: Int, requireSharedSurname: Bool) -> Bool {
        let (xp, xb, xs) = lists(x)
        let (yp, yb, ys) = lists(y)
        if xs.isEmpty || ys.isEmpty { return requireSharedSurname }
        return !intersect(xp, yp) && !intersect(xb, ys) && !intersect(yb, xs)
    }

    private func lists(_ s: Int) -> (Range<Int>, Range<Int>, Range<Int>) {
        let p = s + 3
        let b = p + pool[s]
        let n = b + pool[s + 1]
        return (p..<b, b..<n, n..<(n + pool[s + 2]))
    }

    /// True when two sorted ranges of `pool` have a value in common.
    private func intersect(_ x: Range<Int>, _ y: Range<Int>) -> Bool {
        var i = x.lowerBound
        var j = y.lowerBound
        while i < x.upperBound && j < y.upperBound {
            let (u, v) = (pool[i], pool[j])
            if u == v { return true }
            if u < v { i += 1 } else { j += 1 }
        }
        return false
    }
}

/// Everything a cluster's members say, for vetoes against a newcomer. Clusters are small,
/// so the values are kept in short arrays rather than sets.
struct Profile {
    var dois: [String]
    var arxiv: [String]
    var pmids: [String]
    var isbns: [String]
    var minYear: Int?
    var maxYear: Int?
    /// Sets: author lists can be long.
    var authors: AuthorKeys
    var editions: [Int]
    var volumes: [String]
    var parts: [Int]
    var firstPages: [String]
    var chapters: [String]

    init(_ p: Fingerprint, details d: FingerprintDetails, authors: AuthorKeys) {
        dois = p.dois
        arxiv = p.arxiv
        pmids = p.pmids
        isbns = p.isbns
        minYear = p.year
        maxYear = p.year
        self.authors = authors
        editions = d.edition.map { [$0] } ?? []
        volumes = d.volume.map { [$0] } ?? []
        parts = p.part.map { [$0] } ?? []
        firstPages = d.firstPage.map { [$0] } ?? []
        chapters = d.chapter.map { [$0] } ?? []
    }

    mutating func absorb(_ o: Profile) {
        func unite<T: Equatable>(_ a: inout [T], _ b: [T]) { for x in b where !a.contains(x) { a.append(x) } }
        unite(&dois, o.dois)
        unite(&arxiv, o.arxiv)
        unite(&pmids, o.pmids)
        unite(&isbns, o.isbns)
        minYear = ClusterState.earlier(minYear, o.minYear)
        maxYear = ClusterState.later(maxYear, o.maxYear)
        authors.formUnion(o.authors)
        unite(&editions, o.editions)
        unite(&volumes, o.volumes)
        unite(&parts, o.parts)
        unite(&firstPages, o.firstPages)
        unite(&chapters, o.chapters)
    }

    func compatible(with o: Profile, requireSharedSurname: Bool) -> Bool {
        func disjoint<T: Equatable>(_ a: [T], _ b: [T]) -> Bool { !a.isEmpty && !b.isEmpty && !a.contains(where: b.contains) }
        if disjoint(dois, o.dois) || disjoint(arxiv, o.arxiv) || disjoint(pmids, o.pmids) || disjoint(isbns, o.isbns) {
            return false
        }
        if let lo = ClusterState.earlier(minYear, o.minYear), let hi = ClusterState.later(maxYear, o.maxYear),
            !ClusterState.within(lo, hi, 1)
        {
            return false
        }
        if !authors.isEmpty && !o.authors.isEmpty && !authors.shares(with: o.authors) { return false }
        if requireSharedSurname && (authors.isEmpty || o.authors.isEmpty) { return false }
        if disjoint(editions, o.editions) || disjoint(volumes, o.volumes) || disjoint(parts, o.parts)
            || disjoint(firstPages, o.firstPages) || disjoint(chapters, o.chapters)
        {
            return false
        }
        // A later edition against one that names none: another edition.
        if editions.isEmpty != o.editions.isEmpty, (editions.max() ?? o.editions.max() ?? 1) >= 2 { return false }
        // A part against a work that names no part: a part is not the whole.
        if parts.isEmpty != o.parts.isEmpty { return false }
        return true
    }
}

extension MatchText {
    /// True when two container titles name the same container: equal keys, or one is an
    /// abbreviation of the other word by word (`J. Mach. Learn. Res.` and `Journal of Machine
    /// Learning Research`).
    static func sameContainer(_ aWords: [String], _ bWords: [String], _ aKey: String, _ bKey: String) -> Bool {
        if aKey == bKey { return true }
        return isAbbreviation(aWords, of: bWords) || isAbbreviation(bWords, of: aWords)
    }

    private static let skippedInAbbreviations: Set<String> = ["of", "the", "and", "for", "in", "on", "a", "an", "de", "la", "und", "fur", "der"]

    /// True when `short` and `long` have as many significant words and each word of `short`
    /// begins the matching word of `long` (ISO 4 abbreviations drop articles and prepositions).
    public static func isAbbreviation(_ short: [String], of long: [String]) -> Bool {
        let longWords = long.filter { !skippedInAbbreviations.contains($0) }
        let shortWords = short.filter { !skippedInAbbreviations.contains($0) }
        guard !shortWords.isEmpty, shortWords.count == longWords.count else { return false }
        return zip(shortWords, longWords).allSatisfy { abbreviates($0, $1) }
    }

    /// `mach` abbreviates `machine` (a prefix); `natl` abbreviates `national` (same first
    /// letter, the rest in order).
    static func abbreviates(_ short: String, _ long: String) -> Bool {
        if long.hasPrefix(short) { return true }
        guard let first = short.first, long.first == first else { return false }
        var rest = long.dropFirst()[...]
        for ch in short.dropFirst() {
            guard let at = rest.firstIndex(of: ch) else { return false }
            rest = rest[rest.index(after: at)...]
        }
        return true
    }
}
