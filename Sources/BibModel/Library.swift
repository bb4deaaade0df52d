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
    /// Comments and free text between entries, verbatim, in order (for round trips).
    public var comments: [String]

    /// Creates metadata.
    public init(
        title: String? = nil, owner: PersonName? = nil,
        properties: OrderedDictionary<FieldKey, String> = [:], preambles: [String] = [],
        macros: OrderedDictionary<String, String> = [:], comments: [String] = []
    ) {
        self.title = title
        self.owner = owner
        self.properties = properties
        self.preambles = preambles
        self.macros = macros
        self.comments = comments
    }

    /// Merges another collection's metadata into this one (first title and owner win).
    public mutating func merge(_ other: CollectionMetadata) {
        if title == nil { title = other.title }
        if owner == nil { owner = other.owner }
        for (k, v) in other.properties where properties[k] == nil { properties[k] = v }
        preambles.append(contentsOf: other.preambles)
        for (k, v) in other.macros where macros[k] == nil { macros[k] = v }
        comments.append(contentsOf: other.comments)
    }
}
