/// A person's or organisation's name, split into the parts CSL and BibTeX distinguish.
///
/// Layout: family and given names are stored in the value; the four rarer parts (particles,
/// suffix, literal) share one reference that is nil for most names, so a name takes 40
/// bytes in a list instead of 96. Equality and hashing are by the six parts.
public struct PersonName: Hashable, Sendable {
    /// Family name (`Zimmer`, `Aspremont` in `d'Aspremont` with a particle).
    public var family: String?
    /// Given names (`Max`, `Una M.`).
    public var given: String?
    /// The rarer parts; nil when all four are nil. Never changed once made (a change makes
    /// new parts), so copies of a name can share it.
    private var rare: RareParts?

    /// Particles, suffix and literal of a name that has any of them.
    private final class RareParts: Sendable {
        let droppingParticle: String?
        let nonDroppingParticle: String?
        let suffix: String?
        let literal: String?

        init(droppingParticle: String?, nonDroppingParticle: String?, suffix: String?, literal: String?) {
            self.droppingParticle = droppingParticle
            self.nonDroppingParticle = nonDroppingParticle
            self.suffix = suffix
            self.literal = literal
        }

        /// The parts, or nil when there are none.
        static func make(_ dropping: String?, _ nonDropping: String?, _ suffix: String?, _ literal: String?) -> RareParts? {
            if dropping == nil && nonDropping == nil && suffix == nil && literal == nil { return nil }
            return RareParts(droppingParticle: dropping, nonDroppingParticle: nonDropping, suffix: suffix, literal: literal)
        }
    }

    /// A particle dropped when sorting by family name (`van` in Dutch convention, `de`).
    public var droppingParticle: String? {
        get { rare?.droppingParticle }
        set { rare = RareParts.make(newValue, nonDroppingParticle, suffix, literal) }
    }
    /// A particle kept with the family name (`von`, `d'`, `van der`).
    public var nonDroppingParticle: String? {
        get { rare?.nonDroppingParticle }
        set { rare = RareParts.make(droppingParticle, newValue, suffix, literal) }
    }
    /// A suffix (`Jr.`, `III`).
    public var suffix: String? {
        get { rare?.suffix }
        set { rare = RareParts.make(droppingParticle, nonDroppingParticle, newValue, literal) }
    }
    /// The whole name as one unit: organisations and names that must not be split.
    public var literal: String? {
        get { rare?.literal }
        set { rare = RareParts.make(droppingParticle, nonDroppingParticle, suffix, newValue) }
    }

    /// Creates a name from parts.
    public init(
        family: String? = nil, given: String? = nil, droppingParticle: String? = nil,
        nonDroppingParticle: String? = nil, suffix: String? = nil, literal: String? = nil
    ) {
        self.family = family
        self.given = given
        self.rare = RareParts.make(droppingParticle, nonDroppingParticle, suffix, literal)
    }

    /// Equal when all six parts are.
    public static func == (lhs: PersonName, rhs: PersonName) -> Bool {
        guard lhs.family == rhs.family && lhs.given == rhs.given else { return false }
        if lhs.rare === rhs.rare { return true }
        return lhs.droppingParticle == rhs.droppingParticle && lhs.nonDroppingParticle == rhs.nonDroppingParticle
            && lhs.suffix == rhs.suffix && lhs.literal == rhs.literal
    }

    /// Hashes the six parts, in the order they are declared.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(family)
        hasher.combine(given)
        hasher.combine(droppingParticle)
        hasher.combine(nonDroppingParticle)
        hasher.combine(suffix)
        hasher.combine(literal)
    }

    /// A name kept whole (organisations).
    public static func literal(_ text: String) -> PersonName { PersonName(literal: text) }

    /// True when this is a literal (corporate or unsplittable) name.
    public var isLiteral: Bool { literal != nil }

    /// The family name with its non-dropping particle, as used in keys and sorting.
    public var familyWithParticle: String {
        if let literal { return literal }
        return [nonDroppingParticle, family].compactMap { $0 }.joined(separator: particleJoiner)
    }

    /// `d'` and similar particles join without a space.
    private var particleJoiner: String {
        if let p = nonDroppingParticle, p.hasSuffix("'") || p.hasSuffix("’") || p.hasSuffix("-") {
            return ""
        }
        return " "
    }

    /// The name in reading order: `Alexandre d'Aspremont`, `Martin Luther King Jr.`.
    public var displayName: String {
        if let literal { return literal }
        var parts: [String] = []
        if let given { parts.append(given) }
        if let droppingParticle { parts.append(droppingParticle) }
        let fam = familyWithParticle
        if !fam.isEmpty { parts.append(fam) }
        var out = parts.joined(separator: " ")
        if let suffix { out += (out.isEmpty ? "" : " ") + suffix }
        return out
    }
}

/// The role a contributor plays, named as CSL's name variables (`author`, `editor`, …).
public struct ContributorRole: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The CSL variable name, e.g. `collection-editor`.
    public var rawValue: String
    /// Creates a role.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a role.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The role name.
    public var description: String { rawValue }
    /// Orders by name.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Author of the work.
    public static let author = ContributorRole("author")
    /// Editor of the work or its container.
    public static let editor = ContributorRole("editor")
    /// Translator.
    public static let translator = ContributorRole("translator")
    /// Editor of the series (`collection-editor`).
    public static let collectionEditor = ContributorRole("collection-editor")
    /// Author of the container (`bookauthor`).
    public static let containerAuthor = ContributorRole("container-author")
    /// Director (films).
    public static let director = ContributorRole("director")
    /// Compiler.
    public static let compiler = ContributorRole("compiler")
    /// Contributor of unspecified kind.
    public static let contributor = ContributorRole("contributor")
    /// Illustrator.
    public static let illustrator = ContributorRole("illustrator")
    /// Interviewer.
    public static let interviewer = ContributorRole("interviewer")
    /// Recipient (letters).
    public static let recipient = ContributorRole("recipient")
    /// Reviewed author.
    public static let reviewedAuthor = ContributorRole("reviewed-author")
    /// Original author.
    public static let originalAuthor = ContributorRole("original-author")
    /// Organiser of an event.
    public static let organizer = ContributorRole("organizer")
    /// Thesis supervisor, inventor's assignee and other roles without a CSL variable
    /// use their own names (e.g. `bibtex:holder`).
    public static let chair = ContributorRole("chair")

    /// The roles CSL 1.0.2 defines as name variables.
    public static let cslRoles: Set<String> = [
        "author", "chair", "collection-editor", "compiler", "composer", "container-author",
        "contributor", "curator", "director", "editor", "editorial-director",
        "executive-producer", "guest", "host", "interviewer", "illustrator", "narrator",
        "organizer", "original-author", "performer", "producer", "recipient",
        "reviewed-author", "script-writer", "series-creator", "translator",
    ]
}

/// The names in one role, in order, with the flag for "and others" / "et al.".
public struct NameList: Hashable, Sendable {
    /// The names given.
    public var names: [PersonName]
    /// True when the source list was cut short ("et al.", BibTeX `and others`).
    public var truncated: Bool

    /// Creates a list of names.
    public init(_ names: [PersonName] = [], truncated: Bool = false) {
        self.names = names
        self.truncated = truncated
    }

    /// True when there are no names and the list is not marked as truncated.
    public var isEmpty: Bool { names.isEmpty && !truncated }

    /// Gives back the room reserved for names that did not come (a reader reserves for a
    /// few names; a whole library keeps every list): the names move to storage of their
    /// own size. Equality and order are unchanged.
    public mutating func releaseUnusedCapacity() {
        guard names.capacity > names.count else { return }
        var exact: [PersonName] = []
        exact.reserveCapacity(names.count)
        exact.append(contentsOf: names)
        names = exact
    }
}
