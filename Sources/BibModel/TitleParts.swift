/// The parts biblatex keeps beside a title — `subtitle` and `titleaddon`, and the same for
/// the main title of a multi-volume work and for a container's title — which the model keeps
/// as `bibtex:`/`biblatex:` extras in their LaTeX. Formats without such fields (CSL-JSON,
/// JATS) join them to their title as biblatex prints them: "Title: Subtitle. Addon", with a
/// space only after a title that already ends in punctuation ("Why Sparsity? A Study").
public enum TitleParts {
    /// A part: the extra's (lower-case) name and the separator written before it.
    public typealias Part = (name: StaticString, separator: String)

    /// The entry's own title's parts.
    public static let own: [Part] = [("subtitle", ": "), ("titleaddon", ". ")]
    /// The parts of the main title of a multi-volume work (biblatex `maintitle`).
    public static let main: [Part] = [("mainsubtitle", ": "), ("maintitleaddon", ". ")]
    /// The parts of a book's or a journal's title, the container of a chapter or an article.
    public static let container: [Part] = [
        ("booksubtitle", ": "), ("booktitleaddon", ". "), ("journalsubtitle", ": "), ("journaltitleaddon", ". "),
    ]

    /// A title with those of `parts` that the entry has joined to it, and the keys of the
    /// extras joined; nil when it has none of them. `read` turns an extra's LaTeX into text
    /// (``WriteOptions/extraText``); without it, or when it gives nil, the value is taken as
    /// plain text.
    public static func joined(
        _ title: RichText, _ parts: [Part], of entry: Entry, read: ((FieldKey, String) -> RichText?)?
    ) -> (text: RichText, keys: [FieldKey])? {
        var joined = title.inlines
        var keys: [FieldKey] = []
        var ending: String?
        for (name, separator) in parts {
            guard let (key, part) = extra(name, of: entry, read: read) else { continue }
            let previous = ending ?? title.plainText
            let punctuated = previous.last.map { ".:;?!".contains($0) } ?? false
            joined.append(.text(punctuated ? " " : separator))
            joined.append(contentsOf: part.inlines)
            ending = part.plainText
            keys.append(key)
        }
        return keys.isEmpty ? nil : (RichText(joined), keys)
    }

    /// The entry as a format without subtitles holds it (JATS): its own parts joined to its
    /// title, the container's to the container's title, and the joined extras gone. The
    /// container of a chapter in a volume, or of a book, is the multi-volume work (biblatex
    /// `maintitle`); of a chapter or an article, the book or the journal.
    public static func joiningParts(of entry: Entry, read: ((FieldKey, String) -> RichText?)?) -> Entry {
        let titles = joinedTitles(of: entry, read: read)
        var result = entry
        if let joined = titles.title { result.title = joined.text }
        if let joined = titles.container { result.container?.title = joined.text }
        for key in (titles.title?.keys ?? []) + (titles.container?.keys ?? []) { result.extra[key] = nil }
        return result
    }

    /// The entry's own title and its container's with their parts joined, as
    /// ``joiningParts(of:read:)`` joins them, and the keys of the extras joined to each; nil
    /// for a title with none of its parts (an entry without extras has none).
    public static func joinedTitles(
        of entry: Entry, read: ((FieldKey, String) -> RichText?)?
    ) -> (title: (text: RichText, keys: [FieldKey])?, container: (text: RichText, keys: [FieldKey])?) {
        guard !entry.extra.isEmpty else { return (nil, nil) }
        var title: (text: RichText, keys: [FieldKey])?
        if let own = entry.title, !own.isEmpty { title = joined(own, TitleParts.own, of: entry, read: read) }
        var container: (text: RichText, keys: [FieldKey])?
        if let main = entry.container?.title, !main.isEmpty {
            container = joined(main, containerParts(of: entry), of: entry, read: read)
        }
        return (title, container)
    }

    /// The parts that go with the title of the entry's container: the multi-volume work's
    /// (`mainsubtitle`, `maintitleaddon`) for a chapter in a volume (the entry has a volume
    /// title) and for a book whose container is its `maintitle` (a `booksubtitle` would be
    /// joined too), otherwise the book's or the journal's: also for a book whose `booktitle`
    /// took the container's place, its `maintitle` left an extra with its own parts.
    public static func containerParts(of entry: Entry) -> [Part] {
        if entry.fields[.volumeTitle] != nil { return main }
        guard entry.type.kind == .book, extra("maintitle", of: entry, read: nil) == nil else { return container }
        return main + container
    }

    /// The entry's BibTeX or BibLaTeX extra of a (lower-case) name, read as text; nil when
    /// it has none or only white space.
    public static func extra(
        _ name: StaticString, of entry: Entry, read: ((FieldKey, String) -> RichText?)?
    ) -> (key: FieldKey, text: RichText)? {
        guard
            let extra = entry.extra.first(where: {
                $0.key.isBibTeXFamily && equalsLowercased($0.key.name, name)
            }), !extra.value.allSatisfy(\.isWhitespace)
        else { return nil }
        let text = read?(extra.key, extra.value) ?? RichText(extra.value)
        return text.plainText.allSatisfy(\.isWhitespace) ? nil : (extra.key, text)
    }

    /// `s.lowercased() == lower` for an ASCII lower-case `lower`, without making the string.
    static func equalsLowercased(_ s: String, _ lower: StaticString) -> Bool {
        let u = s.utf8
        guard u.count == lower.utf8CodeUnitCount else { return false }
        let l = UnsafeBufferPointer(start: lower.utf8Start, count: lower.utf8CodeUnitCount)
        var k = 0
        for b in u {
            let folded = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            if folded != l[k] { return false }
            k += 1
        }
        return true
    }
}
