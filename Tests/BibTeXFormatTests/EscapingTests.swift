import BibModel
import Testing

@testable import BibTeXFormat

@Suite("Escaping, verbatim fields, math and rich text")
struct EscapingTests {
    static let specials: [(String, String)] = [
        ("R&D", #"R\&D"#), ("50%", #"50\%"#), ("$5", #"\$5"#), ("#1", ##"\#1"##), ("a_b", #"a\_b"#),
        ("~x", #"{\textasciitilde}x"#), ("x^2", #"x{\textasciicircum}2"#), (#"C:\dir"#, #"C:{\textbackslash}dir"#),
        ("{0,1}", #"\{0,1\}"#), ("a { b", #"a {\textbraceleft} b"#), ("a } b", #"a {\textbraceright} b"#),
        ("}{", #"{\textbraceright}{\textbraceleft}"#), ("{a}}", #"\{a\}{\textbraceright}"#),
        ("plain text", "plain text"), ("a<b>c|d", "a<b>c|d"), ("@home", "@home"),
    ]

    @Test("LaTeX specials are escaped; braces stay balanced", arguments: specials)
    func special(_ pair: (String, String)) {
        let out = encoded(pair.0)
        #expect(out == pair.1)
        #expect(bibtexBalanced(out))
    }

    @Test("escaping is the same in both dialects (only Unicode differs)")
    func bothDialects() {
        let entry = Entry(key: "k", type: EntryType(.book), title: "R&D at 50% for $5 #1 a_b ~ ^ \\ {x}")
        let expected = ##"{R\&D} at 50\% for \$5 \#1 a\_b {\textasciitilde} {\textasciicircum} {\textbackslash} \{x\}"##
        #expect(fields(of: entry)["title"] == expected)
        #expect(fields(of: entry, .biblatex)["title"] == expected)
    }

    @Test("whitespace is collapsed and trimmed; control characters are dropped with a warning")
    func whitespaceAndControls() {
        let entry = Entry(key: "k", type: EntryType(.book), title: "  A\n\ntitle\twith   gaps \u{0007} ", abstract: "x")
        let (text, diagnostics) = written([entry])
        #expect(parseFields(text)["title"] == "A title with gaps")
        #expect(diagnostics.contains { $0.code == "bibtex.control-character" && $0.field == "title" })
    }

    @Test("verbatim fields are never escaped")
    func verbatim() {
        let entry = Entry(
            key: "k", type: EntryType(.document),
            identifiers: [Identifier(.doi, "10.1002/(SICI)1097-4636(199706)_35:4<499::AID-JBM9>3.0.CO;2-P")],
            links: [Link("https://example.org/a_b%20c?x=1&y=~z#frag")])
        let f = fields(of: entry)
        #expect(f["doi"] == "10.1002/(SICI)1097-4636(199706)_35:4<499::AID-JBM9>3.0.CO;2-P")
        #expect(f["url"] == "https://example.org/a_b%20c?x=1&y=~z#frag")
        #expect(fields(of: entry, .biblatex)["url"] == "https://example.org/a_b%20c?x=1&y=~z#frag")
    }

    @Test("a verbatim field with unmatched braces still parses: they are percent-encoded, with a warning")
    func verbatimBraces() {
        let entry = Entry(key: "k", type: EntryType(.document), links: [Link("https://example.org/{a}/b}")])
        let (text, diagnostics) = written([entry])
        #expect(parseFields(text)["url"] == "https://example.org/{a}/b%7D")
        #expect(diagnostics.contains { $0.code == "bibtex.unbalanced-braces" && $0.field == "url" })
        #expect(bibtexBalanced(text))
    }

    @Test("non-ASCII in a URL is percent-encoded for classic BibTeX, kept for biber")
    func urlUnicode() {
        let entry = Entry(key: "k", type: EntryType(.document), links: [Link("https://de.wikipedia.org/wiki/Schrödinger")])
        #expect(fields(of: entry)["url"] == "https://de.wikipedia.org/wiki/Schr%C3%B6dinger")
        #expect(fields(of: entry, .biblatex)["url"] == "https://de.wikipedia.org/wiki/Schrödinger")
    }

    static let math: [(String, String)] = [
        (#"\alpha + \beta"#, #"$\alpha + \beta$"#),
        (#"\{x \mid x > 0\}"#, #"$\lbrace x \mid x > 0\rbrace$"#),
        (#"\left\{ a \right."#, #"$\left\lbrace a \right.$"#),
        ("Δx + α_{i}", #"$\Delta x + \alpha_{i}$"#),
        ("a ≤ b", #"$a \leq b$"#),
        ("100% & $", #"$100\% \& \$$"#),
        ("x^{2}_{j}", "$x^{2}_{j}$"),
    ]

    @Test("math keeps its TeX source; Unicode Greek becomes commands; BibTeX-breaking braces are rewritten",
        arguments: math)
    func mathRuns(_ pair: (String, String)) {
        let out = encoded([.math(pair.0)])
        #expect(out == pair.1)
        #expect(bibtexBalanced(out))
    }

    @Test("math in a title is braced so BibTeX's change.case$ leaves it alone")
    func mathInTitle() {
        #expect(encoded([.text("The "), .math(#"\Delta"#), .text("-Method")], title: true) == #"The {$\Delta$}-Method"#)
    }

    @Test("math with unbalanced braces is written as escaped text, with a warning")
    func unbalancedMath() {
        let entry = Entry(key: "k", type: EntryType(.document), title: RichText([.math("{x")]))
        let (text, diagnostics) = written([entry])
        #expect(parseFields(text)["title"] == #"{\textbraceleft}x"#)
        #expect(diagnostics.contains { $0.code == "bibtex.unbalanced-braces" })
    }

    static let rich: [([Inline], String)] = [
        ([.italic([.text("Homo sapiens")])], #"\emph{Homo sapiens}"#),
        ([.bold([.text("bold")])], #"\textbf{bold}"#),
        ([.smallCaps([.text("Sc")])], #"\textsc{Sc}"#),
        ([.text("x"), .superscript([.text("2")])], #"x\textsuperscript{2}"#),
        ([.text("H"), .subscript([.text("2")]), .text("O")], #"H\textsubscript{2}O"#),
        ([.caseProtected([.text("DNA")])], "{DNA}"),
        ([.code("x_1 & y")], #"\texttt{x\_1 \& y}"#),
        ([.link(url: "https://x.org/a#b", [.text("see here")])], ##"see here \url{https://x.org/a\#b}"##),
        ([.link(url: "https://x.org/a%20b", [.text("https://x.org/a%20b")])], #"\url{https://x.org/a\%20b}"#),
        ([.link(url: "https://x.org/a b{c}", [])], #"\url{https://x.org/a\%20b\%7Bc\%7D}"#),
        ([.raw(format: "latex", #"\mkbibquote{x}"#)], #"\mkbibquote{x}"#),
        ([.raw(format: "latex", #"\foo{"#)], #"{\textbackslash}foo{\textbraceleft}"#),
        ([.raw(format: "html", "<b>x</b> & y")], #"<b>x</b> \& y"#),
        ([.italic([])], ""),
    ]

    @Test("rich text becomes LaTeX commands", arguments: rich)
    func richText(_ pair: ([Inline], String)) {
        let out = encoded(pair.0)
        #expect(out == pair.1)
        #expect(bibtexBalanced(out))
    }

    @Test("an explicitly case-protected span is braced once, never twice, even in a title")
    func caseProtectedOnce() {
        #expect(encoded([.text("The "), .caseProtected([.text("LLM")]), .text(" Era")], title: true) == "The {LLM} Era")
    }

    @Test("random text always gives brace-balanced, never-empty-for-nonempty output")
    func randomTextStaysBalanced() {
        let alphabet = Array("aZ0 {}\\$%#&_~^é–αЖ\u{0301}\n\"'@,=()".unicodeScalars)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for _ in 0..<500 {
            var s = String.UnicodeScalarView()
            for _ in 0..<(next() % 40) { s.append(alphabet[next() % alphabet.count]) }
            let text = String(s)
            for title in [false, true] {
                let out = encoded(text, title: title)
                #expect(bibtexBalanced(out), "\(text.debugDescription) → \(out)")
            }
            let mathOut = encoded([.math(text)])
            #expect(bibtexBalanced(mathOut), "math \(text.debugDescription) → \(mathOut)")
            let entry = Entry(
                key: text, type: EntryType(.document),
                contributors: [.author: NameList([PersonName(family: text, given: text)])], title: RichText(text),
                links: [Link(text)], extra: [FieldKey("bibtex", "x"): text, FieldKey("other", text): text])
            for dialect in BibTeXDialect.allCases {
                let (whole, _) = written([entry], dialect)
                #expect(bibtexBalanced(whole), "\(text.debugDescription)")
            }
        }
    }
}

struct CaseProtectedEncodingTests {
    /// Rich text runs of every kind, some starting with a command once encoded.
    static let runs: [Inline] = [
        .text("DNA"), .text("&"), .text("é"), .text("Ł"), .text(" "), .text("x~y"), .italic([.text("Natrix")]),
        .bold([.text("b")]), .math("x^2"), .code("c"), .raw(format: "latex", "\\foo{z}"), .text("\u{1}"),
        .caseProtected([.text("in")]), .smallCaps([.text("sc")]), .superscript([.text("2")]),
    ]

    @Test("a protected span is its content's bytes in braces, doubled when they start with a command")
    func protectedSpans() {
        var state: UInt64 = 41
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        for asciiOnly in [true, false] {
            for _ in 0..<3000 {
                let content = (0..<(1 + next() % 4)).map { _ in Self.runs[next() % Self.runs.count] }
                let before = (0..<(next() % 3)).map { _ in Self.runs[next() % Self.runs.count] }
                // The span after other runs, in the same output.
                var encoder = LaTeXEncoder(asciiOnly: asciiOnly)
                var out: [UInt8] = []
                encoder.append(before + [.caseProtected(content)], to: &out, title: false)
                // The same, the span's content encoded on its own and wrapped by hand.
                var reference = LaTeXEncoder(asciiOnly: asciiOnly)
                var expected: [UInt8] = []
                reference.append(before, to: &expected, title: false)
                var inner: [UInt8] = []
                reference.append(content, to: &inner, title: false)
                if !content.allSatisfy({ $0.isEmpty }) {
                    let double = inner.first == UInt8(ascii: "\\")
                    expected += Array((double ? "{{" : "{").utf8) + inner + Array((double ? "}}" : "}").utf8)
                }
                #expect(out == expected, "\(before) \(content)")
                #expect(encoder.unmapped == reference.unmapped)
                #expect(encoder.droppedControls == reference.droppedControls)
            }
        }
    }
}
