import BibModel
import Testing

@testable import CSLJSONFormat

@Suite struct PluginTests {
    @Test func describesTheFormat() {
        let d = CSLJSONFormat.plugin.descriptor
        #expect(d.id == .cslJSON)
        #expect(d.aliases == ["csljson", "csl", "json"])
        #expect(d.extensions == ["json"])
        #expect(CSLJSONFormat.plugin.reader != nil)
        #expect(CSLJSONFormat.plugin.writer != nil)
    }

    @Test(arguments: [
        ("[\n  {\n    \"id\": \"a\",\n    \"type\": \"book\"\n  }\n]", 90),
        ("\u{FEFF}  {\"title\": \"x\"}", 90),
        ("[1, 2, 3]", 30),
        ("{\"name\": \"package\"}", 30),
        ("@article{x, title={y}}", 0),
        ("TY  - JOUR\nER  -", 0),
        ("<ref-list/>", 0),
        ("", 0),
    ])
    func sniffs(text: String, score: Int) {
        #expect(CSLJSONFormat.sniff(ArraySlice(Array(text.utf8))) == score)
    }
}
