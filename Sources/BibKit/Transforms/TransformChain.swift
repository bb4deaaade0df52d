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
    public var steps: [any LibraryTransform] { namedSteps.map(\.step) }

    /// The steps that are set, in order, each with its name from ``order``.
    public var namedSteps: [(name: String, step: any LibraryTransform)] {
        var out: [(name: String, step: any LibraryTransform)] = []
        if let clean { out.append(("clean", clean)) }
        if let filter { out.append(("filter", filter)) }
        if let dedupe { out.append(("dedupe", dedupe)) }
        if let keys { out.append(("keys", keys)) }
        if let sort { out.append(("sort", sort)) }
        return out
    }

    /// Runs the steps in order; returns their reports joined.
    /// - Parameters:
    ///   - library: the library, changed in place.
    ///   - diagnostics: receives the problems the steps find.
    ///   - willRun: called with a step's name before it runs (to show progress).
    ///   - didRun: called after it ran with its name, its own report and the library as it
    ///     left it (to say what it did).
    public func apply(
        to library: inout Library, diagnostics: inout Diagnostics,
        willRun: (String) -> Void = { _ in },
        didRun: (String, TransformReport, Library) -> Void = { _, _, _ in }
    ) -> TransformReport {
        var report = TransformReport()
        for (name, step) in namedSteps {
            willRun(name)
            let own = step.apply(to: &library, diagnostics: &diagnostics)
            didRun(name, own, library)
            report.append(own)
        }
        return report
    }
}
