import BibModel
import BibXML
import Foundation
import JATSFormat
import Testing

@Suite struct WriterTests {
    @Test func snapshotsValidateAgainstOurSchemaTheDTDAndTheOracle() throws {
        let library = Library(entries: Array(Samples.library.entries.prefix(8)) + [Samples.entry(.chapter, index: 99)])
        for article in [false, true] {
            let written = Support.write(library, article: article)
            let name = article ? "sample-article.xml" : "sample-ref-list.xml"
            Support.assertSnapshot(written.bytes, named: name)
            #expect(Support.xsdProblems(written.bytes).isEmpty, "\(Support.xsdProblems(written.bytes))")
            if Support.hasOfficialDTD {
                let problems = Support.dtdProblems(written.bytes, article: article)
                #expect(problems.isEmpty, "\(problems.map(\.message))")
            }
            if let oracle = Support.oracle(written.bytes) {
                #expect(oracle.passed, "\(oracle.output)")
            }
        }
    }

    @Test func everyWorkTypeValidatesEverywhere() throws {
        let written = Support.write(Samples.library)
        #expect(Support.xsdProblems(written.bytes).isEmpty, "\(Support.xsdProblems(written.bytes))")
        if Support.hasOfficialDTD {
            let problems = Support.dtdProblems(written.bytes)
            #expect(problems.isEmpty, "\(problems.map(\.message))")
        }
        if let oracle = Support.oracle(written.bytes) { #expect(oracle.passed, "\(oracle.output)") }
        // Only JATS4R publication types.
        let text = String(decoding: written.bytes, as: UTF8.self)
        let allowed: Set<String> = ["journal", "preprint", "book", "confproc", "thesis", "report", "webpage", "data",
            "software", "patent", "standard", "newspaper", "commun", "blog", "gov", "other"]
        for match in text.split(separator: "publication-type=\"").dropFirst() {
            #expect(allowed.contains(String(match.prefix { $0 != "\"" })))
        }
    }

    @Test func idsAreXMLNamesAndUnique() throws {
        let entries = ["2020smith", "smith2020", "smith2020", "a:b/c", nil, "ref-2"].map {
            Entry(key: $0, type: EntryType(.book), title: "T")
        }
        let written = Support.write(Library(entries: entries))
        let text = String(decoding: written.bytes, as: UTF8.self)
        let ids = text.split(separator: "<ref id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(ids == ["ref-2020smith", "smith2020", "smith2020-2", "ref-a_b_c", "ref-5", "ref-2"])
        #expect(ids.allSatisfy(XMLNames.isNCName))
        #expect(written.diagnostics.all.contains { $0.code == "jats.key-changed" })
        #expect(Support.xsdProblems(written.bytes).isEmpty)
    }

    @Test func pagesBecomeFpageLpageOrElocationNeverBoth() {
        let cases: [(String, String)] = [
            ("101-115", "<fpage>101</fpage>\n      <lpage>115</lpage>"), ("101--115", "<fpage>101</fpage>"),
            ("1234-56", "<lpage>1256</lpage>"), ("e1002345", "<elocation-id>e1002345</elocation-id>"),
            ("101-115, 120", "<page-range>101-115, 120</page-range>"), ("xii", "<fpage>xii</fpage>"),
        ]
        for (page, expected) in cases {
            var entry = Entry(key: "p", type: EntryType(.articleJournal), title: "T")
            entry.fields[.page] = page
            let text = String(decoding: Support.write(Library(entries: [entry])).bytes, as: UTF8.self)
            #expect(text.contains(expected), "\(page)")
            #expect(!(text.contains("<fpage>") && text.contains("<elocation-id>")))
        }
    }

    @Test func unwritableFieldsAreReportedOncePerField() {
        let entries = (0..<3).map { i -> Entry in
            var e = Entry(key: "e\(i)", type: EntryType(.book), title: "T")
            e.abstract = "x"
            e.fields[.annote] = "y"
            e.extra[FieldKey("bibtex", "timestamp")] = "z"
            e.shortTitle = "S"
            return e
        }
        let written = Support.write(Library(entries: entries))
        let lost = written.diagnostics.all.filter { $0.code == "jats.unwritable-field" }
        #expect(lost.compactMap(\.field) == ["title-short", "annote", "abstract", "bibtex:timestamp"])
        #expect(lost.allSatisfy { $0.severity == .warning && $0.message.contains("3 entries (first: e0)") })
    }

    @Test func controlCharactersAreReplacedAndReported() {
        let entry = Entry(key: "c", type: EntryType(.book), title: "Bad\u{7}Title")
        let written = Support.write(Library(entries: [entry]))
        #expect(written.diagnostics.all.contains { $0.code == "jats.invalid-character" })
        #expect(Support.xsdProblems(written.bytes).isEmpty)
    }

    @Test func emptyLibraryIsAValidRefList() {
        let written = Support.write(Library())
        #expect(String(decoding: written.bytes, as: UTF8.self) == """
            <?xml version="1.0" encoding="UTF-8"?>
            <ref-list xmlns:xlink="http://www.w3.org/1999/xlink"/>

            """)
        #expect(Support.xsdProblems(written.bytes).isEmpty)
    }

    @Test func tenThousandEntriesWriteAndReadBack() {
        // Scale, not speed: speed is measured by scripts/bench.sh, never by a unit test.
        let library = Library(entries: (0..<10_000).map { Samples.entry(.articleJournal, index: $0) })
        let bytes = Support.write(library).bytes
        #expect(bytes.count > 10_000 * 500)
        #expect(Support.read(bytes).library.entries.count == 10_000)
    }
}
