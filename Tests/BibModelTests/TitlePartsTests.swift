import Testing

@testable import BibModel

/// biblatex's title parts joined to a title for formats without them (CSL-JSON, JATS).
@Suite struct TitlePartsTests {
    static func entry(_ extras: [(String, String, String)]) -> Entry {
        var e = Entry(key: "k", type: EntryType(.book))
        for (namespace, name, value) in extras { e.extra[FieldKey(namespace, name)] = value }
        return e
    }

    @Test(arguments: [
        ("Title", [("bibtex", "subtitle", "Sub")], "Title: Sub"),
        ("Title", [("biblatex", "subtitle", "Sub")], "Title: Sub"),
        ("Why?", [("bibtex", "subtitle", "A Study")], "Why? A Study"),
        ("Title", [("bibtex", "titleaddon", "Addon"), ("bibtex", "subtitle", "Sub")], "Title: Sub. Addon"),
        ("Title", [("biblatex", "SubTitle", "Upper")], "Title: Upper"),
        ("Title", [("bibtex", "subtitle", "Ends here."), ("bibtex", "titleaddon", "Addon")], "Title: Ends here. Addon"),
    ])
    func joinsInBiblatexOrder(_ title: String, _ extras: [(String, String, String)], _ expected: String) throws {
        let e = Self.entry(extras)
        let joined = try #require(TitleParts.joined(RichText(title), TitleParts.own, of: e, read: nil))
        #expect(joined.text.plainText == expected)
        #expect(Set(joined.keys) == Set(e.extra.keys))
    }

    @Test func nothingToJoin() {
        let blank = Self.entry([("bibtex", "subtitle", "  "), ("ris", "subtitle", "Other format"), ("bibtex", "booksubtitle", "Not own")])
        #expect(TitleParts.joined(RichText("Title"), TitleParts.own, of: blank, read: nil) == nil)
    }

    /// The extra is read through `read` (the BibTeX plug-in decodes its LaTeX there); a part
    /// that reads as blank is not joined.
    @Test func readsTheExtraThroughTheReader() throws {
        let e = Self.entry([("bibtex", "subtitle", "{\\emph{x}}"), ("bibtex", "titleaddon", "{}")])
        let read: (FieldKey, String) -> RichText? = { key, value in
            value == "{}" ? RichText("") : key.namespace == "bibtex" ? RichText([.italic([.text("x")])]) : nil
        }
        let joined = try #require(TitleParts.joined(RichText("T"), TitleParts.own, of: e, read: read))
        #expect(joined.text == RichText([.text("T"), .text(": "), .italic([.text("x")])]))
        #expect(joined.keys == [FieldKey("bibtex", "subtitle")])
    }
}
