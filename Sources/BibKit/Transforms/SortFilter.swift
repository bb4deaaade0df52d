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

    enum Value: Comparable {
        case number(Int)
        case text(String)
        case parts(Int, Int, Int)
    }

    /// The value an entry is sorted by for one key, as the reference for ``SortColumn``
    /// (which holds the same values in a form that compares without `String`s).
    static func value(_ key: Key, of entry: Entry) -> Value? {
        switch key {
        case .key: return entry.key.map { .text($0.lowercased()) }
        case .year: return entry.year.map { .number($0) }
        case .date:
            guard let d = entry.issued?.typed?.start ?? entry.issued?.typed?.end else { return nil }
            return .parts(d.year, d.month ?? 0, d.day ?? 0)
        case .author:
            guard let (family, given) = authorParts(of: entry) else { return nil }
            return .text(MatchText.words(family).joined(separator: " ") + "\u{1}" + MatchText.words(given).joined(separator: " "))
        case .title:
            guard let t = titleText(of: entry) else { return nil }
            return .text(MatchText.words(t).joined(separator: " "))
        case .type: return .text(entry.type.kind.rawValue)
        case .journal:
            guard let t = journalText(of: entry) else { return nil }
            return .text(MatchText.words(t).joined(separator: " "))
        }
    }

    /// The first author's (else editor's) family name (or literal) and given names.
    static func authorParts(of entry: Entry) -> (String, String)? {
        let names = entry.authors.names.isEmpty ? (entry.contributors[.editor]?.names ?? []) : entry.authors.names
        guard let first = names.first else { return nil }
        return (first.literal ?? first.family ?? "", first.given ?? "")
    }

    static func titleText(of entry: Entry) -> String? {
        guard let t = entry.title?.plainText, !t.isEmpty else { return nil }
        return t
    }

    static func journalText(of entry: Entry) -> String? {
        entry.container?.title?.plainText ?? entry.container?.shortTitle
    }

    /// The entry order the criteria give: indices into `entries`, ties in library order.
    func order(of entries: [Entry]) -> [Int] {
        let columns = criteria.map { SortColumn($0, entries: entries) }
        guard let words = SortColumn.prefixWords(columns, count: entries.count) else {
            var order = Array(entries.indices)
            order.sort { a, b in
                for column in columns {
                    let c = column.compare(a, b)
                    if c != 0 { return c < 0 }
                }
                return a < b
            }
            return order
        }
        // Most pairs differ in their first prefix words, nearly all the others in their second
        // (integer compares); only equal words need the columns. The words are sorted with
        // their entries' indices, next to each other, rather than read from two arrays by index
        // at every comparison (at 100 000 entries those reads miss the caches).
        var keyed: [Keyed] = []
        keyed.reserveCapacity(entries.count)
        for i in entries.indices { keyed.append(Keyed(first: words.first[i], second: words.second?[i] ?? 0, index: i)) }
        keyed.sort { x, y in
            if x.first != y.first { return x.first < y.first }
            if x.second != y.second { return x.second < y.second }
            for column in columns {
                let c = column.compare(x.index, y.index)
                if c != 0 { return c < 0 }
            }
            return x.index < y.index
        }
        return keyed.map(\.index)
    }

    /// An entry's prefix words (``SortColumn/prefixWords(_:count:)``) and index.
    private struct Keyed {
        var first: UInt64
        var second: UInt64
        var index: Int
    }

    /// Sorts the entries.
    public func apply(to library: inout Library, diagnostics: inout Diagnostics) -> TransformReport {
        let order = order(of: library.entries)
        var moved = 0
        for (position, index) in order.enumerated() where position != index { moved += 1 }
        // The permutation is applied in place, cycle by cycle, by swapping: entries move
        // without being copied (no second array, no retain and release of every value).
        var done = [Bool](repeating: false, count: order.count)
        library.entries.withUnsafeMutableBufferPointer { entries in
            for start in order.indices where !done[start] {
                done[start] = true
                var position = start
                var source = order[position]
                while source != start {
                    entries.swapAt(position, source)
                    done[source] = true
                    position = source
                    source = order[position]
                }
            }
        }
        return TransformReport(notes: ["sorted by \(criteria.map(\.description).joined(separator: ", ")): \(moved) entr\(moved == 1 ? "y" : "ies") moved"])
    }
}

/// One sort criterion's values for all entries, computed once, in a form that compares
/// cheaply: integers, and text as the bytes of ASCII values in one buffer (byte order is
/// `String` order for ASCII); a value that is not ASCII keeps its `String` and is compared
/// as a `String`. Missing values go last whatever the direction.
struct SortColumn {
    private enum Kind { case number, parts, text }
    private let kind: Kind
    private let descending: Bool
    private var present: [Bool] = []
    /// Numbers: one per entry; parts: three per entry.
    private var ints: [Int] = []
    /// Text: the ASCII values' bytes, entry `i` at `bounds[i]..<bounds[i + 1]`.
    private var bytes: [UInt8] = []
    private var bounds: [Int] = [0]
    /// Text: the values that are not ASCII, by entry.
    private var other: [Int: String] = [:]

    init(_ criterion: Sort.Criterion, entries: [Entry]) {
        descending = criterion.descending
        switch criterion.key {
        case .year: kind = .number
        case .date: kind = .parts
        default: kind = .text
        }
        present.reserveCapacity(entries.count)
        switch kind {
        case .number:
            ints.reserveCapacity(entries.count)
            for entry in entries {
                let year = entry.year
                present.append(year != nil)
                ints.append(year ?? 0)
            }
        case .parts:
            ints.reserveCapacity(entries.count * 3)
            for entry in entries {
                if let d = entry.issued?.typed?.start ?? entry.issued?.typed?.end {
                    present.append(true)
                    ints += [d.year, d.month ?? 0, d.day ?? 0]
                } else {
                    present.append(false)
                    ints += [0, 0, 0]
                }
            }
        case .text:
            bounds.reserveCapacity(entries.count + 1)
            for (i, entry) in entries.enumerated() {
                let mark = bytes.count
                let ok = Self.appendText(criterion.key, of: entry, to: &bytes)
                present.append(ok != nil)
                if ok == false {
                    bytes.removeSubrange(mark...)
                    if case .text(let t)? = Sort.value(criterion.key, of: entry) { other[i] = t }
                }
                bounds.append(bytes.count)
            }
        }
    }

    /// Appends the value's bytes when it is ASCII (true); false when it is not (nothing
    /// usable appended), nil when the entry has no value.
    private static func appendText(_ key: Sort.Key, of entry: Entry, to out: inout [UInt8]) -> Bool? {
        switch key {
        case .key:
            guard let key = entry.key else { return nil }
            for b in key.utf8 {
                guard b < 0x80 else { return false }
                out.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
            }
            return true
        case .author:
            guard let (family, given) = Sort.authorParts(of: entry) else { return nil }
            guard appendWords(family, to: &out) else { return false }
            out.append(0x01)
            return appendWords(given, to: &out)
        case .title:
            guard let t = Sort.titleText(of: entry) else { return nil }
            return appendWords(t, to: &out)
        case .journal:
            guard let t = Sort.journalText(of: entry) else { return nil }
            return appendWords(t, to: &out)
        case .type:
            for b in entry.type.kind.rawValue.utf8 {
                guard b < 0x80 else { return false }
                out.append(b)
            }
            return true
        case .year, .date:
            return nil
        }
    }

    /// Appends `MatchText.words(text).joined(separator: " ")` when it is ASCII (true), else
    /// false. ASCII text without a backslash is read byte by byte as `MatchText` reads it.
    static func appendWords(_ text: String, to out: inout [UInt8]) -> Bool {
        let mark = out.count
        var words = 0
        var inWord = false
        for v in text.utf8 {
            if v >= 0x80 || v == UInt8(ascii: "\\") {
                out.removeSubrange(mark...)
                return appendSlow(text, to: &out)
            }
            if isDigit(v) || isLetter(v) {
                if !inWord {
                    if words > 0 { out.append(0x20) }
                    words += 1
                    inWord = true
                }
                out.append(isLetter(v) ? v | 0x20 : v)
            } else if v == UInt8(ascii: "'") {
                continue
            } else {
                inWord = false
                if v == UInt8(ascii: "&") {
                    if words > 0 { out.append(0x20) }
                    words += 1
                    out.append(contentsOf: [0x61, 0x6E, 0x64])
                }
            }
        }
        return true
    }

    private static func appendSlow(_ text: String, to out: inout [UInt8]) -> Bool {
        let joined = MatchText.words(text).joined(separator: " ")
        for b in joined.utf8 where b >= 0x80 { return false }
        out.append(contentsOf: joined.utf8)
        return true
    }

    /// One 64-bit prefix per entry that orders as the columns do wherever two prefixes
    /// differ: if entry `a` sorts before `b`, `prefix[a] <= prefix[b]`, so `prefix[a] <
    /// prefix[b]` means `a` first and only equal prefixes need ``compare(_:_:)``. Built from
    /// the leading columns: a year column as the rank of the year among the years present
    /// (exact, so the next column can follow), a text column of ASCII values as a missing
    /// flag and its first bytes (not exact: nothing follows it). Nil when the first column
    /// gives nothing (dates, text with values that are not ASCII).
    static func prefixes(_ columns: [SortColumn], count: Int) -> [UInt64]? {
        prefixWords(columns, count: count)?.first
    }

    /// ``prefixes(_:count:)`` (`first`) and, when they end with a text column, a `second`
    /// word per entry: that column's next 8 bytes, padded and directed as in the first. Where
    /// two entries' first words are equal, their second words order them as the columns do
    /// wherever they differ (equal first words mean equal earlier columns and the same first
    /// bytes of this one: both values missing, or both present and neither ended before the
    /// other, as values hold no zero byte).
    static func prefixWords(_ columns: [SortColumn], count: Int) -> (first: [UInt64], second: [UInt64]?)? {
        var prefix = [UInt64](repeating: 0, count: count)
        var second: [UInt64]?
        var used = 0
        for column in columns {
            let room = 64 - used
            guard let piece = column.prefixPiece(room: room), piece.width <= room else { break }
            if piece.width > 0 {
                for i in 0..<count { prefix[i] = prefix[i] << UInt64(piece.width) | piece.values[i] }
                used += piece.width
            }
            if !piece.exact {
                // A text piece: a missing flag and (width - 1) / 8 bytes.
                second = column.textWord(from: (piece.width - 1) / 8)
                break
            }
        }
        return used > 0 ? (prefix, second) : nil
    }

    /// A text column's bytes `start..<start + 8` of each value as one word (zero bytes past
    /// the end; inverted when descending, as ``prefixPiece(room:)`` does); 0 for a missing
    /// value.
    func textWord(from start: Int) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: present.count)
        for i in present.indices where present[i] {
            let from = bounds[i] + start
            let end = bounds[i + 1]
            var v: UInt64 = 0
            for n in 0..<8 {
                let b: UInt8 = from + n < end ? bytes[from + n] : 0
                v = v << 8 | UInt64(descending ? ~b : b)
            }
            words[i] = v
        }
        return words
    }

    /// This column's part of ``prefixes(_:count:)``: per entry a value of `width` bits that
    /// never decreases along the column's order (missing values last, direction applied),
    /// and whether equal values mean equal entries for this column. Nil when the column gives
    /// none within `room` bits.
    func prefixPiece(room: Int) -> (values: [UInt64], width: Int, exact: Bool)? {
        switch kind {
        case .number:
            // Rank among the distinct years present; missing ranks after all of them.
            var distinct = Array(Set(present.indices.lazy.filter { present[$0] }.map { ints[$0] }))
            distinct.sort()
            let k = distinct.count
            let width = UInt64(k).bitWidth - UInt64(k).leadingZeroBitCount
            guard width <= room else { return nil }
            var values = [UInt64](repeating: UInt64(k), count: present.count)
            for i in present.indices where present[i] {
                // Binary search: the position of ints[i] in distinct.
                var lo = 0
                var hi = k
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if distinct[mid] < ints[i] { lo = mid + 1 } else { hi = mid }
                }
                values[i] = UInt64(descending ? k - 1 - lo : lo)
            }
            return (values, width, true)
        case .parts:
            return nil
        case .text:
            guard other.isEmpty, room >= 9 else { return nil }
            // A missing flag, then as many whole bytes as fit, padded with zero bytes (a
            // value that is a prefix of another comes first); descending inverts the bytes.
            let byteCount = min((room - 1) / 8, 8)
            let width = 1 + 8 * byteCount
            var values = [UInt64](repeating: 0, count: present.count)
            for i in present.indices {
                guard present[i] else {
                    values[i] = 1 << UInt64(8 * byteCount)
                    continue
                }
                let start = bounds[i]
                let end = bounds[i + 1]
                var v: UInt64 = 0
                for n in 0..<byteCount {
                    let b: UInt8 = start + n < end ? bytes[start + n] : 0
                    v = v << 8 | UInt64(descending ? ~b : b)
                }
                values[i] = v
            }
            return (values, width, false)
        }
    }

    /// -1, 0 or 1: entry `a` before, level with, or after entry `b` for this criterion.
    @inline(__always)
    func compare(_ a: Int, _ b: Int) -> Int {
        switch (present[a], present[b]) {
        case (false, false): return 0
        case (false, true): return 1
        case (true, false): return -1
        case (true, true): break
        }
        let c: Int
        switch kind {
        case .number:
            c = ints[a] < ints[b] ? -1 : ints[a] == ints[b] ? 0 : 1
        case .parts:
            var r = 0
            for k in 0..<3 where r == 0 {
                let x = ints[3 * a + k]
                let y = ints[3 * b + k]
                r = x < y ? -1 : x == y ? 0 : 1
            }
            c = r
        case .text:
            c = compareText(a, b)
        }
        return descending ? -c : c
    }

    private func compareText(_ a: Int, _ b: Int) -> Int {
        if !other.isEmpty, other[a] != nil || other[b] != nil {
            let x = other[a] ?? text(a)
            let y = other[b] ?? text(b)
            return x < y ? -1 : x == y ? 0 : 1
        }
        let (a0, a1, b0, b1) = (bounds[a], bounds[a + 1], bounds[b], bounds[b + 1])
        return bytes.withUnsafeBufferPointer { buf -> Int in
            let n = min(a1 - a0, b1 - b0)
            var i = 0
            while i < n {
                let x = buf[a0 + i]
                let y = buf[b0 + i]
                if x != y { return x < y ? -1 : 1 }
                i += 1
            }
            let la = a1 - a0
            let lb = b1 - b0
            return la < lb ? -1 : la == lb ? 0 : 1
        }
    }

    private func text(_ i: Int) -> String { String(decoding: bytes[bounds[i]..<bounds[i + 1]], as: UTF8.self) }
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
