import BibModel
import Testing

@testable import RISFormat

/// Regressions found by the cross-format corpus checks (`Tests/InteropTests`).
@Suite struct RISInteropRegressionTests {
    /// biblatex data annotations (`author+an:role`) keep their name through an `N1` note.
    @Test func annotationExtrasComeBackFromNotes() {
        var e = Entry(key: "k", type: EntryType(.articleJournal), title: "T")
        e.extra[FieldKey("bibtex", "AUTHOR+an:role")] = "1=director"
        e.extra[FieldKey("bibtex", "timestamp")] = "2020-01-01"
        let (text, diagnostics) = writeRIS(Library(entries: [e]))
        #expect(!diagnostics.all.contains { $0.code == "ris.extra-name" })
        let back = readOne(text)
        #expect(back.extra == e.extra)
        #expect(back.notes.isEmpty)
    }

    @Test(arguments: [
        ("bibtex:AUTHOR+an:role: 1=director", FieldKey("bibtex", "AUTHOR+an:role"), "1=director"),
        ("bibtex:title+an: =x", FieldKey("bibtex", "title+an"), "=x"),
    ])
    func annotatedNamesParse(_ note: String, _ key: FieldKey, _ value: String) {
        let parsed = RISStructuredNote.parse(note)
        #expect(parsed?.key == key && parsed?.value == value)
    }

    /// Ordinary prose with colons stays a note.
    @Test(arguments: ["see: page 3", "Note:: x", "bibtex:a:: b", "bibtex:: x"])
    func proseIsNotStructured(_ note: String) {
        #expect(RISStructuredNote.parse(note) == nil)
        #expect(!RISStructuredNote.isWritableName(""))
    }
}
