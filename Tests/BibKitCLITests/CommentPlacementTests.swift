import Foundation
import Testing

/// `comments/thesis.bib`: comments before the first entry (a `%` header before the `@string`,
/// an `@comment` after it), between entries (`%` lines, free text, an `@comment` with an `@`)
/// and after the last entry. Rewriting the file keeps each where it was and in its form,
/// against golden files (`thesis.<target>.bib`), streamed or not, on one thread or two; the
/// comments move with their entry under `--sort` and `--dedupe`.
@Suite
struct CommentPlacementTests {
    let fixtures = "Tests/BibKitCLITests/Fixtures/comments"

    func golden(_ name: String) throws -> Data {
        try Data(contentsOf: CLI.root.appendingPathComponent("\(fixtures)/\(name)"))
    }

    @Test(arguments: ["bibtex", "biblatex"])
    func rewritingKeepsCommentsInPlace(target: String) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let expected = try golden("thesis.\(target).bib")
        for mode in [[], ["--no-stream"], ["--threads", "1"], ["--threads", "2"]] {
            let out = dir.appendingPathComponent("out.bib")
            let r = try CLI.run(["convert", "\(fixtures)/thesis.bib", "--to", target, "-o", out.path] + mode)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try Data(contentsOf: out) == expected, "\(target) \(mode)")
            // One note per comment with an '@' (the header's and the one before alpha2001).
            #expect(r.stderr.components(separatedBy: "[bibtex.comment-changed]").count - 1 == 2, "\(r.stderr)")
        }
        let stdout = try CLI.run(["convert", "\(fixtures)/thesis.bib", "--to", target, "-q"])
        #expect(stdout.stdoutBytes == expected)
        let text = String(decoding: expected, as: UTF8.self)
        // The header before the @string, the @comment after it; free text as % lines.
        #expect(text.hasPrefix("% Thesis bibliography, maintained by hand and with JabRef.\n% Contact: phd.student(at)uni.example\n@string{jcp"))
        #expect(text.contains("}\n\n%% ---- Chapter 2: Methods ----\n%%   (the next line is free text, not a % line)\n% Free text that BibTeX ignores.\n"))
        let block = target == "bibtex" ? "@comment{Reviewed on 2026-11-01 by someone(at)example.org}" : "% Reviewed on 2026-11-01 by someone(at)example.org"
        #expect(text.contains("\n\(block)\n@book{alpha2001,"))
        #expect(text.contains("}\n\n% ---- end of the bibliography ----\n"))
        #expect(target == "bibtex" ? text.hasSuffix("0 AllEntriesGroup:;}\n") : !text.contains("@comment"))
    }

    @Test(arguments: ["bibtex", "biblatex"])
    func rewritingTheOutputChangesNothing(target: String) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let once = CLI.root.appendingPathComponent("\(fixtures)/thesis.\(target).bib")
        for mode in [[], ["--no-stream"]] {
            let twice = dir.appendingPathComponent("twice.bib")
            let r = try CLI.run(["convert", once.path, "--to", target, "-q", "-o", twice.path] + mode)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try Data(contentsOf: twice) == Data(contentsOf: once), "\(target) \(mode)")
        }
    }

    @Test func sortMovesTheCommentsWithTheirEntry() throws {
        let r = try CLI.run(["convert", "\(fixtures)/thesis.bib", "--to", "bibtex", "--sort", "year", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutBytes == (try golden("thesis.sorted.bib")))
        // alpha2001 (2001) comes first, with its three comments; the header stays on top.
        #expect(r.stdout.contains("% ---- Chapter 1: Background ----\n\n%% ---- Chapter 2: Methods ----\n"))
    }

    @Test func dedupeGivesTheMergedEntryTheComments() throws {
        let r = try CLI.run(["convert", "\(fixtures)/thesis.bib", "--to", "bibtex", "--dedupe", "--merge", "combine", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutBytes == (try golden("thesis.merged.bib")))
        #expect(r.stdout.contains("% The publisher's record of zeta2019 (same DOI): --dedupe merges it.\n@article{zeta2019,\n"))
        #expect(!r.stdout.contains("zeta2019pub"))
    }

    @Test func stripCommentsRemovesEveryCommentAndSaysSo() throws {
        let r = try CLI.run(["convert", "\(fixtures)/thesis.bib", "--to", "bibtex", "--strip-comments", "--report"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("%") && !r.stdout.contains("@comment"), "\(r.stdout)")
        #expect(r.stdout.hasPrefix("@string{jcp = {Journal of Computational Physics}}\n\n@article{zeta2019,"))
        #expect(r.stderr.contains(#"clean: alpha2001: comments: "2 comment(s) before it" → (removed)"#), "\(r.stderr)")
        #expect(r.stderr.contains(#"clean: zeta2019pub: comments: "1 comment(s) before it" → (removed)"#))
        #expect(r.stderr.contains(#"clean: (library): comments: "5 comment(s)" → (removed)"#))
    }

    @Test func cslJSONCountsEveryCommentNotWritten() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.json")
        for mode in [[], ["--no-stream"]] {
            let r = try CLI.run(["convert", "\(fixtures)/thesis.bib", "--to", "csl-json", "-o", out.path] + mode)
            #expect(r.status == 0, "\(r.stderr)")
            // 3 in the head, 3 before entries, 2 after the last one.
            #expect(r.stderr.contains("not written to CSL-JSON (values are already expanded in the entries): 1 @string, 8 comment(s) [csl.collection-metadata]"), "\(mode): \(r.stderr)")
        }
    }
}
