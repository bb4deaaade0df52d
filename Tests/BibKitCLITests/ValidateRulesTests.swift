import Foundation
import Testing

/// `bibkit validate` rule checks: every check has a fixture entry that triggers it, at an
/// exact line, and a fixture that triggers nothing.
@Suite struct ValidateRulesTests {
    let invalid = "Tests/BibKitCLITests/Fixtures/validate/invalid.json"
    let valid = "Tests/BibKitCLITests/Fixtures/validate/valid.json"
    let ris = "Tests/BibKitCLITests/Fixtures/validate/mixed.ris"

    /// The diagnostic lines (without the source excerpt and caret) of a run.
    func lines(_ r: CLI.Result) -> [String] {
        r.stderr.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("  ") && !$0.hasPrefix("bibkit:") }
    }

    @Test func everyCheckFiresAtItsLine() throws {
        let r = try CLI.run(["validate", invalid])
        #expect(r.status == 1, "the duplicate key is an error")
        let f = invalid
        let expected = [
            "\(f):2:3: warning: missing-journal: journal: @article needs field 'journal' (BibTeX data model) [validate.missing-field]",
            "\(f):31:5: warning: bad-date: issued: 'sometime soon' is not a date bibkit can read (expected e.g. 2020, 2020-03-15, March 2020) [validate.date]",
            "\(f):46:5: warning: future-year: issued: year 2999 lies in the future [validate.year]",
            "\(f):72:5: warning: bad-pages: page: 'see chapter two' is not a page or page range (e.g. 123-145, e1002, S4) [validate.pages]",
            "\(f):92:5: warning: bad-edition: edition: '-' is not an edition (e.g. 2, 2nd, Second, Revised) [validate.edition]",
            "\(f):112:5: warning: bad-doi: DOI: '10.1/broken' is not a DOI (10.NNNN/suffix) [validate.doi]",
            "\(f):132:5: warning: bad-isbn: ISBN: '978-0-306-40615-8' has a wrong check digit or length for an ISBN [validate.isbn]",
            "\(f):152:5: warning: bad-issn: ISSN: '0317-8472' has a wrong check digit or length for an ISSN [validate.issn]",
            "\(f):171:5: warning: bad-url: URL: 'www.example.org/no scheme' is not a valid absolute URL [validate.url]",
            "\(f):177:5: warning: two-names: author: 'Jones, K. and Kane, L.' looks like several names in one; separate them [validate.names]",
            "\(f):197:22: warning: not-nfc: text is not in Unicode NFC (a letter followed by a combining accent); bibkit writes NFC [validate.not-nfc]",
            "\(f):213:5: warning: html: title: HTML markup or entities in text: 'Deep &amp; wide networks' [validate.html]",
            "\(f):323:5: note: doi-prefix: DOI: DOI 'https://doi.org/10.1000/xyz.9' carries a resolver prefix; the DOI is 10.1000/xyz.9 (--clean strips it) [validate.doi-prefix]",
            "\(f):336:5: note: text-date: issued: date kept as text 'March 2020'; --clean (--months) reads it as 2020-03 [validate.date-text]",
            "\(f):248:3: error: dup-key: key: key 'dup-key' is used by an earlier entry [validate.duplicate-key]",
            "\(f):286:3: warning: twin-b: likely a duplicate of twin-a (same title) [validate.likely-duplicate]",
        ]
        #expect(lines(r) == expected, "\(r.stderr)")
        #expect(r.stderr.contains("bibkit: 18 entries checked: 1 error, 13 warnings"))
        // The source line and a caret under the field.
        #expect(r.stderr.contains("    \"page\": \"see chapter two\"\n      ^\n"))
    }

    @Test func cleanFixtureTriggersNothing() throws {
        let r = try CLI.run(["validate", valid, "--strict"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "bibkit: 3 entries checked: 0 errors, 0 warnings\n")
    }

    /// The checks `invalid.json` and `invalid.bib` do not reach (arXiv ids, PubMed ids, an
    /// impossible date, keys that differ only in case, HTML in a journal, NFC in a value that
    /// the source spells with `\u` escapes, a field outside biber's data model), each at its
    /// line; and their near misses in the `*-valid` fixtures, which trigger nothing.
    @Test func theOtherChecksFireAtTheirLines() throws {
        let dir = "Tests/BibKitCLITests/Fixtures/validate"
        let bib = "\(dir)/more-invalid.bib"
        let r = try CLI.run(["validate", bib])
        #expect(r.status == 1, "the keys that differ only in case are an error")
        #expect(
            lines(r) == [
                "\(bib):23:3: warning: impossible-date: date: date '2021-02-30' is not an ISO 8601 date; kept as text [bibtex.bad-date]",
                "\(bib):7:3: warning: bad-arxiv: eprint: 'not-an-arxiv-id' is not an arXiv identifier (2306.16788, hep-th/9901001) [validate.arxiv]",
                "\(bib):16:3: warning: bad-pmid: pmid: 'PMC12345x' is not a PubMed id (digits) [validate.pmid]",
                "\(bib):23:3: warning: impossible-date: date: '2021-02-30' is not a date bibkit can read (expected e.g. 2020, 2020-03-15, March 2020) [validate.date]",
                "\(bib):43:3: warning: html-journal: journal: HTML markup or entities in text: 'Journal of <i>Tests</i>' [validate.html]",
                "\(bib):33:1: error: case-key: key: key 'case-key' differs only in case from 'Case-Key' of an earlier entry (BibTeX treats them as one) [validate.duplicate-key]",
            ], "\(r.stderr)")
        #expect(r.stderr.hasSuffix("bibkit: 6 entries checked: 1 error, 5 warnings\n"))
        let json = "\(dir)/more-invalid.json"
        let j = try CLI.run(["validate", json])
        #expect(j.status == 0)
        #expect(
            lines(j).filter { $0.hasSuffix("]") && $0.contains("[validate.") } == [
                "\(json):13:5: warning: invalid-day: issued: '2021-2-30' is not a date bibkit can read (expected e.g. 2020, 2020-03-15, March 2020) [validate.date]",
                "\(json):26:5: warning: decomposed: title: text is not in Unicode NFC (decomposed accents); bibkit writes NFC [validate.not-nfc]",
            ], "\(j.stderr)")
        let biblatex = "\(dir)/biblatex-invalid.bib"
        let b = try CLI.run(["validate", "--from", "biblatex", biblatex])
        #expect(
            lines(b) == [
                "\(biblatex):7:3: warning: field-outside-model: isrn: biber's data model has no field 'isrn' for @article [validate.field-not-in-model]",
                "\(biblatex):11:1: warning: report-without-type: type: @report needs field 'type' (BibLaTeX data model) [validate.missing-field]",
            ], "\(b.stderr)")
        // The near misses: a good arXiv id and PubMed id, 29 February of a leap year, keys that
        // differ in more than case, `<` and `\&` in text, `isrn` where biber has it.
        let ok = try CLI.run(["validate", "\(dir)/more-valid.bib", "--strict"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stderr == "bibkit: 6 entries checked: 0 errors, 0 warnings\n")
        let okBiblatex = try CLI.run(["validate", "--from", "biblatex", "\(dir)/biblatex-valid.bib", "--strict"])
        #expect(okBiblatex.status == 0, "\(okBiblatex.stderr)")
        #expect(okBiblatex.stderr == "bibkit: 1 entry checked: 0 errors, 0 warnings\n")
    }

    @Test func risFieldsAreLocatedByTag() throws {
        let r = try CLI.run(["validate", ris])
        #expect(r.status == 0)
        #expect(lines(r) == ["\(ris):27:1: warning: ris-bad: SN: '0-306-40615-3' has a wrong check digit or length for an ISBN [validate.isbn]"])
        let strict = try CLI.run(["validate", ris, "--strict"])
        #expect(strict.status == 1)
    }

    @Test func dataModelsDiffer() throws {
        // BibTeX's @book needs a publisher; BibLaTeX's does not.
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("book.json")
        try #"[{"id": "b", "type": "book", "title": "T", "author": [{"family": "A"}], "issued": {"date-parts": [[2020]]}}]"#
            .write(to: file, atomically: true, encoding: .utf8)
        let bibtex = try CLI.run(["validate", file.path])
        #expect(bibtex.stderr.contains("b: publisher: @book needs field 'publisher' (BibTeX data model) [validate.missing-field]"), "\(bibtex.stderr)")
        let biblatex = try CLI.run(["validate", file.path, "--data-model", "biblatex"])
        #expect(!biblatex.stderr.contains("validate.missing-field"), "\(biblatex.stderr)")
    }

    @Test func ignoreAndNoRules() throws {
        let r = try CLI.run(["validate", invalid, "--ignore", "validate.duplicate-key,validate.likely", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        let none = try CLI.run(["validate", invalid, "--no-rules"])
        #expect(none.status == 0)
        #expect(!none.stderr.contains("validate."))
    }

    @Test func jsonAndGitHubCarryKeyAndField() throws {
        let json = try CLI.run(["validate", invalid, "--format", "json"])
        let first = json.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first == #"{"severity":"warning","code":"validate.missing-field","message":"@article needs field 'journal' (BibTeX data model)","file":"\#(invalid)","line":2,"column":3,"key":"missing-journal","field":"journal"}"#)
        let gh = try CLI.run(["validate", invalid, "--format", "github"])
        #expect(gh.stderr.contains("::error file=\(invalid),line=248,col=3,title=validate.duplicate-key::dup-key: key: key 'dup-key' is used by an earlier entry\n"))
    }
}
