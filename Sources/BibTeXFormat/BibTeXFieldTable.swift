import BibModel

/// Where one model ``Field`` goes in each dialect, as data used in both directions: the first
/// name is the field's home (written there, read from there); later names are places the
/// writer falls back to when the home is taken or not in biber's data model for the entry
/// type; `readAliases` are further names a reader maps onto the field.
public struct BibTeXFieldRow: Hashable, Sendable {
    /// The model field.
    public var field: Field
    /// Classic BibTeX names, home first.
    public var bibtex: [String]
    /// BibLaTeX names, home first; empty when biber's data model has no place for it.
    public var biblatex: [String]
    /// Classic BibTeX names used instead of the home for some entry types (`school` for theses).
    public var bibtexByType: [String: String]
    /// Other names a reader accepts for the field.
    public var readAliases: [String]

    /// Creates a row.
    public init(
        _ field: Field, bibtex: [String], biblatex: [String], bibtexByType: [String: String] = [:],
        readAliases: [String] = []
    ) {
        self.field = field
        self.bibtex = bibtex
        self.biblatex = biblatex
        self.bibtexByType = bibtexByType
        self.readAliases = readAliases
    }

    /// The names tried in a dialect for an entry of the written type, in order.
    public func names(in dialect: BibTeXDialect, type: String) -> [String] {
        if field == .issue && BibTeXFieldTable.issueInNumberTypes.contains(type) { return ["number", "issue"] }
        switch dialect {
        case .bibtex:
            if let special = bibtexByType[type] { return [special] + bibtex.filter { $0 != special } }
            return bibtex
        case .biblatex:
            return biblatex
        }
    }
}

/// The field crosswalk (model ``Field`` ↔ BibTeX/BibLaTeX field names).
public enum BibTeXFieldTable {
    /// One row per ``Field`` case, in ``Field`` order.
    public static let rows: [BibTeXFieldRow] = [
        .init(.volume, bibtex: ["volume"], biblatex: ["volume"]),
        // `number` is the issue only in articles (see ``issueInNumberTypes``); elsewhere `issue`.
        .init(.issue, bibtex: ["issue", "number"], biblatex: ["issue", "number"]),
        .init(.page, bibtex: ["pages"], biblatex: ["pages"]),
        .init(.edition, bibtex: ["edition"], biblatex: ["edition"]),
        .init(.publisher, bibtex: ["publisher"], biblatex: ["publisher", "organization", "institution"]),
        .init(.publisherPlace, bibtex: ["address"], biblatex: ["location"], readAliases: ["location"]),
        .init(.number, bibtex: ["number", "eid"], biblatex: ["number", "eid"], readAliases: ["eid"]),
        .init(.chapterNumber, bibtex: ["chapter"], biblatex: ["chapter"]),
        .init(.numberOfPages, bibtex: ["pagetotal"], biblatex: ["pagetotal"]),
        .init(.numberOfVolumes, bibtex: ["volumes"], biblatex: ["volumes"]),
        .init(.genre, bibtex: ["type"], biblatex: ["type"]),
        .init(
            .institution, bibtex: ["institution"], biblatex: ["institution", "organization"],
            bibtexByType: ["phdthesis": "school", "mastersthesis": "school"], readAliases: ["school"]),
        .init(.eventTitle, bibtex: ["eventtitle"], biblatex: ["eventtitle"]),
        .init(.eventPlace, bibtex: ["venue"], biblatex: ["venue"]),
        .init(.medium, bibtex: ["medium"], biblatex: ["howpublished"]),
        .init(.version, bibtex: ["version"], biblatex: ["version"]),
        .init(.status, bibtex: ["pubstate"], biblatex: ["pubstate"]),
        .init(.section, bibtex: ["section"], biblatex: []),
        .init(.part, bibtex: ["part"], biblatex: ["part"]),
        .init(.supplement, bibtex: ["supplement"], biblatex: []),
        .init(.archive, bibtex: ["archive"], biblatex: ["library"]),
        .init(.archiveLocation, bibtex: ["archivelocation"], biblatex: ["library"]),
        .init(.callNumber, bibtex: ["callnumber"], biblatex: ["library"]),
        .init(.annote, bibtex: ["annote"], biblatex: ["annotation"], readAliases: ["annotation"]),
        .init(.rights, bibtex: ["rights"], biblatex: []),
        .init(.scale, bibtex: ["scale"], biblatex: []),
        .init(.dimensions, bibtex: ["dimensions"], biblatex: []),
        .init(.jurisdiction, bibtex: ["jurisdiction"], biblatex: []),
        .init(.authority, bibtex: ["authority"], biblatex: []),
        .init(.howPublished, bibtex: ["howpublished"], biblatex: ["howpublished"]),
        .init(.originalTitle, bibtex: ["origtitle"], biblatex: ["origtitle"]),
        .init(.originalPublisher, bibtex: ["origpublisher"], biblatex: ["origpublisher"]),
        .init(.originalPublisherPlace, bibtex: ["origlocation"], biblatex: ["origlocation"]),
        // biblatex has a volume title only for periodical issues (`issuetitle`, CSL 1.0.2 uses
        // `volume-title` for them too); a chapter's volume is its `booktitle` (the entry builder).
        .init(.volumeTitle, bibtex: ["volumetitle"], biblatex: ["issuetitle"], readAliases: ["issuetitle"]),
        .init(.organization, bibtex: ["organization"], biblatex: ["organization"]),
    ]

    /// Entry types whose `number` is the issue of a journal (both dialects).
    public static let issueInNumberTypes: Set<String> = ["article", "periodical", "suppperiodical"]

    /// Entry types whose `number` is the number in a series (both dialects).
    public static let seriesNumberTypes: Set<String> = [
        "book", "inbook", "incollection", "inproceedings", "proceedings", "collection", "bookinbook", "suppbook",
        "suppcollection", "inreference", "reference", "mvbook", "mvcollection", "mvproceedings", "mvreference",
        "conference",
    ]

    /// The model field a written field name stands for (the reverse of ``BibTeXFieldRow/names(in:type:)``):
    /// the home names first, then the read aliases. `number` is the issue in articles and
    /// ``Field/number`` elsewhere (a reader maps it to the series number in ``seriesNumberTypes``
    /// when the entry has a series).
    public static func field(named name: String, in dialect: BibTeXDialect, type: String) -> Field? {
        let n = BibTeXText.lowercased(name)
        if n == "number" { return issueInNumberTypes.contains(type) ? .issue : .number }
        // The answer depends on the type only through its class (see ``typeClass(_:)``).
        let table = dialect == .bibtex ? bibtexLookup : biblatexLookup
        return table[typeClass(type)]?[n] ?? nil
    }

    /// ``field(named:in:type:)`` for one dialect and entry type, its tables looked up once
    /// (a reader asks it about every field of an entry).
    struct Lookup {
        fileprivate let table: [String: Field?]?
        fileprivate let numberIsIssue: Bool

        func field(named name: String) -> Field? {
            let n = BibTeXText.lowercased(name)
            if n == "number" { return numberIsIssue ? .issue : .number }
            return table?[n] ?? nil
        }
    }

    static func lookup(in dialect: BibTeXDialect, type: String) -> Lookup {
        let table = dialect == .bibtex ? bibtexLookup : biblatexLookup
        return Lookup(table: table[typeClass(type)], numberIsIssue: issueInNumberTypes.contains(type))
    }

    /// The type standing for every type that reads field names alike: an article-like type
    /// (`number` is the issue), a type with its own classic names (`school` for theses), or
    /// `""` for all others.
    private static func typeClass(_ type: String) -> String {
        if issueInNumberTypes.contains(type) { return "article" }
        if thesisLikeTypes.contains(type) { return type }
        return ""
    }

    private static let thesisLikeTypes: Set<String> = Set(rows.flatMap { $0.bibtexByType.keys })

    /// Every name a row knows, per type class, answered once by ``computeField(named:in:type:)``.
    private static func lookup(_ dialect: BibTeXDialect) -> [String: [String: Field?]] {
        var names = Set<String>()
        for row in rows {
            names.formUnion(row.bibtex)
            names.formUnion(row.biblatex)
            names.formUnion(row.readAliases)
            names.formUnion(row.bibtexByType.values)
        }
        var out: [String: [String: Field?]] = [:]
        for type in ["article", ""] + thesisLikeTypes.sorted() {
            var table: [String: Field?] = [:]
            for name in names { table[name] = computeField(named: name, in: dialect, type: type) }
            out[type] = table
        }
        return out
    }

    private static let bibtexLookup = lookup(.bibtex)
    private static let biblatexLookup = lookup(.biblatex)

    private static func computeField(named n: String, in dialect: BibTeXDialect, type: String) -> Field? {
        if n == "number" { return issueInNumberTypes.contains(type) ? .issue : .number }
        // A name that is some field's home in both dialects belongs to that field (`howpublished`
        // is also BibLaTeX's fallback home of `medium`); otherwise the first row at home there.
        let homes = rows.filter { $0.names(in: dialect, type: type).first == n }
        if let native = homes.first(where: { $0.bibtex.first == n }) ?? homes.first { return native.field }
        if let alias = rows.first(where: { $0.readAliases.contains(n) || $0.bibtexByType.values.contains(n) }) {
            return alias.field
        }
        // A name the writer falls back to for this type (`institution` of a `@phdthesis`,
        // whose home is `school`: biblatex files use it there).
        return rows.first(where: { $0.names(in: dialect, type: type).contains(n) })?.field
    }

    /// The row of a field.
    public static func row(_ field: Field) -> BibTeXFieldRow {
        rowsByField[field] ?? BibTeXFieldRow(field, bibtex: [field.rawValue], biblatex: [])
    }

    private static let rowsByField: [Field: BibTeXFieldRow] = Dictionary(
        rows.map { ($0.field, $0) }, uniquingKeysWith: { first, _ in first })

    /// Fields never escaped: their content is a URL, path or identifier, read verbatim by biber.
    public static let verbatimFields: Set<String> = [
        "url", "doi", "eprint", "file", "pdf", "verba", "verbb", "verbc", "urlraw",
    ]
}

/// Where a contributor role goes.
public struct BibTeXRoleRow: Hashable, Sendable {
    /// How BibLaTeX takes a role.
    public enum BibLaTeXPlacement: Hashable, Sendable {
        /// A name field of its own (`translator`, `bookauthor`, `holder`); biblatex's generic
        /// `namea`–`namec` (with `nameatype`) when the entry type lacks it.
        case field(String)
        /// `editora`–`editorc` with `editoratype` = this biblatex role key (`compiler`), for
        /// the roles biblatex prints ("comp. by"); `namea`–`namec` where the type has no editora.
        case editorType(String)
        /// Only `namea`–`namec` with `nameatype` = the role.
        case generic
    }

    /// The model role.
    public var role: ContributorRole
    /// The classic BibTeX field (ignored by the standard styles, read back by bibkit).
    public var bibtex: String
    /// The BibLaTeX placement.
    public var biblatex: BibLaTeXPlacement

    /// Creates a row.
    public init(_ role: ContributorRole, bibtex: String, biblatex: BibLaTeXPlacement) {
        self.role = role
        self.bibtex = bibtex
        self.biblatex = biblatex
    }
}

/// The contributor-role crosswalk.
public enum BibTeXRoleTable {
    /// Known roles. Others are written under their own name in BibTeX (`director`) and in
    /// `namea`–`namec` with `nameatype` in BibLaTeX.
    public static let rows: [BibTeXRoleRow] = [
        .init(.author, bibtex: "author", biblatex: .field("author")),
        .init(.editor, bibtex: "editor", biblatex: .field("editor")),
        .init(.translator, bibtex: "translator", biblatex: .field("translator")),
        .init(.containerAuthor, bibtex: "bookauthor", biblatex: .field("bookauthor")),
        .init(ContributorRole("holder"), bibtex: "holder", biblatex: .field("holder")),
        .init(ContributorRole("annotator"), bibtex: "annotator", biblatex: .field("annotator")),
        .init(ContributorRole("commentator"), bibtex: "commentator", biblatex: .field("commentator")),
        .init(ContributorRole("foreword"), bibtex: "foreword", biblatex: .field("foreword")),
        .init(ContributorRole("afterword"), bibtex: "afterword", biblatex: .field("afterword")),
        .init(ContributorRole("introduction"), bibtex: "introduction", biblatex: .field("introduction")),
        .init(.compiler, bibtex: "compiler", biblatex: .editorType("compiler")),
        .init(.organizer, bibtex: "organizer", biblatex: .editorType("organizer")),
        .init(.contributor, bibtex: "contributor", biblatex: .editorType("collaborator")),
        .init(ContributorRole("founder"), bibtex: "founder", biblatex: .editorType("founder")),
        .init(ContributorRole("continuator"), bibtex: "continuator", biblatex: .editorType("continuator")),
        .init(ContributorRole("redactor"), bibtex: "redactor", biblatex: .editorType("redactor")),
        .init(ContributorRole("reviser"), bibtex: "reviser", biblatex: .editorType("reviser")),
        .init(.collectionEditor, bibtex: "serieseditor", biblatex: .generic),
    ]

    /// The role a classic BibTeX name field stands for (the reverse of ``BibTeXRoleRow/bibtex``).
    public static func role(forBibTeXField name: String) -> ContributorRole? {
        let n = name.lowercased()
        return rows.first { $0.bibtex == n }?.role
    }

    /// The role a BibLaTeX name field stands for; for `editora`–`editorc` and `namea`–`namec`
    /// pass the matching `…type` field's value.
    public static func role(forBibLaTeXField name: String, typeField: String? = nil) -> ContributorRole? {
        let n = name.lowercased()
        if ["editora", "editorb", "editorc"].contains(n) {
            guard let t = typeField?.lowercased() else { return .editor }
            return rows.first { $0.biblatex == .editorType(t) }?.role ?? ContributorRole(t)
        }
        if ["namea", "nameb", "namec"].contains(n) { return typeField.map { ContributorRole($0) } }
        return rows.first { $0.biblatex == .field(n) }?.role
    }

    /// The row of a role; unknown roles get their own name in BibTeX and the generic BibLaTeX slots.
    public static func row(_ role: ContributorRole) -> BibTeXRoleRow {
        rowsByRole[role] ?? BibTeXRoleRow(role, bibtex: BibTeXKeys.fieldName(role.rawValue), biblatex: .generic)
    }

    private static let rowsByRole: [ContributorRole: BibTeXRoleRow] = Dictionary(
        rows.map { ($0.role, $0) }, uniquingKeysWith: { first, _ in first })
}

/// Where identifiers go.
public enum BibTeXIdentifierTable {
    /// Classic BibTeX field per identifier kind; other kinds use their own name.
    public static let bibtexFields: [IdentifierKind: String] = [
        .doi: "doi", .isbn: "isbn", .issn: "issn", .pmid: "pmid", .pmcid: "pmcid", .arxiv: "eprint",
        .lccn: "lccn", .hdl: "hdl",
    ]

    /// BibLaTeX `eprinttype` for identifiers written as `eprint` (arXiv, PubMed, handles…).
    public static let biblatexEprintTypes: [IdentifierKind: String] = [
        .arxiv: "arxiv", .pmid: "pubmed", .pmcid: "pmcid", .hdl: "hdl",
    ]
}
