import BibModel

/// The RIS reference types (`TY`) and the work types they stand for: one table, read
/// in both directions. Every `TY` value seen in the wild has a row; each work type has
/// exactly one row marked `canonical`, which is what the writer emits.
public enum RISTypeTable {
    /// One row of the table.
    public struct Row: Hashable, Sendable {
        /// The `TY` value, upper case.
        public let ty: String
        /// The work type it is read as.
        public let kind: WorkType
        /// True for the one row per work type that the writer emits.
        public let canonical: Bool
        /// True when common RIS clients (rispy, EndNote, Zotero) accept the value; the
        /// writer only emits portable values.
        public let portable: Bool
    }

    /// The rows, grouped by work type. Sources: the RIS specification, Zotero's RIS
    /// translator, citation-js and bibutils (see research notes §4 and §8).
    public static let rows: [Row] = [
        row("JOUR", .articleJournal, canonical: true),
        row("ABST", .articleJournal),
        row("EJOUR", .articleJournal),
        row("INPR", .articleJournal),
        row("JFULL", .articleJournal),
        row("JOURN", .articleJournal, portable: false),  // a common typo
        row("MGZN", .articleMagazine, canonical: true),
        row("NEWS", .articleNewspaper, canonical: true),
        row("PRESS", .articleNewspaper, portable: false),  // press release (EndNote)
        row("BOOK", .book, canonical: true),
        row("EBOOK", .book),
        row("EDBOOK", .book),
        row("CTLG", .book),
        row("CLSWK", .classic, canonical: true),
        row("ANCIENT", .classic),
        row("CHAP", .chapter, canonical: true),
        row("ECHAP", .chapter),
        row("CONF", .paperConference, canonical: true),
        row("CPAPER", .paperConference),
        row("THES", .thesis, canonical: true),
        row("RPRT", .report, canonical: true),
        row("GOVDOC", .report),
        row("ELEC", .webpage, canonical: true),
        row("WEB", .webpage, portable: false),  // EndNote
        row("BLOG", .postWeblog, canonical: true),
        row("DATA", .dataset, canonical: true),
        row("DBASE", .dataset),
        row("AGGR", .dataset),
        row("COMP", .software, canonical: true),
        row("PAT", .patent, canonical: true),
        row("STAND", .standard, canonical: true),
        row("STD", .standard, portable: false),
        row("MANSCPT", .manuscript, canonical: true),
        row("UNPB", .manuscript),
        row("UNPD", .manuscript, portable: false),
        row("DICT", .entryDictionary, canonical: true),
        row("ENCYC", .entryEncyclopedia, canonical: true),
        row("PCOMM", .personalCommunication, canonical: true),
        row("ICOMM", .personalCommunication),
        row("CASE", .legalCase, canonical: true),
        row("STAT", .legislation, canonical: true),
        row("LEGAL", .regulation, canonical: true),
        row("BILL", .bill, canonical: true),
        row("UNBILL", .bill, portable: false),
        row("HEAR", .hearing, canonical: true),
        row("MPCT", .motionPicture, canonical: true),
        row("VIDEO", .motionPicture),
        row("ADVS", .motionPicture),
        row("MULTI", .motionPicture),
        row("ART", .graphic, canonical: true),
        row("CHART", .graphic),
        row("FIGURE", .figure, canonical: true),
        row("MAP", .map, canonical: true),
        row("MUSIC", .musicalScore, canonical: true),
        row("SOUND", .song, canonical: true),
        row("SLIDE", .speech, canonical: true),
        row("PAMP", .pamphlet, canonical: true),
        row("SER", .periodical, canonical: true),
        row("INTV", .interview, portable: false),  // EndNote "Interview"
        row("POD", .broadcast, portable: false),  // EndNote "Podcast"
        row("GEN", .document, canonical: true),
        row("EQUA", .document),
        row("GRANT", .document),
        row("GRNT", .document, portable: false),
        row("OTHER", .document, portable: false),
    ]

    /// The `TY` written for work types that have no row of their own. Such types are
    /// written with this `TY` plus an `N1  - bibkit:type: …` marker so that bibkit reads
    /// them back exactly.
    public static let substitutes: [WorkType: String] = [
        .article: "UNPB",
        .broadcast: "MPCT",
        .collection: "GEN",
        .entry: "GEN",
        .event: "GEN",
        .interview: "PCOMM",
        .performance: "GEN",
        .post: "ICOMM",
        .review: "JOUR",
        .reviewBook: "JOUR",
        .treaty: "LEGAL",
    ]

    private static func row(_ ty: String, _ kind: WorkType, canonical: Bool = false, portable: Bool = true) -> Row {
        Row(ty: ty, kind: kind, canonical: canonical, portable: portable)
    }

    private static let byTY: [String: Row] = Dictionary(rows.map { ($0.ty, $0) }, uniquingKeysWith: { a, _ in a })
    private static let canonicalByKind: [WorkType: String] = Dictionary(
        rows.filter(\.canonical).map { ($0.kind, $0.ty) }, uniquingKeysWith: { a, _ in a })

    /// The row for a `TY` value (any case, surrounding spaces ignored), or nil when unknown.
    public static func row(for ty: String) -> Row? {
        byTY[RISText.trimmed(ty).uppercased()]
    }

    /// The work type a `TY` value is read as; unknown values read as `document`.
    public static func kind(for ty: String) -> WorkType {
        row(for: ty)?.kind ?? .document
    }

    /// The `TY` the writer emits for a work type.
    public static func writtenTY(for kind: WorkType) -> String {
        canonicalByKind[kind] ?? substitutes[kind] ?? "GEN"
    }

    /// True when the written `TY` of a work type reads back as that type.
    public static func roundTrips(_ kind: WorkType) -> Bool {
        self.kind(for: writtenTY(for: kind)) == kind
    }
}
