import Testing

@testable import BibKit

@Suite struct IdentifierTests {
    @Test(arguments: [
        ("https://doi.org/10.1000/XYZ.123", "10.1000/XYZ.123"), ("doi:10.1000/xyz", "10.1000/xyz"),
        ("DOI 10.1000/xyz.", "10.1000/xyz"), ("http://dx.doi.org/10.1038%2Fnature12373", "10.1038/nature12373"),
        (" 10.1103/PhysRevLett.116.061102 ", "10.1103/PhysRevLett.116.061102"), ("info:doi/10.1000/1", "10.1000/1"),
    ])
    func bareDOI(input: String, expected: String) {
        #expect(Identifiers.bareDOI(input) == expected)
    }

    @Test(arguments: ["10.1/x", "not a doi", "10.1000/", "10.1000/has space", "11.1000/x", ""])
    func notDOIs(input: String) {
        #expect(Identifiers.bareDOI(input) == nil)
    }

    @Test func arXiv() {
        #expect(Identifiers.bareArXiv("arXiv:2306.16788v2") == "2306.16788v2")
        #expect(Identifiers.bareArXiv("https://arxiv.org/abs/2306.16788") == "2306.16788")
        #expect(Identifiers.bareArXiv("https://arxiv.org/pdf/2306.16788v1.pdf") == "2306.16788v1")
        #expect(Identifiers.bareArXiv("hep-th/9901001") == "hep-th/9901001")
        #expect(Identifiers.bareArXiv("math.AG/0601001v3") == "math.AG/0601001v3")
        #expect(Identifiers.bareArXiv("2306.167") == nil)
        #expect(Identifiers.arXivMatchKey("arXiv:2306.16788v2") == Identifiers.arXivMatchKey("2306.16788"))
    }

    @Test func pubMed() {
        #expect(Identifiers.barePMID("PMID: 12345678") == "12345678")
        #expect(Identifiers.barePMID("https://pubmed.ncbi.nlm.nih.gov/12345678/") == "12345678")
        #expect(Identifiers.barePMID("12a") == nil)
        #expect(Identifiers.barePMCID("pmc123") == "PMC123")
    }

    @Test(arguments: [
        ("9783161484100", "978-3-16-148410-0"), ("978-0-306-40615-7", "978-0-306-40615-7"), ("0306406152", "0-306-40615-2"),
        ("ISBN 0-8044-2957-X", "0-8044-2957-X"), ("978-1-4028-9462-6 (pbk.)", "978-1-4028-9462-6"),
        ("9791032305690", "979-10-323-0569-0"),
    ])
    func isbnHyphenation(input: String, expected: String) {
        #expect(Identifiers.formattedISBN(input, style: .hyphenate) == expected)
    }

    @Test func isbnConversionsAndChecksums() {
        #expect(Identifiers.formattedISBN("0306406152", style: .isbn13) == "978-0-306-40615-7")
        #expect(Identifiers.formattedISBN("978-0-306-40615-7", style: .isbn10) == "0-306-40615-2")
        #expect(Identifiers.formattedISBN("979-10-323-0569-0", style: .isbn10) == "979-10-323-0569-0")
        #expect(Identifiers.formattedISBN("978-0-306-40615-7", style: .compact) == "9780306406157")
        #expect(Identifiers.isValidISBN("978-0-306-40615-8") == false)
        #expect(Identifiers.isValidISBN("0-306-40615-3") == false)
        #expect(Identifiers.isValidISBN("12345") == false)
        #expect(Identifiers.isbn13("0-306-40615-2") == "9780306406157")
    }

    @Test func issn() {
        #expect(Identifiers.normalizedISSN("0317-8471") == "0317-8471")
        #expect(Identifiers.normalizedISSN("03178471") == "0317-8471")
        #expect(Identifiers.normalizedISSN("2049-369x") == "2049-369X")
        #expect(Identifiers.normalizedISSN("00175749 (ISSN)") == "0017-5749")
        #expect(Identifiers.normalizedISSN("0317-8472") == nil)
        #expect(Identifiers.normalizedISSN("1234") == nil)
    }
}

@Suite struct TextTests {
    @Test func matchKeysFoldLaTeXAccentsCaseAndPunctuation() {
        let a = MatchText.key(#"Schr{\"o}dinger's Cat: A Review"#)
        let b = MatchText.key("Schrödinger’s cat - a review")
        let c = MatchText.key("SCHRODINGERS CAT A REVIEW")
        #expect(a == "schrodingerscatareview")
        #expect(a == b && b == c)
        #expect(MatchText.key("R&D in Europe") == MatchText.key("R and D in Europe"))
        #expect(MatchText.key(#"{\v{C}}apek and {\ss}"#) == "capekandss")
        // Look-alike forms are one letter: the micro sign upper-cases to Greek capital mu.
        #expect(MatchText.key("Emitting at 1.55 µm") == MatchText.key("EMITTING AT 1.55 ΜM"))
        #expect(MatchText.key("Eﬃcient ﬁlms, 10²") == "efficientfilms102")
        #expect(MatchText.key("Multi-task learning") == MatchText.key("Multitask Learning"))
        #expect(MatchText.key("深層学習") == "深層学習")
        // Greek letters in TeX math are the letters a Unicode title has.
        #expect(MatchText.key(#"On the $\alpha$-stability of $\Omega$-flows"#) == MatchText.key("On the α-stability of Ω-flows"))
        #expect(MatchText.key(#"$\beta$-catalysis"#) != MatchText.key(#"$\gamma$-catalysis"#))
    }

    @Test func whitespace() {
        #expect(MatchText.collapsedWhitespace("  a \t b\n\nc  ") == "a b c")
        #expect(MatchText.collapsedWhitespace("plain") == "plain")
        #expect(MatchText.collapsedWhitespace("a\u{00A0}\u{00A0}b") == "a b")
        #expect(MatchText.collapsedWhitespace("\u{3000}Müller\u{2009}\u{2009}und\u{2028}Söhne\u{202F}") == "Müller und Söhne")
        #expect(MatchText.collapsedWhitespace("Ā€あ") == "Ā€あ")
        let rich = RichText([.text("  Deep  "), .italic([.text(" learning ")]), .text("  now ")])
        #expect(rich.collapsingWhitespace().plainText == "Deep learning now")
    }

    @Test func latexDecoding() {
        #expect(LaTeXText.decoded(#"M{\"u}ller"#) == "Müller")
        #expect(LaTeXText.decoded(#"M\"uller and \'{E}mile"#) == "Müller and Émile")
        #expect(LaTeXText.decoded(#"Stra{\ss}e, {\o}re, \v{C}apek, \c c"#) == "Straße, øre, Čapek, ç")
        #expect(LaTeXText.decoded(#"R\&D at 50\%"#) == "R&D at 50%")
        #expect(LaTeXText.decoded(#"Mart{\'\i}n"#) == "Martín")
        #expect(LaTeXText.decoded(#"\emph{kept} $\alpha$"#) == #"\emph{kept} $\alpha$"#)
    }

    @Test func allCapsToTitleCase() {
        #expect(TextCase.isAllCaps("DEEP LEARNING FOR MRI: A SURVEY"))
        #expect(!TextCase.isAllCaps("Deep Learning for MRI"))
        #expect(!TextCase.isAllCaps("DNA RNA"))
        let fixed = TextCase.titleCaseFromAllCaps("DEEP LEARNING FOR MRI: A SURVEY OF COVID-19 IN THE USA, PART II")
        #expect(fixed.plainText == "Deep Learning for MRI: A Survey of COVID-19 in the USA, Part II")
        #expect(TextCase.properCaseName("O'BRIEN") == "O'Brien")
        #expect(TextCase.properCaseName("JEAN-PIERRE") == "Jean-Pierre")
        #expect(TextCase.properCaseName("MCDONALD") == "McDonald")
        #expect(TextCase.properCaseName("J.") == "J.")
        #expect(TextCase.properCaseName("McGill") == "McGill")
    }

    @Test func casePolicies() {
        let title = RichText([.text("Deep Learning For "), .caseProtected([.text("MRI")]), .text(": The Way Forward")])
        #expect(TextCase.apply(.sentence, to: title).plainText == "Deep learning for MRI: The way forward")
        #expect(TextCase.apply(.title, to: "deep learning for the iPhone: a study").plainText == "Deep Learning for the iPhone: A Study")
    }

    @Test(arguments: [
        ("123--145", "123-145"), ("pp. 123 - 145", "123-145"), ("123–145", "123-145"), ("e1002345", "e1002345"),
        ("S-12", "S-12"), ("1-4, 7--9", "1-4, 7-9"), ("xii—xv", "xii-xv"), ("1,234-1,240", "1,234-1,240"),
    ])
    func pages(input: String, expected: String) {
        #expect(PageRange.normalized(input) == expected)
        #expect(PageRange.normalized(expected) == expected)
    }

    @Test func pageChecks() {
        #expect(PageRange.firstPage("pp. 123--145") == "123")
        #expect(PageRange.isWellFormed("123-145"))
        #expect(PageRange.isWellFormed("e1002"))
        #expect(PageRange.isWellFormed("1234-56"))
        #expect(!PageRange.isWellFormed("145-123"))
        #expect(!PageRange.isWellFormed("see chapter two"))
    }

    /// The byte path for plain numeric ranges says what the general one says, and leaves
    /// everything else to it.
    @Test func simplePageRangesAgreeWithTheGeneralCheck() {
        let pieces = ["1", "0", "9", "45", "123", "-", "--", "–", " ", ",", "e", "x", "S", "1234567890123", "007"]
        var state: UInt64 = 11
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        var simple = 0
        for _ in 0..<20_000 {
            var s = ""
            for _ in 0..<(1 + next() % 4) { s += pieces[next() % pieces.count] }
            let general = PageRange.anyIsWellFormed(s)
            if let fast = PageRange.simpleRangeIsWellFormed(s) {
                simple += 1
                #expect(fast == general, "\(s.debugDescription)")
            }
            #expect(PageRange.isWellFormed(s) == general, "\(s.debugDescription)")
        }
        #expect(simple > 1_000)
    }

    @Test(arguments: [
        ("March 2020", "2020-03"), ("Mar. 15, 2020", "2020-03-15"), ("15 March 2020", "2020-03-15"),
        ("2020 Mar 15", "2020-03-15"), ("2020/03/15", "2020-03-15"), ("03/2020", "2020-03"), ("c. 1988", "1988~"),
        ("1995-1997", "1995/1997"), ("2020", "2020"), ("September 9, 1993", "1993-09-09"),
    ])
    func dates(input: String, expected: String) {
        #expect(DateText.parse(input)?.edtf == expected)
    }

    @Test(arguments: ["12/03/2020", "2020 Mar-Apr", "Feb 30, 2020", "forthcoming", "2020a"])
    func datesKeptRaw(input: String) {
        #expect(DateText.parse(input) == nil)
    }

    @Test func seasons() {
        let d = DateText.parse("Spring 2020")
        #expect(d?.season == .spring)
        #expect(d?.year == 2020)
    }

    @Test func editions() {
        #expect(Edition.number("2nd") == 2)
        #expect(Edition.number("Second edition") == 2)
        #expect(Edition.number("3") == 3)
        #expect(Edition.number("2. Aufl.") == 2)
        #expect(Edition.number("Revised") == nil)
    }
}

/// The shortcuts of `PageRange.firstPage` (leading digits) and `Identifiers.bareDOI` (a DOI
/// already bare) give what the general paths give, on pieces combined every way.
@Suite struct PageAndDOIShortcutTests {
    @Test func firstPageShortcutMatchesNormalizing() {
        let pieces = [
            "", "1", "123", "0012", "e12", "xii", " ", "-", "--", "–", ",", ", ", "pp. ", "p.", "Pages ", "a", "S", "\t", "\u{A0}",
            "\u{301}", "45", "n/a", ".", "ö",
        ]
        var checked = 0
        var shortcut = 0
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = a + b + c
                    if PageRange.leadingDigits(text) != nil { shortcut += 1 }
                    #expect(PageRange.firstPage(text) == PageRange.firstPageByNormalizing(text), "\(text.debugDescription)")
                    checked += 1
                }
            }
        }
        #expect(checked == pieces.count * pieces.count * pieces.count)
        #expect(shortcut > 500)
    }

    @Test func bareDOIShortcutMatchesStripping() {
        let pieces = [
            "", "10.", "10.1000", "/", "abc", "ABC.1", ".", ",", ";", "%2F", "%2f", " ", "\u{A0}", "doi:", "https://doi.org/", "1",
            "0.", "é", "\u{7F}", "(x)", "10.12/", "-",
        ]
        var shortcut = 0
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = a + b + c
                    if Identifiers.isPlainDOIForm(text) { shortcut += 1 }
                    #expect(Identifiers.bareDOI(text) == Identifiers.bareDOIByStripping(text), "\(text.debugDescription)")
                }
            }
        }
        #expect(shortcut > 200)
    }
}
