import OrderedCollections

/// The dedupe step: finds duplicates with ``DuplicateFinder`` and either reports them (one
/// warning per duplicate) or merges each cluster into one entry by a ``MergePolicy``.
///
/// Merging keeps the entry in the place of the cluster's first member, takes the union of
/// keywords (every policy), puts the comments before every member before it (in library
/// order, ``BibModel/Entry/precedingComments``), and maps every key that disappeared to the survivor's key
/// (``TransformReport/keyMap``) so `\cite` keys can be updated.
public struct Dedupe: LibraryTransform {
    /// How a cluster becomes one entry.
    public enum MergePolicy: String, Sendable, Hashable, CaseIterable {
        /// Keep the first entry as it is (keywords still united).
        case first
        /// Keep the last entry as it is (keywords still united), in the first one's place.
        case last
        /// Keep the first entry and fill what it lacks from the others, preferring more
        /// complete values (a page range over a first page, full given names over initials,
        /// a full journal title over its abbreviation, a fuller date); conflicts are reported.
        case combine
        /// Like `combine`, but on conflicts later entries' values win.
        case overwrite
    }

    /// Options.
    public struct Options: Sendable, Hashable {
        /// Merge clusters by this policy; nil only reports them.
        public var merge: MergePolicy?
        /// Keep the values a merge did not take in `extra` as `bibkit:conflict.FIELD`.
        public var keepConflicts: Bool
        /// The most clusters of one bucket an entry is compared with.
        public var maxComparisons: Int

        /// Creates options.
        public init(merge: MergePolicy? = nil, keepConflicts: Bool = false, maxComparisons: Int = 48) {
            self.merge = merge
            self.keepConflicts = keepConflicts
            self.maxComparisons = maxComparisons
        }
    }

    /// The options.
    public var options: Options

    /// Creates the step.
    public init(options: Options = Options()) { self.options = options }

    /// Finds clusters; reports or merges them.
    public func apply(to library: inout Library, diagnostics: inout Diagnostics) -> TransformReport {
        var report = TransformReport()
        // What goes and what replaces the survivors is worked out first; the array is then
        // changed in place (survivors moved down by swapping, no copy of the entries).
        guard let plan = mergePlan(library.entries, report: &report, diagnostics: &diagnostics) else { return report }
        let kept = library.entries.count - plan.removed.count
        library.entries.withUnsafeMutableBufferPointer { entries in
            var w = 0
            for i in entries.indices where !plan.removed.contains(i) {
                if let merged = plan.replacement[i] { entries[i] = merged }
                if w != i { entries.swapAt(w, i) }
                w += 1
            }
        }
        library.entries.removeLast(library.entries.count - kept)
        return report
    }

    /// The entries to remove and the merged survivors (nil when nothing is merged: no
    /// clusters, or clusters only reported).
    private func mergePlan(
        _ entries: [Entry], report: inout TransformReport, diagnostics: inout Diagnostics
    ) -> (removed: Set<Int>, replacement: [Int: Entry])? {
        let found = DuplicateFinder(maxComparisons: options.maxComparisons).clusters(in: entries)
        guard !found.isEmpty else { return nil }
        // Labels of cluster members only, made when needed (not one per entry of the library).
        let labels = MemberLabels(entries: entries)
        guard let policy = options.merge else {
            for cluster in found {
                report.clusters.append(Self.describe(cluster, entries: entries, labels: labels, survivor: nil))
                guard let first = cluster.members.first else { continue }
                for (n, i) in cluster.members.enumerated().dropFirst() {
                    let why = cluster.reasons[n].map { " (same \($0))" } ?? ""
                    let at = entries[first].origin.map { " at \($0.start)" } ?? ""
                    diagnostics.warning(
                        "dedupe.duplicate", "likely a duplicate of \(labels[first])\(at)\(why)",
                        at: entries[i].origin?.start, entryKey: entries[i].key)
                }
            }
            return nil
        }

        var removed = Set<Int>()
        var replacement: [Int: Entry] = [:]
        var mappedKeys = Set<String>()
        for cluster in found {
            guard let firstIndex = cluster.members.first, let lastIndex = cluster.members.last else { continue }
            let merger = EntryMerger(
                base: policy == .last ? entries[lastIndex] : entries[firstIndex],
                label: policy == .last ? labels[lastIndex] : labels[firstIndex], policy: policy,
                keepConflicts: options.keepConflicts)
            let others = cluster.members.filter { $0 != (policy == .last ? lastIndex : firstIndex) }
            for i in others { merger.absorb(entries[i], label: labels[i]) }
            // The survivor needs a key for the key map when it had none.
            if (merger.entry.key ?? "").isEmpty, let key = cluster.members.lazy.compactMap({ entries[$0].key }).first(where: { !$0.isEmpty }) {
                merger.entry.key = key
            }
            let survivorKey = merger.entry.key
            let survivorLabel = merger.entry.reportLabel(index: firstIndex)
            merger.entry.origin = entries[firstIndex].origin ?? merger.entry.origin
            // The comments before every member go before the survivor, in file order.
            if cluster.members.contains(where: { !entries[$0].precedingComments.isEmpty }) {
                merger.entry.precedingComments = cluster.members.flatMap { entries[$0].precedingComments }
            }
            replacement[firstIndex] = merger.entry
            var described = Self.describe(cluster, entries: entries, labels: labels, survivor: survivorLabel)
            described.conflicts = merger.conflicts
            report.clusters.append(described)
            report.changes += merger.changes
            for i in cluster.members where i != firstIndex {
                removed.insert(i)
                report.removed.append(
                    RemovedEntry(step: "merge", entry: labels[i], origin: entries[i].origin?.start, reason: "merged into \(survivorLabel)"))
            }
            for i in cluster.members {
                if let old = entries[i].key, !old.isEmpty, let new = survivorKey, old != new, mappedKeys.insert(old).inserted {
                    report.keyMap.append(KeyRename(old: old, new: new))
                }
            }
        }
        let merged = removed.count
        report.notes.append(
            "merged \(found.count) cluster\(found.count == 1 ? "" : "s") (\(policy.rawValue)): \(merged) entr\(merged == 1 ? "y" : "ies") removed")
        return (removed, replacement)
    }

    /// An entry's report label by index (``Entry/reportLabel(index:)``).
    struct MemberLabels {
        let entries: [Entry]
        subscript(_ i: Int) -> String { entries[i].reportLabel(index: i) }
    }

    static func describe(_ cluster: DuplicateFinder.Cluster, entries: [Entry], labels: MemberLabels, survivor: String?) -> DuplicateCluster {
        DuplicateCluster(
            members: cluster.members.enumerated().map { n, i in
                DuplicateCluster.Member(entry: labels[i], origin: entries[i].origin?.start, matchedBy: cluster.reasons[n])
            },
            survivor: survivor)
    }
}

/// Merges entries into one, field by field, recording fills and conflicts.
final class EntryMerger {
    var entry: Entry
    let label: String
    let policy: Dedupe.MergePolicy
    let keepConflicts: Bool
    var changes: [FieldChange] = []
    var conflicts: [FieldChange] = []

    init(base: Entry, label: String, policy: Dedupe.MergePolicy, keepConflicts: Bool) {
        self.entry = base
        self.label = label
        self.policy = policy
        self.keepConflicts = keepConflicts
    }

    private var fills: Bool { policy == .combine || policy == .overwrite }
    private var laterWins: Bool { policy == .overwrite }

    private func filled(_ field: String, _ value: String, from other: String) {
        changes.append(FieldChange(step: "merge", entry: label, field: field, old: nil, new: value, reason: "from \(other)"))
    }

    private func replaced(_ field: String, _ old: String, _ new: String, from other: String, why: String) {
        changes.append(FieldChange(step: "merge", entry: label, field: field, old: old, new: new, reason: "\(why), from \(other)"))
    }

    /// Records a disagreement: `kept` stays (or `other` wins under overwrite).
    private func conflict(_ field: String, kept: String, other: String, from source: String) {
        conflicts.append(
            FieldChange(step: "merge", entry: label, field: field, old: kept, new: other, reason: "conflict with \(source)"))
        if keepConflicts {
            let key = FieldKey("bibkit", "conflict.\(field)")
            if entry.extra[key] == nil { entry.extra[key] = laterWins ? kept : other }
        }
    }

    func absorb(_ other: Entry, label source: String) {
        // Keywords are united under every policy.
        var seen = Set(entry.keywords.map { $0.lowercased() })
        for k in other.keywords where seen.insert(k.lowercased()).inserted {
            entry.keywords.append(k)
            filled("keywords", k, from: source)
        }
        guard fills else { return }

        if entry.type.kind == .document && other.type.kind != .document {
            replaced("type", entry.type.kind.rawValue, other.type.kind.rawValue, from: source, why: "more specific")
            entry.type = other.type
        }
        mergeContributors(&entry.contributors, other.contributors, prefix: "", source: source)
        mergeRich("title", &entry.title, other.title, source: source)
        mergeRich("title-short", &entry.shortTitle, other.shortTitle, source: source)
        for (role, date) in other.dates { mergeDate(role, date, source: source) }
        mergeLevel("container", &entry.container, other.container, source: source)
        mergeLevel("collection", &entry.series, other.series, source: source)
        for (field, value) in other.fields { mergeField(field, value, source: source) }
        mergeIdentifiers(&entry.identifiers, other.identifiers, source: source)
        var urls = Set(entry.links.map { $0.url.lowercased() })
        for link in other.links where urls.insert(link.url.lowercased()).inserted {
            entry.links.append(link)
            filled("url", link.url, from: source)
        }
        mergeRich("abstract", &entry.abstract, other.abstract, source: source)
        if entry.language == nil, let l = other.language {
            entry.language = l
            filled("language", l, from: source)
        }
        var notes = Set(entry.notes.map { EntryCleaner.noteKey($0.plainText) })
        for note in other.notes where notes.insert(EntryCleaner.noteKey(note.plainText)).inserted {
            entry.notes.append(note)
            filled("note", note.plainText, from: source)
        }
        for (key, value) in other.extra where key.namespace != "bibkit" || !key.name.hasPrefix("conflict.") {
            if let mine = entry.extra[key] {
                if mine != value {
                    conflict(key.description, kept: laterWins ? value : mine, other: laterWins ? mine : value, from: source)
                    if laterWins { entry.extra[key] = value }
                }
            } else {
                entry.extra[key] = value
                filled(key.description, value, from: source)
            }
        }
    }

    // MARK: Values

    private func mergeRich(_ field: String, _ mine: inout RichText?, _ theirs: RichText?, source: String) {
        guard let theirs, !theirs.isEmpty else { return }
        guard let current = mine, !current.isEmpty else {
            mine = theirs
            filled(field, theirs.plainText, from: source)
            return
        }
        if current == theirs { return }
        let a = current.plainText
        let b = theirs.plainText
        let ka = MatchText.key(a)
        let kb = MatchText.key(b)
        if ka == kb {
            // The same text spelled differently: prefer formatting, accents, mixed case.
            if Self.richness(theirs) > Self.richness(current) {
                mine = theirs
                replaced(field, a, b, from: source, why: "better spelled")
            }
            return
        }
        // One extends the other (a missing subtitle): the longer is more complete.
        if kb.hasPrefix(ka) {
            mine = theirs
            replaced(field, a, b, from: source, why: "more complete")
            return
        }
        if ka.hasPrefix(kb) { return }
        conflict(field, kept: laterWins ? b : a, other: laterWins ? a : b, from: source)
        if laterWins { mine = theirs }
    }

    /// How well a text is spelled: formatting, non-ASCII letters (accents rather than
    /// stripped LaTeX), mixed case rather than ALL CAPS or all lower case.
    static func richness(_ text: RichText) -> Int {
        let plain = text.plainText
        var score = text.isPlain ? 0 : 4
        if plain.unicodeScalars.contains(where: { !$0.isASCII && $0.properties.isAlphabetic }) { score += 2 }
        let hasLower = plain.contains(where: \.isLowercase)
        let hasUpper = plain.contains(where: \.isUppercase)
        if hasLower && hasUpper { score += 3 }
        if plain.contains("\\") || plain.contains("{") { score -= 3 }
        return score
    }

    private func mergeDate(_ role: DateRole, _ theirs: Parsed<BibDate>, source: String) {
        guard let mine = entry.dates[role] else {
            entry.dates[role] = theirs
            filled(role.rawValue, theirs.text, from: source)
            return
        }
        if mine == theirs { return }
        switch (mine, theirs) {
        case (.raw, .typed):
            entry.dates[role] = theirs
            replaced(role.rawValue, mine.text, theirs.text, from: source, why: "parsed date")
        case (.typed(let a), .typed(let b)):
            // Same year, more precise month/day: take the more precise.
            if a.start?.year == b.start?.year, Self.precision(b) > Self.precision(a), Self.extends(b, a) {
                entry.dates[role] = theirs
                replaced(role.rawValue, a.edtf, b.edtf, from: source, why: "more precise")
            } else if !(Self.precision(a) >= Self.precision(b) && Self.extends(a, b)) {
                conflict(role.rawValue, kept: laterWins ? b.edtf : a.edtf, other: laterWins ? a.edtf : b.edtf, from: source)
                if laterWins { entry.dates[role] = theirs }
            }
        default:
            break
        }
    }

    private static func precision(_ d: BibDate) -> Int {
        guard let s = d.start else { return 0 }
        return 1 + (s.month == nil ? 0 : 1) + (s.day == nil ? 0 : 1)
    }

    /// True when `fine` agrees with every part `coarse` gives.
    private static func extends(_ fine: BibDate, _ coarse: BibDate) -> Bool {
        guard let f = fine.start, let c = coarse.start else { return false }
        return f.year == c.year && (c.month == nil || c.month == f.month) && (c.day == nil || c.day == f.day)
    }

    private func mergeField(_ field: Field, _ theirs: String, source: String) {
        guard let mine = entry.fields[field], !mine.isEmpty else {
            entry.fields[field] = theirs
            filled(field.rawValue, theirs, from: source)
            return
        }
        if mine == theirs { return }
        if field == .page {
            let a = PageRange.normalized(mine)
            let b = PageRange.normalized(theirs)
            if a == b { return }
            // A range over its first page; a full last page over an abbreviated one.
            if PageRange.firstPage(a) == PageRange.firstPage(b) {
                if b.count > a.count {
                    entry.fields[field] = theirs
                    replaced(field.rawValue, mine, theirs, from: source, why: "more complete")
                }
                return
            }
        } else if MatchText.key(mine) == MatchText.key(theirs) {
            return
        }
        conflict(field.rawValue, kept: laterWins ? theirs : mine, other: laterWins ? mine : theirs, from: source)
        if laterWins { entry.fields[field] = theirs }
    }

    private func mergeIdentifiers(_ mine: inout [Identifier], _ theirs: [Identifier], source: String) {
        var have = Set(mine.map { $0.kind.rawValue + " " + EntryCleaner.identifierMatchKey($0) })
        for id in theirs where have.insert(id.kind.rawValue + " " + EntryCleaner.identifierMatchKey(id)).inserted {
            // A second, different DOI would make a muddle: report it instead.
            if id.kind == .doi, let existing = mine.first(where: { $0.kind == .doi }) {
                conflict("doi", kept: existing.value, other: id.value, from: source)
                continue
            }
            mine.append(id)
            filled(id.kind.rawValue, id.value, from: source)
        }
    }

    private func mergeLevel(_ name: String, _ mine: inout Level?, _ theirs: Level?, source: String) {
        guard let theirs, !theirs.isEmpty else { return }
        guard var level = mine else {
            mine = theirs
            if let t = theirs.title { filled("\(name)-title", t.plainText, from: source) }
            return
        }
        let prefix = name == "container" ? "container" : "collection"
        // A full title over its abbreviation; the abbreviation goes to the short title.
        if let a = level.title?.plainText, let b = theirs.title?.plainText, MatchText.key(a) != MatchText.key(b) {
            let wa = MatchText.words(a)
            let wb = MatchText.words(b)
            if MatchText.isAbbreviation(wa, of: wb) {
                level.title = theirs.title
                if level.shortTitle == nil { level.shortTitle = a }
                replaced("\(prefix)-title", a, b, from: source, why: "full title over abbreviation")
            } else if !MatchText.isAbbreviation(wb, of: wa) {
                var t = level.title
                mergeRich("\(prefix)-title", &t, theirs.title, source: source)
                level.title = t
            } else if level.shortTitle == nil {
                level.shortTitle = b
                filled("\(prefix)-title-short", b, from: source)
            }
        } else if level.title == nil, let t = theirs.title {
            level.title = t
            filled("\(prefix)-title", t.plainText, from: source)
        }
        if level.shortTitle == nil, let s = theirs.shortTitle {
            level.shortTitle = s
            filled("\(prefix)-title-short", s, from: source)
        }
        if level.number == nil, let n = theirs.number {
            level.number = n
            filled("\(prefix)-number", n, from: source)
        }
        mergeIdentifiers(&level.identifiers, theirs.identifiers, source: source)
        mergeContributors(&level.contributors, theirs.contributors, prefix: "\(prefix).", source: source)
        mine = level
    }

    // MARK: Names

    private func mergeContributors(
        _ mine: inout OrderedDictionaryOfRoles, _ theirs: OrderedDictionaryOfRoles, prefix: String, source: String
    ) {
        for (role, list) in theirs where !list.isEmpty {
            let field = prefix + role.rawValue
            guard let current = mine[role], !current.isEmpty else {
                mine[role] = list
                filled(field, list.names.map(\.displayName).joined(separator: "; "), from: source)
                continue
            }
            if current == list { continue }
            let a = current.names.map(Self.surnameKey)
            let b = list.names.map(Self.surnameKey)
            if a == b {
                // Same people: the fuller given names (`John` over `J.`).
                var merged = current
                for j in merged.names.indices where Self.givenScore(list.names[j]) > Self.givenScore(merged.names[j]) {
                    merged.names[j].given = list.names[j].given
                    if merged.names[j].suffix == nil { merged.names[j].suffix = list.names[j].suffix }
                }
                merged.truncated = current.truncated && list.truncated
                if merged != current {
                    mine[role] = merged
                    replaced(
                        field, current.names.map(\.displayName).joined(separator: "; "),
                        merged.names.map(\.displayName).joined(separator: "; "), from: source, why: "fuller names")
                }
            } else if b.count > a.count, Array(b.prefix(a.count)) == a {
                // A list cut short ("et al.") against the whole list.
                mine[role] = list
                replaced(
                    field, current.names.map(\.displayName).joined(separator: "; "),
                    list.names.map(\.displayName).joined(separator: "; "), from: source, why: "more complete")
            } else if a.count > b.count, Array(a.prefix(b.count)) == b {
                continue
            } else {
                let kept = (laterWins ? list : current).names.map(\.displayName).joined(separator: "; ")
                let other = (laterWins ? current : list).names.map(\.displayName).joined(separator: "; ")
                conflict(field, kept: kept, other: other, from: source)
                if laterWins { mine[role] = list }
            }
        }
    }

    private static func surnameKey(_ name: PersonName) -> String {
        MatchText.key(name.literal ?? name.family ?? name.given ?? "")
    }

    /// Longer given names that are not just initials score higher.
    private static func givenScore(_ name: PersonName) -> Int {
        guard let given = name.given else { return 0 }
        let words = given.split(whereSeparator: { $0 == " " || $0 == "." || $0 == "-" })
        let full = words.filter { $0.count > 1 }.count
        return full * 100 + given.count
    }
}
