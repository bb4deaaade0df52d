import Foundation
import Testing

import BibXML

/// Documents written to hurt parsers: each is refused or read safely with a diagnostic,
/// nothing is fetched, nothing is expanded, nothing crashes.
@Suite struct HostileXMLTests {
    static let billionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
         <!ENTITY lol "lol">
         <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
         <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
         <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
         <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
         <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
         <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
         <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
         <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
         <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
        ]>
        <ref-list><ref id="a"><element-citation><source>&lol9;</source></element-citation></ref></ref-list>
        """

    @Test func billionLaughsIsRefused() {
        let result: XMLParseResult? = XMLTree.parse(Array(Self.billionLaughs.utf8), source: "lol.xml")
        #expect(result?.tree == nil)
        let refusals = result?.diagnostics.filter { $0.kind == .entityExpansion } ?? []
        // Once, at the reference in the body (line 14), not once per nesting level.
        #expect(refusals.count == 1)
        #expect(refusals.first?.line == 14)
    }

    @Test func smallerBombUnderLibxmlsRatioIsRefusedByOurGuard() {
        // Expands to 10^5 x 10 bytes = 1 MB: libxml2 parses it, our limit (64 KiB) refuses it.
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE r [
             <!ENTITY a "0123456789">
             <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
             <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
             <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
             <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
             <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
            ]>
            <r>&a;</r>
            """
        let result = XMLTree.parse(Array(xml.utf8), source: "bomb.xml")
        #expect(result.tree == nil)
        let refusal = result.diagnostics.first { $0.kind == .entityExpansion }
        #expect(refusal?.severity == .fatal)
        #expect(refusal?.message.contains("'e'") == true || refusal?.message.contains("'f'") == true)
        #expect(refusal?.line ?? 0 >= 7)
    }

    @Test func externalEntityIsNeverFetchedOrExpanded() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE r [
             <!ENTITY xxe SYSTEM "file:///etc/passwd">
             <!ENTITY net SYSTEM "http://127.0.0.1:9/evil.dtd">
            ]>
            <r><t>before &xxe; after &net;</t></r>
            """
        let result = XMLTree.parse(Array(xml.utf8), source: "xxe.xml")
        let root = try #require(result.tree?.root)
        let text = try #require(root.firstElement("t")).textContent
        #expect(text == "before  after ")
        #expect(!text.contains("root:"))
        let kinds = try #require(root.firstElement("t")).children.map(\.kind)
        #expect(kinds.contains(.entityReference))
        let warnings = result.diagnostics.filter { $0.kind == .entityDeclaration }
        #expect(warnings.count == 2)
        #expect(warnings.first?.message.contains("never fetched") == true)
        #expect(warnings.first?.line == 3)
    }

    @Test func externalDTDIsNotLoaded() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE r SYSTEM "http://127.0.0.1:9/never.dtd">
            <r>&undeclared;</r>
            """
        let result = XMLTree.parse(Array(xml.utf8), source: "dtd.xml")
        // The reference to an entity that only the (unloaded) DTD could declare stays unexpanded.
        #expect(result.tree?.root?.textContent == "")
        #expect(!result.diagnostics.contains { $0.kind == .network })
    }

    @Test func deepNestingIsRefused() {
        let depth = 10_000
        var xml = ""
        xml.reserveCapacity(depth * 8)
        for _ in 0..<depth { xml += "<a>" }
        for _ in 0..<depth { xml += "</a>" }
        let result = XMLTree.parse(Array(xml.utf8), source: "deep.xml")
        #expect(result.tree == nil)
        #expect(result.diagnostics.contains { $0.kind == .tooDeep })
    }

    @Test func hundredMegabyteTextNodeIsRefused() {
        var bytes = Array("<r><t>".utf8)
        let size = 100 * 1024 * 1024
        bytes.reserveCapacity(size + 32)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: size))
        bytes.append(contentsOf: Array("</t></r>".utf8))
        let result = XMLTree.parse(bytes, source: "huge.xml")
        #expect(result.tree == nil)
        #expect(result.diagnostics.contains { $0.kind == .tooLarge })
    }

    @Test func errorsAreCapturedNotPrinted() {
        // A malformed document and a broken schema: both produce values; libxml2 writes
        // nothing to stderr (checked by eye in CI logs; here, that values arrive).
        let bad = XMLTree.parse(Array("<a><b></a>".utf8), source: "x")
        #expect(!bad.diagnostics.isEmpty)
        #expect(throws: XMLFailure.self) { try XMLSchema(xsd: Array("<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element/></xs:schema>".utf8)) }
    }

    @Test func parallelParsesKeepTheirOwnErrors() async {
        await withTaskGroup(of: Bool.self) { group in
            for i in 0..<16 {
                group.addTask {
                    let xml = i % 2 == 0 ? "<a>\(i)</a>" : "<a>\n\(i)</b>"
                    let result = XMLTree.parse(Array(xml.utf8), source: "p\(i)")
                    return i % 2 == 0 ? result.diagnostics.isEmpty : result.diagnostics.first?.line == 2
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}

@Suite struct XMLValidationTests {
    static let xsd = """
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
          <xs:element name="list">
            <xs:complexType><xs:sequence>
              <xs:element name="year" type="xs:gYear" maxOccurs="unbounded"/>
            </xs:sequence></xs:complexType>
          </xs:element>
        </xs:schema>
        """

    @Test func validatesAgainstXSDWithLines() throws {
        let schema = try XMLSchema(xsd: Array(Self.xsd.utf8))
        let good = try #require(XMLTree.parse(Array("<list><year>2020</year></list>".utf8), source: "g").tree)
        #expect(schema.validate(good).isEmpty)
        let bad = try #require(XMLTree.parse(Array("<list>\n<year>2020</year>\n<year>twenty</year>\n<month/></list>".utf8), source: "b").tree)
        let problems = schema.validate(bad)
        #expect(problems.map(\.line) == [3, 4])
        #expect(problems.allSatisfy { $0.kind == .schemaValidity })
    }

    @Test func validatesAgainstADTDFromALocalFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bibxml-dtd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.dtd").path
        try "<!ELEMENT r (a+)>\n<!ELEMENT a (#PCDATA)>\n<!ATTLIST a id ID #REQUIRED>\n".write(toFile: path, atomically: true, encoding: .utf8)
        let dtd = try XMLDTD(contentsOfFile: path)
        let good = try #require(XMLTree.parse(Array("<r><a id='x'>1</a></r>".utf8), source: "g").tree)
        #expect(dtd.validate(good).isEmpty)
        let bad = try #require(XMLTree.parse(Array("<r>\n<a id='x'>1</a>\n<a id='x'>2</a>\n<b/></r>".utf8), source: "b").tree)
        let problems = dtd.validate(bad)
        #expect(!problems.isEmpty)
        #expect(problems.allSatisfy { $0.kind == .dtdValidity })
        #expect(problems.contains { $0.line == 3 })
        #expect(throws: XMLFailure.self) { try XMLDTD(contentsOfFile: dir.appendingPathComponent("missing.dtd").path) }
    }
}
