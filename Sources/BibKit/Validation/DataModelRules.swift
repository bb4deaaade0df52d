import BibTeXFormat

/// Required fields per entry type: classic BibTeX's (btxdoc, the 14 standard types) and
/// BibLaTeX's (biblatex manual §2.1.1, what `biber --validate-datamodel` checks). Each
/// requirement lists alternatives (`author|editor`); `date` means `year` or `date`.
public enum DataModelRules {
    /// Which data model entries are checked against.
    public enum Model: String, Sendable, Hashable, CaseIterable {
        /// Classic BibTeX.
        case bibtex
        /// BibLaTeX with biber.
        case biblatex
    }

    /// BibTeX's required fields per type.
    public static let bibtex: [String: [[String]]] = [
        "article": [["author"], ["title"], ["journal"], ["year"]],
        "book": [["author", "editor"], ["title"], ["publisher"], ["year"]],
        "booklet": [["title"]],
        "inbook": [["author", "editor"], ["title"], ["chapter", "pages"], ["publisher"], ["year"]],
        "incollection": [["author"], ["title"], ["booktitle"], ["publisher"], ["year"]],
        "inproceedings": [["author"], ["title"], ["booktitle"], ["year"]],
        "conference": [["author"], ["title"], ["booktitle"], ["year"]],
        "manual": [["title"]],
        "mastersthesis": [["author"], ["title"], ["school"], ["year"]],
        "phdthesis": [["author"], ["title"], ["school"], ["year"]],
        "misc": [],
        "proceedings": [["title"], ["year"]],
        "techreport": [["author"], ["title"], ["institution"], ["year"]],
        "unpublished": [["author"], ["title"], ["note"]],
    ]

    /// BibLaTeX's required fields per type.
    public static let biblatex: [String: [[String]]] = {
        let authorTitleDate: [[String]] = [["author"], ["title"], ["date"]]
        let eitherTitleDate: [[String]] = [["author", "editor"], ["title"], ["date"]]
        let inBook: [[String]] = [["author"], ["title"], ["booktitle"], ["date"]]
        return [
            "article": [["author"], ["title"], ["journaltitle"], ["date"]],
            "book": authorTitleDate, "mvbook": authorTitleDate, "inbook": inBook, "bookinbook": inBook,
            "suppbook": inBook, "booklet": eitherTitleDate, "collection": [["editor"], ["title"], ["date"]],
            "mvcollection": [["editor"], ["title"], ["date"]], "incollection": inBook, "suppcollection": inBook,
            "dataset": eitherTitleDate, "manual": eitherTitleDate, "misc": eitherTitleDate, "software": eitherTitleDate,
            "online": [["author", "editor"], ["title"], ["date"], ["doi", "eprint", "url"]],
            "patent": [["author"], ["title"], ["number"], ["date"]],
            "periodical": [["editor"], ["title"], ["date"]],
            "suppperiodical": [["author"], ["title"], ["journaltitle"], ["date"]],
            "proceedings": [["title"], ["date"]], "mvproceedings": [["title"], ["date"]], "inproceedings": inBook,
            "reference": [["editor"], ["title"], ["date"]], "mvreference": [["editor"], ["title"], ["date"]],
            "inreference": inBook, "report": [["author"], ["title"], ["type"], ["institution"], ["date"]],
            "thesis": [["author"], ["title"], ["type"], ["institution"], ["date"]],
            "unpublished": authorTitleDate,
        ]
    }()

    /// The entry type an entry has (or would be written as) in a data model: its own BibTeX
    /// or BibLaTeX type when it was read as one the model knows, else the writer's choice.
    public static func entryType(of entry: Entry, in model: Model) -> String {
        if let o = entry.type.original, o.isBibTeXFamily {
            let name = o.name.lowercased()
            switch model {
            case .bibtex where bibtex[name] != nil: return name
            case .biblatex where biblatex[name] != nil || BibLaTeXDataModel.entryFields[name] != nil: return name
            default: break
            }
        }
        let row = BibTeXTypeTable.row(for: entry.type.kind, genre: entry.type.genre)
        switch model {
        case .bibtex: return row.bibtex
        case .biblatex:
            if let withoutAuthor = row.biblatexWithoutAuthor, !has("author", entry), has("editor", entry) { return withoutAuthor }
            if let withoutEditor = row.biblatexWithoutEditor, !has("editor", entry) { return withoutEditor }
            return row.biblatex
        }
    }

    /// The requirements an entry misses: for each, the alternatives (`author|editor`).
    public static func missing(in entry: Entry, model: Model) -> (type: String, missing: [[String]]) {
        let type = entryType(of: entry, in: model)
        let rules = (model == .bibtex ? bibtex[type] : biblatex[type]) ?? []
        let written = entry.type.original?.isBibTeXFamily ?? false
        let missing = rules.filter { alternatives in
            // The writer supplies BibLaTeX's `type` for reports and theses read from elsewhere.
            if alternatives == ["type"] && !written { return false }
            return !alternatives.contains { has($0, entry) }
        }
        return (type, missing)
    }

    /// Whether the entry has what a BibTeX/BibLaTeX field name stands for.
    static func has(_ name: String, _ entry: Entry) -> Bool {
        func nonEmpty(_ s: String?) -> Bool { !(s?.trimmedSpaces.isEmpty ?? true) }
        switch name {
        case "author": return !(entry.contributors[.author]?.isEmpty ?? true)
        case "editor":
            return !(entry.contributors[.editor]?.isEmpty ?? true) || !(entry.container?.contributors[.editor]?.isEmpty ?? true)
        case "title": return !(entry.title?.isEmpty ?? true)
        case "journal", "journaltitle", "booktitle":
            return !(entry.container?.title?.isEmpty ?? true) || nonEmpty(entry.container?.shortTitle)
        case "year", "date": return entry.issued != nil
        case "publisher": return nonEmpty(entry.fields[.publisher])
        case "school", "institution":
            return nonEmpty(entry.fields[.institution]) || nonEmpty(entry.fields[.publisher]) || nonEmpty(entry.fields[.organization])
        case "chapter": return nonEmpty(entry.fields[.chapterNumber])
        case "pages": return nonEmpty(entry.fields[.page])
        case "note": return !entry.notes.isEmpty
        case "number": return nonEmpty(entry.fields[.number])
        case "type": return nonEmpty(entry.fields[.genre]) || nonEmpty(entry.type.genre)
        case "doi": return entry.identifier(.doi) != nil
        case "eprint": return entry.identifier(.arxiv) != nil
        case "url": return !entry.links.isEmpty
        default: return false
        }
    }
}
