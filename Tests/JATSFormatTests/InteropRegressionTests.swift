import BibModel
import Foundation
import JATSFormat
import Testing

/// Regressions found by the cross-format corpus checks (`Tests/InteropTests`).
@Suite struct InteropRegressionTests {
    /// An entry with nothing JATS can hold still gets a valid, non-empty element-citation,
    /// and blank values are not written as empty elements.
    @Test func emptyEntriesAndBlankValuesStayValid() {
        var blank = Entry(key: "blank", type: EntryType(.report))
        blank.fields[.institution] = ""
        blank.fields[.publisherPlace] = " "
        blank.fields[.page] = ""
        blank.fields[.issue] = ""
        blank.title = "Has a title"
        let nothing = Entry(key: "nothing", type: EntryType(.document), keywords: ["only keywords"])
        let written = Support.write(Library(entries: [blank, nothing]))
        let text = String(decoding: written.bytes, as: UTF8.self)
        #expect(!text.contains("<element-citation publication-type=\"other\"/>"))
        #expect(!text.contains("<institution></institution>") && !text.contains("<page-range></page-range>"))
        #expect(Support.xsdProblems(written.bytes).isEmpty, "\(Support.xsdProblems(written.bytes))")
        if Support.hasOfficialDTD {
            let problems = Support.dtdProblems(written.bytes)
            #expect(problems.isEmpty, "\(problems.map(\.message))")
        }
        let back = Support.read(written.bytes).library.entries
        #expect(back.count == 2)
        #expect(back.last?.title == nil)
        #expect(back.last?.notes.isEmpty ?? false)
    }

    /// A journal article without a title keeps its journal as the container, and the
    /// element-citation's text is not turned into a note.
    @Test func untitledArticleKeepsItsJournal() {
        var article = Entry(key: "a", type: EntryType(.articleJournal))
        article.container = Level(title: "Doklady Akademii Nauk SSSR")
        article.dates[.issued] = .typed(BibDate(year: 1953))
        article.fields[.volume] = "88"
        var law = Entry(key: "b", type: EntryType(.legislation))
        law.dates[.issued] = .typed(BibDate(year: 2015))
        law.links = [Link("https://www.gpo.gov/x.pdf")]
        let back = Support.read(Support.write(Library(entries: [article, law])).bytes).library.entries
        #expect(back.first?.title == nil)
        #expect(back.first?.container?.title == "Doklady Akademii Nauk SSSR")
        #expect(back.last?.notes.isEmpty ?? false)
        #expect(back.last?.links == law.links)
    }

    /// A mixed citation with only text still keeps it as a note.
    @Test func mixedCitationTextIsStillKept() {
        let xml = "<ref-list><ref id=\"r\"><mixed-citation>Smith J. Some text 2001.</mixed-citation></ref></ref-list>"
        let back = Support.read(Array(xml.utf8)).library.entries
        #expect(back.first?.notes.first?.plainText == "Smith J. Some text 2001.")
    }
}
