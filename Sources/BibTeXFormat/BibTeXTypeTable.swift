import BibModel

/// How a written entry type says which ``WorkType`` it stands for when the type alone is ambiguous.
public enum BibTeXTypeMarker: Hashable, Sendable {
    /// Nothing: the entry type alone identifies the row.
    case none
    /// The `type` field carries this label (`@misc` + `type = {Dataset}`); when `type` already
    /// holds the entry's genre the label goes to `entrysubtype` instead.
    case typeField(String)
    /// `entrysubtype` carries this value (`@article` + `entrysubtype = {magazine}`).
    case subtype(String)

    /// The marker's value, if any.
    public var value: String? {
        switch self {
        case .none: nil
        case .typeField(let v), .subtype(let v): v
        }
    }
}

/// One row of the entry-type crosswalk: a model type (and genre) and what each dialect writes.
///
/// The same rows serve the writer (model → `@type`) and the reader (`@type` + marker → model).
public struct BibTeXTypeRow: Hashable, Sendable {
    /// Which directions a row is used in.
    public enum Direction: Hashable, Sendable {
        /// Written and read.
        case both
        /// Only read: an alias such as `@conference` or biblatex's `@mvbook`.
        case readOnly
    }

    /// The model type.
    public var kind: WorkType
    /// The finer genre (``EntryType/genre``) this row stands for, or nil.
    public var genre: String?
    /// The classic BibTeX entry type.
    public var bibtex: String
    /// What marks this row in classic BibTeX when the entry type is shared.
    public var bibtexMarker: BibTeXTypeMarker
    /// The BibLaTeX entry type.
    public var biblatex: String
    /// What marks this row in BibLaTeX when the entry type is shared.
    public var biblatexMarker: BibTeXTypeMarker
    /// The BibLaTeX type used instead when the work has no editor (`incollection` → `inbook`),
    /// because biber requires an editor for collections.
    public var biblatexWithoutEditor: String?
    /// The BibLaTeX type used instead when the work has editors but no author (`book` →
    /// `collection`, an edited volume), because biber requires an author for `@book`.
    public var biblatexWithoutAuthor: String?
    /// A value for BibLaTeX's mandatory `type` field when the entry gives none (`techreport`).
    public var biblatexDefaultTypeField: String?
    /// The directions the row is used in.
    public var direction: Direction

    /// Creates a row.
    public init(
        _ kind: WorkType, genre: String? = nil, bibtex: String, _ bibtexMarker: BibTeXTypeMarker = .none,
        biblatex: String, _ biblatexMarker: BibTeXTypeMarker = .none, biblatexWithoutEditor: String? = nil,
        biblatexWithoutAuthor: String? = nil, biblatexDefaultTypeField: String? = nil, direction: Direction = .both
    ) {
        self.kind = kind
        self.genre = genre
        self.bibtex = bibtex
        self.bibtexMarker = bibtexMarker
        self.biblatex = biblatex
        self.biblatexMarker = biblatexMarker
        self.biblatexWithoutEditor = biblatexWithoutEditor
        self.biblatexWithoutAuthor = biblatexWithoutAuthor
        self.biblatexDefaultTypeField = biblatexDefaultTypeField
        self.direction = direction
    }

    /// The entry type written in a dialect.
    public func type(in dialect: BibTeXDialect) -> String {
        dialect == .bibtex ? bibtex : biblatex
    }

    /// The marker used in a dialect.
    public func marker(in dialect: BibTeXDialect) -> BibTeXTypeMarker {
        dialect == .bibtex ? bibtexMarker : biblatexMarker
    }
}

/// The entry-type crosswalk (research/features.md §4) as data, used in both directions.
public enum BibTeXTypeTable {
    /// Every row. For each dialect, the first `.both` row with a given entry type and no
    /// marker is that type's canonical reading.
    public static let rows: [BibTeXTypeRow] = [
        // Canonical readings of the shared types come first.
        .init(.document, bibtex: "misc", biblatex: "misc"),
        .init(.articleJournal, bibtex: "article", biblatex: "article"),
        .init(.book, bibtex: "book", biblatex: "book", biblatexWithoutAuthor: "collection"),
        .init(.chapter, bibtex: "incollection", biblatex: "incollection", biblatexWithoutEditor: "inbook"),
        .init(.paperConference, bibtex: "inproceedings", biblatex: "inproceedings"),
        .init(.thesis, genre: "phd", bibtex: "phdthesis", biblatex: "thesis", .typeField("phdthesis")),
        .init(.thesis, genre: "masters", bibtex: "mastersthesis", biblatex: "thesis", .typeField("mathesis")),
        .init(.thesis, bibtex: "phdthesis", biblatex: "thesis"),
        .init(.report, bibtex: "techreport", biblatex: "report", biblatexDefaultTypeField: "techreport"),
        .init(.manuscript, bibtex: "unpublished", biblatex: "unpublished"),
        .init(.pamphlet, bibtex: "booklet", biblatex: "booklet"),
        .init(.book, genre: "proceedings", bibtex: "proceedings", biblatex: "proceedings"),
        .init(.book, genre: "manual", bibtex: "manual", biblatex: "manual"),
        .init(.webpage, bibtex: "misc", .typeField("Web page"), biblatex: "online"),
        .init(.dataset, bibtex: "misc", .typeField("Dataset"), biblatex: "dataset"),
        .init(.software, bibtex: "misc", .typeField("Software"), biblatex: "software"),
        .init(.patent, bibtex: "misc", .typeField("Patent"), biblatex: "patent"),
        .init(.periodical, bibtex: "misc", .typeField("Periodical"), biblatex: "periodical"),
        .init(
            .entryEncyclopedia, bibtex: "incollection", .subtype("encyclopedia"), biblatex: "inreference",
            biblatexWithoutEditor: "inbook"),
        // Types that share an entry type with a canonical row and carry a marker.
        .init(.article, genre: "preprint", bibtex: "misc", .typeField("Preprint"), biblatex: "misc", .typeField("Preprint")),
        .init(.article, bibtex: "misc", .subtype("article"), biblatex: "misc", .subtype("article")),
        .init(.articleMagazine, bibtex: "article", .subtype("magazine"), biblatex: "article", .subtype("magazine")),
        .init(.articleNewspaper, bibtex: "article", .subtype("newspaper"), biblatex: "article", .subtype("newspaper")),
        .init(.review, bibtex: "article", .subtype("review"), biblatex: "article", .subtype("review")),
        .init(.reviewBook, bibtex: "article", .subtype("review-book"), biblatex: "article", .subtype("review-book")),
        .init(
            .classic, bibtex: "book", .subtype("classic"), biblatex: "book", .subtype("classic"),
            biblatexWithoutAuthor: "collection"),
        .init(
            .entryDictionary, bibtex: "incollection", .subtype("dictionary"), biblatex: "inreference",
            .subtype("dictionary"), biblatexWithoutEditor: "inbook"),
        .init(.speech, bibtex: "unpublished", .subtype("speech"), biblatex: "unpublished", .subtype("speech")),
        .init(.post, bibtex: "misc", .typeField("Post"), biblatex: "online", .subtype("post")),
        .init(.postWeblog, bibtex: "misc", .typeField("Blog post"), biblatex: "online", .subtype("post-weblog")),
        // Types neither dialect has: `@misc` with the kind in `type`. (CSL's `collection` is an
        // archival collection; BibLaTeX's `@collection` is an edited book and reads as `book`.) BibLaTeX's own `@movie`,
        // `@artwork`, `@standard`… declare no fields in biber's default data model, so even
        // `title` would be reported there.
        .init(.bill, bibtex: "misc", .typeField("Bill"), biblatex: "misc", .typeField("Bill")),
        .init(.collection, bibtex: "misc", .typeField("Collection"), biblatex: "misc", .typeField("Collection")),
        .init(.broadcast, bibtex: "misc", .typeField("Broadcast"), biblatex: "misc", .typeField("Broadcast")),
        .init(.entry, bibtex: "misc", .typeField("Entry"), biblatex: "misc", .typeField("Entry")),
        .init(.event, bibtex: "misc", .typeField("Event"), biblatex: "misc", .typeField("Event")),
        .init(.figure, bibtex: "misc", .typeField("Figure"), biblatex: "misc", .typeField("Figure")),
        .init(.graphic, bibtex: "misc", .typeField("Graphic"), biblatex: "misc", .typeField("Graphic")),
        .init(.hearing, bibtex: "misc", .typeField("Hearing"), biblatex: "misc", .typeField("Hearing")),
        .init(.interview, bibtex: "misc", .typeField("Interview"), biblatex: "misc", .typeField("Interview")),
        .init(.legalCase, bibtex: "misc", .typeField("Legal case"), biblatex: "misc", .typeField("Legal case")),
        .init(.legislation, bibtex: "misc", .typeField("Legislation"), biblatex: "misc", .typeField("Legislation")),
        .init(.map, bibtex: "misc", .typeField("Map"), biblatex: "misc", .typeField("Map")),
        .init(.motionPicture, bibtex: "misc", .typeField("Motion picture"), biblatex: "misc", .typeField("Motion picture")),
        .init(.musicalScore, bibtex: "misc", .typeField("Musical score"), biblatex: "misc", .typeField("Musical score")),
        .init(.performance, bibtex: "misc", .typeField("Performance"), biblatex: "misc", .typeField("Performance")),
        .init(
            .personalCommunication, bibtex: "misc", .typeField("Personal communication"), biblatex: "misc",
            .typeField("Personal communication")),
        .init(.regulation, bibtex: "misc", .typeField("Regulation"), biblatex: "misc", .typeField("Regulation")),
        .init(.song, bibtex: "misc", .typeField("Song"), biblatex: "misc", .typeField("Song")),
        .init(.standard, bibtex: "misc", .typeField("Standard"), biblatex: "misc", .typeField("Standard")),
        .init(.treaty, bibtex: "misc", .typeField("Treaty"), biblatex: "misc", .typeField("Treaty")),
        // Read-only aliases.
        .init(.paperConference, bibtex: "conference", biblatex: "conference", direction: .readOnly),
        .init(.webpage, bibtex: "online", biblatex: "online", direction: .readOnly),
        .init(.webpage, bibtex: "electronic", biblatex: "electronic", direction: .readOnly),
        .init(.webpage, bibtex: "www", biblatex: "www", direction: .readOnly),
        .init(.thesis, bibtex: "thesis", biblatex: "thesis", direction: .readOnly),
        .init(.report, bibtex: "report", biblatex: "techreport", direction: .readOnly),
        .init(.thesis, genre: "phd", bibtex: "phdthesis", biblatex: "phdthesis", direction: .readOnly),
        .init(.thesis, genre: "masters", bibtex: "mastersthesis", biblatex: "mastersthesis", direction: .readOnly),
        .init(.chapter, bibtex: "inbook", biblatex: "inbook", direction: .readOnly),
        .init(.chapter, bibtex: "bookinbook", biblatex: "bookinbook", direction: .readOnly),
        .init(.chapter, bibtex: "suppbook", biblatex: "suppbook", direction: .readOnly),
        .init(.chapter, bibtex: "suppcollection", biblatex: "suppcollection", direction: .readOnly),
        .init(.book, genre: "multivolume", bibtex: "mvbook", biblatex: "mvbook", direction: .readOnly),
        .init(.book, genre: "multivolume", bibtex: "mvcollection", biblatex: "mvcollection", direction: .readOnly),
        .init(.book, genre: "reference", bibtex: "reference", biblatex: "reference", direction: .readOnly),
        .init(.book, genre: "reference", bibtex: "mvreference", biblatex: "mvreference", direction: .readOnly),
        .init(.book, genre: "proceedings", bibtex: "mvproceedings", biblatex: "mvproceedings", direction: .readOnly),
        .init(.entryEncyclopedia, bibtex: "inreference", biblatex: "inreference", direction: .readOnly),
        .init(.articleJournal, bibtex: "suppperiodical", biblatex: "suppperiodical", direction: .readOnly),
        .init(.dataset, bibtex: "dataset", biblatex: "dataset", direction: .readOnly),
        .init(.software, bibtex: "software", biblatex: "software", direction: .readOnly),
        .init(.patent, bibtex: "patent", biblatex: "patent", direction: .readOnly),
        .init(.periodical, bibtex: "periodical", biblatex: "periodical", direction: .readOnly),
        .init(.book, bibtex: "collection", biblatex: "collection", direction: .readOnly),
        .init(.standard, bibtex: "standard", biblatex: "standard", direction: .readOnly),
        .init(.personalCommunication, bibtex: "letter", biblatex: "letter", direction: .readOnly),
        .init(.motionPicture, bibtex: "movie", biblatex: "movie", direction: .readOnly),
        .init(.motionPicture, bibtex: "video", biblatex: "video", direction: .readOnly),
        .init(.song, bibtex: "audio", biblatex: "audio", direction: .readOnly),
        .init(.song, bibtex: "music", biblatex: "music", direction: .readOnly),
        .init(.graphic, bibtex: "artwork", biblatex: "artwork", direction: .readOnly),
        .init(.graphic, bibtex: "image", biblatex: "image", direction: .readOnly),
        .init(.legalCase, bibtex: "jurisdiction", biblatex: "jurisdiction", direction: .readOnly),
        .init(.legislation, bibtex: "legislation", biblatex: "legislation", direction: .readOnly),
        .init(.treaty, bibtex: "legal", biblatex: "legal", direction: .readOnly),
        .init(.review, bibtex: "review", biblatex: "review", direction: .readOnly),
        .init(.performance, bibtex: "performance", biblatex: "performance", direction: .readOnly),
        .init(.book, genre: "commentary", bibtex: "commentary", biblatex: "commentary", direction: .readOnly),
    ]

    /// The entry types classic BibTeX styles (`plain`, `unsrtnat`, `abbrvnat`) define.
    public static let bibtexTypes: Set<String> = [
        "article", "book", "booklet", "conference", "inbook", "incollection", "inproceedings", "manual",
        "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished",
    ]

    /// The row the writer uses for a type: same kind and genre, else the kind's genre-less row,
    /// else the kind's first row.
    public static func row(for kind: WorkType, genre: String?) -> BibTeXTypeRow {
        let normalized = normalizedGenre(genre)
        let candidates = writeRows(for: kind)
        if let normalized, let exact = candidates.first(where: { $0.genre == normalized }) { return exact }
        if let plain = candidates.first(where: { $0.genre == nil }) { return plain }
        return candidates.first ?? BibTeXTypeRow(.document, bibtex: "misc", biblatex: "misc")
    }

    /// Maps the spellings readers and users give (`PhD`, `master's`, `Preprint`) onto the
    /// genres the table uses; nil for nil or empty.
    public static func normalizedGenre(_ genre: String?) -> String? {
        guard let genre else { return nil }
        let g = genre.lowercased().filter { $0.isLetter }
        if g.isEmpty { return nil }
        switch g {
        case "phd", "phdthesis", "doctoral", "doctoralthesis", "dissertation", "doctoraldissertation": return "phd"
        case "masters", "master", "mastersthesis", "ma", "msc", "mathesis", "masterthesis": return "masters"
        default: return g
        }
    }

    /// Whether a dialect's styles know an entry type (used for `bibtex:`/`biblatex:` originals).
    public static func isWritable(_ type: String, in dialect: BibTeXDialect) -> Bool {
        switch dialect {
        case .bibtex: bibtexTypes.contains(type)
        case .biblatex: BibLaTeXDataModel.entryFields[type] != nil
        }
    }

    /// Reads a written type back: the entry type, the `type` field and `entrysubtype` give
    /// the model's type. Unknown entry types give `.document` with the original kept.
    public static func entryType(
        written: String, typeField: String?, subtypeField: String?, dialect: BibTeXDialect
    ) -> EntryType {
        reading(written: written, typeField: typeField, subtypeField: subtypeField, dialect: dialect).type
    }

    /// What ``entryType(written:typeField:subtypeField:dialect:)`` read, and whether the
    /// `type` and `entrysubtype` fields were used up doing so (a reader keeps an unused
    /// `type` as the work's genre field).
    public struct Reading: Hashable, Sendable {
        /// The entry type.
        public var type: EntryType
        /// The `type` field was a marker of the row (`@misc` + `type = {Dataset}`) or
        /// BibLaTeX's default for the type (`@report` + `type = {techreport}`).
        public var usedTypeField: Bool
        /// The `entrysubtype` field went into the type or its genre.
        public var usedSubtypeField: Bool
    }

    /// Reads a written type back (see ``entryType(written:typeField:subtypeField:dialect:)``)
    /// and says which marker fields it used.
    public static func reading(
        written: String, typeField: String?, subtypeField: String?, dialect: BibTeXDialect
    ) -> Reading {
        let name = written.lowercased()
        let original = FieldKey(dialect.namespace, name)
        let sameType = (dialect == .bibtex ? rowsByBibTeXType : rowsByBibLaTeXType)[name] ?? []
        func matches(_ value: String?, _ candidate: String) -> Bool {
            guard let value else { return false }
            return value.trimmingSpaces.lowercased() == candidate.lowercased()
        }
        let hasSubtype = !(subtypeField?.trimmingSpaces.isEmpty ?? true)
        for row in sameType where row.direction == .both {
            switch row.marker(in: dialect) {
            case .none: continue
            case .typeField(let label):
                if matches(typeField, label) {
                    // A genre the writer moved to `entrysubtype` because `type` held the marker.
                    let genre = hasSubtype ? subtypeField?.trimmingSpaces : row.genre
                    return Reading(
                        type: EntryType(row.kind, original: original, genre: genre), usedTypeField: true,
                        usedSubtypeField: hasSubtype)
                }
                if matches(subtypeField, label) {
                    return Reading(
                        type: EntryType(row.kind, original: original, genre: row.genre), usedTypeField: false,
                        usedSubtypeField: true)
                }
            case .subtype(let value):
                if matches(subtypeField, value) {
                    return Reading(
                        type: EntryType(row.kind, original: original, genre: row.genre), usedTypeField: false,
                        usedSubtypeField: true)
                }
            }
        }
        let canonical = sameType.first(where: { $0.marker(in: dialect) == .none })
        let defaultType = canonical?.biblatexDefaultTypeField.map { dialect == .biblatex && matches(typeField, $0) } ?? false
        // `entrysubtype` may name a CSL type the table gave no marker for (an original type
        // that differed from the row's); otherwise it is the genre.
        if let sub = subtypeField?.trimmingSpaces.lowercased(), let kind = WorkType(rawValue: sub) {
            return Reading(type: EntryType(kind, original: original), usedTypeField: defaultType, usedSubtypeField: true)
        }
        let genre = subtypeField.map { $0.trimmingSpaces }.flatMap { $0.isEmpty ? nil : $0 }
        if let canonical {
            return Reading(
                type: EntryType(canonical.kind, original: original, genre: genre ?? canonical.genre),
                usedTypeField: defaultType, usedSubtypeField: hasSubtype)
        }
        if let any = sameType.first {
            return Reading(
                type: EntryType(any.kind, original: original, genre: genre ?? any.genre), usedTypeField: false,
                usedSubtypeField: hasSubtype)
        }
        return Reading(type: EntryType(.document, original: original, genre: genre), usedTypeField: false, usedSubtypeField: hasSubtype)
    }

    /// The rows of each written type (lower case), in table order, per dialect.
    private static let rowsByBibTeXType: [String: [BibTeXTypeRow]] = Dictionary(grouping: rows, by: \.bibtex)
    private static let rowsByBibLaTeXType: [String: [BibTeXTypeRow]] = Dictionary(grouping: rows, by: \.biblatex)

    /// The rows used when writing a kind, in table order.
    static func writeRows(for kind: WorkType) -> [BibTeXTypeRow] {
        writeRowsByKind[kind] ?? []
    }

    private static let writeRowsByKind: [WorkType: [BibTeXTypeRow]] = {
        var out: [WorkType: [BibTeXTypeRow]] = [:]
        for row in rows where row.direction == .both { out[row.kind, default: []].append(row) }
        return out
    }()

    /// The canonical row read back for an entry type with no marker.
    static func canonicalRow(forWritten type: String, dialect: BibTeXDialect) -> BibTeXTypeRow? {
        rows.first { $0.type(in: dialect) == type && $0.marker(in: dialect) == .none }
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    var trimmingSpaces: String {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        // Most values have nothing to trim: no copy then.
        if let f = utf8.first, let l = utf8.last, !isSpace(f), !isSpace(l) { return self }
        var s = Substring(self)
        while let f = s.utf8.first, f == 0x20 || f == 0x09 || f == 0x0A || f == 0x0D { s = s.dropFirst() }
        while let l = s.utf8.last, l == 0x20 || l == 0x09 || l == 0x0A || l == 0x0D { s = s.dropLast() }
        return String(s)
    }
}
