import BibModel

/// The mapping tables between the model and JATS, each one table used in both directions.
enum JATSTables {
    /// CSL type ↔ JATS4R `publication-type`. `canonical` rows are what a reader chooses for
    /// the value; the others are written with `specific-use="csl:<type>"` so they come back.
    static let types: [(kind: WorkType, publicationType: String, canonical: Bool)] = [
        (.articleJournal, "journal", true),
        (.article, "preprint", true),
        (.book, "book", true),
        (.chapter, "book", false),  // recognised by its <chapter-title>
        (.paperConference, "confproc", true),
        (.thesis, "thesis", true),
        (.report, "report", true),
        (.webpage, "webpage", true),
        (.dataset, "data", true),
        (.software, "software", true),
        (.patent, "patent", true),
        (.standard, "standard", true),
        (.articleNewspaper, "newspaper", true),
        (.personalCommunication, "commun", true),
        (.postWeblog, "blog", true),
        (.document, "other", true),
        (.articleMagazine, "journal", false),
        (.review, "journal", false),
        (.reviewBook, "journal", false),
        (.periodical, "journal", false),
        (.entryEncyclopedia, "book", false),
        (.entryDictionary, "book", false),
        (.entry, "book", false),
        (.collection, "book", false),
        (.classic, "book", false),
        (.pamphlet, "book", false),
        (.event, "confproc", false),
        (.post, "webpage", false),
        (.legislation, "gov", false),
        (.bill, "gov", false),
        (.regulation, "gov", false),
        (.treaty, "gov", false),
        (.hearing, "gov", false),
        (.legalCase, "gov", false),
        (.manuscript, "other", false),
        (.broadcast, "other", false),
        (.figure, "other", false),
        (.graphic, "other", false),
        (.interview, "other", false),
        (.map, "other", false),
        (.motionPicture, "other", false),
        (.musicalScore, "other", false),
        (.performance, "other", false),
        (.song, "other", false),
        (.speech, "other", false),
    ]

    /// Values other producers use, read only (never written).
    static let readAliases: [String: WorkType] = [
        "gov": .report, "working-paper": .report, "web": .webpage, "website": .webpage, "wiki": .webpage,
        "database": .dataset, "dataset": .dataset, "conference": .paperConference, "conf-proc": .paperConference,
        "proceedings": .paperConference, "letter": .articleJournal, "article": .articleJournal,
        "discussion": .post, "magazine": .articleMagazine, "chapter": .chapter, "book-chapter": .chapter,
        "dissertation": .thesis, "review": .review, "standards": .standard, "computer-program": .software,
        "journal-article": .articleJournal, "preprint": .article, "unpublished": .manuscript,
    ]

    static let publicationTypeByKind: [WorkType: String] = Dictionary(
        uniqueKeysWithValues: types.map { ($0.kind, $0.publicationType) })

    static let canonicalKindByPublicationType: [String: WorkType] = Dictionary(
        uniqueKeysWithValues: types.filter(\.canonical).map { ($0.publicationType, $0.kind) })

    /// The publication types bibkit writes (the JATS4R values it uses).
    static let writtenPublicationTypes: [String] = {
        var seen: Set<String> = []
        return types.map(\.publicationType).filter { seen.insert($0).inserted }
    }()

    /// The type a reader infers from a `publication-type` (and whether a chapter title was present).
    static func kind(publicationType: String?, hasChapterTitle: Bool) -> WorkType? {
        guard let raw = publicationType?.lowercased() else { return nil }
        if raw == "book" && hasChapterTitle { return .chapter }
        return canonicalKindByPublicationType[raw] ?? readAliases[raw]
    }

    /// Contributor role ↔ `person-group-type`: the closed list of JATS 1.3 Publishing. Other
    /// roles are written as `custom` with `custom-type` set to the CSL role name.
    static let roles: [(role: ContributorRole, groupType: String)] = [
        (.author, "author"),
        (.editor, "editor"),
        (.translator, "translator"),
        (.compiler, "compiler"),
        (ContributorRole("curator"), "curator"),
        (.director, "director"),
        (.illustrator, "illustrator"),
        (ContributorRole("inventor"), "inventor"),
        (ContributorRole("assignee"), "assignee"),
        (ContributorRole("guest-editor"), "guest-editor"),
        (ContributorRole("research-assistant"), "research-assistant"),
        (ContributorRole("transed"), "transed"),
        (ContributorRole("allauthors"), "allauthors"),
    ]

    static let groupTypeByRole: [ContributorRole: String] = Dictionary(
        uniqueKeysWithValues: roles.map { ($0.role, $0.groupType) })
    static let roleByGroupType: [String: ContributorRole] = Dictionary(
        uniqueKeysWithValues: roles.map { ($0.groupType, $0.role) })

    /// Identifier kind ↔ `pub-id-type` (closed list in JATS 1.3 Publishing). ISBN and ISSN have
    /// their own elements; kinds not in the list are written as `custom` + `custom-type`.
    static let pubIDs: [(kind: IdentifierKind, pubIDType: String)] = [
        (.doi, "doi"), (.pmid, "pmid"), (.pmcid, "pmcid"), (.arxiv, "arxiv"), (.hdl, "handle"),
        (IdentifierKind("accession"), "accession"), (IdentifierKind("archive"), "archive"),
        (IdentifierKind("ark"), "ark"), (IdentifierKind("art-access-id"), "art-access-id"),
        (IdentifierKind("coden"), "coden"), (IdentifierKind("doaj"), "doaj"), (IdentifierKind("index"), "index"),
        (IdentifierKind("manuscript"), "manuscript"), (IdentifierKind("medline"), "medline"),
        (IdentifierKind("mr"), "mr"), (IdentifierKind("other"), "other"), (IdentifierKind("pii"), "pii"),
        (IdentifierKind("publisher-id"), "publisher-id"), (IdentifierKind("sici"), "sici"),
        (IdentifierKind("zbl"), "zbl"),
    ]

    static let pubIDTypeByKind: [IdentifierKind: String] = Dictionary(
        uniqueKeysWithValues: pubIDs.map { ($0.kind, $0.pubIDType) })
    static let kindByPubIDType: [String: IdentifierKind] = Dictionary(
        uniqueKeysWithValues: pubIDs.map { ($0.pubIDType, $0.kind) })

    /// Read-only `pub-id-type` spellings from older or looser documents.
    static let pubIDReadAliases: [String: IdentifierKind] = [
        "pmc": .pmcid, "pubmed": .pmid, "hdl": .hdl, "isbn": .isbn, "issn": .issn, "arXiv": .arxiv,
    ]

    /// The JATS elements with plain text content that a reader keeps in `extra` as
    /// `jats:<name>` and the writer puts back (in this order, after the known elements).
    static let passThroughElements: [String] = [
        "conf-acronym", "conf-sponsor", "issue-title", "issue-id", "issue-part", "volume-id",
        "volume-series", "issn-l", "trans-title", "trans-source", "object-id", "gov", "std", "role",
    ]

    /// Link kinds written as `specific-use` on `<ext-link>` (a work link has none).
    static let linkKinds: [String: Link.Kind] = Dictionary(
        uniqueKeysWithValues: Link.Kind.allCases.map { ($0.rawValue, $0) })

    /// Season ↔ `<season>` text.
    static let seasons: [(Season, String)] = [(.spring, "Spring"), (.summer, "Summer"), (.autumn, "Autumn"), (.winter, "Winter")]

    /// English month names and abbreviations for `<month>` text.
    static let monthNames: [String: Int] = {
        let names = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
            "october", "november", "december"]
        var map: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            map[name] = i + 1
            map[String(name.prefix(3))] = i + 1
        }
        map["sept"] = 9
        return map
    }()
}
