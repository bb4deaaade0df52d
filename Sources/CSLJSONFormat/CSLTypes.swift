import BibModel

/// The CSL type table: one row per ``WorkType`` (the 45 types of CSL 1.0.2), used in both
/// directions, plus the type names other producers write that the reader also accepts, and
/// the genre text written for an ``EntryType/genre`` code.
public enum CSLTypes {
    /// One row: the model's type and the CSL `type` string.
    public struct Row: Sendable, Hashable {
        /// The model's type.
        public var kind: WorkType
        /// The CSL `type` value.
        public var csl: String
    }

    /// The table, one row per work type, in CSL's order.
    public static let rows: [Row] = WorkType.allCases.map { Row(kind: $0, csl: $0.cslName) }

    private static let byKind: [WorkType: String] = Dictionary(uniqueKeysWithValues: rows.map { ($0.kind, $0.csl) })
    private static let byName: [String: WorkType] = Dictionary(uniqueKeysWithValues: rows.map { ($0.csl, $0.kind) })

    /// The CSL `type` for a work type.
    public static func cslType(for kind: WorkType) -> String {
        byKind[kind] ?? kind.cslName
    }

    /// The work type for an exact CSL `type`, or nil when it is not one of the 45.
    public static func workType(forCSL name: String) -> WorkType? {
        byName[name]
    }

    /// Type names written by Zotero, citeproc-js users, pandoc and others that are not CSL
    /// 1.0.2 types, and the type they are read as (lower-cased keys). Anything else that
    /// is not a CSL type is read as `document`; the original string is always kept.
    public static let readAliases: [String: WorkType] = [
        "": .document, "misc": .document, "generic": .document, "other": .document,
        "video": .motionPicture, "film": .motionPicture, "videorecording": .motionPicture,
        "audio": .song, "audiorecording": .song, "podcast": .song,
        "tvbroadcast": .broadcast, "radiobroadcast": .broadcast,
        "preprint": .article, "journal-article": .articleJournal, "journalarticle": .articleJournal,
        "magazinearticle": .articleMagazine, "newspaperarticle": .articleNewspaper,
        "conference-paper": .paperConference, "conferencepaper": .paperConference,
        "inproceedings": .paperConference, "book-chapter": .chapter, "booksection": .chapter,
        "web-page": .webpage, "website": .webpage, "online": .webpage, "blog-post": .postWeblog,
        "blogpost": .postWeblog, "forumpost": .post, "dissertation": .thesis, "techreport": .report,
        "technical-report": .report, "data": .dataset, "data-set": .dataset,
        "computerprogram": .software, "computer-program": .software, "encyclopediaarticle": .entryEncyclopedia,
        "dictionaryentry": .entryDictionary, "case": .legalCase, "statute": .legislation,
        "letter": .personalCommunication, "email": .personalCommunication, "presentation": .speech,
        "artwork": .graphic, "manual": .report,
    ]

    /// The work type a CSL `type` string is read as, and whether it was one of the 45.
    public static func readType(_ name: String) -> (kind: WorkType, exact: Bool) {
        if let kind = byName[name] { return (kind, true) }
        return (readAliases[name.lowercased()] ?? .document, false)
    }

    /// The CSL `genre` text written for an ``EntryType/genre`` code when the entry has no
    /// genre field of its own (pandoc writes the same texts for `@phdthesis`/`@mastersthesis`).
    public static let genreText: [String: String] = [
        "phd": "PhD thesis", "phdthesis": "PhD thesis", "doctoral": "PhD thesis",
        "masters": "Master’s thesis", "mastersthesis": "Master’s thesis", "mathesis": "Master’s thesis",
        "bachelor": "Bachelor’s thesis", "preprint": "Preprint",
    ]
}
