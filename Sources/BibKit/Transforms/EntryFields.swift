/// Field names users type (`--omit`, `--filter has=`) resolved against the model: CSL
/// variable names, BibTeX/BibLaTeX field names, identifier kinds, contributor and date
/// roles, and `extra` fields by `namespace:name` or bare name.
public enum EntryFields {
    /// A model slot a user-given field name stands for.
    public enum Slot: Hashable, Sendable {
        /// The title.
        case title
        /// The short title.
        case shortTitle
        /// The abstract.
        case abstract
        /// The keywords.
        case keywords
        /// The language.
        case language
        /// The notes.
        case notes
        /// The container's title.
        case containerTitle
        /// The container's abbreviated title.
        case containerShortTitle
        /// The series title.
        case seriesTitle
        /// The series number.
        case seriesNumber
        /// A standard field.
        case field(Field)
        /// Identifiers of a kind, on the entry and its levels.
        case identifier(IdentifierKind)
        /// Links, all or of one kind.
        case links(Link.Kind?)
        /// A contributor role.
        case role(ContributorRole)
        /// A date role.
        case date(DateRole)
        /// `extra` fields by name: exact `namespace:name`, or any namespace when the namespace is nil.
        case extra(namespace: String?, name: String)
    }

    private static let aliases: [String: [Slot]] = {
        var out: [String: [Slot]] = [
            "title": [.title], "shorttitle": [.shortTitle], "title-short": [.shortTitle], "short-title": [.shortTitle],
            "abstract": [.abstract], "keywords": [.keywords], "keyword": [.keywords], "kw": [.keywords],
            "language": [.language], "langid": [.language], "lang": [.language], "note": [.notes], "notes": [.notes],
            "journal": [.containerTitle], "journaltitle": [.containerTitle], "booktitle": [.containerTitle],
            "container-title": [.containerTitle], "container": [.containerTitle], "source": [.containerTitle],
            "shortjournal": [.containerShortTitle], "container-title-short": [.containerShortTitle],
            "journalabbreviation": [.containerShortTitle], "journal-abbreviation": [.containerShortTitle],
            "series": [.seriesTitle, .seriesNumber], "collection-title": [.seriesTitle],
            "collection-number": [.seriesNumber], "pages": [.field(.page)], "number": [.field(.number), .field(.issue)],
            "address": [.field(.publisherPlace)], "location": [.field(.publisherPlace)],
            "school": [.field(.institution)], "chapter": [.field(.chapterNumber)], "pagetotal": [.field(.numberOfPages)],
            "volumes": [.field(.numberOfVolumes)], "type": [.field(.genre)], "annotation": [.field(.annote)],
            "eprint": [.identifier(.arxiv)], "arxiv": [.identifier(.arxiv)], "url": [.links(nil)],
            "urls": [.links(nil)], "link": [.links(nil)], "links": [.links(nil)],
            "file": [.links(.file), .extra(namespace: nil, name: "file")],
            "year": [.date(.issued)], "date": [.date(.issued)], "month": [.date(.issued)], "issued": [.date(.issued)],
            "urldate": [.date(.accessed)], "accessed": [.date(.accessed)], "eventdate": [.date(.eventDate)],
            "origdate": [.date(.originalDate)], "bookauthor": [.role(.containerAuthor)],
        ]
        for field in Field.allCases where out[field.rawValue] == nil { out[field.rawValue] = [.field(field)] }
        for kind in [IdentifierKind.doi, .isbn, .issn, .pmid, .pmcid, .lccn, .hdl] where out[kind.rawValue] == nil {
            out[kind.rawValue] = [.identifier(kind)]
        }
        for role in ContributorRole.cslRoles where out[role] == nil { out[role] = [.role(ContributorRole(role))] }
        for role in ["accessed", "event-date", "original-date", "submitted", "available-date"] where out[role] == nil {
            out[role] = [.date(DateRole(role))]
        }
        return out
    }()

    /// The slots a name stands for. Unknown names, and names with a namespace
    /// (`bibtex:timestamp`), select `extra` fields.
    public static func slots(named name: String) -> [Slot] {
        let trimmed = name.trimmedSpaces
        if let colon = trimmed.firstIndex(of: ":") {
            let ns = String(trimmed[..<colon])
            return [.extra(namespace: ns, name: String(trimmed[trimmed.index(after: colon)...]))]
        }
        let lower = trimmed.lowercased()
        return (aliases[lower] ?? []) + [.extra(namespace: nil, name: trimmed)]
    }

    /// Removes what a slot holds from an entry; returns the removed values as text.
    public static func remove(_ slot: Slot, from entry: inout Entry) -> [String] {
        var removed: [String] = []
        switch slot {
        case .title:
            if let t = entry.title { removed.append(t.plainText) }
            entry.title = nil
        case .shortTitle:
            if let t = entry.shortTitle { removed.append(t.plainText) }
            entry.shortTitle = nil
        case .abstract:
            if let t = entry.abstract { removed.append(t.plainText) }
            entry.abstract = nil
        case .keywords:
            if !entry.keywords.isEmpty { removed.append(entry.keywords.joined(separator: "; ")) }
            entry.keywords = []
        case .language:
            if let l = entry.language { removed.append(l) }
            entry.language = nil
        case .notes:
            removed += entry.notes.map(\.plainText)
            entry.notes = []
        case .containerTitle:
            if let t = entry.container?.title { removed.append(t.plainText) }
            entry.container?.title = nil
        case .containerShortTitle:
            if let t = entry.container?.shortTitle { removed.append(t) }
            entry.container?.shortTitle = nil
        case .seriesTitle:
            if let t = entry.series?.title { removed.append(t.plainText) }
            entry.series?.title = nil
        case .seriesNumber:
            if let t = entry.series?.number { removed.append(t) }
            entry.series?.number = nil
        case .field(let field):
            if let v = entry.fields.removeValue(forKey: field) { removed.append(v) }
        case .identifier(let kind):
            removed += entry.identifiers.filter { $0.kind == kind }.map(\.value)
            entry.identifiers.removeAll { $0.kind == kind }
            if var c = entry.container {
                removed += c.identifiers.filter { $0.kind == kind }.map(\.value)
                c.identifiers.removeAll { $0.kind == kind }
                entry.container = c
            }
            if var s = entry.series {
                removed += s.identifiers.filter { $0.kind == kind }.map(\.value)
                s.identifiers.removeAll { $0.kind == kind }
                entry.series = s
            }
        case .links(let kind):
            let matches: (Link) -> Bool = { kind == nil || $0.kind == kind }
            removed += entry.links.filter(matches).map(\.url)
            entry.links.removeAll(where: matches)
        case .role(let role):
            if let list = entry.contributors.removeValue(forKey: role) {
                removed.append(list.names.map(\.displayName).joined(separator: " and "))
            }
            if var c = entry.container, let list = c.contributors.removeValue(forKey: role) {
                removed.append(list.names.map(\.displayName).joined(separator: " and "))
                entry.container = c
            }
        case .date(let role):
            if let d = entry.dates.removeValue(forKey: role) { removed.append(d.text) }
        case .extra(let namespace, let name):
            let lower = name.lowercased()
            let keys = entry.extra.keys.filter {
                namespace == nil ? $0.name.lowercased() == lower : ($0.namespace == namespace && $0.name == name)
            }
            for key in keys {
                if let v = entry.extra.removeValue(forKey: key) { removed.append(v) }
            }
        }
        if entry.container?.isEmpty == true { entry.container = nil }
        if entry.series?.isEmpty == true { entry.series = nil }
        return removed
    }

    /// True when an entry holds a value in a slot.
    public static func has(_ slot: Slot, in entry: Entry) -> Bool {
        var copy = entry
        return !remove(slot, from: &copy).isEmpty
    }

    /// Every text value of an entry with the name bibkit reports it under, in a fixed order
    /// (for checks that look at all text, such as Unicode normalisation).
    public static func namedValues(of entry: Entry) -> [(field: String, value: String)] {
        var out: [(String, String)] = []
        for (role, list) in entry.contributors {
            for name in list.names {
                for part in [name.family, name.given, name.droppingParticle, name.nonDroppingParticle, name.suffix, name.literal]
                {
                    if let part { out.append((role.rawValue, part)) }
                }
            }
        }
        if let t = entry.title { out.append(("title", t.plainText)) }
        if let t = entry.shortTitle { out.append(("title-short", t.plainText)) }
        for (role, date) in entry.dates { if let raw = date.raw { out.append((role.rawValue, raw)) } }
        if let c = entry.container {
            if let t = c.title { out.append(("container-title", t.plainText)) }
            if let t = c.shortTitle { out.append(("container-title-short", t)) }
            for (role, list) in c.contributors {
                for name in list.names { out.append((role.rawValue, name.displayName)) }
            }
        }
        if let s = entry.series, let t = s.title { out.append(("collection-title", t.plainText)) }
        for (field, value) in entry.fields { out.append((field.rawValue, value)) }
        for id in entry.identifiers { out.append((id.kind.rawValue, id.value)) }
        for link in entry.links { out.append(("url", link.url)) }
        if let a = entry.abstract { out.append(("abstract", a.plainText)) }
        for k in entry.keywords { out.append(("keywords", k)) }
        if let l = entry.language { out.append(("language", l)) }
        for n in entry.notes { out.append(("note", n.plainText)) }
        for (k, v) in entry.extra { out.append((k.description, v)) }
        return out
    }
}

extension Parsed where Value == BibDate {
    /// The date as text: EDTF when typed, the raw string otherwise.
    public var text: String {
        switch self {
        case .typed(let d): d.edtf
        case .raw(let s): s
        }
    }
}
