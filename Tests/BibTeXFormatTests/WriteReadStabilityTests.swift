import BibModel
import Testing

@testable import BibTeXFormat

/// Read → write → read → write gives the same bytes twice, for the escaped-brace soup of
/// Mendeley/Better BibTeX exports (`Unabbreviate_on_import_1436-2/-3.bib` of the corpus),
/// where the decoder's unknown commands and the writer's escapes used to disagree.
@Suite("Writing what was read back is stable")
struct WriteReadStabilityTests {
    /// The first and second write.
    static func twice(_ text: String) throws -> (once: String, twice: String) {
        let once = written(try read(text).entries).text
        return (once, written(try read(once).entries).text)
    }

    static let soup: [String] = [
        #"In \{\{\vphantom{\}\}}{{GaAs}}\vphantom\{\}\vphantom\{\} Nanowires"#,
        #"\{\vphantom\}{{GaN}}\vphantom\{\} and \{\vphantom\}{{ZnO}}\vphantom\{\} Nanostructures"#,
        #"Crystal-\{\{\vphantom{\}\}}{{Phase Quantum Wires}}\vphantom\{\}\vphantom\{\}: \{\{\vphantom{\}\}}{{One}}\vphantom\{\}\vphantom\{\}"#,
        #"{{III}}\vphantom\{\}\vphantom\{\}{\textbackslash}textendash\{\{\vphantom{\}\}}{{V}}\vphantom\{\}"#,
        #"a \foo{\}} b {\emph{c \bar{\}} d}}"#,
    ]

    @Test("a title with unbalanced unknown commands is written once and for all", arguments: soup)
    func unbalancedRawLaTeX(_ title: String) throws {
        let (once, twice) = try Self.twice("@article{a, author = {Doe, J.}, title = {\(title)}}\n")
        #expect(once == twice)
        #expect(bibtexBalanced(parseFields(once)["title"] ?? "{"))
        // The unbalanced command became text: its name is still there, not dropped.
        #expect(once.contains("vphantom") || once.contains("foo"))
    }

    @Test("unbalanced LaTeX is encoded with the text around it, braces matched across the run")
    func joinedWithText() {
        let inlines: [Inline] = [.text("x {"), .raw(format: "latex", #"\foo{\}}"#), .text("} y")]
        #expect(encoded(inlines) == #"x \{{\textbackslash}foo\{{\textbackslash}\}\}{\textbraceright} y"#)
        #expect(encoded([.text(#"x {\foo{\}}} y"#)]) == encoded(inlines))
        // Balanced unknown commands stay verbatim.
        #expect(encoded([.text("a "), .raw(format: "latex", #"\foo{b}"#)]) == #"a \foo{b}"#)
    }

    @Test(
        "a backslash before & _ % # ~ in a URL, DOI or eprint is doubled, as the reader takes one away",
        arguments: [
            ("eprint", #"/a.fcgi?artid=3006164\{\textbackslash\&\}tool=x"#, "arxiv"),
            ("url", #"http://a.org/b?c=1{\textbackslash\&}d=2"#, "howpublished"),
        ])
    func verbatimBackslashes(_ field: String, _ value: String, _ sourceField: String) throws {
        // arXiv ids from `arxiv = {…}` (LaTeX decoded) go to `eprint` (verbatim).
        let source = sourceField == "arxiv" ? "arxiv = {\(value)}" : "url = {\(value.replacingOccurrences(of: #"{\textbackslash\&}"#, with: #"\\&"#))}"
        let (once, twice) = try Self.twice("@misc{a, author = {Doe, J.}, title = {T}, \(source)}\n")
        #expect(once == twice)
        let written = parseFields(once)[field] ?? ""
        #expect(written.contains(#"\\&"#), "\(once)")
        let model = try read(once).entries.first
        let readBack = field == "url" ? model?.links.first?.url : model?.identifiers.first?.value
        #expect(readBack?.contains(#"\&"#) == true && readBack?.contains(#"\\&"#) == false, "\(readBack ?? "")")
    }

    @Test("values without such a backslash are written as before")
    func plainURLs() {
        let e = Entry(key: "a", type: EntryType(.webpage), links: [Link("http://a.org/?b=1&c=2_3#x~y")])
        #expect(fields(of: e)["url"] == "http://a.org/?b=1&c=2_3#x~y")
        var d = Entry(key: "b", type: EntryType(.article))
        d.identifiers = [Identifier(.doi, "10.1000/a_b"), Identifier(.arxiv, "2306.16788")]
        let f = fields(of: d)
        #expect(f["doi"] == "10.1000/a_b")
        #expect(f["eprint"] == "2306.16788")
    }
}
