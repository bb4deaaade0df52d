/// The keys step: gives entries citation keys from a `CitationKeyPattern`, folded to ASCII
/// and unique within the library (compared without case) with `a`, `b`, … suffixes.
///
/// By default every key is regenerated; with ``keepExisting`` only entries without a key, or
/// whose key repeats an earlier entry's, get one. Every key replaced goes to the key map.
public struct GenerateKeys: LibraryTransform {
    /// The pattern.
    public var pattern: CitationKeyPattern
    /// Keep keys entries already have; fill only gaps and collisions.
    public var keepExisting: Bool

    /// Creates the step.
    public init(pattern: CitationKeyPattern = .default, keepExisting: Bool = false) {
        self.pattern = pattern
        self.keepExisting = keepExisting
    }

    /// Assigns keys and reports every key added or replaced.
    public func apply(to library: inout Library, diagnostics: inout Diagnostics) -> TransformReport {
        var report = TransformReport()
        var keys = UniqueKeys()
        keys.reserveCapacity(library.entries.count)
        var needsKey = [Bool](repeating: !keepExisting, count: library.entries.count)
        if keepExisting {
            for (i, entry) in library.entries.enumerated() {
                if let key = entry.key, !key.isEmpty, keys.reserve(key) { continue }
                needsKey[i] = true
            }
        }
        // One reason text shared by every change (not a copy made per entry).
        let patternReason = "pattern \(pattern)"
        for i in library.entries.indices where needsKey[i] {
            // (The entry is read in place: a copy would retain and release every value of it.)
            let key = keys.unique(pattern.baseKey(for: library.entries[i]))
            let old = library.entries[i].key.flatMap { $0.isEmpty ? nil : $0 }
            guard old != key else { continue }
            library.entries[i].key = key
            let reason = old == nil ? "no key" : keepExisting ? "key used by an earlier entry" : patternReason
            report.changes.append(FieldChange(step: "keys", entry: old ?? "#\(i + 1)", field: "key", old: old, new: key, reason: reason))
            // A repeated key still names the earlier entry, so it is not mapped.
            if let old, !keepExisting { report.keyMap.append(KeyRename(old: old, new: key)) }
        }
        return report
    }
}
