/// The sort step: orders entries by one or more keys, stably (equal entries keep their
/// order); entries missing a sort value go last whatever the direction.
public struct Sort: LibraryTransform {
    /// What entries are sorted by.
    public enum Key: String, Sendable, Hashable, CaseIterable {
        /// The citation key (ignoring case).
        case key
        /// The publication year.
        case year
        /// The full publication date (year, month, day).
        case date
        /// The first author's family name, then given names (accents folded).
        case author
        /// The title (accents, case and punctuation ignored).
        case title
        /// The work type (its CSL name).
        case type
        /// The container title (journal, book).
        case journal
    }

    /// One sort key and its direction.
    public struct Criterion: Sendable, Hashable, CustomStringConvertible {
        /// The key.
        public var key: Key
        /// Descending instead of ascending.
        public var descending: Bool

        /// Creates a criterion.
        public init(_ key: Key, descending: Bool = false) {
            self.key = key
            self.descending = descending
        }

        /// `year` or `-year`.
        public var description: String { (descending ? "-" : "") + key.rawValue }
    }

    /// The criteria, most significant first.
    public var criteria: [Criterion]

    /// Creates the step.
    public init(_ criteria: [Criterion]) { self.criteria = criteria }

    /// Parses `year,-author` (a `-` prefix sorts descending).
    public init(parsing text: String) throws(TransformOptionError) {
        var criteria: [Criterion] = []
        for piece in text.split(separator: ",") {
            var name = piece.trimmedSpaces
            var descending = false
            if name.hasPrefix("-") {
                descending = true
                name.removeFirst()
            } else if name.hasPrefix("+") {
                name.removeFirst()
            }
            guard let key = Key(rawValue: name.lowercased()) else {
                throw TransformOptionError(
                    "unknown sort key '\(name)'; sort keys: \(Key.allCases.map(\.rawValue).joined(separator: ", ")) (prefix '-' for descending)")
            }
            criteria.append(Criterion(key, descending: descending))
        }
        guard !criteria.isEmpty else { throw TransformOptionError("--sort needs at least one key, e.g. --sort year,-author") }
        self.criteria = criteria
    }

    private enum Value: Comparable {
        case number(Int)
        case text(String)
        case parts(Int, Int, Int)
    }

    private static func value(_ key: Key, of entry: Entry) -> Value? {
        switch key {
        case .key: return entry.key.map { .text($0.lowercased()) }
        case .year: return entry.year.map { .number($0) }
        case .date:
            guard let d = entry.issued?.typed?.start ?? entry.issued?.typed?.end else { return nil }
            return .parts(d.year, d.month ?? 0, d.day ?? 0)
        case .author:
            let names = entry.authors.names.isEmpty ? (entry.contributors[.editor]?.names ?? []) : entry.authors.names
            guard let first = names.first else { return nil }
            let family = first.literal ?? first.family ?? ""
            return .text(MatchText.words(family).joined(separator: " ") + "\u{1}" + MatchText.words(first.given ?? "").joined(separator: " "))
        case .title:
            guard let t = entry.title?.plainText, !t.isEmpty else { return nil }
            return .text(MatchText.words(t).joined(separator: " "))
        case .type: return .text(entry.type.kind.rawValue)
        case .journal:
            guard let t = entry.container?.title?.plainText ?? entry.container?.shortTitle else { return nil }
            return .text(MatchText.words(t).joined(separator: " "))
        }
    }

    /// Sorts the entries.
    public func apply(to library: inout Library, diagnostics: inout Diagnostics) -> TransformReport {
        let decorated = library.entries.enumerated().map { i, e in (i, criteria.map { Self.value($0.key, of: e) }) }
        let order = decorated.sorted { a, b in
            for (n, c) in criteria.enumerated() {
                switch (a.1[n], b.1[n]) {
                case (nil, nil): continue
                case (nil, _): return false
                case (_, nil): return true
                case (let x?, let y?):
                    if x == y { continue }
                    return c.descending ? x > y : x < y
                }
            }
            return a.0 < b.0
        }
        let moved = order.enumerated().filter { $0.offset != $0.element.0 }.count
        library.entries = order.map { library.entries[$0.0] }
        return TransformReport(notes: ["sorted by \(criteria.map(\.description).joined(separator: ", ")): \(moved) entr\(moved == 1 ? "y" : "ies") moved"])
    }
}

/// A bad value for a transform option, with a message naming what is valid.
public struct TransformOptionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message.
    public var description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// The filter step: keeps the entries that meet every condition.
///
/// Conditions are `FIELD OP VALUE[,VALUE…]` (any of the values may match):
/// `year=2020..2023`, `year=..2019`, `year=2021,2023`, `type=article-journal,book` (CSL names or
/// the source's own type, e.g. `inproceedings`), `author=Zimmer` (family name, accents and case
/// ignored), `author~zimm` (substring of any author's name), `keyword=optimization`,
/// `title~transformer`, `journal~learning`, `key=smith2020`, `has=doi`. Operators: `=` equals,
/// `!=` differs, `~` contains, `!~` does not contain.
public struct Filter: LibraryTransform {
    /// One condition.
    public struct Condition: Sendable, Hashable, CustomStringConvertible {
        /// What is tested.
        public enum Subject: String, Sendable, Hashable, CaseIterable {
            /// The publication year, work type, author or editor names, keywords, title, container
            /// title, citation key, or (`has`) whether a field is present.
            case year, type, author, editor, keyword, title, journal, key, has
        }
        /// How values compare.
        public enum Operator: String, Sendable, Hashable {
            case equals = "="
            case differs = "!="
            case contains = "~"
            case lacks = "!~"
        }

        /// The subject.
        public var subject: Subject
        /// The operator.
        public var op: Operator
        /// The values; any may match.
        public var values: [String]
        /// The condition as written.
        public var description: String { "\(subject.rawValue)\(op.rawValue)\(values.joined(separator: ","))" }

        /// Parses `year=2020..2023`.
        public init(parsing text: String) throws(TransformOptionError) {
            let ops: [Operator] = [.differs, .lacks, .equals, .contains]
            var found: (Operator, Range<String.Index>)?
            for op in ops {
                if let r = text.range(of: op.rawValue), found == nil || r.lowerBound < (found?.1.lowerBound ?? r.lowerBound) {
                    found = (op, r)
                }
            }
            guard let (op, range) = found else {
                throw TransformOptionError("filter '\(text)' needs an operator: =, !=, ~ or !~ (e.g. year=2020..2023)")
            }
            let name = text[..<range.lowerBound].trimmedSpaces.lowercased()
            guard let subject = Subject(rawValue: name) else {
                throw TransformOptionError(
                    "unknown filter field '\(name)'; fields: \(Subject.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let values = text[range.upperBound...].split(separator: ",").map { $0.trimmedSpaces }.filter { !$0.isEmpty }
            guard !values.isEmpty else { throw TransformOptionError("filter '\(text)' has no value") }
            if subject == .year {
                for v in values where Self.yearRange(v) == nil {
                    throw TransformOptionError("filter '\(text)': '\(v)' is not a year or range (2020, 2020..2023, ..2019, 2020..)")
                }
            }
            self.subject = subject
            self.op = op
            self.values = values
        }

        static func yearRange(_ v: String) -> ClosedRange<Int>? {
            if let r = v.range(of: "..") {
                let lo = v[..<r.lowerBound].trimmedSpaces
                let hi = v[r.upperBound...].trimmedSpaces
                let a = lo.isEmpty ? Int.min : Int(lo)
                let b = hi.isEmpty ? Int.max : Int(hi)
                guard let a, let b, a <= b, !(lo.isEmpty && hi.isEmpty) else { return nil }
                return a...b
            }
            return Int(v).map { $0...$0 }
        }

        /// True when the entry meets the condition.
        public func matches(_ entry: Entry) -> Bool {
            let negated = op == .differs || op == .lacks
            let substring = op == .contains || op == .lacks
            let hit = values.contains { test($0, substring: substring, entry) }
            return negated ? !hit : hit
        }

        private func test(_ value: String, substring: Bool, _ entry: Entry) -> Bool {
            func text(_ candidates: [String]) -> Bool {
                let wanted = MatchText.words(value).joined(separator: " ")
                guard !wanted.isEmpty else { return false }
                return candidates.contains { c in
                    let have = MatchText.words(c).joined(separator: " ")
                    return substring ? have.contains(wanted) : have == wanted
                }
            }
            switch subject {
            case .year:
                guard let y = entry.year, let range = Self.yearRange(value) else { return false }
                return range.contains(y)
            case .type:
                let v = value.lowercased()
                var names = [entry.type.kind.rawValue]
                if let o = entry.type.original { names += [o.name.lowercased(), o.description.lowercased()] }
                return substring ? names.contains { $0.contains(v) } : names.contains(v)
            case .author, .editor:
                let role: ContributorRole = subject == .author ? .author : .editor
                let people = entry.contributors[role]?.names ?? []
                if substring { return text(people.map(\.displayName)) }
                return text(people.map { $0.literal ?? $0.family ?? "" }) || text(people.map(\.familyWithParticle))
                    || text(people.map(\.displayName))
            case .keyword: return text(entry.keywords)
            case .title: return text([entry.title?.plainText, entry.shortTitle?.plainText].compactMap { $0 })
            case .journal: return text([entry.container?.title?.plainText, entry.container?.shortTitle].compactMap { $0 })
            case .key:
                guard let key = entry.key?.lowercased() else { return false }
                return substring ? key.contains(value.lowercased()) : key == value.lowercased()
            case .has:
                return EntryFields.slots(named: value).contains { EntryFields.has($0, in: entry) }
            }
        }
    }

    /// The conditions; all must hold.
    public var conditions: [Condition]

    /// Creates the step.
    public init(_ conditions: [Condition]) { self.conditions = conditions }

    /// Removes the entries that fail a condition and reports each.
    public func apply(to library: inout Library, diagnostics: inout Diagnostics) -> TransformReport {
        var report = TransformReport()
        var kept: [Entry] = []
        kept.reserveCapacity(library.entries.count)
        for (i, entry) in library.entries.enumerated() {
            if let failed = conditions.first(where: { !$0.matches(entry) }) {
                report.removed.append(
                    RemovedEntry(step: "filter", entry: entry.reportLabel(index: i), origin: entry.origin?.start, reason: "fails \(failed)"))
            } else {
                kept.append(entry)
            }
        }
        let removed = library.entries.count - kept.count
        library.entries = kept
        report.notes.append("filter \(conditions.map(\.description).joined(separator: " and ")): \(kept.count) kept, \(removed) removed")
        return report
    }
}

extension Substring {
    var trimmedSpaces: String { String(self).trimmedSpaces }
}
