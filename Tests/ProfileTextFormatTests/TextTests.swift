import BibModel
import Testing

@testable import ProfileTextFormat

/// Math spans in titles and abstracts.
@Suite struct MathTests {
    static let cases: [(String, [Inline])] = [
        ("A T-curve of degree $d$ is", [.text("A T-curve of degree "), .math("d"), .text(" is")]),
        ("$d \\cdot Δ_2$", [.math("d \\cdot Δ_2")]),
        ("speedups of over $100\\times$ compared", [.text("speedups of over "), .math("100\\times"), .text(" compared")]),
        ("by a factor of $O(n)$.", [.text("by a factor of "), .math("O(n)"), .text(".")]),
        ("$L^2$-regularization", [.math("L^2"), .text("-regularization")]),
        ("$$E = mc^2$$ holds", [.math("E = mc^2"), .text(" holds")]),
        ("costs $5 and $10 each", [.text("costs $5 and $10 each")]),
        ("a lone $ sign", [.text("a lone $ sign")]),
        ("unclosed $x here", [.text("unclosed $x here")]),
        ("escaped \\$x\\$ stays", [.text("escaped \\$x\\$ stays")]),
        ("$ x$ needs a non-blank after the opener", [.text("$ x$ needs a non-blank after the opener")]),
        ("two $a$ and $b$", [.text("two "), .math("a"), .text(" and "), .math("b")]),
        ("no math", [.text("no math")]),
        ("", []),
    ]

    @Test(arguments: cases)
    func splitsMath(_ text: String, _ inlines: [Inline]) {
        let rich = ProfileRichText.make(text)
        #expect(rich.inlines == inlines)
        // Plain text keeps everything but the dollars of recognised spans.
        #expect(rich.plainText.count <= text.count)
    }

    /// Many unmatched dollars are read as text, with the math at the end still found.
    /// (Whether such input stays linear is measured by scripts/bench.sh, not here.)
    @Test func manyDollarsAreText() {
        let text = String(repeating: "$ ", count: 20_000) + "$x$"
        let rich = ProfileRichText.make(text)
        #expect(rich.plainText.hasPrefix("$ $ "))
        #expect(rich.plainText.utf8.count >= 40_000)
    }
}

/// URLs in abstracts: extraction, trailing punctuation, kinds.
@Suite struct URLTests {
    static let cases: [(String, [String])] = [
        ("Code is available at https://github.com/pUmpKin-Co/SparsityAndCoD.", ["https://github.com/pUmpKin-Co/SparsityAndCoD"]),
        ("Our code is publicly available at https://github.com/ZIB-IOL/The-Agentic-Researcher.", ["https://github.com/ZIB-IOL/The-Agentic-Researcher"]),
        ("see https://example.org/a, and http://example.com/b; done", ["https://example.org/a", "http://example.com/b"]),
        ("(see https://example.org/x)", ["https://example.org/x"]),
        ("(see https://en.wikipedia.org/wiki/Foo_(bar)).", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("[https://example.org/a]", ["https://example.org/a"]),
        ("https://example.org/a[1]", ["https://example.org/a[1]"]),
        ("{https://example.org/a}", ["https://example.org/a"]),
        ("Really? https://example.org/q?x=1&y=2!", ["https://example.org/q?x=1&y=2"]),
        ("'https://example.org/q'", ["https://example.org/q"]),
        ("\"https://example.org/q\"", ["https://example.org/q"]),
        ("“https://example.org/q”", ["https://example.org/q"]),
        ("at https://example.org/q: it", ["https://example.org/q"]),
        ("<https://example.org/q>", ["https://example.org/q"]),
        ("HTTPS://EXAMPLE.ORG/Q.", ["HTTPS://EXAMPLE.ORG/Q"]),
        ("https://example.org/ü/straße.", ["https://example.org/ü/straße"]),
        ("https://", []),
        ("https://.", []),
        ("xhttps://example.org", []),
        ("no links here", []),
        ("two: https://a.org and https://a.org", ["https://a.org", "https://a.org"]),
    ]

    @Test(arguments: cases)
    func extractsURLs(_ text: String, _ urls: [String]) {
        #expect(ProfileRichText.urls(in: text).map(\.url) == urls)
    }

    @Test(arguments: [
        ("Code is available at https://x.org/a.", true),
        ("Our implementation: https://x.org/a", true),
        ("The maps can be accessed at https://x.org/a.", false),
        ("Data at https://x.org/a, and the codebase lives there too.", true),
        ("We release code. The data is at https://x.org/a.", false),
        ("Encoder results at https://x.org/a.", false),
    ])
    func sentenceMentionsCode(_ text: String, _ mentions: Bool) {
        #expect(ProfileRichText.urls(in: text).first?.sentenceMentionsCode == mentions)
    }

    @Test(arguments: [
        ("https://github.com/ai4forest/echosat", true),
        ("https://www.github.com/a/b", true),
        ("https://gitlab.com/a/b", true),
        ("https://gitlab.inria.fr/a/b", true),
        ("https://bitbucket.org/a/b", true),
        ("https://huggingface.co/spaces/a/b", true),
        ("https://huggingface.co/datasets/a/b", false),
        ("https://zenodo.org/record/1", false),
        ("https://mygithub.com/a", false),
        ("https://example.org/github.com", false),
    ])
    func codeHosts(_ url: String, _ isCode: Bool) {
        #expect(ProfileRichText.isCodeHost(url) == isCode)
    }

    /// Link kinds in a read entry: the Code flag, the sentence, the host; otherwise related.
    @Test func linkKindsInEntries() {
        let text = """
            LGJun 1, 2022Code
            Flagged

            Ada Lovelace

            The maps are at https://example.org/maps.

            LGJun 2, 2022
            Forge

            Ada Lovelace

            See https://gitlab.com/a/b and https://example.org/page. Our code: https://example.net/src.

            LGJun 3, 2022
            Related

            Ada Lovelace

            Data at https://zenodo.org/record/1 and https://zenodo.org/record/1 again.
            """
        let r = Support.read(text)
        #expect(r.entries.count == 3)
        #expect(r.entries[0].links == [Link("https://example.org/maps", kind: .code)])
        #expect(r.entries[1].links == [
            Link("https://gitlab.com/a/b", kind: .code), Link("https://example.org/page", kind: .related),
            Link("https://example.net/src", kind: .code),
        ])
        #expect(r.entries[2].links == [Link("https://zenodo.org/record/1", kind: .related)], "duplicates are listed once")
        // The abstract keeps the URL in its text.
        #expect(r.entries[0].abstract?.plainText == "The maps are at https://example.org/maps.")
    }
}

/// The subject-code table.
@Suite struct SubjectTableTests {
    @Test func codesAreUniqueAndClassesWellFormed() {
        var seen = Set<String>()
        for row in ArXivSubjects.table {
            #expect(seen.insert(row.code).inserted, "duplicate code \(row.code)")
            #expect(row.code.count == 2 && row.code.allSatisfy { $0.isUppercase })
            let parts = row.arxivClass.split(separator: ".")
            #expect(parts.count == 2 && parts[1] == Substring(row.code), "\(row.arxivClass)")
        }
    }

    @Test func tableWorksInBothDirections() {
        for row in ArXivSubjects.table {
            #expect(ArXivSubjects.arxivClass(forCode: row.code) == row.arxivClass)
            #expect(ArXivSubjects.code(forClass: row.arxivClass) == row.code)
        }
    }

    @Test(arguments: [
        ("LG", "cs.LG"), ("CV", "cs.CV"), ("CL", "cs.CL"), ("NE", "cs.NE"), ("AI", "cs.AI"),
        ("AG", "math.AG"), ("OC", "math.OC"), ("ML", "stat.ML"), ("IV", "eess.IV"), ("AS", "eess.AS"),
        ("DS", "cs.DS"), ("GT", "cs.GT"), ("GR", "cs.GR"), ("IT", "cs.IT"), ("LO", "cs.LO"), ("SP", "eess.SP"),
    ])
    func knownCodes(_ code: String, _ cls: String) {
        #expect(ArXivSubjects.arxivClass(forCode: code) == cls)
    }

    @Test func unknownCodesHaveNoClass() {
        #expect(ArXivSubjects.arxivClass(forCode: "ZZ") == nil)
        #expect(ArXivSubjects.arxivClass(forCode: "lg") == nil)
    }
}

/// Content sniffing for the registry.
@Suite struct SniffTests {
    static func score(_ text: String) -> Int { ProfileTextFormat.sniff(ArraySlice(Array(text.utf8))) }

    @Test(arguments: [
        ("Max Zimmer\n\nLG\nh-index29\n24papers\n\n24 Papers\n\nLGJun 29, 2023\nA Title\n\nA B, C D\n", 80),
        ("99.8CLMar 16Code\nWhen Does Sparsity Mitigate the Curse of Depth in LLMs\n", 80),
        ("\u{FEFF}LGJun 29, 2023\r\nA Title\r\n", 80),
        ("Someone\n\nh-index 3\n", 80),
        ("Someone\n\n12papers\n", 80),
        ("@article{x, title={LGJun 29, 2023}}", 0),
        ("TY  - JOUR\nTI  - A\nER  - \n", 0),
        ("[{\"title\": \"x\"}]", 0),
        ("{\"items\": []}", 0),
        ("<?xml version=\"1.0\"?><ref-list/>", 0),
        ("  \n@misc{x}", 0),
        ("Just some notes.\nNothing else.\n", 0),
        ("LGJun 29, 2023\n\n", 0),
        ("", 0),
    ])
    func scores(_ text: String, _ expected: Int) {
        #expect(Self.score(text) == expected)
    }

    @Test func sampleIsRecognised() {
        let bytes = Support.bytes(Support.sampleURL)
        #expect(ProfileTextFormat.sniff(bytes.prefix(4096)) == 80)
        #expect(ProfileTextFormat.descriptor.id == .profile)
        #expect(ProfileTextFormat.descriptor.aliases == ["profile-text", "txt"])
        #expect(ProfileTextFormat.descriptor.extensions == ["txt"])
        #expect(ProfileTextFormat.plugin.reader != nil)
        #expect(ProfileTextFormat.plugin.writer == nil)
    }
}

/// Typed dashes in titles and abstracts become typographic dashes.
@Suite struct DashTests {
    @Test(arguments: [
        ("benchmarks and --for the first time-- extend", "benchmarks and \u{2013}for the first time\u{2013} extend"),
        ("pages 3--5", "pages 3\u{2013}5"),
        ("a --- b", "a \u{2014} b"),
        ("a ---- b", "a ---- b"),
        ("pre-layer, single - hyphen", "pre-layer, single - hyphen"),
        ("see https://x.org/a--b -- ok", "see https://x.org/a--b \u{2013} ok"),
    ])
    func dashes(input: String, expected: String) {
        #expect(ProfileRichText.make(input).plainText == expected)
    }

    @Test func mathKeepsItsHyphens() {
        #expect(ProfileRichText.make("a $x--y$ b").inlines == [.text("a "), .math("x--y"), .text(" b")])
    }
}
