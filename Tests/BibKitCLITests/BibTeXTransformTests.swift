import Foundation
import Testing

/// What needs the BibTeX reader: `tidy`, BibTeX validation fixtures, BibTeX merged with RIS.
@Suite
struct BibTeXTransformTests {
    let fixtures = "Tests/BibKitCLITests/Fixtures"

    func copy(_ name: String, to dir: URL) throws -> URL {
        let target = dir.appendingPathComponent((name as NSString).lastPathComponent)
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("\(fixtures)/\(name)"), to: target)
        return target
    }

    @Test func tidyCleansAndKeepsTheDialect() throws {
        let r = try CLI.run(["tidy", "\(fixtures)/tidy/messy.bib", "--report"])
        #expect(r.status == 0, "\(r.stderr)")
        for line in [
            "  author = {Smith, John and O'Brien, Anne},", "  pages = {123--145},", "  month = mar,", "  doi = {10.1000/XYZ.1},",
            "  issn = {0317-8471},", "  keywords = {mri, deep learning}", "  author = {Nocedal, J. R. and Wright, Stephen},",
            "  isbn = {0-387-30303-0},", "  url = {http://example.org/numopt}",
        ] {
            #expect(r.stdout.contains(line + "\n"), "missing \(line) in\n\(r.stdout)")
        }
        #expect(r.stdout.contains("Deep Learning for {MRI}: A Survey"))
        #expect(!r.stdout.contains("note ="))
        #expect(r.stderr.contains(#"clean: Smith2020: title: "DEEP LEARNING FOR MRI: A SURVEY" → "Deep Learning for MRI: A Survey" (was ALL CAPS)"#))
        let biblatex = try CLI.run(["tidy", "\(fixtures)/tidy/biblatex.bib"])
        #expect(biblatex.status == 0)
        #expect(biblatex.stdout.contains("@online{web,"))
        #expect(biblatex.stdout.contains("  journaltitle = {Journal of Tests},"))
        #expect(biblatex.stdout.contains("  date = {2019}"))
    }

    @Test func tidyTwiceChangesNothing() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["tidy/messy.bib", "tidy/biblatex.bib"] {
            let once = dir.appendingPathComponent("once.bib")
            let twice = dir.appendingPathComponent("twice.bib")
            #expect(try CLI.run(["tidy", "\(fixtures)/\(name)", "-o", once.path]).status == 0)
            #expect(try CLI.run(["tidy", once.path, "-o", twice.path]).status == 0)
            #expect(try Data(contentsOf: once) == Data(contentsOf: twice), "\(name)")
        }
    }

    /// `tidy/crossref.bib`: crossref children keep their own fields and type (nothing of the
    /// parent is copied in), a misc's container sits where `howpublished` sits, a month that is
    /// no month stays a field; the golden output is stable under a second tidy.
    @Test func tidyKeepsCrossrefChildrenAndIsStable() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let once = dir.appendingPathComponent("once.bib")
        let r = try CLI.run(["tidy", "\(fixtures)/tidy/crossref.bib", "-o", once.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("crossref.bib:35:3: warning: L1: month: month '14' is not a month; kept as a field [bibtex.bad-date]"), "\(r.stderr)")
        let expected = try String(contentsOfFile: "\(fixtures)/tidy/crossref.expected.bib", encoding: .utf8)
        #expect(try String(contentsOf: once, encoding: .utf8) == expected)
        let twice = try CLI.run(["tidy", once.path, "-q"])
        #expect(twice.status == 0)
        #expect(twice.stdout == expected)
    }

    @Test func inPlaceKeepsABackupAndIsAtomic() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try copy("tidy/messy.bib", to: dir)
        let original = try Data(contentsOf: file)
        let r = try CLI.run(["tidy", file.path, "--in-place"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("backup in \(file.path).bak"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: file.path + ".bak")) == original)
        let tidied = try String(contentsOf: file, encoding: .utf8)
        #expect(tidied.contains("  pages = {123--145},"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["messy.bib", "messy.bib.bak"])
        // A second run finds nothing to do and leaves the backup of the original alone.
        let again = try CLI.run(["tidy", file.path, "--in-place"])
        #expect(again.stderr.contains("is already tidy"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: file.path + ".bak")) == original)
    }

    @Test func inPlaceRefusesAFileWithErrors() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try copy("tidy/broken.bib", to: dir)
        let original = try Data(contentsOf: file)
        let r = try CLI.run(["tidy", file.path, "--in-place"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("left as it is"))
        #expect(try Data(contentsOf: file) == original)
        #expect(!FileManager.default.fileExists(atPath: file.path + ".bak"))
        // Without --in-place the good entry is still written.
        let out = try CLI.run(["tidy", file.path])
        #expect(out.status == 1)
        #expect(out.stdout.contains("@article{ok,"))
    }

    @Test func validateBibTeXFixtures() throws {
        let f = "\(fixtures)/validate/invalid.bib"
        let r = try CLI.run(["validate", f])
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("  ") && !$0.hasPrefix("bibkit:") }
        // The rules' own findings, exactly.
        let rules = [
            "\(f):10:1: warning: undefined-crossref: booktitle: @incollection needs field 'booktitle' (BibTeX data model) [validate.missing-field]",
            "\(f):10:1: warning: undefined-crossref: publisher: @incollection needs field 'publisher' (BibTeX data model) [validate.missing-field]",
            "\(f):19:21: error: unescaped-ampersand: title: '&' is not escaped: LaTeX reads it as an alignment tab; write \\& (bibkit tidy does) [validate.unescaped-special]",
            "\(f):26:16: error: unescaped-percent: title: '%' is not escaped: LaTeX reads the rest of the line as a comment; write \\% (bibkit tidy does) [validate.unescaped-special]",
            "\(f):31:1: warning: missing-journal: journal: @article needs field 'journal' (BibTeX data model) [validate.missing-field]",
            "\(f):55:3: warning: bad-values: year: '20x0' is not a date bibkit can read (expected e.g. 2020, 2020-03-15, March 2020) [validate.date]",
            "\(f):56:3: warning: bad-values: pages: 'see chapter two' is not a page or page range (e.g. 123-145, e1002, S4) [validate.pages]",
            "\(f):57:3: warning: bad-values: doi: '10.1/broken' is not a DOI (10.NNNN/suffix) [validate.doi]",
            "\(f):58:3: warning: bad-values: issn: '0317-8472' has a wrong check digit or length for an ISSN [validate.issn]",
            "\(f):44:1: error: dup: key: key 'dup' is used by an earlier entry [validate.duplicate-key]",
        ]
        #expect(lines.filter { $0.contains("[validate.") && !$0.contains(": unbalanced: ") } == rules, "\(r.stderr)")
        // The BibTeX reader's syntax findings, by place and code (its wording is its own).
        #expect(lines.contains { $0.hasPrefix("\(f):6:13: warning: undefined-macro: ") && $0.hasSuffix("[bibtex.undefined-macro]") }, "\(r.stderr)")
        #expect(lines.contains { $0.hasPrefix("\(f):13:3: warning: undefined-crossref: ") && $0.hasSuffix("[bibtex.undefined-crossref]") })
        #expect(lines.contains { $0.hasPrefix("\(f):63:11: error: unbalanced: title: ") && $0.hasSuffix("[bibtex.unbalanced-braces]") })
        // The reader's own repeated-key warning is folded into the rule's error.
        #expect(!lines.contains { $0.hasSuffix("[bibtex.duplicate-key]") })
        let ok = try CLI.run(["validate", "\(fixtures)/validate/valid.bib", "--strict"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stderr == "bibkit: 3 entries checked: 0 errors, 0 warnings\n")
    }

    /// `merge/mine.bib` + `merge/publisher.ris`: the same three references, each side with
    /// fields the other lacks (volume, issue, pages, DOI, full given names and journal in RIS;
    /// month, ISSN, ISBN, place and a keyword in BibTeX). One entry per reference with the union
    /// of the fields, and the key map, both ways round, against golden files.
    @Test func mergeBibTeXAndRISGivesTheGoldenUnionAndKeyMap() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let merge = "\(fixtures)/merge"
        let bib = dir.appendingPathComponent("all.bib")
        let json = dir.appendingPathComponent("keys.json")
        let r = try CLI.run(["merge", "\(merge)/mine.bib", "\(merge)/publisher.ris", "-o", bib.path, "--key-map", json.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.hasSuffix("bibkit: wrote 3 entries of 6 read as bibtex to \(bib.path) (0 errors, 0 warnings); 3 duplicate clusters merged, 3 keys mapped\n"), "\(r.stderr)")
        #expect(r.stderr.contains("duplicates: nguyen2018graph (\(merge)/mine.bib:21:1), Nguyen2018 (\(merge)/publisher.ris:29:1, same title) → kept nguyen2018graph\n"))
        #expect(try Data(contentsOf: bib) == Data(contentsOf: URL(fileURLWithPath: "\(merge)/expected/mine+publisher.bib")))
        #expect(try Data(contentsOf: json) == Data(contentsOf: URL(fileURLWithPath: "\(merge)/expected/mine+publisher.keys.json")))
        // RIS first: its keys are kept, the output is RIS, the key map CSV.
        let ris = dir.appendingPathComponent("all.ris")
        let csv = dir.appendingPathComponent("keys.csv")
        let back = try CLI.run(["merge", "\(merge)/publisher.ris", "\(merge)/mine.bib", "-o", ris.path, "--key-map", csv.path, "-q"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try Data(contentsOf: ris) == Data(contentsOf: URL(fileURLWithPath: "\(merge)/expected/publisher+mine.ris")))
        #expect(try Data(contentsOf: csv) == Data(contentsOf: URL(fileURLWithPath: "\(merge)/expected/publisher+mine.keys.csv")))
    }

    @Test func mergeBibTeXWithRISOfTheSameReferences() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bib = dir.appendingPathComponent("mine.bib")
        // The same references as publisher.ris, each with other fields missing.
        try """
            @article{federico2004,
              author = {Federico, Salvatore and Grillo, Alfio and Herzog, Walter},
              title = {A transversely isotropic composite with a statistical distribution of spheroidal inclusions: a geometrical approach to overall properties},
              journal = {J. Mech. Phys. Solids},
              year = 2004,
              month = oct,
              issn = {0022-5096}
            }

            @article{lee2019,
              author = {Lee, J. and M{\\"u}ller, K.},
              title = {Deep Residual Learning for Sparse Signal Recovery},
              journal = {IEEE Transactions on Signal Processing},
              year = 2019,
              volume = 67,
              pages = {101--115}
            }

            """.write(to: bib, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("all.bib")
        let map = dir.appendingPathComponent("keys.json")
        let r = try CLI.run(["merge", bib.path, "\(fixtures)/merge/publisher.ris", "-o", out.path, "--key-map", map.path])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(text.components(separatedBy: "\n@").count - (text.hasPrefix("@") ? 0 : 1) == 3)
        // One entry per reference with the union of the fields.
        #expect(text.contains("@article{federico2004,"))
        #expect(text.contains("  volume = {52},"))
        #expect(text.contains("  issn = {0022-5096},"))
        #expect(text.contains("  doi = {10.1016/j.jmps.2004.03.010},"))
        #expect(text.contains("  month = oct,"))
        #expect(text.contains("Salvatore"))
        #expect(text.contains("@article{lee2019,"))
        #expect(text.contains("Jae-Won"))
        #expect(text.contains("  volume = {67},"))
        let keyMap = try JSONSerialization.jsonObject(with: Data(contentsOf: map)) as? [String: String]
        #expect(keyMap == ["Federico2004": "federico2004", "Lee2019": "lee2019"])
    }
}
