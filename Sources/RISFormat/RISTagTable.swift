import BibModel

/// The place in the model a RIS tag reads into and is written from.
public enum RISTarget: Hashable, Sendable, CustomStringConvertible {
    /// `TY`: the work type.
    case type
    /// `ER`: end of record.
    case end
    /// `ID`: the citation key.
    case key
    /// A contributor list (`AU`, `A2`…).
    case contributor(ContributorRole)
    /// The title of the work.
    case title
    /// The short title.
    case shortTitle
    /// The container's title (journal, book, proceedings).
    case containerTitle
    /// The container's abbreviated title.
    case containerAbbreviation
    /// The series title.
    case seriesTitle
    /// A full date (`DA`, `Y1`, `Y2`).
    case date(DateRole)
    /// The publication year (`PY`): written as the year only, read as a date.
    case year
    /// A standard variable.
    case field(Field)
    /// `SN`: an ISSN or ISBN (which one is decided by the value and the work type).
    case standardNumber
    /// The DOI.
    case doi
    /// A link.
    case link(Link.Kind)
    /// The abstract.
    case abstract
    /// One keyword.
    case keyword
    /// The language.
    case language
    /// One note.
    case note

    /// A readable name, used in test output.
    public var description: String {
        switch self {
        case .type: "type"
        case .end: "end"
        case .key: "key"
        case .contributor(let r): "contributor(\(r))"
        case .title: "title"
        case .shortTitle: "shortTitle"
        case .containerTitle: "containerTitle"
        case .containerAbbreviation: "containerAbbreviation"
        case .seriesTitle: "seriesTitle"
        case .date(let r): "date(\(r))"
        case .year: "year"
        case .field(let f): "field(\(f.rawValue))"
        case .standardNumber: "standardNumber"
        case .doi: "doi"
        case .link(let k): "link(\(k.rawValue))"
        case .abstract: "abstract"
        case .keyword: "keyword"
        case .language: "language"
        case .note: "note"
        }
    }

    /// True when a record holds any number of values for this target.
    public var isRepeatable: Bool {
        switch self {
        case .contributor, .keyword, .note, .link, .standardNumber: true
        default: false
        }
    }
}

/// The work types a row applies to.
public enum RISTypeScope: Hashable, Sendable {
    /// Every work type.
    case all
    /// Only these.
    case only(Set<WorkType>)
    /// All but these.
    case except(Set<WorkType>)

    /// True when the scope includes a work type.
    public func contains(_ kind: WorkType) -> Bool {
        switch self {
        case .all: true
        case .only(let s): s.contains(kind)
        case .except(let s): !s.contains(kind)
        }
    }
}

/// One row of the tag table.
public struct RISTagRule: Hashable, Sendable {
    /// How a row is used.
    public enum Direction: Hashable, Sendable {
        /// Read and written: the writer emits this tag for the target, and reading the
        /// tag gives the target back (checked by a symmetry test).
        case both
        /// Read only: an older or vendor tag the writer replaces by the `both` row.
        case read
        /// Written only when the target's own tag is taken or missing (e.g. a thesis'
        /// institution written as `PB` when there is no publisher).
        case writeFallback
    }

    /// The tag.
    public let tag: String
    /// Where its value goes.
    public let target: RISTarget
    /// The work types the row applies to.
    public let scope: RISTypeScope
    /// How the row is used.
    public let direction: Direction
    /// Precedence when several tags feed one target (0 wins).
    public let rank: Int
}

/// The RIS tag table: one list of rows, read in both directions (research notes §8).
///
/// The reader looks rows up by tag and work type; the writer by target and work type.
/// Tags without a row go to ``Entry/extra`` as `ris:XX` and are written back verbatim.
public enum RISTagTable {
    /// Book-like types: RIS puts their series in `T2`, series editors in `A2`, editors in `A3`.
    public static let bookLike: Set<WorkType> = [.book, .classic]
    /// Types whose `SP` alone is the number of pages (Zotero: book, thesis, manuscript).
    public static let pageCountKinds: Set<WorkType> = [.book, .classic, .thesis, .manuscript]
    /// Types whose `SN` is a report or patent number when it is not an ISBN/ISSN.
    public static let numberedKinds: Set<WorkType> = [.report, .patent]
    /// Types whose `SN` defaults to an ISSN.
    public static let serialKinds: Set<WorkType> = [
        .articleJournal, .articleMagazine, .articleNewspaper, .periodical, .review, .reviewBook,
    ]
    /// Types that are part of a container: their ISSN/ISBN belongs to the container.
    public static let containedKinds: Set<WorkType> = [
        .articleJournal, .articleMagazine, .articleNewspaper, .chapter, .paperConference,
        .entry, .entryDictionary, .entryEncyclopedia, .postWeblog, .post, .review, .reviewBook,
    ]

    /// The rows.
    public static let rules: [RISTagRule] = [
        rule("TY", .type),
        rule("ER", .end),
        rule("ID", .key),
        // Creators
        rule("AU", .contributor(.author)),
        rule("A1", .contributor(.author), .read),
        rule("A2", .contributor(.editor), scope: .except(bookLike)),
        rule("A2", .contributor(.collectionEditor), scope: .only(bookLike)),
        rule("ED", .contributor(.editor), .read),
        rule("A3", .contributor(.collectionEditor), scope: .except(bookLike)),
        rule("A3", .contributor(.editor), scope: .only(bookLike)),
        rule("A4", .contributor(.translator)),
        // Titles
        rule("TI", .title),
        rule("T1", .title, .read, rank: 1),
        rule("CT", .title, .read, rank: 2),
        rule("BT", .title, .read, rank: 3, scope: .only(bookLike.union([.manuscript]))),
        rule("ST", .shortTitle),
        rule("T2", .containerTitle, scope: .except(bookLike)),
        rule("JF", .containerTitle, .read, rank: 1),
        rule("JO", .containerTitle, .read, rank: 2),
        rule("JA", .containerTitle, .read, rank: 3),
        rule("J1", .containerTitle, .read, rank: 4),
        rule("BT", .containerTitle, .read, rank: 5, scope: .except(bookLike.union([.manuscript]))),
        rule("J2", .containerAbbreviation),
        rule("JA", .containerAbbreviation, .read, rank: 1),
        rule("J1", .containerAbbreviation, .read, rank: 2),
        rule("JO", .containerAbbreviation, .read, rank: 3),
        rule("T3", .seriesTitle, scope: .except(bookLike)),
        rule("T2", .seriesTitle, scope: .only(bookLike)),
        rule("T3", .seriesTitle, .read, rank: 1, scope: .only(bookLike)),
        // Dates
        rule("DA", .date(.issued)),
        rule("PY", .year, rank: 1),
        rule("Y1", .date(.issued), .read, rank: 2),
        rule("Y2", .date(.accessed)),
        // Publication
        rule("VL", .field(.volume)),
        rule("VO", .field(.volume), .read, rank: 1),
        rule("IS", .field(.issue)),
        rule("SP", .field(.page)),
        rule("EP", .field(.page)),
        rule("SP", .field(.numberOfPages), scope: .only(pageCountKinds)),
        rule("SN", .field(.number), scope: .only(numberedKinds)),
        rule("M1", .field(.number), scope: .except(numberedKinds)),
        rule("M1", .field(.number), .read, rank: 1, scope: .only(numberedKinds)),
        rule("NV", .field(.numberOfVolumes)),
        rule("SE", .field(.section)),
        rule("ET", .field(.edition), scope: .except([.software])),
        rule("ET", .field(.version), scope: .only([.software])),
        rule("M3", .field(.genre)),
        rule("CY", .field(.publisherPlace)),
        rule("PB", .field(.publisher)),
        rule("PB", .field(.institution), .writeFallback),
        rule("AN", .field(.archiveLocation)),
        rule("DB", .field(.archive)),
        rule("CN", .field(.callNumber)),
        rule("H2", .field(.callNumber), .read, rank: 1),  // Citavi
        rule("RN", .field(.annote)),
        rule("SN", .standardNumber),
        // Identifiers and links
        rule("DO", .doi),
        rule("DI", .doi, .read, rank: 1),  // Web of Science
        rule("UR", .link(.work)),
        rule("UR", .link(.code), .writeFallback),
        rule("UR", .link(.data), .writeFallback),
        rule("L1", .link(.fullText)),
        rule("L1", .link(.file)),
        rule("L2", .link(.related)),
        // Content
        rule("AB", .abstract),
        rule("N2", .abstract, .read, rank: 1),
        rule("KW", .keyword),
        rule("LA", .language),
        rule("N1", .note),
    ]

    private static func rule(
        _ tag: String, _ target: RISTarget, _ direction: RISTagRule.Direction = .both, rank: Int = 0,
        scope: RISTypeScope = .all
    ) -> RISTagRule {
        RISTagRule(tag: tag, target: target, scope: scope, direction: direction, rank: rank)
    }

    private static let byTag: [String: [RISTagRule]] = Dictionary(grouping: rules.filter { $0.direction != .writeFallback }, by: \.tag)

    private struct TagKind: Hashable {
        var tag: String
        var kind: WorkType
    }

    /// Read rows by tag and work type, computed once.
    private static let readIndex: [TagKind: [RISTagRule]] = {
        var index: [TagKind: [RISTagRule]] = [:]
        for (tag, candidates) in byTag {
            for kind in WorkType.allCases {
                let rows = candidates.filter { $0.scope.contains(kind) }
                if !rows.isEmpty { index[TagKind(tag: tag, kind: kind)] = rows }
            }
        }
        return index
    }()

    /// The rows a tag reads into for a work type, in table order.
    public static func readRules(tag: String, kind: WorkType) -> [RISTagRule] {
        readIndex[TagKind(tag: tag, kind: kind)] ?? []
    }

    /// The tags the writer emits for a target and work type (`DA` and `PY` both carry the
    /// issued date); empty when the target has no tag for that type.
    public static func writeTags(for target: RISTarget, kind: WorkType) -> [String] {
        writeIndex[TargetKind(target: target, kind: kind)] ?? []
    }

    private struct TargetKind: Hashable {
        var target: RISTarget
        var kind: WorkType
    }

    /// Written tags by target and work type, computed once.
    private static let writeIndex: [TargetKind: [String]] = {
        var index: [TargetKind: [String]] = [:]
        for rule in rules where rule.direction == .both {
            for kind in WorkType.allCases where rule.scope.contains(kind) {
                index[TargetKind(target: rule.target, kind: kind), default: []].append(rule.tag)
            }
        }
        return index
    }()

    /// The tag used when a target has no tag of its own for a type but may borrow one.
    public static func fallbackTag(for target: RISTarget, kind: WorkType) -> String? {
        rules.first { $0.direction == .writeFallback && $0.target == target && $0.scope.contains(kind) }?.tag
    }

    /// Every tag the table knows (also accepted in lower case or with a missing space).
    public static let knownTags: Set<String> = Set(rules.map(\.tag)).union(legacyTags).union(portableTags)

    /// Tags that RIS clients (rispy, bibutils, EndNote, Zotero) accept: the 2011 list
    /// plus the classic tags. The writer emits only these.
    public static let portableTags: Set<String> = [
        "TY", "ER", "A1", "A2", "A3", "A4", "AB", "AD", "AN", "AU", "C1", "C2", "C3", "C4", "C5", "C6",
        "C7", "C8", "CA", "CN", "CY", "DA", "DB", "DO", "DP", "EP", "ET", "ID", "IS", "J2", "JA", "JF",
        "JO", "KW", "L1", "L2", "L4", "LA", "LB", "M1", "M3", "N1", "N2", "NV", "PB", "PY", "RI", "RN",
        "RP", "SE", "SN", "SP", "ST", "T1", "T2", "T3", "TA", "TI", "TT", "UK", "UR", "VL", "Y1", "Y2",
        "OP", "BT", "CT", "CP", "ED", "J1", "L3", "LK", "M2", "U1", "U2", "U3", "U4", "U5", "AV", "VO",
        "RD",
    ]

    /// Older or vendor tags recognised in loose spellings but without a row of their own.
    public static let legacyTags: Set<String> = [
        "U1", "U2", "U3", "U4", "U5", "U6", "M2", "L3", "L4", "LK", "AV", "CP", "RD", "AD", "C1", "C2",
        "C3", "C4", "C5", "C6", "C7", "C8", "CA", "DP", "LB", "OP", "RI", "RP", "TA", "TT", "H1", "H2",
        "SV", "CR",
    ]

    /// Tags a record may hold at most once (a second one is dropped by common clients).
    public static let singleValued: Set<String> = [
        "TY", "ER", "ID", "TI", "T1", "CT", "BT", "T2", "T3", "ST", "J2", "JO", "JF", "JA", "J1", "PY",
        "Y1", "DA", "Y2", "DO", "VL", "IS", "SP", "EP", "NV", "SE", "ET", "M1", "M3", "CY", "PB", "AB",
        "N2", "LA", "AN", "DB", "CN", "RN",
    ]

    /// Tags whose value must be a RIS date (`YYYY` or `YYYY/MM/DD/other`).
    public static let dateTags: Set<String> = ["PY", "Y1", "DA", "Y2"]

    /// Four-letter MEDLINE tags seen inside RIS exports (`PMID - 12345`), read as identifiers.
    public static let medlineTags: [String: IdentifierKind] = ["PMID": .pmid, "PMC": .pmcid, "PMCID": .pmcid]
}
