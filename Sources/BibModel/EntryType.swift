/// The closed set of work types bibkit understands: the 45 types of CSL 1.0.2.
///
/// Every format maps its own types onto these through one table per format; the
/// original type string travels beside it in ``EntryType/original`` so that, e.g.,
/// `@inproceedings` → `paper-conference` → `@inproceedings` round-trips and unknown
/// types are never discarded.
public enum WorkType: String, CaseIterable, Sendable, Hashable, Codable {
    case article
    case articleJournal = "article-journal"
    case articleMagazine = "article-magazine"
    case articleNewspaper = "article-newspaper"
    case bill
    case book
    case broadcast
    case chapter
    case classic
    case collection
    case dataset
    case document
    case entry
    case entryDictionary = "entry-dictionary"
    case entryEncyclopedia = "entry-encyclopedia"
    case event
    case figure
    case graphic
    case hearing
    case interview
    case legalCase = "legal_case"
    case legislation
    case manuscript
    case map
    case motionPicture = "motion_picture"
    case musicalScore = "musical_score"
    case pamphlet
    case paperConference = "paper-conference"
    case patent
    case performance
    case periodical
    case personalCommunication = "personal_communication"
    case post
    case postWeblog = "post-weblog"
    case regulation
    case report
    case review
    case reviewBook = "review-book"
    case software
    case song
    case speech
    case standard
    case thesis
    case treaty
    case webpage

    /// The CSL name of the type, e.g. `paper-conference`.
    public var cslName: String { rawValue }

    /// The position in declaration order: a field-less enum is stored as its case number.
    @inlinable
    public var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    /// Equality by case (not by comparing the raw strings).
    @inlinable
    public static func == (lhs: WorkType, rhs: WorkType) -> Bool { lhs.ordinal == rhs.ordinal }

    /// Hashes the case number (a raw-value enum otherwise hashes its raw string).
    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(UInt8(truncatingIfNeeded: ordinal)) }
}

/// The type of an entry: a ``WorkType`` plus the type string the source format used.
public struct EntryType: Hashable, Sendable {
    /// The format-neutral type.
    public var kind: WorkType
    /// The type as the source wrote it (`bibtex:inproceedings`, `ris:CPAPER`), if any.
    public var original: FieldKey?
    /// A finer genre where the format has one (`phd`, `preprint`, `magazine`), if any.
    public var genre: String?

    /// Creates an entry type.
    public init(_ kind: WorkType, original: FieldKey? = nil, genre: String? = nil) {
        self.kind = kind
        self.original = original
        self.genre = genre
    }
}
