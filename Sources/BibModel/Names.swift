/// A person's or organisation's name, split into the parts CSL and BibTeX distinguish.
public struct PersonName: Hashable, Sendable {
    /// Family name (`Zimmer`, `Aspremont` in `d'Aspremont` with a particle).
    public var family: String?
    /// Given names (`Max`, `Una M.`).
    public var given: String?
    /// A particle dropped when sorting by family name (`van` in Dutch convention, `de`).
    public var droppingParticle: String?
    /// A particle kept with the family name (`von`, `d'`, `van der`).
    public var nonDroppingParticle: String?
    /// A suffix (`Jr.`, `III`).
    public var suffix: String?
    /// The whole name as one unit: organisations and names that must not be split.
    public var literal: String?

    /// Creates a name from parts.
    public init(
        family: String? = nil, given: String? = nil, droppingParticle: String? = nil,
        nonDroppingParticle: String? = nil, suffix: String? = nil, literal: String? = nil
    ) {
        self.family = family
        self.given = given
        self.droppingParticle = droppingParticle
        self.nonDroppingParticle = nonDroppingParticle
        self.suffix = suffix
        self.literal = literal
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
}
