import Foundation
import Testing

/// End to end on the real binary: the sample profile to BibTeX and BibLaTeX.
@Suite struct ConvertProfileTests {
    let sample = "Samples/profile-max-zimmer.txt"
    let golden = CLI.root.appendingPathComponent("Samples/expected/profile-max-zimmer.bib")

    @Test func sampleMatchesGolden() throws {
        let r = try CLI.run(["convert", sample, "--as-of", "2026-11-24", "--to", "bibtex"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(r.stdout == expected)
        #expect(r.stdout.components(separatedBy: "\n@").count - (r.stdout.hasPrefix("@") ? 0 : 1) == 24)
        #expect(r.stdout.components(separatedBy: " and others}").count - 1 == 18)
    }

    @Test func crlfCopyGivesTheSameOutput() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lf = try String(contentsOf: CLI.root.appendingPathComponent(sample), encoding: .utf8)
        let crlfPath = dir.appendingPathComponent("profile-crlf.txt")
        try lf.replacingOccurrences(of: "\n", with: "\r\n").write(to: crlfPath, atomically: true, encoding: .utf8)
        let a = try CLI.run(["convert", sample, "--as-of", "2026-11-24", "--to", "bibtex"])
        let b = try CLI.run(["convert", crlfPath.path, "--as-of", "2026-11-24", "--to", "bibtex"])
        #expect(b.status == 0)
        #expect(a.stdout == b.stdout)
    }

    @Test func stdinNeedsNoExtension() throws {
        let data = try Data(contentsOf: CLI.root.appendingPathComponent(sample))
        let r = try CLI.run(["convert", "--as-of", "2026-11-24", "--to", "bibtex"], stdin: data)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout == (try String(contentsOf: golden, encoding: .utf8)))
    }

    @Test func brokenBlockIsReportedAndTheRestConverts() throws {
        let r = try CLI.run(["convert", "Tests/BibKitCLITests/Fixtures/broken-profile.txt", "--as-of", "2026-11-24", "--to", "bibtex"])
        #expect(r.status == 1)
        // The paper at line 13 has a date that does not exist.
        #expect(r.stderr.contains("broken-profile.txt:13:"), "stderr: \(r.stderr)")
        #expect(r.stderr.contains("error:"))
        #expect(r.stdout.contains("Sparse Model Soups"))
        #expect(r.stdout.contains("Frank-Wolfe"))
    }

    @Test func strictWritesNothingOnErrors() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("refs.bib")
        try "keep me".write(to: out, atomically: true, encoding: .utf8)
        let r = try CLI.run(["convert", "Tests/BibKitCLITests/Fixtures/broken-profile.txt", "--strict", "--to", "bibtex", "-o", out.path])
        #expect(r.status == 1)
        #expect(try String(contentsOf: out, encoding: .utf8) == "keep me")
    }

    @Test func outputFileAndFormatFromExtension() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("refs.bib")
        let r = try CLI.run(["convert", sample, "--as-of", "2026-11-24", "-o", out.path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("wrote 24 entries"))
        #expect(try String(contentsOf: out, encoding: .utf8) == (try String(contentsOf: golden, encoding: .utf8)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["refs.bib"])
    }

    @Test func unreadableInputLeavesOutputUntouched() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("refs.bib")
        try "keep me".write(to: out, atomically: true, encoding: .utf8)
        let missing = try CLI.run(["convert", dir.appendingPathComponent("nope.txt").path, "--to", "bibtex", "-o", out.path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope.txt"))
        let directory = try CLI.run(["convert", dir.path, "--from", "profile", "--to", "bibtex", "-o", out.path])
        #expect(directory.status == 2)
        #expect(directory.stderr.contains("directory"))
        #expect(try String(contentsOf: out, encoding: .utf8) == "keep me")
    }

    @Test func usageErrors() throws {
        let unknown = try CLI.run(["convert", sample, "--to", "word"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("bibtex"))
        let noTarget = try CLI.run(["convert", sample])
        #expect(noTarget.status == 64)
        let badDate = try CLI.run(["convert", sample, "--to", "bibtex", "--as-of", "2026-02-30"])
        #expect(badDate.status == 64)
    }

    @Test func formatsListsCapabilities() throws {
        let r = try CLI.run(["formats"])
        #expect(r.status == 0)
        for name in ["profile", "bibtex", "biblatex"] { #expect(r.stdout.contains(name)) }
        let v = try CLI.run(["--version"])
        #expect(v.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test(.enabled(if: CLI.has("bibtex") && CLI.has("pdflatex"), "needs pdflatex + bibtex: run ../shared/oracles/install.sh"))
    func goldenCompilesWithBibTeX() throws {
        let r = try CLI.oracle("bibtex_compiles.sh", ["--styles", "plain,abbrvnat", golden.path])
        #expect(r.status == 0, "\(r.output)")
    }

    @Test(.enabled(if: CLI.has("biber"), "needs biber: run ../shared/oracles/install.sh"))
    func biblatexPassesBiber() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("refs.bib")
        let r = try CLI.run(["convert", sample, "--as-of", "2026-11-24", "--to", "biblatex", "-o", out.path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let o = try CLI.oracle("biber_validates.sh", [out.path])
        #expect(o.status == 0, "\(o.output)")
    }
}
