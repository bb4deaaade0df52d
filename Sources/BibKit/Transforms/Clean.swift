import Foundation
import OrderedCollections

/// Contributors by role, as entries and levels hold them.
typealias OrderedDictionaryOfRoles = OrderedDictionary<ContributorRole, NameList>

/// The clean step: tidies values without changing what they mean — white space, page
/// ranges, textual dates, identifiers (DOI, arXiv, PMID, ISBN, ISSN), URLs, ALL-CAPS titles
/// and names, empty and duplicate values — plus the opt-in changes (`omit`, `maxAuthors`,
/// title-case policy, case-protection removal, field order, comments).
///
/// Every part is an option; ``Options/safeDefaults`` is the set `--clean` turns on. Running
/// the step twice changes nothing the second time.
public struct Clean: LibraryTransform {
    /// What to clean.
    public struct Options: Sendable, Hashable {
        /// Trim and collapse white space in every text value (abstracts keep nothing but single spaces).
        public var whitespace = false
        /// Page ranges as `123-145` (writers emit BibTeX's `--`), `pp.` dropped.
        public var pages = false
        /// Parse dates kept as text (`March 2020`, `2020/03/15`) so writers emit `month = mar`.
        public var months = false
        /// DOIs, arXiv ids and PMIDs without resolver prefixes; `doi.org` links become the DOI.
        public var dois = false
        /// How ISBNs are written (checksums are verified first; invalid ones are left alone).
        public var isbn: Identifiers.ISBNStyle?
        /// ISSNs as `1234-567X` (checksums verified).
        public var issn = false
        /// URLs trimmed, `\url{…}` and `<…>` unwrapped, spaces encoded.
        public var urls = false
        /// Percent-encode characters that are not allowed in URLs.
        public var encodeURLs = false
        /// ALL-CAPS titles and names in proper case (acronyms kept).
        public var dropAllCaps = false
        /// Initials spaced (`J.R.R.` → `J. R. R.`), ALL-CAPS name parts recased with ``dropAllCaps``.
        public var names = false
        /// Recase every title by this policy.
        public var titleCase: TextCase.Policy?
        /// Remove empty values.
        public var removeEmptyFields = false
        /// Merge duplicate values: keywords (also split at `;`), identifiers, links, notes,
        /// a short title equal to the title.
        public var removeDuplicateValues = false
        /// Decode LaTeX accents and escapes in text from non-BibTeX sources.
        public var decodeLaTeX = false
        /// Remove case protection (BibTeX braces) from titles.
        public var removeBraces = false
        /// Fields to remove, by any name ``EntryFields`` knows (`abstract`, `file`, `bibtex:timestamp`).
        public var omit: [String] = []
        /// Keep at most this many authors; longer lists are cut and marked "and others".
        public var maxAuthors: Int?
        /// Standard fields in canonical order, `extra` fields alphabetically.
        public var sortFields = false
        /// Drop the comments kept with the library: before, between and after the entries.
        public var stripComments = false

        /// Nothing on.
        public init() {}

        /// What `--clean` turns on: every part that keeps meaning and never loses data.
        public static let safeDefaults: Options = {
            var o = Options()
            o.whitespace = true
            o.pages = true
            o.months = true
            o.dois = true
            o.isbn = .hyphenate
            o.issn = true
            o.urls = true
            o.dropAllCaps = true
            o.names = true
            o.removeEmptyFields = true
            o.removeDuplicateValues = true
            o.decodeLaTeX = true
            return o
        }()

        /// True when no part is on.
        public var isEmpty: Bool { self == Options() }
    }

    /// The options.
    public var options: Options

    /// Creates the step.
    public init(options: Options = .safeDefaults) { self.options = options }

    /// Cleans every entry and reports each value changed.
    public func apply(to library: inout Library, diagnostics: inout Diagnostics) -> TransformReport {
        var report = TransformReport()
        let omitted = options.omit.flatMap { EntryFields.slots(named: $0) }
        for i in library.entries.indices {
            let cleaner = EntryCleaner(
                entry: library.entries[i], label: library.entries[i].reportLabel(index: i), options: options)
            for slot in omitted { cleaner.omit(slot) }
            cleaner.run()
            library.entries[i] = cleaner.entry
            report.changes += cleaner.changes
            for d in cleaner.diagnostics { diagnostics.report(d) }
            if options.stripComments, !library.entries[i].precedingComments.isEmpty {
                report.changes.append(
                    FieldChange(
                        step: "clean", entry: cleaner.label, field: "comments",
                        old: "\(library.entries[i].precedingComments.count) comment(s) before it", new: nil))
                library.entries[i].precedingComments = []
            }
        }
        if options.stripComments, library.metadata.commentCount > 0 {
            report.changes.append(
                FieldChange(
                    step: "clean", entry: "(library)", field: "comments",
                    old: "\(library.metadata.commentCount) comment(s)", new: nil))
            library.metadata.comments = []
            library.metadata.leadingComments = 0
            library.metadata.trailingComments = []
        }
        return report
    }
}

/// Cleans one entry, recording changes.
final class EntryCleaner {
    var entry: Entry
    let label: String
    let options: Clean.Options
    var changes: [FieldChange] = []
    var diagnostics: [Diagnostic] = []

    init(entry: Entry, label: String, options: Clean.Options) {
        self.entry = entry
        self.label = label
        self.options = options
    }

    func record(_ field: String, _ old: String?, _ new: String?, _ reason: String? = nil) {
        guard old != new || reason != nil else { return }
        var reason = reason
        if reason == nil, let old, let new, MatchText.collapsedWhitespace(old) == MatchText.collapsedWhitespace(new) {
            reason = "white space"
        }
        changes.append(FieldChange(step: "clean", entry: label, field: field, old: old, new: new, reason: reason))
    }

    func omit(_ slot: EntryFields.Slot) {
        if case .extra(let namespace, let name) = slot {
            // Report each extra field under its own `namespace:name`.
            let lower = name.lowercased()
            for key in entry.extra.keys where namespace == nil ? key.name.lowercased() == lower : (key.namespace == namespace && key.name == name) {
                record(key.description, entry.extra[key], nil, "omitted")
            }
            _ = EntryFields.remove(slot, from: &entry)
            return
        }
        let removed = EntryFields.remove(slot, from: &entry)
        for value in removed { record(Self.name(of: slot), value, nil, "omitted") }
    }

    func run() {
        if options.decodeLaTeX { mapText("decoded LaTeX", richText: Self.decodeLaTeX, plain: LaTeXText.decoded) }
        if options.whitespace { cleanWhitespace() }
        if options.dropAllCaps { dropAllCaps() }
        if let policy = options.titleCase { recaseTitles(policy) }
        if options.removeBraces { removeBraces() }
        if options.names { cleanNames() }
        if options.pages { cleanPages() }
        if options.months { cleanDates() }
        if options.dois { cleanIdentifiers() }
        if let style = options.isbn { cleanISBNs(style) }
        if options.issn { cleanISSNs() }
        if options.urls || options.encodeURLs { cleanURLs() }
        if let max = options.maxAuthors { truncateAuthors(max) }
        if options.removeDuplicateValues { removeDuplicates() }
        if options.removeEmptyFields { removeEmpty() }
        if options.sortFields { sortFields() }
    }

    // MARK: Text

    static func decodeLaTeX(_ text: RichText) -> RichText {
        guard LaTeXText.mayContainLaTeX(text.plainText) else { return text }
        return RichText(text.inlines.map { decodeInline($0) })
    }

    private static func decodeInline(_ inline: Inline) -> Inline {
        switch inline {
        case .text(let s): return .text(LaTeXText.decoded(s))
        case .italic(let c): return .italic(c.map(decodeInline))
        case .bold(let c): return .bold(c.map(decodeInline))
        case .smallCaps(let c): return .smallCaps(c.map(decodeInline))
        case .superscript(let c): return .superscript(c.map(decodeInline))
        case .subscript(let c): return .subscript(c.map(decodeInline))
        case .caseProtected(let c): return .caseProtected(c.map(decodeInline))
        case .link(let url, let c): return .link(url: url, c.map(decodeInline))
        case .math, .code, .raw: return inline
        }
    }

    /// Applies a text mapping to every prose value: titles, names, container and series
    /// titles, prose fields, keywords, notes, abstract. Verbatim values (identifiers, URLs,
    /// `extra`) are not touched.
    func mapText(_ reason: String, richText: (RichText) -> RichText, plain: (String) -> String) {
        func rich(_ field: String, _ value: inout RichText?) {
            guard let old = value else { return }
            let new = richText(old)
            if new != old {
                value = new
                record(field, old.plainText, new.plainText, old.plainText == new.plainText ? reason : nil)
            }
        }
        func text(_ field: String, _ value: inout String?) {
            guard let old = value else { return }
            let new = plain(old)
            if new != old {
                value = new
                record(field, old, new)
            }
        }
        rich("title", &entry.title)
        rich("title-short", &entry.shortTitle)
        rich("abstract", &entry.abstract)
        if var c = entry.container {
            rich("container-title", &c.title)
            text("container-title-short", &c.shortTitle)
            mapNames(&c.contributors, plain)
            entry.container = c
        }
        if var s = entry.series {
            rich("collection-title", &s.title)
            text("collection-number", &s.number)
            mapNames(&s.contributors, plain)
            entry.series = s
        }
        mapNames(&entry.contributors, plain)
        for field in Array(entry.fields.keys) where !Self.verbatimFields.contains(field) {
            var value = entry.fields[field]
            text(field.rawValue, &value)
            entry.fields[field] = value
        }
        for i in entry.keywords.indices {
            let new = plain(entry.keywords[i])
            if new != entry.keywords[i] {
                record("keywords", entry.keywords[i], new)
                entry.keywords[i] = new
            }
        }
        for i in entry.notes.indices {
            let new = richText(entry.notes[i])
            if new != entry.notes[i] {
                record("note", entry.notes[i].plainText, new.plainText)
                entry.notes[i] = new
            }
        }
        text("language", &entry.language)
    }

    /// Fields kept verbatim by the text mappings.
    static let verbatimFields: Set<Field> = [.annote]

    private func mapNames(_ contributors: inout OrderedDictionaryOfRoles, _ plain: (String) -> String) {
        for (role, list) in contributors {
            var newList = list
            for j in newList.names.indices {
                let old = newList.names[j]
                var n = old
                n.family = n.family.map(plain)
                n.given = n.given.map(plain)
                n.droppingParticle = n.droppingParticle.map(plain)
                n.nonDroppingParticle = n.nonDroppingParticle.map(plain)
                n.suffix = n.suffix.map(plain)
                n.literal = n.literal.map(plain)
                if n != old {
                    record(role.rawValue, old.displayName, n.displayName)
                    newList.names[j] = n
                }
            }
            contributors[role] = newList
        }
    }

    func cleanWhitespace() {
        mapText("white space", richText: { $0.collapsingWhitespace() }, plain: MatchText.collapsedWhitespace)
        for i in entry.identifiers.indices {
            let new = entry.identifiers[i].value.trimmedSpaces
            if new != entry.identifiers[i].value {
                record(entry.identifiers[i].kind.rawValue, entry.identifiers[i].value, new)
                entry.identifiers[i].value = new
            }
        }
        for i in entry.links.indices {
            let new = entry.links[i].url.trimmedSpaces
            if new != entry.links[i].url {
                record("url", entry.links[i].url, new)
                entry.links[i].url = new
            }
        }
        for (key, value) in entry.extra {
            let new = value.trimmedSpaces
            if new != value {
                record(key.description, value, new)
                entry.extra[key] = new
            }
        }
        for (role, date) in entry.dates {
            if let raw = date.raw {
                let new = MatchText.collapsedWhitespace(raw)
                if new != raw {
                    record(role.rawValue, raw, new)
                    entry.dates[role] = .raw(new)
                }
            }
        }
    }

    func dropAllCaps() {
        func fix(_ field: String, _ value: inout RichText?) {
            guard let old = value, TextCase.isAllCaps(old.plainText) else { return }
            let new = TextCase.titleCaseFromAllCaps(old)
            if new != old {
                value = new
                record(field, old.plainText, new.plainText, "was ALL CAPS")
            }
        }
        fix("title", &entry.title)
        fix("title-short", &entry.shortTitle)
        if var c = entry.container {
            fix("container-title", &c.title)
            entry.container = c
        }
        if var s = entry.series {
            fix("collection-title", &s.title)
            entry.series = s
        }
        if options.names { recaseNames(&entry.contributors) }
        if var c = entry.container, options.names {
            recaseNames(&c.contributors)
            entry.container = c
        }
    }

    private func recaseNames(_ contributors: inout OrderedDictionaryOfRoles) {
        for (role, list) in contributors {
            var newList = list
            for j in newList.names.indices where !newList.names[j].isLiteral {
                let old = newList.names[j]
                var n = old
                n.family = n.family.map(TextCase.properCaseName)
                n.given = n.given.map(TextCase.properCaseName)
                n.suffix = n.suffix.map { TextCase.isRomanLike($0) ? $0 : TextCase.properCaseName($0) }
                n.nonDroppingParticle = n.nonDroppingParticle.map { TextCase.isAllCapsName($0) ? $0.lowercased() : $0 }
                n.droppingParticle = n.droppingParticle.map { TextCase.isAllCapsName($0) ? $0.lowercased() : $0 }
                if n != old {
                    record(role.rawValue, old.displayName, n.displayName, "was ALL CAPS")
                    newList.names[j] = n
                }
            }
            contributors[role] = newList
        }
    }

    func recaseTitles(_ policy: TextCase.Policy) {
        func fix(_ field: String, _ value: inout RichText?) {
            guard let old = value else { return }
            let new = TextCase.apply(policy, to: old)
            if new != old {
                value = new
                record(field, old.plainText, new.plainText, "\(policy.rawValue) case")
            }
        }
        fix("title", &entry.title)
        fix("title-short", &entry.shortTitle)
        if var c = entry.container {
            fix("container-title", &c.title)
            entry.container = c
        }
        if var s = entry.series {
            fix("collection-title", &s.title)
            entry.series = s
        }
    }

    func removeBraces() {
        func unprotect(_ inlines: [Inline]) -> [Inline] {
            inlines.flatMap { inline -> [Inline] in
                switch inline {
                case .caseProtected(let c): return unprotect(c)
                case .italic(let c): return [.italic(unprotect(c))]
                case .bold(let c): return [.bold(unprotect(c))]
                case .smallCaps(let c): return [.smallCaps(unprotect(c))]
                case .superscript(let c): return [.superscript(unprotect(c))]
                case .subscript(let c): return [.subscript(unprotect(c))]
                case .link(let url, let c): return [.link(url: url, unprotect(c))]
                case .text, .math, .code, .raw: return [inline]
                }
            }
        }
        func fix(_ field: String, _ value: inout RichText?) {
            guard let old = value else { return }
            let new = RichText(unprotect(old.inlines))
            if new != old {
                value = new
                record(field, old.plainText, new.plainText, "case protection removed")
            }
        }
        fix("title", &entry.title)
        fix("title-short", &entry.shortTitle)
        if var c = entry.container {
            fix("container-title", &c.title)
            entry.container = c
        }
    }

    // MARK: Names

    func cleanNames() {
        func fixList(_ contributors: inout OrderedDictionaryOfRoles) {
            for (role, list) in contributors {
                var newList = list
                for j in newList.names.indices {
                    let old = newList.names[j]
                    var n = old
                    n.given = n.given.map(Self.spacedInitials)
                    if n != old {
                        record(role.rawValue, old.displayName, n.displayName, "initials spaced")
                        newList.names[j] = n
                    }
                }
                contributors[role] = newList
            }
        }
        fixList(&entry.contributors)
        if var c = entry.container {
            fixList(&c.contributors)
            entry.container = c
        }
    }

    /// `J.R.R.` → `J. R. R.`, `J.-P.` stays, `J.R. Smith` → `J. R. Smith`.
    static func spacedInitials(_ given: String) -> String {
        let scalars = Array(given.unicodeScalars)
        guard scalars.count >= 3 else { return given }
        var out = String.UnicodeScalarView()
        for (i, s) in scalars.enumerated() {
            out.append(s)
            // A period after a single letter, directly followed by a capital letter.
            if s == ".", i >= 1, i + 1 < scalars.count, scalars[i - 1].properties.isUppercase,
                i < 2 || !scalars[i - 2].properties.isAlphabetic, scalars[i + 1].properties.isUppercase
            {
                out.append(" ")
            }
        }
        return String(out)
    }

    // MARK: Pages and dates

    func cleanPages() {
        for field in [Field.page] {
            guard let old = entry.fields[field] else { continue }
            let new = PageRange.normalized(old)
            if new != old {
                entry.fields[field] = new
                record(field.rawValue, old, new)
            }
        }
    }

    func cleanDates() {
        for (role, date) in entry.dates {
            guard let raw = date.raw, let parsed = DateText.parse(raw) else { continue }
            entry.dates[role] = .typed(parsed)
            record(role.rawValue, raw, parsed.edtf)
        }
    }

    // MARK: Identifiers

    func cleanIdentifiers() {
        func fix(_ ids: inout [Identifier]) {
            for i in ids.indices {
                let old = ids[i].value
                let new: String?
                switch ids[i].kind {
                case .doi: new = Identifiers.bareDOI(old)
                case .arxiv: new = Identifiers.bareArXiv(old)
                case .pmid: new = Identifiers.barePMID(old)
                case .pmcid: new = Identifiers.barePMCID(old)
                default: new = nil
                }
                if let new, new != old {
                    ids[i].value = new
                    record(ids[i].kind.rawValue, old, new)
                }
            }
        }
        fix(&entry.identifiers)
        if var c = entry.container {
            fix(&c.identifiers)
            entry.container = c
        }
        // `https://doi.org/…` links: the DOI itself, kept once as the identifier.
        var kept: [Link] = []
        for link in entry.links {
            guard link.kind == .work, let doi = Identifiers.doiInURL(link.url) else {
                kept.append(link)
                continue
            }
            if let existing = entry.identifier(.doi) {
                if existing.lowercased() == doi.lowercased() {
                    record("url", link.url, nil, "same as the DOI")
                } else {
                    kept.append(link)
                }
            } else {
                entry.identifiers.insert(Identifier(.doi, doi), at: 0)
                record("url", link.url, nil, "moved to doi")
                record("doi", nil, doi)
            }
        }
        entry.links = kept
    }

    func cleanISBNs(_ style: Identifiers.ISBNStyle) {
        cleanIdentifiers(.isbn, name: "ISBN", code: "clean.invalid-isbn") { Identifiers.formattedISBN($0, style: style) }
    }

    func cleanISSNs() {
        cleanIdentifiers(.issn, name: "ISSN", code: "clean.invalid-issn", Identifiers.normalizedISSN)
    }

    /// Rewrites every identifier of `kind` (the entry's, its container's and its series') as
    /// `normalized` gives it; one that `normalized` rejects is left as it is, with a warning.
    func cleanIdentifiers(_ kind: IdentifierKind, name: String, code: String, _ normalized: (String) -> String?) {
        let location = entry.origin?.start
        let key = entry.key
        let field = name.lowercased()
        func fix(_ ids: inout [Identifier]) {
            for i in ids.indices where ids[i].kind == kind {
                let old = ids[i].value
                if let new = normalized(old) {
                    if new != old {
                        ids[i].value = new
                        record(field, old, new)
                    }
                } else {
                    diagnostics.append(
                        Diagnostic(
                            .warning, code: code,
                            message: "\(name) '\(old)' has a wrong check digit or length; left as it is",
                            location: location, entryKey: key, field: field))
                }
            }
        }
        fix(&entry.identifiers)
        if var c = entry.container {
            fix(&c.identifiers)
            entry.container = c
        }
        if var s = entry.series {
            fix(&s.identifiers)
            entry.series = s
        }
    }

    // MARK: URLs

    func cleanURLs() {
        for i in entry.links.indices {
            let old = entry.links[i].url
            var new = options.urls ? URLText.normalized(old) : old
            if options.encodeURLs && entry.links[i].kind != .file { new = URLText.percentEncoded(new) }
            if new != old {
                entry.links[i].url = new
                record("url", old, new)
            }
        }
    }

    // MARK: Authors

    func truncateAuthors(_ max: Int) {
        guard max >= 1, var list = entry.contributors[.author], list.names.count > max else { return }
        let before = list.names.count
        list.names = Array(list.names.prefix(max))
        list.truncated = true
        entry.contributors[.author] = list
        record("author", "\(before) names", "\(max) and others", "--max-authors \(max)")
    }

    // MARK: Empty and duplicate values

    func removeEmpty() {
        func blank(_ s: String?) -> Bool { s.map { $0.trimmedSpaces.isEmpty } ?? false }
        if let t = entry.title, t.plainText.trimmedSpaces.isEmpty, !t.inlines.contains(where: Self.isMath) {
            entry.title = nil
            record("title", t.plainText, nil, "empty")
        }
        if let t = entry.shortTitle, t.plainText.trimmedSpaces.isEmpty {
            entry.shortTitle = nil
            record("title-short", t.plainText, nil, "empty")
        }
        if let t = entry.abstract, t.plainText.trimmedSpaces.isEmpty {
            entry.abstract = nil
            record("abstract", t.plainText, nil, "empty")
        }
        for (field, value) in entry.fields where value.trimmedSpaces.isEmpty {
            entry.fields[field] = nil
            record(field.rawValue, value, nil, "empty")
        }
        for (key, value) in entry.extra where value.trimmedSpaces.isEmpty {
            entry.extra[key] = nil
            record(key.description, value, nil, "empty")
        }
        for (role, date) in entry.dates where blank(date.raw) {
            entry.dates[role] = nil
            record(role.rawValue, date.raw, nil, "empty")
        }
        let keywordCount = entry.keywords.count
        entry.keywords.removeAll { $0.trimmedSpaces.isEmpty }
        if entry.keywords.count != keywordCount { record("keywords", "\(keywordCount - entry.keywords.count) empty", nil, "empty") }
        entry.notes.removeAll { note in
            let empty = note.plainText.trimmedSpaces.isEmpty
            if empty { record("note", note.plainText, nil, "empty") }
            return empty
        }
        entry.identifiers.removeAll { id in
            let empty = id.value.trimmedSpaces.isEmpty
            if empty { record(id.kind.rawValue, id.value, nil, "empty") }
            return empty
        }
        entry.links.removeAll { link in
            let empty = link.url.trimmedSpaces.isEmpty
            if empty { record("url", link.url, nil, "empty") }
            return empty
        }
        if blank(entry.language) {
            record("language", entry.language, nil, "empty")
            entry.language = nil
        }
        removeEmptyNames(&entry.contributors)
        if var c = entry.container {
            if let t = c.title, t.plainText.trimmedSpaces.isEmpty { c.title = nil }
            if blank(c.shortTitle) { c.shortTitle = nil }
            if blank(c.number) { c.number = nil }
            c.identifiers.removeAll { $0.value.trimmedSpaces.isEmpty }
            removeEmptyNames(&c.contributors)
            entry.container = c.isEmpty ? nil : c
        }
        if var s = entry.series {
            if let t = s.title, t.plainText.trimmedSpaces.isEmpty { s.title = nil }
            if blank(s.number) { s.number = nil }
            removeEmptyNames(&s.contributors)
            entry.series = s.isEmpty ? nil : s
        }
    }

    private static func isMath(_ inline: Inline) -> Bool {
        if case .math = inline { return true }
        return false
    }

    private func removeEmptyNames(_ contributors: inout OrderedDictionaryOfRoles) {
        for (role, list) in contributors {
            var newList = list
            newList.names.removeAll { name in
                let parts = [name.family, name.given, name.literal, name.nonDroppingParticle, name.droppingParticle]
                let empty = parts.allSatisfy { ($0?.trimmedSpaces ?? "").isEmpty }
                if empty { record(role.rawValue, name.displayName, nil, "empty name") }
                return empty
            }
            contributors[role] = newList.isEmpty ? nil : newList
        }
    }

    func removeDuplicates() {
        // Keywords: split at `;`, duplicates (ignoring case) dropped.
        var seen = Set<String>()
        var keywords: [String] = []
        for keyword in entry.keywords {
            let parts = keyword.contains(";") ? keyword.split(separator: ";").map { String($0).trimmedSpaces } : [keyword]
            if parts.count > 1 { record("keywords", keyword, parts.joined(separator: " | "), "split at ';'") }
            for part in parts where !part.isEmpty {
                if seen.insert(part.lowercased()).inserted {
                    keywords.append(part)
                } else {
                    record("keywords", part, nil, "duplicate")
                }
            }
        }
        entry.keywords = keywords
        func dedupeIDs(_ ids: inout [Identifier]) {
            var seenIDs = Set<String>()
            ids.removeAll { id in
                let dup = !seenIDs.insert(id.kind.rawValue + " " + Self.identifierMatchKey(id)).inserted
                if dup { record(id.kind.rawValue, id.value, nil, "duplicate") }
                return dup
            }
        }
        dedupeIDs(&entry.identifiers)
        if var c = entry.container {
            dedupeIDs(&c.identifiers)
            // An identifier on both the entry and its container stays on the container (ISSN).
            let onContainer = Set(c.identifiers.map { $0.kind.rawValue + " " + Self.identifierMatchKey($0) })
            entry.identifiers.removeAll { id in
                let dup = (id.kind == .issn) && onContainer.contains(id.kind.rawValue + " " + Self.identifierMatchKey(id))
                if dup { record(id.kind.rawValue, id.value, nil, "duplicate of the container's") }
                return dup
            }
            if let short = c.shortTitle, let title = c.title, short == title.plainText {
                c.shortTitle = nil
                record("container-title-short", short, nil, "same as container-title")
            }
            entry.container = c
        }
        var seenURLs = Set<String>()
        entry.links.removeAll { link in
            let dup = !seenURLs.insert(URLText.normalized(link.url).lowercased()).inserted
            if dup { record("url", link.url, nil, "duplicate") }
            return dup
        }
        if !entry.notes.isEmpty {
            var seenNotes = Set<String>()
            let abstractKey = entry.abstract.map { Self.noteKey($0.plainText) }
            entry.notes.removeAll { note in
                let key = Self.noteKey(note.plainText)
                let dup = !key.isEmpty && (!seenNotes.insert(key).inserted || key == abstractKey)
                if dup { record("note", note.plainText, nil, "duplicate") }
                return dup
            }
        }
        if let short = entry.shortTitle, let title = entry.title, short == title {
            entry.shortTitle = nil
            record("title-short", short.plainText, nil, "same as title")
        }
    }

    /// Notes and abstracts compare with white space collapsed and case ignored (they can be
    /// long: no accent folding).
    static func noteKey(_ text: String) -> String { MatchText.collapsedWhitespace(text).lowercased() }

    static func identifierMatchKey(_ id: Identifier) -> String {
        switch id.kind {
        case .doi: Identifiers.doiMatchKey(id.value) ?? id.value.lowercased()
        case .isbn: Identifiers.isbn13(id.value) ?? id.value
        case .issn: Identifiers.normalizedISSN(id.value) ?? id.value.uppercased()
        case .arxiv: Identifiers.bareArXiv(id.value)?.lowercased() ?? id.value.lowercased()
        default: id.value.trimmedSpaces.lowercased()
        }
    }

    // MARK: Field order

    func sortFields() {
        let sortedFields = entry.fields.sorted { $0.key < $1.key }
        if sortedFields.map(\.key) != Array(entry.fields.keys) {
            entry.fields = .init(uniqueKeysWithValues: sortedFields.map { ($0.key, $0.value) })
            record("(fields)", nil, nil, "fields in canonical order")
        }
        let sortedExtra = entry.extra.sorted { $0.key.name.lowercased() < $1.key.name.lowercased() }
        if sortedExtra.map(\.key) != Array(entry.extra.keys) {
            entry.extra = .init(uniqueKeysWithValues: sortedExtra.map { ($0.key, $0.value) })
            record("(extra)", nil, nil, "extra fields in alphabetical order")
        }
    }

    static func name(of slot: EntryFields.Slot) -> String {
        switch slot {
        case .title: "title"
        case .shortTitle: "title-short"
        case .abstract: "abstract"
        case .keywords: "keywords"
        case .language: "language"
        case .notes: "note"
        case .containerTitle: "container-title"
        case .containerShortTitle: "container-title-short"
        case .seriesTitle: "collection-title"
        case .seriesNumber: "collection-number"
        case .field(let f): f.rawValue
        case .identifier(let k): k.rawValue
        case .links: "url"
        case .role(let r): r.rawValue
        case .date(let d): d.rawValue
        case .extra(let ns, let name): ns.map { "\($0):\(name)" } ?? name
        }
    }
}

extension TextCase {
    /// True for suffixes such as `II`, `III`, `IV` that stay in capitals.
    static func isRomanLike(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 4 && s.allSatisfy { "IVX".contains($0) }
    }
}

/// URL clean-up.
public enum URLText {
    /// Trimmed, `\url{…}`, `<…>` and `URL:` unwrapped, scheme and host lower-cased, spaces
    /// inside encoded as `%20`.
    public static func normalized(_ url: String) -> String {
        var s = url.trimmedSpaces
        if s.hasPrefix("\\url{"), s.hasSuffix("}") { s = String(s.dropFirst(5).dropLast()).trimmedSpaces }
        if s.hasPrefix("<"), s.hasSuffix(">") { s = String(s.dropFirst().dropLast()).trimmedSpaces }
        let lower = s.lowercased()
        if lower.hasPrefix("url:") { s = String(s.dropFirst(4)).trimmedSpaces }
        if let schemeEnd = s.range(of: "://") {
            let scheme = s[..<schemeEnd.lowerBound]
            if scheme.allSatisfy({ $0.isASCII && $0.isLetter }) {
                let rest = s[schemeEnd.upperBound...]
                let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
                let host = rest[..<hostEnd]
                if !host.contains("@") {
                    s = scheme.lowercased() + "://" + host.lowercased() + rest[hostEnd...]
                }
            }
        }
        if s.contains(" ") { s = s.replacingOccurrences(of: " ", with: "%20") }
        return s
    }

    /// Characters not allowed in a URL (RFC 3986) percent-encoded; `%` kept as it is.
    public static func percentEncoded(_ url: String) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%".utf8)
        guard !url.utf8.allSatisfy(allowed.contains) else { return url }
        var out = ""
        for b in url.utf8 {
            if allowed.contains(b) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
