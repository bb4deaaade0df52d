import BibModel
import Foundation
import Testing

@testable import CSLJSONFormat

/// Entries shaped like the profile reader's output: no arXiv id, a subject class, code
/// links in the abstract, "et al." author lists, and collection metadata.
enum ProfileLike {
    static let library: Library = {
        var first = Entry(key: "muhtar2026sparsity", type: EntryType(.article, original: FieldKey("profile", "paper"), genre: "preprint"))
        first.title = "When Does Sparsity Mitigate the Curse of Depth in LLMs"
        first.contributors[.author] = NameList(
            [PersonName(family: "Muhtar", given: "Dilxat"), PersonName(family: "Song", given: "Xinyuan"), PersonName(family: "Pokutta", given: "Sebastian")],
            truncated: true)
        first.dates[.issued] = .typed(BibDate(year: 2026, month: 3, day: 16))
        first.abstract = "Recent work has demonstrated the curse of depth. Code is available at https://github.com/pUmpKin-Co/SparsityAndCoD."
        first.links = [Link("https://github.com/pUmpKin-Co/SparsityAndCoD", kind: .code)]
        first.keywords = ["cs.CL"]
        first.extra[FieldKey("profile", "score")] = "99.8"
        var second = Entry(key: "zimmer2023sparse", type: EntryType(.article, original: FieldKey("profile", "paper"), genre: "preprint"))
        second.title = "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging"
        second.contributors[.author] = NameList([
            PersonName(family: "Zimmer", given: "Max"), PersonName(family: "Spiegel", given: "Christoph"), PersonName(family: "Pokutta", given: "Sebastian"),
        ])
        second.dates[.issued] = .typed(BibDate(year: 2023, month: 6, day: 29))
        second.keywords = ["cs.LG"]
        return Library(
            entries: [first, second],
            metadata: CollectionMetadata(
                title: "Max Zimmer", owner: PersonName(family: "Zimmer", given: "Max"),
                properties: [FieldKey("profile", "h-index"): "29", FieldKey("profile", "papers"): "24"]))
    }()
}

/// Entries without markup, math or backslashes, for the oracle with every check on.
enum Plain {
    static let entries: [Entry] = {
        var a = Samples.conference
        a.title = "Analytical Engines"
        var b = Samples.thesis
        b.key = "doe1999"
        var c = Samples.book
        c.dates[.originalDate] = .typed(BibDate(year: 1869))
        var d = Samples.preprint
        d.title = "ECHOSAT: Estimating Canopy Height Over Space and Time"
        return [a, b, c, d] + Samples.everyType
    }()
}

@Suite struct WriterGoldenTests {
    @Test func samplesPretty() throws {
        try Support.assertSnapshot(Support.write(Library(entries: Samples.all), pretty: true).0, named: "samples.pretty.json")
    }

    @Test func samplesCompact() throws {
        try Support.assertSnapshot(Support.write(Library(entries: Samples.all), pretty: false).0, named: "samples.compact.json")
    }

    @Test func profileLike() throws {
        let (bytes, diagnostics) = Support.write(ProfileLike.library)
        try Support.assertSnapshot(bytes, named: "profile.pretty.json")
        let metadata = try #require(diagnostics.all.first { $0.code == "csl.collection-metadata" })
        #expect(metadata.severity == .warning)
        #expect(metadata.message.contains("owner “Max Zimmer”"))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("https://github.com/pUmpKin-Co/SparsityAndCoD\",\n          \"kind\": \"code\""))
    }

    @Test func plain() throws {
        try Support.assertSnapshot(Support.write(Library(entries: Plain.entries)).0, named: "plain.pretty.json")
    }

    @Test func isDeterministicAndCompactEqualsPretty() throws {
        let a = Support.write(Library(entries: Samples.all), pretty: true).0
        let b = Support.write(Library(entries: Samples.all), pretty: true).0
        #expect(a == b)
        let c = Support.write(Library(entries: Samples.all), pretty: false).0
        #expect(try (Support.json(a) as? NSArray) == (Support.json(c) as? NSArray))
        #expect(c.filter { $0 == 0x0A }.count == 1)
        #expect(a.last == 0x0A)
    }
}

@Suite struct WriterMappingTests {
    @Test func theTypeTableIsSymmetricAndMatchesCSL() throws {
        #expect(CSLTypes.rows.count == 45)
        for row in CSLTypes.rows {
            #expect(CSLTypes.workType(forCSL: CSLTypes.cslType(for: row.kind)) == row.kind)
            #expect(CSLTypes.readType(row.csl) == (row.kind, true))
        }
        for (alias, kind) in CSLTypes.readAliases {
            #expect(CSLTypes.workType(forCSL: alias) == nil, "\(alias) is a CSL type")
            #expect(CSLTypes.readType(alias).kind == kind)
        }
        if Support.exists(Support.officialSchema) {
            let schema = try Support.json(Support.bytes(Support.officialSchema)) as? [String: Any]
            let items = schema?["items"] as? [String: Any]
            let props = items?["properties"] as? [String: Any]
            let typeEnum = (props?["type"] as? [String: Any])?["enum"] as? [String]
            #expect(Set(typeEnum ?? []) == Set(CSLTypes.rows.map(\.csl)))
        }
    }

    @Test func theFieldTableIsSymmetric() {
        for field in Field.allCases {
            if let variable = CSLVariables.fieldVariable[field] {
                #expect(CSLVariables.variableField[variable] == field)
                #expect(CSLVariables.kinds[variable] != nil, "\(variable) is not CSL")
            } else {
                #expect([.institution, .organization, .howPublished, .rights].contains(field))
            }
        }
    }

    @Test func generatesMissingKeysAndUniqueIDs() throws {
        var a = Entry(type: EntryType(.book))
        a.title = "Sparse Soups"
        a.contributors[.author] = NameList([PersonName(family: "Zimmer", given: "Max")])
        a.dates[.issued] = .typed(BibDate(year: 2023))
        let b = Entry(key: "dup", type: EntryType(.book))
        let (bytes, diagnostics) = Support.write(Library(entries: [a, b, b]))
        let items = try #require(try Support.json(bytes) as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == ["zimmer2023sparse", "dup", "dupa"])
        #expect(items.map { $0["citation-key"] as? String } == ["zimmer2023sparse", "dup", "dup"])
        #expect(diagnostics.all.contains { $0.code == "csl.generated-key" })
        #expect(diagnostics.all.contains { $0.code == "csl.duplicate-id" && $0.severity == .warning })
    }

    @Test func derivesWhatConsumersExpect() throws {
        let thesis = try Support.item(Samples.thesis)
        #expect(thesis["publisher"] as? String == "Technische Universität Berlin")
        #expect(thesis["genre"] as? String == "PhD thesis")
        let preprint = try Support.item(Samples.preprint)
        #expect(preprint["URL"] as? String == "https://arxiv.org/abs/2502.12345")
        #expect(preprint["number"] as? String == "arXiv:2502.12345")
        #expect(preprint["publisher"] as? String == "arXiv")
        let custom = try #require(preprint["custom"] as? [String: Any])
        let ids = custom["identifiers"] as? [[String: String]]
        #expect(ids == [["kind": "arxiv", "value": "2502.12345", "qualifier": "cs.CV"]])
        #expect((custom["links"] as? [[String: String]])?.first?["kind"] == "code")
        // A journal article with an arXiv id keeps its own URL and gets no arXiv number.
        let article = try Support.item(Samples.article)
        #expect(article["URL"] as? String == "https://example.org/paper")
        #expect(article["number"] == nil)
        #expect(article["publisher"] == nil)
    }

    @Test func namesWithoutFamilyBecomeLiterals() throws {
        var e = Entry(key: "p", type: EntryType(.book))
        e.contributors[.author] = NameList([PersonName(given: "Plato"), PersonName(family: "", given: "")])
        let (bytes, diagnostics) = Support.write(Library(entries: [e]))
        let item = try #require((try Support.json(bytes) as? [[String: Any]])?.first)
        #expect((item["author"] as? [[String: String]]) == [["literal": "Plato"]])
        #expect(diagnostics.all.contains { $0.code == "csl.name-as-literal" })
        #expect(diagnostics.all.contains { $0.code == "csl.empty-name" })
    }

    @Test func impossibleDatesAreWrittenAsLiterals() throws {
        var e = Entry(key: "d", type: EntryType(.book))
        e.dates[.issued] = .typed(BibDate(DateParts(year: 2020, month: 14)))
        let (bytes, diagnostics) = Support.write(Library(entries: [e]))
        let item = try #require((try Support.json(bytes) as? [[String: Any]])?.first)
        #expect((item["issued"] as? [String: String]) == ["literal": "2020-14"])
        #expect(diagnostics.all.contains { $0.code == "csl.invalid-date" })
    }

    @Test func reportsMarkupItCannotWrite() {
        var e = Entry(key: "m", type: EntryType(.book))
        e.title = RichText([.code("grep"), .text(" and "), .link(url: "https://x", [.text("x")])])
        let (_, diagnostics) = Support.write(Library(entries: [e]))
        #expect(diagnostics.all.filter { $0.code == "csl.markup-lost" }.map(\.severity) == [.note, .warning])
    }

    @Test func extraFieldsNeverBreakTheSchema() throws {
        var e = Entry(key: "x", type: EntryType(.book))
        e.extra[FieldKey("csl-json", "volume")] = "{\"not\": \"a number\"}"
        e.extra[FieldKey("csl", "author")] = "not names"
        e.extra[FieldKey("csl", "type")] = "book"
        e.extra[FieldKey("csl-json", "broken")] = "{oops"
        e.extra[FieldKey("custom", "derived")] = "collides"
        let (bytes, diagnostics) = Support.write(Library(entries: [e]))
        let item = try #require((try Support.json(bytes) as? [[String: Any]])?.first)
        #expect(item["volume"] == nil)
        #expect(item["author"] == nil)
        let custom = try #require(item["custom"] as? [String: Any])
        #expect(custom["csl-json:volume"] != nil)
        #expect(custom["csl:author"] as? String == "not names")
        #expect(custom["csl-json:broken"] as? String == "{oops")
        #expect(custom["custom:derived"] as? String == "collides")
        #expect(diagnostics.all.contains { $0.code == "csl.extra-not-json" })
        #expect(CSLJSONValidation.validate(bytes, against: SchemaFiles.ours).all.isEmpty)
    }
}
