import OrderedCollections

/// An ordered collection of entries plus what belongs to the collection as a whole.
public struct Library: Sendable, Hashable {
    /// The entries, in source order.
    public var entries: [Entry]
    /// Collection-level metadata.
    public var metadata: CollectionMetadata

    /// Creates a library.
    public init(entries: [Entry] = [], metadata: CollectionMetadata = CollectionMetadata()) {
        self.entries = entries
        self.metadata = metadata
    }

    /// Appends the entries and metadata of another library (used when reading several inputs).
    public mutating func append(contentsOf other: Library) {
        entries.append(contentsOf: other.entries)
        metadata.merge(other.metadata)
    }
}

/// What belongs to a whole bibliography rather than to one entry.
public struct CollectionMetadata: Sendable, Hashable {
    /// A title for the collection (e.g. the researcher's name for a profile).
    public var title: String?
    /// The person the collection belongs to (a profile's researcher).
    public var owner: PersonName?
    /// Other collection-level properties (`profile:h-index` = `29`), namespaced, in order.
    public var properties: OrderedDictionary<FieldKey, String>
    /// BibTeX `@preamble` contents, verbatim, in order.
    public var preambles: [String]
    /// BibTeX `@string` macro definitions, verbatim values, in order.
    public var macros: OrderedDictionary<String, String>
    /// The comments of the collection's head, in order: those before the first entry (BibTeX),
    /// the text outside records (RIS), unrecognised header lines (profile text). Comments
    /// between entries go with the entry that follows them (``Entry/precedingComments``),
    /// those after the last entry to ``trailingComments``.
    public var comments: [BibComment]
    /// How many of the first ``comments`` came before every `@preamble` and `@string` (the
    /// BibTeX writer puts them first, the others after the `@string`s).
    public var leadingComments: Int
    /// Comments after the last entry, in order (written after it). While a file is read,
    /// the comments met since the last entry wait here for the next one.
    public var trailingComments: [BibComment]

    /// Creates metadata.
    public init(
        title: String? = nil, owner: PersonName? = nil,
        properties: OrderedDictionary<FieldKey, String> = [:], preambles: [String] = [],
        macros: OrderedDictionary<String, String> = [:], comments: [BibComment] = [], leadingComments: Int = 0,
        trailingComments: [BibComment] = []
    ) {
        self.title = title
        self.owner = owner
        self.properties = properties
        self.preambles = preambles
        self.macros = macros
        self.comments = comments
        self.leadingComments = leadingComments
        self.trailingComments = trailingComments
    }

    /// Every comment: the head's, and those after the last entry (not the entries' own).
    public var commentCount: Int { comments.count + trailingComments.count }

    /// True while every comment of the head leads: no `@preamble` or `@string` and no comment
    /// after one came yet, so a comment added now still comes before them.
    public var headCommentsAllLead: Bool { preambles.isEmpty && macros.isEmpty && leadingComments == comments.count }

    /// Adds a comment to the collection's head, leading while ``headCommentsAllLead``.
    public mutating func appendHeadComment(_ comment: BibComment) {
        if headCommentsAllLead { leadingComments += 1 }
        comments.append(comment)
    }

    /// Merges another collection's metadata into this one (first title and owner win; the
    /// other's comments after this one's, its trailing comments after this one's).
    public mutating func merge(_ other: CollectionMetadata) {
        if title == nil { title = other.title }
        if owner == nil { owner = other.owner }
        for (k, v) in other.properties where properties[k] == nil { properties[k] = v }
        // The other's leading comments still lead when all of this one's do and nothing else
        // of this one's comes before them.
        if headCommentsAllLead { leadingComments += other.leadingComments }
        preambles.append(contentsOf: other.preambles)
        for (k, v) in other.macros where macros[k] == nil { macros[k] = v }
        comments.append(contentsOf: other.comments)
        trailingComments.append(contentsOf: other.trailingComments)
    }
}

/// A comment or free text kept outside the entries, for round trips.
///
/// The text is as the source gave it, trimmed. ``Form-swift.enum`` says how it was written,
/// so a writer with comments can write it the same way (BibTeX: `@comment{…}` stays
/// `@comment{…}`, free text stays `%` lines).
public struct BibComment: Hashable, Sendable, ExpressibleByStringLiteral {
    /// How the source wrote a comment.
    public enum Form: UInt8, Hashable, Sendable {
        /// A comment of its own: a BibTeX `@comment{…}` (the text between its delimiters),
        /// or text a format without comments kept (RIS text outside records, profile header
        /// lines).
        case block
        /// Free text between blocks, which BibTeX ignores, line by line as written (a
        /// BibTeX `%` line keeps its `%`).
        case text
    }

    /// The text.
    public var text: String
    /// How it was written.
    public var form: Form

    /// Creates a comment.
    public init(_ text: String, form: Form = .block) {
        self.text = text
        self.form = form
    }

    /// A ``Form-swift.enum/block`` comment.
    public init(stringLiteral value: String) { self.init(value) }
}
