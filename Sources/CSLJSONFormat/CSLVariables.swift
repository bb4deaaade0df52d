import BibModel

/// The JSON shape of a CSL 1.0.2 variable, as the official `csl-data.json` declares it.
enum CSLVariableKind: Sendable, Hashable {
    /// A string (`title`, `DOI`, …).
    case string
    /// A string or a number (`volume`, `page`, …).
    case numberOrString
    /// An array of name objects (`author`, …).
    case names
    /// A date object (`issued`, …).
    case date
    /// An array of strings (`categories`).
    case stringArray
    /// `id`: a string or a number.
    case identifier
    /// `type`: one of the 45 type names.
    case type
    /// `custom`: an object.
    case object

    /// True when a parsed value has the shape CSL 1.0.2 requires for this kind (names and
    /// dates only checked for being an array / an object).
    func accepts(_ node: JSONNode) -> Bool {
        switch (self, node.value) {
        case (.string, .string), (.type, .string): return true
        case (.numberOrString, .string), (.numberOrString, .number): return true
        case (.identifier, .string), (.identifier, .number): return true
        case (.names, .array), (.date, .object), (.object, .object): return true
        case (.stringArray, .array(let elements)): return elements.allSatisfy { $0.string != nil }
        default: return false
        }
    }
}

/// The variables of CSL-JSON 1.0.2 (`citation-style-language/schema`, `csl-data.json`),
/// with their JSON shapes, and the mapping of ``Field`` onto them.
enum CSLVariables {
    /// Every property the official schema allows on an item, with its shape.
    static let kinds: [String: CSLVariableKind] = {
        var k: [String: CSLVariableKind] = [
            "type": .type, "id": .identifier, "categories": .stringArray, "custom": .object,
        ]
        for name in stringVariables { k[name] = .string }
        for name in numberVariables { k[name] = .numberOrString }
        for name in nameVariables { k[name] = .names }
        for name in dateVariables { k[name] = .date }
        return k
    }()

    /// The name variables (arrays of name objects).
    static let nameVariables: [String] = [
        "author", "chair", "collection-editor", "compiler", "composer", "container-author",
        "contributor", "curator", "director", "editor", "editorial-director", "executive-producer",
        "guest", "host", "interviewer", "illustrator", "narrator", "organizer", "original-author",
        "performer", "producer", "recipient", "reviewed-author", "script-writer", "series-creator",
        "translator",
    ]

    /// The date variables (date objects).
    static let dateVariables: [String] = [
        "accessed", "available-date", "event-date", "issued", "original-date", "submitted",
    ]

    /// The variables whose value is a string or a number.
    static let numberVariables: [String] = [
        "chapter-number", "citation-number", "collection-number", "edition",
        "first-reference-note-number", "issue", "locator", "number", "number-of-pages",
        "number-of-volumes", "page", "page-first", "part", "printing", "supplement", "volume",
    ]

    /// The variables whose value is a string.
    static let stringVariables: [String] = [
        "citation-key", "language", "journalAbbreviation", "shortTitle", "abstract", "annote",
        "archive", "archive_collection", "archive_location", "archive-place", "authority",
        "call-number", "citation-label", "collection-title", "container-title",
        "container-title-short", "dimensions", "division", "DOI", "event", "event-title",
        "event-place", "genre", "ISBN", "ISSN", "jurisdiction", "keyword", "medium", "note",
        "original-publisher", "original-publisher-place", "original-title", "part-title", "PMCID",
        "PMID", "publisher", "publisher-place", "references", "reviewed-genre", "reviewed-title",
        "scale", "section", "source", "status", "title", "title-short", "URL", "version",
        "volume-title", "volume-title-short", "year-suffix",
    ]

    /// The CSL variable of each ``Field``, or nil for the four fields CSL 1.0.2 has no
    /// variable for (they go to `custom`, see ``CSLCustomKey``).
    static let fieldVariable: [Field: String] = {
        var map: [Field: String] = [:]
        for field in Field.allCases {
            switch field {
            case .institution, .organization, .howPublished, .rights: continue
            default: map[field] = field.rawValue
            }
        }
        return map
    }()

    /// ``fieldVariable`` as a list in ``Field`` order: every field with its variable or nil.
    static let fieldVariables: [(field: Field, variable: String?)] = Field.allCases.map { ($0, fieldVariable[$0]) }

    /// The ``Field`` read from each CSL variable (the inverse of ``fieldVariable``).
    static let variableField: [String: Field] = {
        var map: [String: Field] = [:]
        for (field, name) in fieldVariable { map[name] = field }
        return map
    }()

    /// The identifier kinds with a CSL variable, in the order they are written and read.
    static let identifierVariables: [(kind: IdentifierKind, variable: String)] = [
        (.doi, "DOI"), (.isbn, "ISBN"), (.issn, "ISSN"), (.pmid, "PMID"), (.pmcid, "PMCID"),
    ]

    /// Where the reader puts an identifier found in a top-level variable: ISSN belongs to
    /// the container (the journal) when there is one; ISBN to the container when the work is
    /// a part of a book (chapter, paper in proceedings, encyclopedia entry); everything else,
    /// and everything without a container, to the work itself.
    static func identifierBelongsToContainer(_ kind: IdentifierKind, type: WorkType, hasContainer: Bool) -> Bool {
        guard hasContainer else { return false }
        switch kind {
        case .issn: return true
        case .isbn: return [.chapter, .paperConference, .entry, .entryDictionary, .entryEncyclopedia].contains(type)
        default: return false
        }
    }

    /// Name variables that may be filled from a level's contributors:
    /// CSL variable ↔ (level, role within the level).
    static let levelNameVariables: [(variable: String, level: String, role: ContributorRole)] = [
        ("container-author", "container", .author),
        ("editor", "container", .editor),
        ("collection-editor", "series", .editor),
    ]
}
