import Foundation
import Testing

/// Broken inputs of every readable format through the real `bibkit` binary. Each case
/// names its input (a fixture under `Fixtures/malformed/`, or bytes generated here when
/// they are too large to commit), the diagnostics it must produce (code and line), the
/// exit status, and the entries that must survive (CSL-JSON `id`s, with a title prefix
/// where it matters). Every case also checks that bibkit ends by itself with a status
/// below 128 (no crash, no signal, no runtime trap) and that its output is valid JSON.
///
/// The run is `bibkit convert INPUT --to csl-json --diagnostics json --as-of 2026-11-24`.
@Suite struct MalformedInputTests {
    /// One broken input and what bibkit must make of it.
    struct Case: CustomTestStringConvertible, Sendable {
        /// A fixture path under `Fixtures/malformed/`, or the file name of a generated input.
        var name: String
        /// Bytes for a generated input (nil: the fixture).
        var generate: (@Sendable () -> [UInt8])? = nil
        /// Arguments added to the command line (e.g. `--from`).
        var args: [String] = []
        /// The exit status.
        var status: Int32
        /// `code@line` (or `code` where no line applies) that must each be reported. Any
        /// error whose code is not listed here fails the case too.
        var diagnostics: [String]
        /// The surviving entries, in order: `id` or `id: title prefix`.
        var entries: [String]

        var testDescription: String { name }
    }

    static let fixtures = CLI.fixtures.appendingPathComponent("malformed")

    // MARK: - the cases

    static let bibtex: [Case] = [
        Case(name: "bibtex/truncated-value.bib", status: 1, diagnostics: ["bibtex.unbalanced-braces@8"],
             entries: ["good1: A Good Paper", "cut: Half a ti"]),
        Case(name: "bibtex/truncated-key.bib", status: 1, diagnostics: ["bibtex.unclosed-entry@7"],
             entries: ["good1: A Good Paper", "cu"]),
        Case(name: "bibtex/truncated-at.bib", status: 0, diagnostics: [], entries: ["good1: A Good Paper"]),
        Case(name: "bibtex/truncated-after-field-name.bib", status: 1, diagnostics: ["bibtex.missing-equals@8"],
             entries: ["good1: A Good Paper", "cut2"]),
        Case(name: "bibtex/extra-close-brace.bib", status: 0, diagnostics: [], entries: ["extra: One", "good1: A Good Paper"]),
        Case(name: "bibtex/nul-byte.bib", status: 0, diagnostics: ["bibtex.nul-byte@8"], entries: ["good1: A Good Paper", "nul: Has NUL"]),
        Case(name: "bibtex/invalid-utf8.bib", status: 0, diagnostics: ["bibtex.latin1@8"],
             entries: ["good1: A Good Paper", "latin: Café ÿþ"]),
        Case(name: "bibtex/utf16le-bom.bib", status: 0, diagnostics: ["bibtex.utf16@1"],
             entries: ["good1: A Good Paper", "good2: Another Book"]),
        Case(name: "bibtex/utf16be-bom.bib", status: 0, diagnostics: ["bibtex.utf16@1"],
             entries: ["good1: A Good Paper", "good2: Another Book"]),
        Case(name: "bibtex/utf8-bom.bib", status: 0, diagnostics: [], entries: ["good1: A Good Paper"]),
        Case(name: "bibtex/mixed-line-endings.bib", status: 0, diagnostics: [],
             entries: ["good1: A Good Paper", "good2: Another Book", "lf: Last"]),
        Case(name: "bibtex/empty.bib", status: 0, diagnostics: [], entries: []),
        Case(name: "bibtex/whitespace-only.bib", status: 0, diagnostics: [], entries: []),
        Case(name: "bibtex/no-key.bib", status: 1, diagnostics: ["bibtex.missing-key@1"], entries: ["key: No Key", "good1"]),
        Case(name: "bibtex/missing-equals.bib", status: 1, diagnostics: ["bibtex.missing-equals@2"], entries: ["noeq", "good1"]),
        Case(name: "bibtex/unknown-type.bib", status: 0, diagnostics: [], entries: ["odd: Odd Type", "good1"]),
        Case(name: "bibtex/duplicate-key.bib", status: 0, diagnostics: ["bibtex.duplicate-key@7"],
             entries: ["good1: A Good Paper", "good1a: Same Key Again"]),
        Case(name: "bibtex/undefined-macro.bib", status: 0, diagnostics: ["bibtex.undefined-macro@2"],
             entries: ["mac: undefinedmacro", "good1"]),
        Case(name: "bibtex/self-referential-string.bib", status: 0,
             diagnostics: ["bibtex.undefined-macro@1", "bibtex.undefined-macro@2"], entries: ["loop: axc", "good1"]),
        Case(name: "bibtex/unterminated-quote.bib", status: 1, diagnostics: ["bibtex.unterminated-string@2"],
             entries: ["quote: never closed", "good1"]),
        Case(name: "bibtex/unterminated-comment.bib", status: 1, diagnostics: ["bibtex.unbalanced-braces@7"], entries: ["good1"]),
        Case(name: "bibtex/unclosed-parenthesis-entry.bib", status: 1, diagnostics: ["bibtex.unclosed-entry@4"],
             entries: ["paren: Parens", "good1"]),
        Case(name: "bibtex/stray-close-braces.bib", status: 0, diagnostics: [], entries: ["good1: A Good Paper"]),
        Case(name: "bibtex/garbage-between-entries.bib", status: 0, diagnostics: [],
             entries: ["and", "good1: A Good Paper", "good2: Another Book"]),
        Case(name: "bibtex/field-without-value.bib", status: 1, diagnostics: ["bibtex.missing-value@2"], entries: ["noval", "good1"]),
        Case(name: "bibtex/bad-field-name.bib", status: 1, diagnostics: ["bibtex.unexpected-character@2"],
             entries: ["badname", "good1"]),
        Case(name: "deep-braces.bib", generate: { Generated.deepBraces(closed: true) }, status: 0, diagnostics: [],
             entries: ["deep: <span class=\"nocase\">x</span>", "ok: After"]),
        Case(name: "deep-braces-unclosed.bib", generate: { Generated.deepBraces(closed: false) }, status: 1,
             diagnostics: ["bibtex.unbalanced-braces@1"], entries: ["deep", "ok: After"]),
        Case(name: "deep-latex-commands.bib", generate: Generated.deepLaTeX, status: 0, diagnostics: [], entries: ["tex"]),
        Case(name: "twenty-thousand-authors.bib", generate: Generated.manyAuthors, status: 0, diagnostics: [], entries: ["many: Many"]),
        Case(name: "fifty-mb-field.bib", generate: { Generated.bigField(.bibtex) }, status: 0, diagnostics: [],
             entries: ["big: xxxxxxxxxx", "ok: After"]),
        Case(name: "binary.bib", generate: Generated.binary, status: 1, diagnostics: ["bibtex.binary@1"], entries: []),
        // NUL bytes past the first 8 KiB: read as spaces, reported once for their line.
        Case(name: "late-nul-bytes.bib", generate: Generated.lateNULs, status: 0,
             diagnostics: ["bibtex.nul-byte@302"], entries: (0..<300).map { "e\($0)" } + ["late: Has two NULs"]),
    ]

    static let ris: [Case] = [
        Case(name: "ris/no-er.ris", status: 0, diagnostics: ["ris.missing-er@1"], entries: ["doe2020never: Never Ended"]),
        Case(name: "ris/no-er-between.ris", status: 1, diagnostics: ["ris.missing-er@4"],
             entries: ["2020missing: Missing End", "roe2019second: Second Record"]),
        Case(name: "ris/truncated-tag.ris", status: 0, diagnostics: ["ris.missing-er@6"],
             entries: ["doe2020first: First Record", "cut: Cut"]),
        Case(name: "ris/er-only.ris", status: 1, diagnostics: ["ris.stray-er@1", "ris.stray-er@2", "ris.no-records@1"], entries: []),
        Case(name: "ris/no-ty.ris", status: 1, diagnostics: ["ris.missing-ty@1"],
             entries: ["doetype: No Type", "roe2019second: Second Record"]),
        Case(name: "ris/untagged-lines.ris", status: 0, diagnostics: ["ris.outside-record@6"],
             entries: ["doe2020first: First Record", "roe2019second: Second Record"]),
        Case(name: "ris/nul-byte.ris", status: 0, diagnostics: ["ris.nul-byte@7"], entries: ["doe2020first: First Record", "has: Has NUL"]),
        Case(name: "ris/invalid-utf8.ris", status: 0, diagnostics: ["ris.latin1@7"],
             entries: ["doe2020first: First Record", "cafe: Café ÿ"]),
        Case(name: "ris/utf16le-bom.ris", status: 0, diagnostics: ["ris.utf16@1"],
             entries: ["doe2020first: First Record", "roe2019second: Second Record"]),
        Case(name: "ris/mixed-line-endings.ris", status: 0, diagnostics: [],
             entries: ["doe2020first: First Record", "roe2019second: Second Record"]),
        Case(name: "ris/empty.ris", status: 0, diagnostics: [], entries: []),
        Case(name: "ris/bad-tag-spacing.ris", status: 0, diagnostics: ["ris.loose-tag@1", "ris.loose-tag@2", "ris.loose-tag@3"],
             entries: ["bad: Bad spacing", "roe2019second: Second Record"]),
        Case(name: "ris/unknown-type.ris", status: 0, diagnostics: ["ris.unknown-type@1"],
             entries: ["unknown: Unknown Type", "doe2020first: First Record"]),
        Case(name: "ris/bad-year.ris", status: 0, diagnostics: ["ris.bad-date@4"], entries: ["odd: Odd Year", "roe2019second"]),
        Case(name: "fifty-mb-abstract.ris", generate: { Generated.bigField(.ris) }, status: 0, diagnostics: [], entries: ["big: Big"]),
        Case(name: "binary.ris", generate: Generated.binary, status: 1, diagnostics: ["ris.binary@1"], entries: []),
    ]

    static let cslJSON: [Case] = [
        Case(name: "csl-json/empty.json", status: 0, diagnostics: ["csl.empty-input@1"], entries: []),
        Case(name: "csl-json/truncated.json", status: 1, diagnostics: ["csl.syntax@1"], entries: ["first: First Item"]),
        Case(name: "csl-json/single-object.json", status: 0, diagnostics: [], entries: ["first: First Item"]),
        Case(name: "csl-json/top-level-string.json", status: 1, diagnostics: ["csl.not-json@1"], entries: []),
        Case(name: "csl-json/top-level-number.json", status: 1, diagnostics: ["csl.not-json@1"], entries: []),
        Case(name: "csl-json/top-level-null.json", status: 1, diagnostics: ["csl.not-json@1"], entries: []),
        Case(name: "csl-json/array-of-scalars.json", status: 1, diagnostics: Array(repeating: "csl.not-an-item@1", count: 5),
             entries: ["first: First Item"]),
        Case(name: "csl-json/wrong-field-types.json", status: 0, diagnostics: Array(repeating: "csl.bad-value@1", count: 4),
             entries: ["5", "second: Second Item"]),
        Case(name: "csl-json/wrong-shape-object.json", status: 0, diagnostics: [], entries: ["first: First Item"]),
        Case(name: "csl-json/duplicate-keys.json", status: 0, diagnostics: ["csl.duplicate-variable@1", "csl.duplicate-variable@1"],
             entries: ["dup2: Two"]),
        Case(name: "csl-json/bad-escapes.json", status: 1, diagnostics: ["csl.syntax@1"], entries: ["second: Second Item"]),
        Case(name: "csl-json/lone-surrogate.json", status: 0, diagnostics: ["csl.encoding@1"],
             entries: ["sur: lone \u{FFFD} surrogate", "second: Second Item"]),
        Case(name: "csl-json/nul-byte.json", status: 1, diagnostics: ["csl.syntax@1"], entries: ["first: First Item"]),
        Case(name: "csl-json/control-chars.json", status: 1, diagnostics: ["csl.syntax@1"], entries: ["second: Second Item"]),
        Case(name: "csl-json/invalid-utf8.json", status: 0, diagnostics: ["csl.encoding@1"],
             entries: ["second: Second Item", "bad: Caf"]),
        Case(name: "csl-json/utf16le-bom.json", status: 1, diagnostics: ["csl.encoding@1"], entries: []),
        Case(name: "csl-json/trailing-garbage.json", status: 1, diagnostics: ["csl.syntax@1"], entries: ["first: First Item"]),
        Case(name: "csl-json/huge-numbers.json", status: 0, diagnostics: ["csl.bad-date@1"], entries: ["big: Big", "second"]),
        Case(name: "csl-json/json5.json", status: 1, diagnostics: ["csl.syntax@2", "csl.syntax@3"], entries: ["first: First Item"]),
        Case(name: "csl-json/mixed-line-endings.json", status: 0, diagnostics: [], entries: ["first: First Item", "second: Second Item"]),
        Case(name: "deep-arrays.json", generate: { Generated.nested("[", "]", 10_000) }, status: 1,
             diagnostics: ["csl.syntax@1"], entries: []),
        Case(name: "deep-object-in-item.json", generate: Generated.deepJSONObjectInItem, status: 1,
             diagnostics: ["csl.syntax@1"], entries: []),
        Case(name: "fifty-mb-title.json", generate: { Generated.bigField(.cslJSON) }, status: 0, diagnostics: [],
             entries: ["big: zzzzzzzzzz"]),
        Case(name: "binary.json", generate: Generated.binary, args: ["--from", "csl-json"], status: 1,
             diagnostics: ["csl.not-json@1"], entries: []),
    ]

    static let jats: [Case] = [
        Case(name: "jats/empty.xml", status: 1, diagnostics: ["jats.xml-not-well-formed@1"], entries: []),
        Case(name: "jats/truncated.xml", status: 1, diagnostics: ["jats.xml-not-well-formed@3"], entries: []),
        Case(name: "jats/external-entity.xml", status: 0,
             diagnostics: ["jats.xml-entity-declaration@2", "jats.unexpanded-entity@4"], entries: ["x", "r1: First Ref"]),
        Case(name: "jats/parameter-entity.xml", status: 0, diagnostics: ["jats.xml-entity-declaration@2"], entries: ["r1: First Ref"]),
        Case(name: "jats/billion-laughs.xml", status: 1, diagnostics: ["jats.xml-entity-expansion@15"], entries: []),
        Case(name: "jats/quadratic-blowup.xml", status: 0,
             diagnostics: ["jats.xml-entity-declaration@2", "jats.unexpanded-entity@4"], entries: ["q", "r1: First Ref"]),
        Case(name: "jats/external-dtd.xml", status: 0, diagnostics: [], entries: ["r1: First Ref"]),
        Case(name: "jats/mismatched-tags.xml", status: 1, diagnostics: ["jats.xml-not-well-formed@4"], entries: []),
        Case(name: "jats/wrong-root.xml", status: 0, diagnostics: ["jats.no-references@2"], entries: []),
        Case(name: "jats/nul-byte.xml", status: 1, diagnostics: ["jats.xml-not-well-formed@4"], entries: []),
        Case(name: "jats/invalid-utf8.xml", status: 1, diagnostics: ["jats.xml-not-well-formed@3"], entries: []),
        Case(name: "jats/utf16le-bom.xml", status: 0, diagnostics: [], entries: ["r1: First Ref", "r2: Second Book"]),
        Case(name: "jats/empty-citation.xml", status: 0, diagnostics: ["jats.ref-without-citation@4"],
             entries: ["e", "e2", "r2: Second Book"]),
        Case(name: "jats/not-xml.xml", status: 1, diagnostics: ["jats.xml-not-well-formed@1"], entries: []),
        Case(name: "jats/mixed-line-endings.xml", status: 0, diagnostics: [], entries: ["r1: First Ref", "r2: Second Book"]),
        Case(name: "deep-elements.xml", generate: Generated.deepXML, status: 1, diagnostics: ["jats.xml-too-deep@1"], entries: []),
        Case(name: "fifty-mb-text.xml", generate: { Generated.bigField(.jats) }, status: 1,
             diagnostics: ["jats.xml-too-large@1"], entries: []),
        Case(name: "binary.xml", generate: Generated.binary, status: 1, diagnostics: ["jats.xml-not-well-formed@1"], entries: []),
    ]

    /// The first entries of `Samples/profile-max-zimmer.txt`, in order.
    static let profileIDs = [
        "muhtar2026sparsity: When Does Sparsity Mitigate", "pauls2026echosat: ECHOSAT", "zimmer2023sparse: Sparse Model Soups",
        "zimmer2022compression: Compression-aware Training", "zimmer2026agentic: The Agentic Researcher",
        "waldchen2022interpretability: Interpretability Guarantees", "pelleriti2026evolutionary: What Do Evolutionary",
        "geiselmann2026fast: Fast Isotopy Computation",
    ]

    static let profile: [Case] = [
        Case(name: "profile/empty.txt", args: ["--from", "profile"], status: 0, diagnostics: ["profile.no-papers@1"], entries: []),
        Case(name: "profile/truncated.txt", status: 0, diagnostics: ["profile.count-mismatch@10"], entries: profileIDs),
        Case(name: "profile/header-only.txt", status: 0, diagnostics: ["profile.no-papers@1", "profile.count-mismatch@5"], entries: []),
        Case(name: "profile/nul-byte.txt", status: 0, diagnostics: ["profile.nul-byte@24"], entries: Array(profileIDs.prefix(3))),
        Case(name: "profile/invalid-utf8.txt", status: 0, diagnostics: ["profile.invalid-utf8@24"], entries: Array(profileIDs.prefix(2))),
        Case(name: "profile/utf16le-bom.txt", status: 0, diagnostics: ["profile.utf16@1"], entries: Array(profileIDs.prefix(2))),
        Case(name: "profile/mixed-line-endings.txt", status: 0, diagnostics: [], entries: Array(profileIDs.prefix(2))),
        Case(name: "profile/garbage-meta.txt", status: 0,
             diagnostics: ["profile.no-papers@1", "profile.unknown-header-line@9", "profile.unknown-header-line@12"], entries: []),
        Case(name: "fifty-mb-line.txt", generate: { Generated.bigField(.profile) }, args: ["--from", "profile"], status: 0,
             diagnostics: [], entries: ["author2024big: Big"]),
        Case(name: "binary.txt", generate: Generated.binary, args: ["--from", "profile"], status: 1,
             diagnostics: ["profile.not-text@1"], entries: []),
    ]

    static let all = bibtex + ris + cslJSON + jats + profile

    // MARK: - running them

    @Test func thereAreAtLeastSixtyCases() {
        #expect(Self.all.count >= 60)
        #expect(Set(Self.all.map(\.name)).count == Self.all.count, "case names are unique")
    }

    @Test(arguments: all)
    func brokenInput(_ c: Case) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input: String
        if let generate = c.generate {
            let file = dir.appendingPathComponent(c.name)
            try Data(generate()).write(to: file)
            input = file.path
        } else {
            input = Self.fixtures.appendingPathComponent(c.name).path
            #expect(FileManager.default.fileExists(atPath: input), "missing fixture \(c.name)")
        }
        let r = try CLI.run(["convert", input, "--to", "csl-json", "--diagnostics", "json", "--as-of", "2026-11-24"] + c.args)
        try Self.check(r, c)
    }

    /// Checks one run against its case.
    static func check(_ r: CLI.Result, _ c: Case) throws {
        #expect(r.status < 128, "\(c.name): killed or crashed (status \(r.status)): \(r.stderr.suffix(2000))")
        #expect(!r.stderr.contains("Fatal error"), "\(c.name): \(r.stderr.suffix(2000))")
        #expect(r.status == c.status, "\(c.name): exit status")
        let reported = ReportedDiagnostics(jsonLines: r.stderr)
        var remaining = reported.all
        for wanted in c.diagnostics {
            if let i = remaining.firstIndex(where: { $0.matches(wanted) }) {
                remaining.remove(at: i)
            } else {
                Issue.record("\(c.name): expected diagnostic \(wanted); got \(reported.all.map(\.label))")
            }
        }
        let allowedErrors = Set(c.diagnostics.map { $0.split(separator: "@").first.map(String.init) ?? $0 })
        for d in reported.all where d.severity == "error" && !allowedErrors.contains(d.code) {
            Issue.record("\(c.name): unexpected error \(d.label): \(d.message)")
        }
        let items = try #require(
            try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [[String: Any]], "\(c.name): output is not a CSL-JSON array")
        let got = items.map { ($0["id"] as? String ?? "", $0["title"] as? String ?? "") }
        #expect(got.map(\.0) == c.entries.map { $0.components(separatedBy: ": ")[0] }, "\(c.name): surviving entries")
        for (expected, actual) in zip(c.entries, got) {
            let parts = expected.components(separatedBy: ": ")
            guard parts.count > 1 else { continue }
            let title = parts.dropFirst().joined(separator: ": ")
            #expect(actual.1.hasPrefix(title), "\(c.name): \(actual.0) has title '\(actual.1.prefix(80))', expected '\(title)…'")
        }
    }

    // MARK: - inputs that are not files of a format

    @Test func directoryAsInput() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["convert", dir.path, "--to", "bibtex", "--diagnostics", "json"])
        #expect(r.status == 2)
        let d = ReportedDiagnostics(jsonLines: r.stderr).all
        #expect(d.map(\.code) == ["io.cannot-read"], "\(r.stderr)")
        #expect(d.first?.message.contains("is a directory") == true)
        #expect(r.stdout.isEmpty)
    }

    @Test func missingInput() throws {
        let r = try CLI.run(["convert", "/nonexistent/refs.bib", "--to", "bibtex"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot read '/nonexistent/refs.bib': No such file or directory [io.cannot-read]"), "\(r.stderr)")
    }

    @Test func undetectableFormat() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("notes.dat")
        try Data("just some words, no bibliography here\n".utf8).write(to: file)
        let r = try CLI.run(["convert", file.path, "--to", "bibtex"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot tell the format of"), "\(r.stderr)")
        #expect(r.stderr.contains("[io.unknown-format]"))
    }

    /// One unreadable input among good ones: the others are still converted.
    @Test func oneBadInputAmongGoodOnes() throws {
        let good = Self.fixtures.appendingPathComponent("bibtex/utf8-bom.bib").path
        let ris = Self.fixtures.appendingPathComponent("ris/mixed-line-endings.ris").path
        let r = try CLI.run(["convert", good, "/nonexistent.bib", ris, "--to", "csl-json", "--diagnostics", "json"])
        #expect(r.status == 1)
        let items = try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [[String: Any]]
        #expect(items?.compactMap { $0["id"] as? String } == ["good1", "doe2020first", "roe2019second"])
        #expect(ReportedDiagnostics(jsonLines: r.stderr).all.map(\.code).contains("io.cannot-read"))
    }

    /// Each format's reader given every other broken input of the suite (small fixtures
    /// only): whatever it makes of them, it never crashes and prints valid output.
    @Test(arguments: ["bibtex", "biblatex", "ris", "csl-json", "jats", "profile"])
    func everyReaderSurvivesEveryFixture(_ format: String) throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.fixtures.path)
            .filter { !$0.hasSuffix(".md") && !$0.hasPrefix("fuzz") }
            .map { Self.fixtures.appendingPathComponent($0) }
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
        #expect(files.count >= 60)
        // All of them at once: one input per file, read into one library.
        let r = try CLI.run(["convert", "--from", format, "--to", "csl-json", "--diagnostics", "json"] + files.map(\.path))
        #expect(r.status < 128, "\(format): \(r.stderr.suffix(2000))")
        #expect(r.status <= 2)
        #expect((try? JSONSerialization.jsonObject(with: r.stdoutBytes)) is [Any], "\(format): output is not JSON")
    }

    /// Inputs that once crashed or hung a fuzz harness (`Fixtures/malformed/fuzz/`, named
    /// `TARGET-*`): each is read by that target's format and must end normally.
    @Test func fuzzRegressions() throws {
        let dir = Self.fixtures.appendingPathComponent("fuzz")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        for name in names.sorted() where !name.hasSuffix(".md") {
            let target = String(name.prefix { $0 != "_" })
            let formats = target == "roundtrip" ? ["bibtex", "ris", "csl-json", "jats"] : [target]
            for format in formats {
                let r = try CLI.run(["convert", "--from", format, dir.appendingPathComponent(name).path, "--to", "csl-json"])
                #expect(r.status < 128 && r.status <= 2, "\(name) as \(format): status \(r.status): \(r.stderr.suffix(2000))")
                let back = try CLI.run(["convert", "--from", "csl-json", "--to", format == "profile" ? "bibtex" : format], stdin: r.stdoutBytes)
                #expect(back.status < 128 && back.status <= 2, "\(name) written back as \(format): \(back.stderr.suffix(2000))")
            }
        }
    }
}

/// Diagnostics as `--diagnostics json` prints them.
private struct ReportedDiagnostics {
    struct Item {
        var severity: String
        var code: String
        var line: Int?
        var message: String
        var label: String { "\(code)@\(line.map(String.init) ?? "-")" }
        func matches(_ wanted: String) -> Bool {
            let parts = wanted.split(separator: "@", maxSplits: 1).map(String.init)
            return code == parts[0] && (parts.count == 1 || line == Int(parts[1]))
        }
    }
    var all: [Item] = []

    init(jsonLines: String) {
        for line in jsonLines.split(separator: "\n") where line.hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            all.append(Item(
                severity: object["severity"] as? String ?? "", code: object["code"] as? String ?? "",
                line: object["line"] as? Int, message: object["message"] as? String ?? ""))
        }
    }
}

/// Inputs made at test time: too large, too deep or too random to commit.
enum Generated {
    enum Kind { case bibtex, ris, cslJSON, jats, profile }

    static let fiftyMB = 50 * 1024 * 1024

    /// `@article{deep, title = {{{…x…}}}}` 10 000 braces deep (closed or never closed),
    /// then a good entry.
    static func deepBraces(closed: Bool) -> [UInt8] {
        var s = "@article{deep, title = " + String(repeating: "{", count: 10_000) + "x"
        if closed { s += String(repeating: "}", count: 10_000) + "}" }
        return Array((s + "\n@article{ok, title = {After}, year = 2020}\n").utf8)
    }

    /// `\textbf{` nested 10 000 deep in a title.
    static func deepLaTeX() -> [UInt8] {
        Array(("@article{tex, title = {" + String(repeating: "\\textbf{", count: 10_000) + "x"
            + String(repeating: "}", count: 10_000) + "}}\n").utf8)
    }

    /// 300 short entries (about 15 KiB), then an entry with NUL bytes in its title on line 302.
    static func lateNULs() -> [UInt8] {
        var s = ""
        for i in 0..<300 { s += "@misc{e\(i), title = {Entry \(i)}, year = 2020}\n" }
        s += "@misc{late,\n  title = {Has\u{0}two\u{0}NULs}}\n"
        return Array(s.utf8)
    }

    /// One entry with 20 000 authors.
    static func manyAuthors() -> [UInt8] {
        let names = (0..<20_000).map { "Author\($0), A." }.joined(separator: " and ")
        return Array("@article{many, author = {\(names)}, title = {Many}}\n".utf8)
    }

    /// A 50 MB value in each format.
    static func bigField(_ kind: Kind) -> [UInt8] {
        switch kind {
        case .bibtex:
            return Array("@article{big, title = {".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: fiftyMB)
                + Array("}, year = 2020}\n@article{ok, title = {After}}\n".utf8)
        case .ris:
            return Array("TY  - JOUR\nTI  - Big\nAB  - ".utf8) + [UInt8](repeating: UInt8(ascii: "y"), count: fiftyMB)
                + Array("\nER  - \n".utf8)
        case .cslJSON:
            return Array("[{\"id\": \"big\", \"type\": \"book\", \"title\": \"".utf8)
                + [UInt8](repeating: UInt8(ascii: "z"), count: fiftyMB) + Array("\"}]\n".utf8)
        case .jats:
            return Array("<ref-list><ref id=\"big\"><element-citation publication-type=\"book\"><source>".utf8)
                + [UInt8](repeating: UInt8(ascii: "w"), count: fiftyMB)
                + Array("</source></element-citation></ref></ref-list>\n".utf8)
        case .profile:
            return Array("Big Profile\n\nLG\n1papers\n\n1 Papers\n\nLGMar 16, 2024\nBig\n\nA. Author\n\n".utf8)
                + [UInt8](repeating: UInt8(ascii: "v"), count: fiftyMB) + Array("\n".utf8)
        }
    }

    /// `open` × depth then `close` × depth.
    static func nested(_ open: String, _ close: String, _ depth: Int) -> [UInt8] {
        Array((String(repeating: open, count: depth) + String(repeating: close, count: depth)).utf8)
    }

    /// A CSL item whose `note` is an object nested 10 000 deep.
    static func deepJSONObjectInItem() -> [UInt8] {
        Array(("[{\"id\": \"d\", \"type\": \"book\", \"title\": \"T\", \"note\": " + String(repeating: "{\"a\": ", count: 10_000)
            + "1" + String(repeating: "}", count: 10_000) + "}]").utf8)
    }

    /// `<italic>` nested 10 000 deep in a reference.
    static func deepXML() -> [UInt8] {
        Array(("<ref-list><ref id=\"d\"><element-citation publication-type=\"book\"><source>"
            + String(repeating: "<italic>", count: 10_000) + "x" + String(repeating: "</italic>", count: 10_000)
            + "</source></element-citation></ref></ref-list>\n").utf8)
    }

    /// 64 KiB of deterministic pseudo-random bytes (a linear congruential generator), NULs included.
    static func binary() -> [UInt8] {
        var state: UInt32 = 0x2545_F491
        return (0..<65_536).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }
}
