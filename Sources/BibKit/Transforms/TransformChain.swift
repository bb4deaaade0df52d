/// The transforms of one run in their fixed order, the same for every output format:
///
/// 1. **clean** — so the later steps see parsed dates and bare identifiers;
/// 2. **filter** — on cleaned values (a year parsed from `March 2020` counts);
/// 3. **dedupe / merge** — on what is left;
/// 4. **keys** — after merging, so survivors get keys and merged-away keys map to final ones;
/// 5. **sort** — last, on final keys and values.
///
/// The key maps of merge and keys are composed: a key merged away and the survivor's key
/// renamed afterwards both map to the final key.
public struct TransformChain: Sendable {
    /// The clean step, if any.
    public var clean: Clean?
    /// The filter step, if any.
    public var filter: Filter?
    /// The dedupe step, if any.
    public var dedupe: Dedupe?
    /// The keys step, if any.
    public var keys: GenerateKeys?
    /// The sort step, if any.
    public var sort: Sort?

    /// The step names in the order they run.
    public static let order = ["clean", "filter", "dedupe", "keys", "sort"]

    /// Creates a chain.
    public init(clean: Clean? = nil, filter: Filter? = nil, dedupe: Dedupe? = nil, keys: GenerateKeys? = nil, sort: Sort? = nil) {
        self.clean = clean
        self.filter = filter
        self.dedupe = dedupe
        self.keys = keys
        self.sort = sort
    }

    /// True when no step is set.
    public var isEmpty: Bool { clean == nil && filter == nil && dedupe == nil && keys == nil && sort == nil }

    /// The steps that are set, in order.
    public var steps: [any LibraryTransform] {
        var out: [any LibraryTransform] = []
        if let clean { out.append(clean) }
        if let filter { out.append(filter) }
        if let dedupe { out.append(dedupe) }
        if let keys { out.append(keys) }
        if let sort { out.append(sort) }
        return out
    }

    /// Runs the steps in order; returns their reports joined.
    public func apply(to library: inout Library, diagnostics: inout Diagnostics) -> TransformReport {
        var report = TransformReport()
        for step in steps { report.append(step.apply(to: &library, diagnostics: &diagnostics)) }
        return report
    }
}
