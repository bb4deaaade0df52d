import BibModel
import Foundation
import Testing

@testable import CSLJSONFormat
import TestSupport

@Suite struct ReaderToleranceTests {
    @Test func readsWhatZoteroAndPandocWrite() throws {
        let (library, diagnostics) = Support.read(#"""
            [
              {"id": 17, "type": "article-journal", "title": "A <i>title</i>",
               "author": [{"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"},
                          {"literal": "WHO"}, {"family": "Doe", "given": "J."}, {"literal": "others"}],
               "issued": {"date-parts": [["2011", "5", 25]]},
               "accessed": {"raw": "2015-04-30"},
               "original-date": {"literal": "around 1900"},
               "submitted": {"date-parts": [[2017, 13]]},
               "available-date": {"date-parts": [[2019], [2021]], "circa": "1"},
               "event-date": {"raw": "Spring 2020"},
               "volume": 3, "page": "1-5", "container-title": "J", "journalAbbreviation": "J.",
               "ISSN": "1234-5678", "DOI": "10.1/x", "URL": "https://x.org",
               "keyword": "a,b; c, d", "note": "N", "journal": "Journal", "GSCC": 12,
               "custom": {"S2ID": "202004462", "bibtex:timestamp": "t", "flags": [1]}}
            ]
            """#)
        #expect(!diagnostics.hasErrors, "\(diagnostics.all)")
        let e = try #require(library.entries.first)
        #expect(e.key == "17")
        #expect(e.type == EntryType(.articleJournal))
        #expect(e.title == RichText([.text("A "), .italic([.text("title")])]))
        #expect(e.authors.names.count == 3)
        #expect(e.authors.truncated)
        #expect(e.authors.names[0] == PersonName(family: "Berg", given: "Anna", nonDroppingParticle: "van der"))
        #expect(e.authors.names[1] == .literal("WHO"))
        #expect(e.dates[.issued] == .typed(BibDate(year: 2011, month: 5, day: 25)))
        #expect(e.dates[.accessed] == .typed(BibDate(year: 2015, month: 4, day: 30)))
        #expect(e.dates[.originalDate] == .raw("around 1900"))
        #expect(e.dates[.submitted] == .typed(BibDate(DateParts(year: 2017), season: .spring)))
        #expect(e.dates[.availableDate] == .typed(BibDate(from: DateParts(year: 2019), to: DateParts(year: 2021), circa: true)))
        #expect(e.dates[.eventDate] == .raw("Spring 2020"))
        #expect(e.fields[.volume] == "3")
        #expect(e.container?.title == "J")
        #expect(e.container?.shortTitle == "J.")
        #expect(e.container?.identifiers == [Identifier(.issn, "1234-5678")])
        #expect(e.identifiers == [Identifier(.doi, "10.1/x")])
        #expect(e.links == [Link("https://x.org")])
        #expect(e.keywords == ["a", "b; c", "d"])
        #expect(e.notes == ["N"])
        #expect(e.extra[FieldKey("csl", "journal")] == "Journal")
        #expect(e.extra[FieldKey("csl-json", "GSCC")] == "12")
        #expect(e.extra[FieldKey("custom", "S2ID")] == "202004462")
        #expect(e.extra[FieldKey("bibtex", "timestamp")] == "t")
        #expect(e.extra[FieldKey("custom-json", "flags")] == "[1]")
        #expect(diagnostics.all.contains { $0.code == "csl.others" })
        #expect(diagnostics.all.contains { $0.code == "csl.unknown-variable" && $0.field == "[0].journal" })
    }

    @Test func keepsNamePartsAsGivenAndParsesOnlyWhenAsked() throws {
        let (library, _) = Support.read(#"""
            [{"id": "a", "type": "book", "author": [
              {"family": "van der Berg", "given": "Anna"},
              {"family": "van der Berg", "given": "Anna", "parse-names": true},
              {"family": "d'Aspremont", "given": "Alexandre", "parse-names": "true"},
              {"family": "Beethoven", "given": "Ludwig van, Jr.", "parse-names": 1}]}]
            """#)
        let names = try #require(library.entries.first?.authors.names)
        #expect(names[0] == PersonName(family: "van der Berg", given: "Anna"))
        #expect(names[1] == PersonName(family: "Berg", given: "Anna", nonDroppingParticle: "van der"))
        #expect(names[2] == PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d'"))
        #expect(names[3] == PersonName(family: "Beethoven", given: "Ludwig", droppingParticle: "van", suffix: "Jr."))
    }

    @Test func readsASingleObjectAndWrappers() {
        #expect(Support.read(#"{"id": "a", "type": "book", "title": "T"}"#).0.entries.map(\.key) == ["a"])
        #expect(Support.read(#"{"references": [{"id": "a", "type": "book"}, {"id": "b", "type": "book"}]}"#).0.entries.map(\.key) == ["a", "b"])
        #expect(Support.read("\u{FEFF}[]").0.entries.isEmpty)
    }

    @Test func readsUnknownTypesAndKeepsThem() throws {
        let (library, diagnostics) = Support.read(#"[{"id": "a", "type": "video"}, {"id": "b", "type": ""}, {"id": "c"}]"#)
        #expect(library.entries.map(\.type.kind) == [.motionPicture, .document, .document])
        #expect(library.entries[0].type.original == FieldKey("csl", "video"))
        #expect(diagnostics.all.contains { $0.code == "csl.missing-type" && $0.field == "[2]" })
        let out = try Support.item(library.entries[0])
        #expect(out["type"] as? String == "motion_picture")
        #expect((out["custom"] as? [String: Any])?["original-type"] as? String == "csl:video")
    }

    @Test func keepsCitationKeyAndADifferentID() throws {
        let (library, _) = Support.read(#"[{"id": "http://zotero.org/items/ABC", "citation-key": "smith2020", "type": "book"}]"#)
        let e = try #require(library.entries.first)
        #expect(e.key == "smith2020")
        let out = try Support.item(e)
        #expect(out["id"] as? String == "http://zotero.org/items/ABC")
        #expect(out["citation-key"] as? String == "smith2020")
    }
}

@Suite struct ReaderDiagnosticsTests {
    @Test func badValuesCarryPathLineAndColumn() throws {
        let text = """
            [
              {"id": "a", "type": "book"},
              {"id": "b", "type": "book",
               "author": [{"family": "X"}, {"family": ["not", "a", "string"]}],
               "issued": {"date-parts": [[2020, 13, 40]]},
               "title": {"no": "object"}}
            ]
            """
        let (library, diagnostics) = Support.read(text)
        #expect(library.entries.count == 2)
        let family = try #require(diagnostics.all.first { $0.field == "[1].author[1].family" })
        #expect(family.location?.line == 4)
        #expect(family.location?.column == 43)
        #expect(family.entryKey == "b")
        #expect(family.message.hasPrefix("`[1].author[1].family`"))
        let date = try #require(diagnostics.all.first { $0.field == "[1].issued.date-parts[0]" })
        #expect(date.location?.line == 5)
        #expect(date.location?.column == 30)
        #expect(library.entries[1].dates[.issued] == .raw("2020-13-40"))
        let title = try #require(diagnostics.all.first { $0.field == "[1].title" })
        #expect(title.location?.line == 6)
        #expect(library.entries[1].extra[FieldKey("csl-json", "title")] == #"{"no":"object"}"#)
    }

    @Test func malformedJSONIsReportedExactlyAndTheRestIsRead() throws {
        let text = """
            [
              {"id": "one", "type": "book", "title": "One"},
              {"id": "two", "type": "book", "title": "Two,
               "author": [{"family": "X"}]},
              {"id": "three", "type": "book", "title": "Three",
               "author": [{"family": "Y"}, {"family": "Z"}]},
              {"id": "four", "type": "book" "title": "Four"},
              {"id": "five", "type": "book"}
            ]
            """
        let (library, diagnostics) = Support.read(text)
        #expect(library.entries.map(\.key) == ["one", "three", "five"])
        let errors = diagnostics.all.filter { $0.severity == .error }
        #expect(errors.count == 2)
        #expect(errors[0].location?.line == 3)
        #expect(errors[0].location?.column == 47)
        #expect(errors[0].message.contains("control character"))
        #expect(errors[1].location?.line == 7)
        #expect(errors[1].location?.column == 33)
        #expect(errors[1].field == "[3]")
    }

    @Test func compactInputRecoversAfterDamage() {
        let text = #"[{"id":"a","type":"book"},{"id":"b","type":"book","title":tru},{"id":"c","type":"book","author":[{"family":"F"},{"family":"G"}]}]"#
        let (library, diagnostics) = Support.read(text)
        #expect(library.entries.map(\.key) == ["a", "c"])
        #expect(diagnostics.all.filter { $0.severity == .error }.count == 1)
    }

    @Test func missingAndTrailingCommasAreErrorsButReadAnyway() {
        let (library, diagnostics) = Support.read("[{\"id\":\"a\",\"type\":\"book\",} {\"id\":\"b\",\"type\":\"book\"},]  ")
        #expect(library.entries.map(\.key) == ["a", "b"])
        #expect(diagnostics.all.filter { $0.severity == .error }.map(\.location?.column) == [25, 28, 52])
    }

    @Test func unterminatedArrayAndTrailingGarbage() {
        var (library, diagnostics) = Support.read(#"[{"id":"a","type":"book"}"#)
        #expect(library.entries.count == 1)
        #expect(diagnostics.all.contains { $0.severity == .error && $0.message.contains("not closed") })
        (library, diagnostics) = Support.read(#"[{"id":"a","type":"book"}] x"#)
        #expect(library.entries.count == 1)
        #expect(diagnostics.all.contains { $0.severity == .error && $0.location?.column == 28 })
    }

    @Test func nonItemsAreSkippedWithAnError() {
        let (library, diagnostics) = Support.read(#"[1, "x", {"id": "a", "type": "book"}, [], null]"#)
        #expect(library.entries.map(\.key) == ["a"])
        #expect(diagnostics.all.filter { $0.code == "csl.not-an-item" }.count == 4)
    }

    @Test func notJSONIsFatalAndEmptyIsAWarning() {
        var d = Diagnostics()
        #expect(throws: FatalReadError.self) {
            _ = try CSLJSONReader().read(Array("@article{x,}".utf8), source: "x.bib", options: ReadOptions(), diagnostics: &d)
        }
        #expect(throws: FatalReadError.self) {
            _ = try CSLJSONReader().read([0xFF, 0xFE, 0x5B, 0x00], source: "x", options: ReadOptions(), diagnostics: &d)
        }
        let (library, diagnostics) = Support.read("  \n")
        #expect(library.entries.isEmpty)
        #expect(diagnostics.all.map(\.code) == ["csl.empty-input"])
    }

    @Test func deepNestingIsReportedNotCrashed() {
        let bomb = "[{\"id\":\"a\",\"type\":\"book\",\"x\":" + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + "}]"
        let (library, diagnostics) = Support.read(bomb)
        #expect(library.entries.isEmpty)
        #expect(diagnostics.all.contains { $0.message.contains("nesting deeper than 512") })
    }

    /// Random damage to real files never crashes the reader, and it always reports the
    /// damage or reads everything.
    @Test func survivesRandomDamage() throws {
        let files = Support.corpusFiles().prefix(12)
        var inputs: [[UInt8]] = try files.map { try Support.bytes(Support.corpus.appendingPathComponent($0)) }
        if inputs.isEmpty { inputs = [Support.write(Library(entries: Samples.all)).0] }
        var rng = SplitMix64(seed: 0xB1B_C5_1)
        let specials: [UInt8] = Array("[]{},:\"\\ \n0-tfn".utf8) + [0x00, 0xFF, 0xC3, 0xE2]
        for round in 0..<1500 {
            var bytes = inputs[round % inputs.count]
            guard !bytes.isEmpty else { continue }
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[at] = specials[Int(rng.next() % UInt64(specials.count))]
                case 1: bytes.remove(at: at)
                default: bytes.insert(specials[Int(rng.next() % UInt64(specials.count))], at: at)
                }
            }
            var d = Diagnostics()
            let library = try? CSLJSONReader().read(bytes, source: "fuzz", options: ReadOptions(), diagnostics: &d)
            if let library {
                // Whatever was read can be written and read again.
                let (out, _) = Support.write(library)
                let (again, d2) = Support.read(out)
                #expect(again.entries.count == library.entries.count)
                #expect(!d2.hasErrors)
            }
        }
    }
}
