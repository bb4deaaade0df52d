@testable import BibKit

/// Small builders for transform tests.
enum Make {
    static func person(_ family: String, _ given: String? = nil) -> PersonName {
        PersonName(family: family, given: given)
    }

    static func entry(
        _ key: String?, _ kind: WorkType = .articleJournal, title: String? = nil, authors: [(String, String?)] = [],
        year: Int? = nil, doi: String? = nil, journal: String? = nil, fields: [Field: String] = [:],
        keywords: [String] = [], isbn: String? = nil, editors: [(String, String?)] = [], genre: String? = nil
    ) -> Entry {
        var e = Entry(key: key, type: EntryType(kind, genre: genre))
        if let title { e.title = RichText(title) }
        if !authors.isEmpty { e.authors = NameList(authors.map { person($0.0, $0.1) }) }
        if !editors.isEmpty { e.contributors[.editor] = NameList(editors.map { person($0.0, $0.1) }) }
        if let year { e.issued = .typed(BibDate(year: year)) }
        if let doi { e.identifiers.append(Identifier(.doi, doi)) }
        if let isbn { e.identifiers.append(Identifier(.isbn, isbn)) }
        if let journal { e.container = Level(title: RichText(journal)) }
        for (f, v) in fields.sorted(by: { $0.key < $1.key }) { e.fields[f] = v }
        e.keywords = keywords
        return e
    }

    static func library(_ entries: [Entry]) -> Library { Library(entries: entries) }

    /// Runs a transform, returning the library, report and diagnostics.
    static func run(_ t: some LibraryTransform, _ entries: [Entry]) -> (Library, TransformReport, Diagnostics) {
        var lib = Library(entries: entries)
        var d = Diagnostics()
        let r = t.apply(to: &lib, diagnostics: &d)
        return (lib, r, d)
    }
}
