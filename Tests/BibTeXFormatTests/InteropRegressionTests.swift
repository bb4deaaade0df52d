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
}
