import BibModel
import Foundation
import Testing

@testable import BibTeXFormat

/// Regressions found by the cross-format corpus checks (`Tests/InteropTests`).
@Suite struct BibTeXInteropRegressionTests {
    /// RIS (`PB`), CSL-JSON and JATS give a thesis's university as its publisher: BibTeX
    /// needs it in `school` / `institution`, else the styles warn "empty school".
    @Test(arguments: [
        (WorkType.thesis, "phd" as String?, BibTeXDialect.bibtex, "school"), (.report, nil, .bibtex, "institution"),
        (.thesis, "phd", .biblatex, "institution"), (.report, nil, .biblatex, "institution"),
    ])
    func publisherOfThesesAndReportsIsTheirInstitution(_ kind: WorkType, _ genre: String?, _ dialect: BibTeXDialect, _ field: String) {
        var entry = Entry(key: "k", type: EntryType(kind, genre: genre), title: "T")
        entry.fields[.publisher] = "New York University"
        let written = fields(of: entry, dialect)
        #expect(written[field] == "New York University", "\(written)")
        #expect(written["publisher"] == nil)
        // An explicit institution keeps the publisher where it was (biber's data model has no
        // publisher for theses and reports: biblatex output reports it instead).
        entry.fields[.institution] = "MIT"
        let both = fields(of: entry, dialect)
        #expect(both[field] == "MIT", "\(both)")
        if dialect == .bibtex { #expect(both["publisher"] == "New York University", "\(both)") }
    }

    /// `doi = {DOI: 10.1/x}` → `10.1/x` with no space left over.
    @Test func doiPrefixLeavesNoSpace() throws {
        var diagnostics = Diagnostics()
        let text = "@article{a, title={T}, doi={DOI: 10.1016/j.materresbull.2006.01.004}}"
        let library = try BibTeXReader().read(Array(text.utf8), source: "t.bib", options: ReadOptions(), diagnostics: &diagnostics)
        #expect(library.entries.first?.identifier(.doi) == "10.1016/j.materresbull.2006.01.004")
    }

    /// biblatex files put a thesis's university in `institution` even on `@phdthesis`
    /// (an alias of `@thesis` there): it is the institution, not an unknown field (pandoc
    /// agrees); `school` still wins when both are given.
    @Test(arguments: ["phdthesis", "mastersthesis"])
    func institutionOfAClassicThesisIsItsInstitution(_ type: String) throws {
        var diagnostics = Diagnostics()
        let text = """
            @\(type){a, title={T}, INSTITUTION={University of Virginia}, year=2014}
            @\(type){b, title={T}, school={MIT}, institution={Lab}, year=2014}
            """
        let library = try BibTeXReader().read(Array(text.utf8), source: "t.bib", options: ReadOptions(), diagnostics: &diagnostics)
        try #require(library.entries.count == 2)
        #expect(library.entries[0].fields[.institution] == "University of Virginia")
        #expect(library.entries[0].extra.isEmpty)
        #expect(library.entries[1].fields[.institution] == "MIT")
        #expect(library.entries[1].extra[FieldKey("bibtex", "institution")] == "Lab")
    }

    /// biblatex's `editortype` names the editor's role: `editortype = {director}` makes the
    /// editor of a film its director (pandoc agrees); `editortype = {editor}` changes nothing.
    @Test func editortypeGivesTheEditorsRole() throws {
        var diagnostics = Diagnostics()
        let text = """
            @video{a, title={One Flew over the Cuckoo's Nest}, editor={Forman, Miloš}, editortype={director}, year=1975}
            @book{b, title={T}, editor={Doe, Jane}, editortype={editor}, year=2000}
            @book{c, title={T}, editor={Roe, Ann}, year=2000}
            """
        let library = try BibTeXReader().read(Array(text.utf8), source: "t.bib", options: ReadOptions(), diagnostics: &diagnostics)
        try #require(library.entries.count == 3)
        #expect(library.entries[0].contributors[.director]?.names.first?.family == "Forman")
        #expect(library.entries[0].contributors[.editor] == nil)
        #expect(library.entries[0].extra.isEmpty)
        #expect(library.entries[1].contributors[.editor]?.names.first?.family == "Doe")
        #expect(library.entries[1].extra.isEmpty)
        #expect(library.entries[2].contributors[.editor]?.names.first?.family == "Roe")
    }
}
