import BibModel
import Foundation
import Testing

@testable import CSLJSONFormat

/// Differences with pandoc's BibTeX → CSL-JSON found by `scripts/interop.sh`, where pandoc was right.
@Suite struct CSLInteropRegressionTests {
    static func entry(title: RichText, extras: [(String, String)]) -> Entry {
        var e = Entry(key: "rechenberg2006", type: EntryType(.book))
        e.title = title
        for (name, value) in extras { e.extra[FieldKey("bibtex", name)] = value }
        return e
    }

    /// CSL has no subtitle: biblatex's `subtitle` and `titleaddon` join the title as biblatex
    /// prints them (pandoc does the same), and reading it back gives the model unchanged.
    @Test(arguments: [
        ("Technisches Schreiben", [("subtitle", "(nicht nur) für Informatiker")], "Technisches Schreiben: (nicht nur) für Informatiker"),
        ("Why Sparsity?", [("subtitle", "A Study")], "Why Sparsity? A Study"),
        ("Title", [("subtitle", "Sub"), ("titleaddon", "With an Addon")], "Title: Sub. With an Addon"),
        ("Title", [("titleaddon", "Addon")], "Title. Addon"),
        ("Title", [("SUBTITLE", "Upper")], "Title: Upper"),
    ])
    func subtitleAndTitleaddonJoinTheTitle(_ title: String, _ extras: [(String, String)], _ expected: String) throws {
        let e = Self.entry(title: RichText(title), extras: extras)
        let item = try Support.item(e)
        #expect(item["title"] as? String == expected)
        let (back, diagnostics) = Support.read(Support.text([e]))
        #expect(!diagnostics.hasErrors)
        #expect(back.entries.first?.title == e.title)
        #expect(back.entries.first?.extra == e.extra)
    }

    @Test func titleWithMathAndSubtitleKeepsTheTeX() throws {
        let title = RichText([.text("Growth of "), .math("\\mathrm{GaN}"), .text(" layers")])
        let e = Self.entry(title: title, extras: [("subtitle", "A Review")])
        let item = try Support.item(e)
        let typeset = try #require(item["title"] as? String)
        #expect(typeset.hasSuffix(": A Review"))
        #expect(!typeset.contains("\\mathrm"))
        let (back, _) = Support.read(Support.text([e]))
        #expect(back.entries.first?.title == title)
    }

    @Test func noSubtitleNoChange() throws {
        let e = Self.entry(title: "Plain", extras: [("subtitle", "  ")])
        #expect(try Support.item(e)["title"] as? String == "Plain")
        let custom = try Support.item(e)["custom"] as? [String: Any] ?? [:]
        #expect(custom["derived"] == nil)
    }
}
