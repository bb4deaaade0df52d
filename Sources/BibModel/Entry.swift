import OrderedCollections

/// One bibliographic work: the format-neutral record every reader produces and every
/// writer consumes.
///
/// Typed slots cover what every format has a place for; ``fields`` holds the other
/// standard variables (volume, pages, publisher, …) by name; ``extra`` keeps, in source
/// order and verbatim, whatever the model has no slot for, namespaced by origin.
///
/// Layout: the series and the comments before the entry, which few entries have, are kept
/// behind one reference that is nil for most entries, so an entry takes 368 bytes in a
/// library instead of 440, and copying one retains one reference less for each.
public struct Entry: Sendable {
    /// The citation key (`zimmer2023sparse`), or nil when the source had none.
    public var key: String?
    /// The work type.
    public var type: EntryType
    /// Contributors by role, in source order of roles.
    public var contributors: OrderedDictionary<ContributorRole, NameList>
    /// The title of the work.
    public var title: RichText?
    /// A short title, if the source gave one.
    public var shortTitle: RichText?
    /// Dates by role (`issued`, `accessed`, …); values that did not parse are kept raw.
    public var dates: OrderedDictionary<DateRole, Parsed<BibDate>>
    /// The containing work: journal, book, proceedings.
    public var container: Level?
    /// The series the work or its container belongs to.
    public var series: Level? {
        get { rare?.series }
        set { rare = RareParts.make(series: newValue, comments: rare?.comments ?? []) }
        _modify {
            // Taken out of its box for the change: when no copy of the entry shares the box,
            // the level's parts are then changed in place.
            var level = rare?.series
            let comments = rare?.comments ?? []
            rare = nil
            defer { rare = RareParts.make(series: level, comments: comments) }
            yield &level
        }
    }
    /// The comments and free text between the entry before and this one, in source order
    /// (a BibTeX writer writes them just before the entry), so they move with the entry
    /// when the library is sorted or merged. Most entries have none.
    public var precedingComments: [BibComment] {
        get { rare?.comments ?? [] }
        set { rare = RareParts.make(series: rare?.series, comments: newValue) }
    }
    /// The series and the comments in a box of their own; nil when there are neither. Never
    /// changed once made (a change makes a new box), so copies of an entry can share it.
    private var rare: RareParts?

    /// What few entries have, kept behind a reference.
    private final class RareParts: Sendable {
        let series: Level?
        let comments: [BibComment]
        init(series: Level?, comments: [BibComment]) {
            self.series = series
            self.comments = comments
        }

        /// A box for these parts; nil when there is nothing to keep.
        static func make(series: Level?, comments: [BibComment]) -> RareParts? {
            series == nil && comments.isEmpty ? nil : RareParts(series: series, comments: comments)
        }
    }
    /// Standard variables without a dedicated slot, by ``Field``; values verbatim.
    public var fields: OrderedDictionary<Field, String>
    /// Persistent identifiers (DOI, ISBN, arXiv, …), in source order.
    public var identifiers: [Identifier]
    /// Links to the work, its code, its PDF.
    public var links: [Link]
    /// The abstract.
    public var abstract: RichText?
    /// Keywords / tags, in source order.
    public var keywords: [String]
    /// Language of the work (BCP 47 or the source's own name).
    public var language: String?
    /// Free-text notes.
    public var notes: [RichText]
    /// Fields the model has no slot for, namespaced by origin, in source order, verbatim.
    public var extra: OrderedDictionary<FieldKey, String>
    /// Where the entry came from; excluded from equality.
    public var origin: SourceRange?

    /// Creates an entry.
    public init(
        key: String? = nil, type: EntryType, contributors: OrderedDictionary<ContributorRole, NameList> = [:],
        title: RichText? = nil, shortTitle: RichText? = nil,
        dates: OrderedDictionary<DateRole, Parsed<BibDate>> = [:], container: Level? = nil,
        series: Level? = nil, fields: OrderedDictionary<Field, String> = [:],
        identifiers: [Identifier] = [], links: [Link] = [], abstract: RichText? = nil,
        keywords: [String] = [], language: String? = nil, notes: [RichText] = [],
        extra: OrderedDictionary<FieldKey, String> = [:], origin: SourceRange? = nil,
        precedingComments: [BibComment] = []
    ) {
        self.key = key
        self.type = type
        self.contributors = contributors
        self.title = title
        self.shortTitle = shortTitle
        self.dates = dates
        self.container = container
        self.rare = RareParts.make(series: series, comments: precedingComments)
        self.fields = fields
        self.identifiers = identifiers
        self.links = links
        self.abstract = abstract
        self.keywords = keywords
        self.language = language
        self.notes = notes
        self.extra = extra
        self.origin = origin
    }

    /// The authors (empty list when none).
    public var authors: NameList {
        get { contributors[.author] ?? NameList() }
        set { contributors[.author] = newValue.isEmpty ? nil : newValue }
    }

    /// The publication date, if any.
    public var issued: Parsed<BibDate>? {
        get { dates[.issued] }
        set { dates[.issued] = newValue }
    }

    /// The publication year, when the issued date parsed.
    public var year: Int? { issued?.typed?.year }

    /// Gives back the room the name lists reserved and did not use (see
    /// ``NameList/releaseUnusedCapacity()``), for an entry kept in a whole library.
    public mutating func releaseUnusedCapacity() {
        for i in contributors.values.indices { contributors.values[i].releaseUnusedCapacity() }
        if container != nil {
            for i in container?.contributors.values.indices ?? 0..<0 {
                container?.contributors.values[i].releaseUnusedCapacity()
            }
        }
        if series != nil {
            for i in series?.contributors.values.indices ?? 0..<0 { series?.contributors.values[i].releaseUnusedCapacity() }
        }
    }

    /// The first identifier of a kind, e.g. the DOI.
    public func identifier(_ kind: IdentifierKind) -> String? {
        identifiers.first { $0.kind == kind }?.value
    }
}

extension Entry: Hashable {
    /// Equality of content: ``origin`` is ignored.
    public static func == (lhs: Entry, rhs: Entry) -> Bool {
        lhs.key == rhs.key && lhs.type == rhs.type && lhs.contributors == rhs.contributors
            && lhs.title == rhs.title && lhs.shortTitle == rhs.shortTitle && lhs.dates == rhs.dates
            && lhs.container == rhs.container && lhs.series == rhs.series && lhs.fields == rhs.fields
            && lhs.identifiers == rhs.identifiers && lhs.links == rhs.links
            && lhs.abstract == rhs.abstract && lhs.keywords == rhs.keywords
            && lhs.language == rhs.language && lhs.notes == rhs.notes && lhs.extra == rhs.extra
            && lhs.precedingComments == rhs.precedingComments
    }

    /// Hashes the content; ``origin`` is ignored.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(type)
        hasher.combine(title)
        hasher.combine(contributors)
        hasher.combine(dates)
        hasher.combine(fields)
        hasher.combine(identifiers)
        hasher.combine(extra)
    }
}

/// A level above the work: the container (journal, book, proceedings) or the series.
public struct Level: Hashable, Sendable {
    /// Its title (`Journal of Machine Learning Research`, `Lecture Notes in Computer Science`).
    public var title: RichText?
    /// Abbreviated title (`J. Mach. Learn. Res.`).
    public var shortTitle: String?
    /// Contributors of the level itself (book editors, series editors).
    public var contributors: OrderedDictionary<ContributorRole, NameList>
    /// Number within the level (series number).
    public var number: String?
    /// Identifiers of the level (ISSN of a journal, ISBN of a proceedings volume).
    public var identifiers: [Identifier]

    /// Creates a level.
    public init(
        title: RichText? = nil, shortTitle: String? = nil,
        contributors: OrderedDictionary<ContributorRole, NameList> = [:], number: String? = nil,
        identifiers: [Identifier] = []
    ) {
        self.title = title
        self.shortTitle = shortTitle
        self.contributors = contributors
        self.number = number
        self.identifiers = identifiers
    }

    /// True when nothing is set.
    public var isEmpty: Bool {
        (title?.isEmpty ?? true) && shortTitle == nil && contributors.isEmpty && number == nil
            && identifiers.isEmpty
    }
}

/// Standard bibliographic variables without a dedicated slot in ``Entry``, named as CSL names them.
public enum Field: String, CaseIterable, Hashable, Sendable, Comparable {
    case volume
    case issue
    case page
    case edition
    case publisher
    case publisherPlace = "publisher-place"
    /// Report, patent, standard or other number.
    case number
    /// Chapter number.
    case chapterNumber = "chapter-number"
    case numberOfPages = "number-of-pages"
    case numberOfVolumes = "number-of-volumes"
    /// Thesis type, report type, genre of the work ("PhD thesis", "Technical report").
    case genre
    /// Degree-granting school, for theses (BibTeX `school`).
    case institution
    /// Name of the event (conference).
    case eventTitle = "event-title"
    /// Place of the event.
    case eventPlace = "event-place"
    case medium
    case version
    /// Publication status ("in press", "submitted").
    case status
    case section
    case part
    case supplement
    /// Archive holding the work.
    case archive
    case archiveLocation = "archive_location"
    case callNumber = "call-number"
    /// A personal annotation.
    case annote
    /// Copyright or licence.
    case rights
    case scale
    case dimensions
    case jurisdiction
    case authority
    /// How the work was published when no publisher fits (BibTeX `howpublished`).
    case howPublished = "howpublished"
    /// Original title of a translated work.
    case originalTitle = "original-title"
    case originalPublisher = "original-publisher"
    case originalPublisherPlace = "original-publisher-place"
    /// Title of a volume within a multi-volume work.
    case volumeTitle = "volume-title"
    /// Type of organisation (BibTeX `organization` when it is not the publisher).
    case organization

    /// The position in declaration order (the canonical order writers use): a field-less
    /// enum is stored as its case number, one byte.
    @inlinable
    public var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    /// Orders by declaration order (the canonical order writers use).
    @inlinable
    public static func < (lhs: Field, rhs: Field) -> Bool { lhs.ordinal < rhs.ordinal }

    /// Equality by case (not by comparing the raw strings).
    @inlinable
    public static func == (lhs: Field, rhs: Field) -> Bool { lhs.ordinal == rhs.ordinal }

    /// Hashes the case number (a raw-value enum otherwise hashes its raw string).
    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(UInt8(truncatingIfNeeded: ordinal)) }
}

/// The kind of a persistent identifier.
public struct IdentifierKind: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The lower-case name.
    public var rawValue: String
    /// Creates a kind.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a kind.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The name.
    public var description: String { rawValue }
    /// Orders by name.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Digital Object Identifier, bare (`10.1000/xyz`).
    public static let doi = IdentifierKind("doi")
    /// ISBN.
    public static let isbn = IdentifierKind("isbn")
    /// ISSN.
    public static let issn = IdentifierKind("issn")
    /// PubMed id.
    public static let pmid = IdentifierKind("pmid")
    /// PubMed Central id.
    public static let pmcid = IdentifierKind("pmcid")
    /// arXiv identifier (`2306.16788`).
    public static let arxiv = IdentifierKind("arxiv")
    /// Library of Congress control number.
    public static let lccn = IdentifierKind("lccn")
    /// Handle.
    public static let hdl = IdentifierKind("hdl")
}

/// A persistent identifier with an optional qualifier (e.g. the arXiv primary class).
public struct Identifier: Hashable, Sendable {
    /// The kind.
    public var kind: IdentifierKind
    /// The bare value: no resolver prefix.
    public var value: String
    /// A qualifier: the arXiv primary class (`cs.LG`), an ISBN's binding.
    public var qualifier: String?

    /// Creates an identifier.
    public init(_ kind: IdentifierKind, _ value: String, qualifier: String? = nil) {
        self.kind = kind
        self.value = value
        self.qualifier = qualifier
    }
}

/// A link to the work or something about it.
public struct Link: Hashable, Sendable {
    /// What the link points at.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// The work itself or its landing page.
        case work
        /// A full-text PDF or other file.
        case fullText = "full-text"
        /// Source code belonging to the work.
        case code
        /// Data belonging to the work.
        case data
        /// A local file attachment.
        case file
        /// Something else related.
        case related
    }

    /// The URL as given.
    public var url: String
    /// What it points at.
    public var kind: Kind

    /// Creates a link.
    public init(_ url: String, kind: Kind = .work) {
        self.url = url
        self.kind = kind
    }
}
