/// A step between reading and writing that changes a library and says what it changed.
///
/// Transforms are value types holding their options; ``apply(to:diagnostics:)`` changes the
/// library in place, reports problems to `diagnostics` and returns every change it made.
/// ``TransformChain`` runs them in a fixed order.
public protocol LibraryTransform: Sendable {
    /// Applies the step to `library`, collecting problems in `diagnostics`.
    func apply(to library: inout Library, diagnostics: inout Diagnostics) -> TransformReport
}

/// What one or more transforms changed: per-entry field changes, duplicate clusters, keys
/// that disappeared or were renamed, and entries that were removed.
public struct TransformReport: Sendable, Hashable {
    /// Every value changed, in the order the changes were made.
    public var changes: [FieldChange]
    /// The clusters of duplicates found (reported even when they were not merged).
    public var clusters: [DuplicateCluster]
    /// Keys that no longer exist and the key that now stands for the same work, in order.
    public var keyMap: [KeyRename]
    /// Entries removed (by a filter or a merge), with the reason.
    public var removed: [RemovedEntry]
    /// One-line notes about the step as a whole (`sorted by year, -author`).
    public var notes: [String]

    /// Creates a report.
    public init(
        changes: [FieldChange] = [], clusters: [DuplicateCluster] = [], keyMap: [KeyRename] = [],
        removed: [RemovedEntry] = [], notes: [String] = []
    ) {
        self.changes = changes
        self.clusters = clusters
        self.keyMap = keyMap
        self.removed = removed
        self.notes = notes
    }

    /// True when nothing was changed or found.
    public var isEmpty: Bool {
        changes.isEmpty && clusters.isEmpty && keyMap.isEmpty && removed.isEmpty && notes.isEmpty
    }

    /// Appends another report. Key renames are composed: when this report maps `a → b` and
    /// the other maps `b → c`, the result maps `a → c` and `b → c`.
    public mutating func append(_ other: TransformReport) {
        changes += other.changes
        clusters += other.clusters
        removed += other.removed
        notes += other.notes
        guard !other.keyMap.isEmpty else { return }
        // (The keys step renames every entry: tables of that many strings are reserved up
        // front rather than rehashed again and again as they grow.)
        // Only the keys this report renames to are looked up in the other's renames.
        var later: [String: String] = [:]
        if !keyMap.isEmpty {
            let targets = Set(keyMap.map(\.new))
            for rename in other.keyMap where targets.contains(rename.old) && later[rename.old] == nil { later[rename.old] = rename.new }
        }
        var seen = Set<String>(minimumCapacity: keyMap.count + other.keyMap.count)
        var composed: [KeyRename] = []
        composed.reserveCapacity(keyMap.count + other.keyMap.count)
        for rename in keyMap {
            let target = later[rename.new] ?? rename.new
            if rename.old != target, seen.insert(rename.old).inserted {
                composed.append(KeyRename(old: rename.old, new: target))
            }
        }
        for rename in other.keyMap where seen.insert(rename.old).inserted && rename.old != rename.new {
            composed.append(rename)
        }
        keyMap = composed
    }
}

/// One value changed in one entry.
public struct FieldChange: Sendable, Hashable {
    /// The transform that made it (`clean`, `merge`, `keys`).
    public var step: String
    /// The entry: its key, or `#N` (1-based position) when it has none.
    public var entry: String
    /// The field, as bibkit names it (`title`, `page`, `doi`, `author`, `bibtex:timestamp`).
    public var field: String
    /// The value before, or nil when it was added.
    public var old: String?
    /// The value after, or nil when it was removed.
    public var new: String?
    /// Why, when the values alone do not say (`not a valid ISBN`, `conflict kept from #3`).
    public var reason: String?

    /// Creates a change.
    public init(step: String, entry: String, field: String, old: String?, new: String?, reason: String? = nil) {
        self.step = step
        self.entry = entry
        self.field = field
        self.old = old
        self.new = new
        self.reason = reason
    }
}

/// A key that disappeared (merged away or regenerated) and the key that replaced it.
public struct KeyRename: Sendable, Hashable {
    /// The key that no longer exists.
    public var old: String
    /// The key now used for the same work.
    public var new: String

    /// Creates a rename.
    public init(old: String, new: String) {
        self.old = old
        self.new = new
    }
}

/// An entry a transform removed.
public struct RemovedEntry: Sendable, Hashable {
    /// The step (`filter`, `merge`).
    public var step: String
    /// The entry's key or `#N`.
    public var entry: String
    /// Where it came from, if known.
    public var origin: SourceLocation?
    /// Why it was removed.
    public var reason: String

    /// Creates a record of a removal.
    public init(step: String, entry: String, origin: SourceLocation?, reason: String) {
        self.step = step
        self.entry = entry
        self.origin = origin
        self.reason = reason
    }
}

/// A set of entries found to describe the same work.
public struct DuplicateCluster: Sendable, Hashable {
    /// One member of a cluster.
    public struct Member: Sendable, Hashable {
        /// The key or `#N`.
        public var entry: String
        /// Where it came from, if known.
        public var origin: SourceLocation?
        /// Why it joined the cluster (`doi 10.1/x`, `title, year and author`); nil for the first.
        public var matchedBy: String?

        /// Creates a member.
        public init(entry: String, origin: SourceLocation?, matchedBy: String?) {
            self.entry = entry
            self.origin = origin
            self.matchedBy = matchedBy
        }
    }

    /// The members, in library order.
    public var members: [Member]
    /// The entry that remained after merging, or nil when the cluster was only reported.
    public var survivor: String?
    /// Values the members disagreed on and how the merge settled them.
    public var conflicts: [FieldChange]

    /// Creates a cluster.
    public init(members: [Member], survivor: String? = nil, conflicts: [FieldChange] = []) {
        self.members = members
        self.survivor = survivor
        self.conflicts = conflicts
    }
}

extension Entry {
    /// The label transforms use for an entry in reports: its key, or `#N` for the 1-based
    /// position `index + 1` when it has none.
    public func reportLabel(index: Int) -> String {
        if let key, !key.isEmpty { return key }
        return "#\(index + 1)"
    }
}
