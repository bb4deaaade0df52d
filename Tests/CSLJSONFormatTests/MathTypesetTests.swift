import BibModel
import Foundation
import Testing

@testable import CSLJSONFormat

/// TeX math typeset as CSL markup for readers, all or nothing.
@Suite struct MathTypesetTests {
    /// Formulas and the markup a reader gets (inside the nocase span). The first ten are
    /// every formula of `Samples/profile-max-zimmer.txt`.
    @Test(arguments: [
        // The sample profile.
        ("d", "<i>d</i>"),
        ("d \\cdot Δ_2", "<i>d</i> · Δ<sub>2</sub>"),
        ("n", "<i>n</i>"),
        ("O(n)", "<i>O</i>(<i>n</i>)"),
        ("100\\times", "100×"),
        ("G", "<i>G</i>"),
        ("g\\in G", "<i>g</i> ∈ <i>G</i>"),
        ("\\textit{canonical orientation normalization}", "<i>canonical orientation normalization</i>"),
        ("\\textit{natural}", "<i>natural</i>"),
        ("L^2", "<i>L</i><sup>2</sup>"),
        // Scripts.
        ("x_i", "<i>x</i><sub><i>i</i></sub>"),
        ("x^{2}", "<i>x</i><sup>2</sup>"),
        ("\\Delta_2", "Δ<sub>2</sub>"),
        ("O(n^2)", "<i>O</i>(<i>n</i><sup>2</sup>)"),
        ("x^{2n+1}", "<i>x</i><sup>2<i>n</i>+1</sup>"),
        ("x^2_i", "<i>x</i><sub><i>i</i></sub><sup>2</sup>"),
        ("x_12", "<i>x</i><sub>1</sub>2"),
        ("{}^{14}C", "<sup>14</sup><i>C</i>"),
        ("f'(x)", "<i>f</i>′(<i>x</i>)"),
        ("x^{}y", "<i>xy</i>"),
        ("x_{a<b}", "<i>x</i><sub><i>a</i><<i>b</i></sub>"),
        ("x_{\\text{max}}", "<i>x</i><sub>max</sub>"),
        ("\\sum_{i=1}^{n} x_i", "∑<sub><i>i</i>=1</sub><sup><i>n</i></sup> <i>x</i><sub><i>i</i></sub>"),
        ("\\prod_i p_i", "∏<sub><i>i</i></sub> <i>p</i><sub><i>i</i></sub>"),
        ("x \\in \\mathbb{R}^{d \\times d}", "<i>x</i> ∈ ℝ<sup><i>d</i>×<i>d</i></sup>"),
        // Greek and symbols.
        ("\\alpha + \\beta", "<i>α</i> + <i>β</i>"),
        // `{$\slash$}` between compounds (InGaN/GaN), common in physics bibliographies.
        ("\\slash", "/"),
        ("\\Omega", "Ω"),
        ("\\epsilon > 0", "<i>ϵ</i> > 0"),
        ("a \\times b", "<i>a</i> × <i>b</i>"),
        ("x \\notin A", "<i>x</i> ∉ <i>A</i>"),
        ("a \\leq b \\geq c", "<i>a</i> ≤ <i>b</i> ≥ <i>c</i>"),
        ("x \\neq y", "<i>x</i> ≠ <i>y</i>"),
        ("\\pi \\approx 3.14", "<i>π</i> ≈ 3.14"),
        ("X \\sim \\mathcal{N}(0, 1)", "<i>X</i> ∼ 𝒩(0, 1)"),
        ("\\pm 1", "±1"),
        ("n \\to \\infty", "<i>n</i> → ∞"),
        ("f\\colon X \\rightarrow Y", "<i>f</i>: <i>X</i> → <i>Y</i>"),
        ("A \\subset B \\subseteq C", "<i>A</i> ⊂ <i>B</i> ⊆ <i>C</i>"),
        ("A \\cup B \\cap C", "<i>A</i> ∪ <i>B</i> ∩ <i>C</i>"),
        ("\\partial f / \\partial x", "∂<i>f</i>/∂<i>x</i>"),
        ("\\nabla \\ell", "∇ℓ"),
        ("x_1, \\ldots, x_n", "<i>x</i><sub>1</sub>, …, <i>x</i><sub><i>n</i></sub>"),
        ("a_1 + \\cdots + a_n", "<i>a</i><sub>1</sub> + ⋯ + <i>a</i><sub><i>n</i></sub>"),
        ("\\mathcal{O}(1)", "𝒪(1)"),
        ("\\mathbb{Z}_p", "ℤ<sub><i>p</i></sub>"),
        // Operator names.
        ("\\log n", "log <i>n</i>"),
        ("O(n \\log n)", "<i>O</i>(<i>n</i> log <i>n</i>)"),
        ("\\exp(-x^2)", "exp(−<i>x</i><sup>2</sup>)"),
        ("\\sin x", "sin <i>x</i>"),
        ("\\max_{i} x_i", "max<sub><i>i</i></sub> <i>x</i><sub><i>i</i></sub>"),
        ("\\min(a, b)", "min(<i>a</i>, <i>b</i>)"),
        ("\\operatorname{rank}(A)", "rank(<i>A</i>)"),
        // Operators and TeX's spacing.
        ("-1", "−1"),
        ("a - b", "<i>a</i> − <i>b</i>"),
        ("a = -b", "<i>a</i> = −<i>b</i>"),
        ("k = 1, 2", "<i>k</i> = 1, 2"),
        ("xy", "<i>xy</i>"),
        ("|x|", "|<i>x</i>|"),
        ("\\{1, 2\\}", "{1, 2}"),
        ("\\left( x \\right)", "(<i>x</i>)"),
        ("\\bigl[ x \\bigr]", "[<i>x</i>]"),
        // Spacing commands.
        ("a\\,b", "<i>a</i>\u{2009}<i>b</i>"),
        ("a \\quad b", "<i>a</i>\u{2003}<i>b</i>"),
        ("a \\, + \\, b", "<i>a</i>\u{2009}+\u{2009}<i>b</i>"),
        // Fonts and accents.
        ("\\mathrm{d}x", "d<i>x</i>"),
        ("\\mathbf{x}", "<b>x</b>"),
        ("\\boldsymbol{\\mu}", "<b><i>μ</i></b>"),
        ("\\hat{\\theta}", "<i>θ\u{0302}</i>"),
        ("\\text{if } x > 0", "if <i>x</i> > 0"),
        // Unicode already in the source.
        ("Δ", "Δ"),
        ("x ∈ ℝ", "<i>x</i> ∈ ℝ"),
        ("α≤β", "<i>α</i> ≤ <i>β</i>"),
    ])
    func typesets(tex: String, expected: String) {
        #expect(CSLMarkup.typesetMath(tex) == expected)
        var losses = CSLMarkup.Losses()
        let markup = CSLMarkup.render(RichText([.math(tex)]), math: .typeset, losses: &losses)
        #expect(markup == "<span class=\"nocase\">" + expected + "</span>")
        #expect(!markup.contains("\\") && !markup.contains("$"))
    }

    /// What the typesetter does not fully understand stays TeX, never half converted.
    @Test(arguments: [
        "\\frac{1}{2}", "\\sqrt{x}", "\\begin{pmatrix} a \\end{pmatrix}", "\\unknowncommand", "\\Alpha", "x^",
        "x^2^3", "x_1_2", "x'^2'", "{x", "x}", "\\left( x", "x \\right)", "\\right) x \\left(", "a \\\\ b", "a & b",
        "\\$5", "\\textit{a \\emph{b}}", "\\text{a--b}", "\\mathcal{x}", "\\not= y", "x^{\\frac{1}{2}}", "",
        "  ", "\\,", "% comment", "\\hat{xy}", "\\mathbb{R", "a \u{0301}", "\\", "x_", "\\left\\alpha x \\right)",
        String(repeating: "{", count: 40) + "x" + String(repeating: "}", count: 40),
    ])
    func keepsWhatItDoesNotUnderstandAsTeX(tex: String) {
        #expect(CSLMarkup.typesetMath(tex) == nil, "\(tex)")
        var losses = CSLMarkup.Losses()
        let markup = CSLMarkup.render(RichText([.math(tex)]), math: .typeset, losses: &losses)
        #expect(markup == "<span class=\"nocase\">$" + tex + "$</span>")
    }

    @Test func eachFormulaOfAFieldIsJudgedAlone() {
        let text = RichText([.text("From "), .math("\\frac{a}{b}"), .text(" to "), .math("x_i"), .text(".")])
        var losses = CSLMarkup.Losses()
        #expect(CSLMarkup.render(text, math: .typeset, losses: &losses)
            == "From <span class=\"nocase\">$\\frac{a}{b}$</span> to <span class=\"nocase\"><i>x</i><sub><i>i</i></sub></span>.")
        // The default stays lossless.
        #expect(CSLMarkup.parse(CSLMarkup.render(text)) == text)
    }

    @Test func protectedMathIsStillProtected() {
        let text = RichText([.caseProtected([.math("\\alpha")]), .text(" and "), .caseProtected([.math("\\frac12")])])
        var losses = CSLMarkup.Losses()
        #expect(CSLMarkup.render(text, math: .typeset, losses: &losses)
            == "<span class=\"nocase\"><span class=\"nocase\"><i>α</i></span></span> and "
            + "<span class=\"nocase\"><span class=\"nocase\">$\\frac12$</span></span>")
    }
}

/// The lossless value in `custom.tex`: both round trips stay exact.
@Suite struct MathRoundTripTests {
    static var entry: Entry {
        var e = Entry(key: "geiselmann2026fast", type: EntryType(.article))
        e.title = RichText([.text("Isotopy of "), .math("d \\cdot Δ_2"), .text(" and "), .math("\\frac{1}{2}"), .text(" curves")])
        e.shortTitle = RichText([.text("Isotopy of "), .math("d")])
        e.container = Level(title: RichText([.text("Journal of "), .math("\\mathbb{R}^n")]))
        e.series = Level(title: RichText([.math("\\mathcal{A}"), .text(" Series")]))
        e.abstract = RichText([
            .text("A T-curve of degree "), .math("d"), .text(", speedups of "), .math("100\\times"), .text(", a pose "),
            .math("g\\in G"), .text(", "), .italic([.math("\\alpha")]), .text(" and "), .caseProtected([.math("x^2")]),
        ])
        e.notes = [RichText([.text("See "), .math("O(n)")])]
        e.dates[.issued] = .typed(BibDate(year: 2026))
        return e
    }

    @Test func writesTypesetMathAndKeepsTheTeXInCustom() throws {
        let item = try Support.item(Self.entry)
        #expect(item["title"] as? String
            == "Isotopy of <span class=\"nocase\"><i>d</i> · Δ<sub>2</sub></span> and <span class=\"nocase\">$\\frac{1}{2}$</span> curves")
        #expect(item["container-title"] as? String == "Journal of <span class=\"nocase\">ℝ<sup><i>n</i></sup></span>")
        #expect(item["note"] as? String == "See <span class=\"nocase\"><i>O</i>(<i>n</i>)</span>")
        let custom = try #require(item["custom"] as? [String: Any])
        let tex = try #require(custom["tex"] as? [String: String])
        #expect(Set(tex.keys) == ["title", "title-short", "container-title", "collection-title", "abstract", "note"])
        #expect(tex["title"] == "Isotopy of <span class=\"nocase\">$d \\cdot Δ_2$</span> and <span class=\"nocase\">$\\frac{1}{2}$</span> curves")
        #expect(custom["derived"] as? [String] == ["title", "title-short", "container-title", "collection-title", "abstract", "note"])
        // `custom` keeps its documented key order: tex just before derived.
        let text = Support.text([Self.entry])
        let texAt = try #require(text.range(of: "\"tex\": {"))
        let derivedAt = try #require(text.range(of: "\"derived\": ["))
        #expect(texAt.lowerBound < derivedAt.lowerBound)
        let bytes = Support.write(Library(entries: [Self.entry])).0
        #expect(CSLJSONValidation.validate(bytes, against: SchemaFiles.ours).all.isEmpty)
        if let official = SchemaFiles.official { #expect(CSLJSONValidation.validate(bytes, against: official).all.isEmpty) }
    }

    @Test func modelToCSLToModelIsExact() {
        for pretty in [true, false] {
            let (back, diagnostics) = ModelRoundTripTests.roundTrip([Self.entry], pretty: pretty)
            #expect(diagnostics.all.filter { $0.severity != .note }.isEmpty, "\(diagnostics.all)")
            #expect(back.entries == [Self.entry], "\(ModelRoundTripTests.difference(Self.entry, back.entries.first ?? Entry(type: EntryType(.document))))")
        }
    }

    @Test func cslToModelToCSLIsExact() {
        let first = Support.write(Library(entries: [Self.entry])).0
        let (library, _) = Support.read(first)
        #expect(Support.write(library).0 == first)
    }

    @Test func severalNotesKeepTheirTeXInCustomNotes() throws {
        var e = Entry(key: "n", type: EntryType(.book))
        e.notes = [RichText([.math("x_i")]), RichText("plain")]
        let item = try Support.item(e)
        #expect(item["note"] as? String == "<span class=\"nocase\"><i>x</i><sub><i>i</i></sub></span>\nplain")
        let custom = try #require(item["custom"] as? [String: Any])
        #expect(custom["notes"] as? [String] == ["<span class=\"nocase\">$x_i$</span>", "plain"])
        #expect(custom["tex"] == nil)
        let (back, _) = ModelRoundTripTests.roundTrip([e])
        #expect(back.entries == [e])
    }

    @Test func fieldsWithoutTypesetMathAreWrittenAsBefore() throws {
        var e = Entry(key: "f", type: EntryType(.book))
        e.title = RichText([.text("On "), .math("\\frac{1}{2}")])
        let item = try Support.item(e)
        #expect(item["title"] as? String == "On <span class=\"nocase\">$\\frac{1}{2}$</span>")
        #expect(item["custom"] == nil)
    }

    /// TeX math from another producer is read as math and written typeset, with its TeX kept.
    @Test func foreignTeXMathIsTypesetAndKept() throws {
        let foreign = #"[{"id": "a", "type": "article", "title": "Bounds for $g\\in G$", "abstract": "<span class=\"nocase\">$O(n)$</span> time"}]"#
        let (library, _) = Support.read(foreign)
        let entry = try #require(library.entries.first)
        #expect(entry.title == RichText([.text("Bounds for "), .math("g\\in G")]))
        let bytes = Support.write(library).0
        let item = try #require((try Support.json(bytes) as? [[String: Any]])?.first)
        #expect(item["title"] as? String == "Bounds for <span class=\"nocase\"><i>g</i> ∈ <i>G</i></span>")
        #expect((item["custom"] as? [String: Any])?["tex"] as? [String: String]
            == ["title": "Bounds for <span class=\"nocase\">$g\\in G$</span>", "abstract": "<span class=\"nocase\">$O(n)$</span> time"])
        #expect(Support.read(bytes).0.entries == library.entries)
    }

    /// The lossless value wins even when `derived` does not list the variable.
    @Test func customTeXWinsOverTheTopLevelValue() throws {
        let json = #"[{"id": "a", "type": "book", "abstract": "edited by hand", "custom": {"tex": {"abstract": "<span class=\"nocase\">$x$</span>"}}}]"#
        let (library, diagnostics) = Support.read(json)
        #expect(library.entries.first?.abstract == RichText([.math("x")]))
        #expect(diagnostics.all.isEmpty)
    }

    /// A hand-edited file whose `custom.tex` lost a value, or has a shape that is not ours,
    /// still gives the top-level value rather than nothing.
    @Test func aMissingOrForeignTeXValueFallsBackToTheTopLevel() throws {
        let missing = #"[{"id": "a", "type": "book", "abstract": "<span class=\"nocase\"><i>x</i></span>", "custom": {"derived": ["abstract"]}}]"#
        #expect(Support.read(missing).0.entries.first?.abstract == RichText([.caseProtected([.italic([.text("x")])])]))
        let foreign = #"[{"id": "a", "type": "book", "abstract": "top", "custom": {"tex": {"abstract": 5}, "derived": ["abstract"]}}]"#
        let (library, diagnostics) = Support.read(foreign)
        let entry = try #require(library.entries.first)
        #expect(entry.abstract == "top")
        #expect(entry.extra[FieldKey("custom-json", "tex")] == #"{"abstract":5}"#)
        #expect(diagnostics.all.map(\.code) == ["csl.bad-custom"])
        // A single note listed as derived with nothing in custom is read too.
        let note = #"[{"id": "a", "type": "book", "note": "n", "custom": {"derived": ["note"]}}]"#
        #expect(Support.read(note).0.entries.first?.notes == ["n"])
    }
}

/// The sample profile's formulas through the writer, judged by the CSL-JSON oracle with
/// its LaTeX lint on.
@Suite(.enabled(if: Support.oracleAvailable && Support.pandocAvailable, "python3 with jsonschema, pandoc and ../shared/oracles are needed"))
struct MathOracleTests {
    /// One entry per paper of `Samples/profile-max-zimmer.txt` whose abstract has `$…$`
    /// math: title, authors and abstract as the profile gives them.
    static func sampleEntries() throws -> [Entry] {
        let text = try String(contentsOf: Support.root.appendingPathComponent("Samples/profile-max-zimmer.txt"), encoding: .utf8)
        let lines = text.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var entries: [Entry] = []
        for (k, line) in lines.enumerated() where line.contains("$") && k >= 4 {
            var e = Entry(key: "sample\(entries.count)", type: EntryType(.article))
            e.title = RichText(lines[k - 4])
            let authors = lines[k - 2].replacingOccurrences(of: " et al.", with: "").components(separatedBy: ", ")
            e.contributors[.author] = NameList(authors.map { name in
                let words = name.split(separator: " ").map(String.init)
                return PersonName(family: words.last ?? name, given: words.dropLast().joined(separator: " "))
            })
            e.dates[.issued] = .typed(BibDate(year: 2025))
            e.abstract = CSLMarkup.parse(line)
            entries.append(e)
        }
        return entries
    }

    @Test func everySampleFormulaIsMath() throws {
        let entries = try Self.sampleEntries()
        #expect(entries.count == 5)
        var formulas: [String] = []
        for e in entries {
            for inline in e.abstract?.inlines ?? [] { if case .math(let tex) = inline { formulas.append(tex) } }
        }
        #expect(formulas == [
            "d", "d \\cdot Δ_2", "n", "O(n)", "100\\times", "G", "g\\in G", "\\textit{canonical orientation normalization}",
            "\\textit{natural}", "L^2",
        ])
        #expect(formulas.allSatisfy { CSLMarkup.typesetMath($0) != nil })
    }

    @Test func sampleAbstractsPassTheOracleWithLint() throws {
        let entries = try Self.sampleEntries()
        let bytes = Support.write(Library(entries: entries)).0
        let url = try Support.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let result = Support.run(["python3", Support.oracles.appendingPathComponent("csljson_valid.py").path, url.path])
        // The one complaint left is not math: the RECON abstract itself types `--for the
        // first time--`, which the profile keeps as written.
        let problems = result.output.components(separatedBy: "\n").filter { $0.hasPrefix("    - ") }
        #expect(problems.count <= 1, "\(result.output)")
        #expect(problems.allSatisfy { $0.contains("LaTeX/BibTeX residue '--'") }, "\(result.output)")

        // Without that source dash, everything passes: schema, semantics, lint, pandoc and citeproc-py.
        var clean = entries
        for k in clean.indices {
            clean[k].abstract = clean[k].abstract.map { abstract in
                RichText(abstract.inlines.map { inline in
                    if case .text(let s) = inline { return .text(s.replacingOccurrences(of: "--", with: "–")) }
                    return inline
                })
            }
        }
        let cleanURL = try Support.temporaryFile(Support.write(Library(entries: clean)).0)
        defer { try? FileManager.default.removeItem(at: cleanURL.deletingLastPathComponent()) }
        let passed = Support.run(["python3", Support.oracles.appendingPathComponent("csljson_valid.py").path, cleanURL.path])
        #expect(passed.status == 0, "\(passed.output)")
    }
}
