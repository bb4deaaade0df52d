import BibModel
import Testing

@testable import CSLJSONFormat

@Suite struct MarkupTests {
    @Test(arguments: [
        (RichText([.italic([.text("a")])]), "<i>a</i>"),
        (RichText([.bold([.text("a")])]), "<b>a</b>"),
        (RichText([.superscript([.text("2")])]), "<sup>2</sup>"),
        (RichText([.subscript([.text("2")])]), "<sub>2</sub>"),
        (RichText([.smallCaps([.text("Sc")])]), "<span style=\"font-variant:small-caps;\">Sc</span>"),
        (RichText([.caseProtected([.text("DNA")])]), "<span class=\"nocase\">DNA</span>"),
        (RichText([.math("x^2")]), "<span class=\"nocase\">$x^2$</span>"),
        (RichText([.caseProtected([.math("x")])]), "<span class=\"nocase\"><span class=\"nocase\">$x$</span></span>"),
        (RichText([.text("a "), .italic([.text("b "), .bold([.text("c")])]), .text(" d")]), "a <i>b <b>c</b></i> d"),
        (RichText("plain <not a tag> & text"), "plain <not a tag> & text"),
    ])
    func rendersAndParsesBack(text: RichText, markup: String) {
        #expect(CSLMarkup.render(text) == markup)
        #expect(CSLMarkup.parse(markup) == text)
    }

    @Test func readsWhatOthersWrite() {
        #expect(CSLMarkup.parse("<em>a</em> <strong>b</strong> <sc>c</sc>")
            == RichText([.italic([.text("a")]), .text(" "), .bold([.text("b")]), .text(" "), .smallCaps([.text("c")])]))
        #expect(CSLMarkup.parse("<span style=\"font-variant: small-caps\">c</span>") == RichText([.smallCaps([.text("c")])]))
        #expect(CSLMarkup.parse("<span class=\"nodecor\">x</span>") == RichText("<span class=\"nodecor\">x</span>"))
    }

    @Test func keepsUnbalancedAndUnknownTagsAsText() {
        for s in ["<i>open", "close</i>", "<i>a<b>b</i>", "<u>x</u>", "a < b > c", "<script>x</script>", "<", "</span>"] {
            #expect(CSLMarkup.render(CSLMarkup.parse(s)) == s, "\(s)")
        }
        #expect(CSLMarkup.parse("<i>a<b>b</i>") == RichText("<i>a<b>b</i>"))
    }

    @Test(arguments: [
        ("Costs $5 and $10", RichText("Costs $5 and $10")),
        ("a $x$ b", RichText([.text("a "), .math("x"), .text(" b")])),
        ("$x $", RichText("$x $")),
        ("$5$3", RichText("$5$3")),
        ("\\$x$ y", RichText("\\$x$ y")),
        ("<i>$\\alpha$</i>", RichText([.italic([.math("\\alpha")])])),
    ])
    func findsBareMathWithPandocRules(markup: String, expected: RichText) {
        #expect(CSLMarkup.parse(markup) == expected)
    }

    @Test func reportsWhatMarkupCannotHold() {
        var losses = CSLMarkup.Losses()
        let s = CSLMarkup.render(RichText([.code("f(x)"), .link(url: "https://x", [.text("here")])]), losses: &losses)
        #expect(s == "f(x)here")
        #expect(losses == [.code, .link])
    }

    @Test func rendersDeepTreesWithoutRecursion() {
        var inline = Inline.text("x")
        for i in 0..<5_000 { inline = i % 2 == 0 ? .italic([inline]) : .caseProtected([inline]) }
        let markup = CSLMarkup.render(RichText([inline]))
        #expect(markup.hasSuffix("x" + String(repeating: "</i></span>", count: 2_500)))
    }

    @Test func hostileTextIsKeptAsText() {
        let hostile = String(repeating: "<i", count: 50_000) + String(repeating: "$a", count: 50_000)
        let parsed = CSLMarkup.parse(hostile)
        #expect(parsed.plainText.hasPrefix("<i<i"))
        #expect(parsed.plainText.hasSuffix("$a$a") || parsed.plainText.hasSuffix("a"))
    }
}

@Suite struct DateTests {
    @Test(arguments: [
        ("2023", BibDate(year: 2023)),
        ("2023-06", BibDate(year: 2023, month: 6)),
        ("2023-6-9", BibDate(year: 2023, month: 6, day: 9)),
        ("-0044-03-15", BibDate(year: -44, month: 3, day: 15)),
        ("2020~", BibDate(DateParts(year: 2020), circa: true)),
        ("2020?", BibDate(DateParts(year: 2020), uncertain: true)),
        ("2020%", BibDate(DateParts(year: 2020), circa: true, uncertain: true)),
        ("2021-22", BibDate(DateParts(year: 2021), season: .summer)),
        ("2019/2021", BibDate(from: DateParts(year: 2019), to: DateParts(year: 2021))),
        ("2019-05/2019-06-02", BibDate(from: DateParts(year: 2019, month: 5), to: DateParts(year: 2019, month: 6, day: 2))),
        ("2019/..", BibDate(from: DateParts(year: 2019), to: nil)),
        ("../2021", BibDate(from: nil, to: DateParts(year: 2021))),
        ("/2021", BibDate(from: nil, to: DateParts(year: 2021))),
        (" 2011~/2012~ ", BibDate(from: DateParts(year: 2011), to: DateParts(year: 2012), circa: true)),
    ])
    func parsesEDTF(text: String, expected: BibDate) {
        #expect(CSLDates.parseEDTF(text) == expected)
    }

    @Test(arguments: ["", "2023-13", "2023-02-30", "Spring 2020", "20", "2020-05-05-05", "May 2020", "2020-1a", "/", "../", "/.."])
    func rejectsNonDates(text: String) {
        #expect(CSLDates.parseEDTF(text) == nil)
    }

    @Test func writesWhatCSLCanHoldAndKeepsTheRestInEDTF() {
        func out(_ d: Parsed<BibDate>) -> (String, String?) {
            let (object, edtf) = CSLDates.output(d)
            return (JSONEmitter.compactText(object), edtf)
        }
        #expect(out(.typed(BibDate(year: 2020, month: 2, day: 29))) == (#"{"date-parts":[[2020,2,29]]}"#, nil))
        #expect(out(.typed(BibDate(from: DateParts(year: 2019), to: DateParts(year: 2020, month: 3)))) == (#"{"date-parts":[[2019],[2020,3]]}"#, nil))
        #expect(out(.typed(BibDate(DateParts(year: 2017), circa: true, season: .winter))) == (#"{"date-parts":[[2017]],"season":4,"circa":true}"#, nil))
        #expect(out(.typed(BibDate(DateParts(year: 2017), uncertain: true))) == (#"{"date-parts":[[2017]]}"#, "2017?"))
        #expect(out(.typed(BibDate(from: DateParts(year: 2019), to: nil))) == (#"{"date-parts":[[2019],[0]]}"#, nil))
        #expect(out(.typed(BibDate(from: nil, to: DateParts(year: 2019)))) == (#"{"literal":"–2019"}"#, "../2019"))
        // BC: CSL has no year 0 (astronomical 0 is 1 BC, -349 is 350 BC).
        #expect(out(.typed(BibDate(year: -349))) == (#"{"date-parts":[[-350]]}"#, nil))
        #expect(out(.typed(BibDate(from: DateParts(year: 0), to: DateParts(year: 1)))) == (#"{"date-parts":[[-1],[1]]}"#, nil))
        #expect(out(.raw("n.d.")) == (#"{"literal":"n.d."}"#, nil))
    }
}
