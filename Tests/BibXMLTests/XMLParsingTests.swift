import Foundation
import Testing

import BibXML

@Suite struct XMLParsingTests {
    @Test func parsesAndNavigates() throws {
        let xml = """
            <?xml version="1.0"?>
            <root xmlns:xlink="http://www.w3.org/1999/xlink">
              <a id="x" xlink:href="https://e.org/?a=1&amp;b=2">One &amp; <b>two</b><![CDATA[ <three> ]]></a>
            </root>
            """
        let result = XMLTree.parse(Array(xml.utf8), source: "t.xml")
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.tree?.root)
        #expect(root.name == "root")
        let a = try #require(root.firstElement("a"))
        #expect(a.line == 3)
        #expect(a.attribute("id") == "x")
        #expect(a.attribute("href", namespace: XMLNames.xlink) == "https://e.org/?a=1&b=2")
        #expect(a.textContent == "One & two <three> ")
        #expect(a.elements.map(\.name) == ["b"])
    }

    @Test func reportsMalformedXMLWithLineAndColumn() {
        let xml = "<root>\n  <a>text</b>\n</root>\n"
        let result = XMLTree.parse(Array(xml.utf8), source: "bad.xml")
        #expect(result.tree == nil)
        let first = result.diagnostics.first
        #expect(first?.line == 2)
        #expect(first?.column != nil)
        #expect(first?.kind == .notWellFormed)
        #expect(first?.message.contains("mismatch") == true)
    }

    @Test func emptyAndNonXMLInputAreDiagnosed() {
        #expect(XMLTree.parse([], source: "e").tree == nil)
        let result = XMLTree.parse(Array("just text".utf8), source: "t")
        #expect(result.tree == nil)
        #expect(!result.diagnostics.isEmpty)
    }

    @Test func buildsTreesWithEscapedText() throws {
        let tree = try #require(XMLTree(rootName: "ref-list"))
        let root = try #require(tree.root)
        let title = try #require(root.appendElement("title"))
        title.appendText("Literate <Programming> & \"Tools\"")
        #expect(title.setAttribute("content-type", "a\"b<c"))
        #expect(root.appendElement("2bad") == nil)
        let text = String(decoding: tree.serialized(), as: UTF8.self)
        #expect(text.contains("Literate &lt;Programming&gt; &amp; \"Tools\""))
        #expect(text.contains("content-type=\"a&quot;b&lt;c\""))
        // Re-parse what we wrote: same text back.
        let again = XMLTree.parse(tree.serialized(), source: "round")
        #expect(again.tree?.root?.firstElement("title")?.textContent == "Literate <Programming> & \"Tools\"")
    }

    @Test func handlesKeepTheirDocumentAlive() throws {
        var handle: XMLNodeHandle?
        do {
            let result = XMLTree.parse(Array("<a><b>kept</b></a>".utf8), source: "t")
            handle = result.tree?.root?.firstElement("b")
        }
        // The tree went out of scope above; the handle still owns it.
        #expect(handle?.textContent == "kept")
    }

    @Test func namesFollowXMLRules() {
        #expect(XMLNames.isNCName("ref1"))
        #expect(XMLNames.isNCName("_x.y-z"))
        #expect(!XMLNames.isNCName("2020smith"))
        #expect(!XMLNames.isNCName("a:b"))
        #expect(!XMLNames.isNCName(""))
        #expect(XMLNames.isName("xlink:href"))
        #expect(XMLNames.isNCName("Müller"))
    }
}

@Suite struct XMLWriterTests {
    @Test func escapesTextAndAttributes() {
        var w = XMLWriter()
        w.declaration()
        w.start("r", [("a", "x\"<&>\n")])
        w.element("t", text: "a < b & c > d ]]>")
        w.end()
        w.finish()
        let text = String(decoding: w.bytes, as: UTF8.self)
        #expect(text == """
            <?xml version="1.0" encoding="UTF-8"?>
            <r a="x&quot;&lt;&amp;&gt;&#10;">
              <t>a &lt; b &amp; c &gt; d ]]&gt;</t>
            </r>

            """)
        let parsed = XMLTree.parse(w.bytes, source: "w")
        #expect(parsed.tree?.root?.attribute("a") == "x\"<&>\n")
    }

    @Test func replacesCharactersXMLCannotHold() {
        var w = XMLWriter()
        w.element("t", text: "a\u{1}b\u{FFFE}c\u{0}")
        w.finish()
        #expect(w.replacedCharacters == 3)
        let parsed = XMLTree.parse(w.bytes, source: "w")
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.tree?.root?.textContent == "a\u{FFFD}b\u{FFFD}c\u{FFFD}")
    }

    @Test func mixedContentIsNotIndented() {
        var w = XMLWriter()
        w.start("p")
        w.start("title", mixed: true)
        w.start("italic", mixed: true)
        w.text("x")
        w.end()
        w.text(" y")
        w.end()
        w.empty("etal")
        w.finish()
        #expect(String(decoding: w.bytes, as: UTF8.self) == "<p>\n  <title><italic>x</italic> y</title>\n  <etal/>\n</p>\n")
    }

    @Test func repairsNamesInsteadOfWritingMarkup() {
        var w = XMLWriter()
        w.element("a b<c", text: "x")
        w.finish()
        #expect(w.repairedNames == 1)
        #expect(XMLTree.parse(w.bytes, source: "w").tree != nil)
    }
}
