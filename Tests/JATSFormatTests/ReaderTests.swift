import BibModel
import BibXML
import Foundation
import JATSFormat
import Testing

@Suite struct ReaderTests {
    @Test func readsMixedCitationsIgnoringPunctuation() throws {
        let xml = """
            <ref-list>
              <ref id="r1"><label>1.</label><mixed-citation publication-type="journal"><person-group person-group-type="author"><string-name><surname>Smith</surname> <given-names>J</given-names></string-name>, <string-name>Doe JA</string-name>, <etal/></person-group> (<year>2001</year>) <article-title>A <italic>title</italic>.</article-title> <source>J Ex</source> <volume>3</volume>: <fpage>1</fpage>–<lpage>9</lpage>. <pub-id pub-id-type="doi">https://doi.org/10.1/abc</pub-id></mixed-citation></ref>
            </ref-list>
            """
        let read = Support.read(Array(xml.utf8))
        let entry = try #require(read.library.entries.first)
        #expect(entry.key == "r1")
        #expect(entry.type.kind == .articleJournal)
        #expect(entry.authors.names == [PersonName(family: "Smith", given: "J"), PersonName(family: "Doe", given: "JA")])
        #expect(entry.authors.truncated)
        #expect(entry.title == RichText([.text("A "), .italic([.text("title")]), .text(".")]))
        #expect(entry.container?.title == "J Ex")
        #expect(entry.fields[.page] == "1-9")
        #expect(entry.identifier(.doi) == "10.1/abc")
        #expect(entry.dates[.issued] == .typed(BibDate(year: 2001)))
        #expect(entry.extra[FieldKey("jats", "label")] == "1.")
    }

    /// A year before Christ as people write it ("350 BC") is the astronomical year (-349)
    /// when no `iso-8601-date` attribute says so.
    @Test func readsYearsBeforeChrist() throws {
        let xml = """
            <ref-list>
            <ref id="a"><element-citation publication-type="book"><source>Poetics</source><year>350 BC</year></element-citation></ref>
            <ref id="b"><element-citation publication-type="book"><source>One</source><year>1 B.C.</year></element-citation></ref>
            <ref id="c"><element-citation publication-type="book"><source>Two</source><year>-43</year></element-citation></ref>
            </ref-list>
            """
        let read = Support.read(Array(xml.utf8))
        try #require(read.library.entries.count == 3)
        #expect(read.library.entries.map { $0.dates[.issued] } == [
            .typed(BibDate(year: -349)), .typed(BibDate(year: 0)), .typed(BibDate(year: -43)),
        ])
    }

    @Test func readsNLMCitationsAndKeepsUnknownElements() throws {
        let xml = """
            <ref-list>
            <ref id="B1"><citation citation-type="journal"><name><surname>Lee</surname><given-names>K</given-names></name><article-title>T</article-title><source>S</source><year>2007a</year><month>Sep</month><conf-acronym>C</conf-acronym><custom-thing>kept</custom-thing><ext-link ext-link-type="doi">10.5/x</ext-link></citation></ref>
            <ref id="B2"><note><p>Personal communication with X.</p></note></ref>
            </ref-list>
            """
        let read = Support.read(Array(xml.utf8))
        try #require(read.library.entries.count == 2)
        let first = read.library.entries[0]
        #expect(first.authors.names == [PersonName(family: "Lee", given: "K")])
        #expect(first.dates[.issued] == .typed(BibDate(year: 2007, month: 9)))
        #expect(first.extra[FieldKey("jats", "custom-thing")] == "kept")
        #expect(first.extra[FieldKey("jats", "conf-acronym")] == "C")
        #expect(first.identifier(.doi) == "10.5/x")
        let second = read.library.entries[1]
        #expect(second.key == "B2")
        #expect(second.notes == ["Personal communication with X."])
        #expect(read.diagnostics.all.contains { $0.code == "jats.ref-without-citation" && $0.location?.line == 3 })
    }

    @Test func reportsXMLErrorsWithLines() {
        let xml = "<ref-list>\n<ref id=\"a\">\n<element-citation>\n</ref>\n</ref-list>\n"
        let read = Support.read(Array(xml.utf8), source: "bad.xml")
        #expect(read.library.entries.isEmpty)
        let error = read.diagnostics.all.first { $0.severity == .error }
        #expect(error?.location?.file == "bad.xml")
        #expect(error?.location?.line == 4)
        #expect(error?.code == "jats.xml-not-well-formed")
    }

    @Test func externalEntitiesAreNotFetchedWhenReading() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE ref-list [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <ref-list><ref id="a"><element-citation publication-type="book"><source>Title &xxe;</source></element-citation></ref></ref-list>
            """
        let read = Support.read(Array(xml.utf8))
        let entry = try #require(read.library.entries.first)
        #expect(entry.title == "Title")
        #expect(read.diagnostics.all.contains { $0.code == "jats.xml-entity-declaration" })
        #expect(read.diagnostics.all.contains { $0.code == "jats.unexpanded-entity" })
    }

    @Test func readsSingleCitationAndRefRoots() {
        let citation = "<element-citation publication-type=\"data\"><data-title>D</data-title><source>Zenodo</source></element-citation>"
        let read = Support.read(Array(citation.utf8))
        #expect(read.library.entries.first?.type.kind == .dataset)
        #expect(read.library.entries.first?.title == "D")
        #expect(read.library.entries.first?.container?.title == "Zenodo")
        let ref = "<ref id=\"x\"><element-citation publication-type=\"book\"><chapter-title>C</chapter-title><source>B</source></element-citation></ref>"
        #expect(Support.read(Array(ref.utf8)).library.entries.first?.type.kind == .chapter)
    }

    @Test func sniffsJATS() {
        #expect(JATSFormat.sniff(ArraySlice("<?xml version=\"1.0\"?>\n<ref-list>".utf8)) >= 90)
        #expect(JATSFormat.sniff(ArraySlice("<!DOCTYPE article PUBLIC \"-//NLM//DTD JATS (Z39.96)".utf8)) >= 90)
        #expect(JATSFormat.sniff(ArraySlice("@article{x,".utf8)) == 0)
        #expect(JATSFormat.plugin.descriptor.id == .jats)
    }
}

@Suite struct CorpusTests {
    static var files: [URL] {
        let dir = Support.corpus.appendingPathComponent("jats")
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { ["xml", "nxml"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
    }

    @Test func everyRefIsAccountedForAndRewritesValidly() throws {
        let files = Self.files
        guard !files.isEmpty else {
            print("skipped: no JATS corpus at \(Support.corpus.path)")
            return
        }
        var total = 0
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            let read = Support.read(bytes, source: file.lastPathComponent)
            #expect(!read.diagnostics.hasErrors, "\(file.lastPathComponent): \(read.diagnostics.all.filter { $0.severity == .error })")
            let tree = try #require(XMLTree.parse(bytes, source: file.path).tree)
            let refCount = Self.countRefs(try #require(tree.root))
            #expect(read.library.entries.count == refCount, "\(file.lastPathComponent)")
            total += read.library.entries.count
            // Every entry has something readable.
            for entry in read.library.entries {
                #expect(entry.title != nil || !entry.notes.isEmpty || !entry.contributors.isEmpty, "\(file.lastPathComponent) \(entry.key ?? "")")
            }
            // JATS → JATS validates against our schema and the official DTD.
            let written = Support.write(read.library)
            #expect(Support.xsdProblems(written.bytes).isEmpty, "\(file.lastPathComponent): \(Support.xsdProblems(written.bytes).prefix(3))")
            if Support.hasOfficialDTD {
                let problems = Support.dtdProblems(written.bytes)
                #expect(problems.isEmpty, "\(file.lastPathComponent): \(problems.prefix(3).map(\.message))")
            }
            // And reading our output gives the same entries back.
            let again = Support.read(written.bytes).library
            #expect(again.entries.count == read.library.entries.count)
        }
        #expect(total == 670)
    }

    static func countRefs(_ node: XMLNodeHandle) -> Int {
        node.elements.reduce(0) { $0 + ($1.name == "ref" ? 1 : countRefs($1)) }
    }
}
