import BibModel
import Testing

@testable import BibTeXFormat

@Suite("Keys, library blocks, plug-ins")
struct KeyAndLibraryTests {
    static func keys(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("@"), let brace = line.firstIndex(of: "{"), let comma = line.lastIndex(of: ",") else { return nil }
            return String(line[line.index(after: brace)..<comma])
        }
    }

    static let soups = Entry(
        type: EntryType(.article, genre: "preprint"), contributors: [.author: NameList([person("Zimmer", "Max")])],
        title: "Sparse Model Soups", dates: [.issued: .typed(BibDate(year: 2023))])

    @Test("missing keys are generated, unique; existing keys are kept")
    func generated() {
        var kept = Self.soups
        kept.key = "mine"
        let (text, diagnostics) = written([Self.soups, Self.soups, kept])
        #expect(Self.keys(text) == ["zimmer2023sparse", "zimmer2023sparsea", "mine"])
        #expect(diagnostics.isEmpty)
    }

    static let forbidden: [String] = [" ", ",", "{", "}", "\"", "#", "%", "'", "(", ")", "=", "\\"]

    @Test("each character BibTeX forbids in a key is replaced, with a warning", arguments: forbidden)
    func sanitised(_ char: String) {
        let entry = Entry(key: "doe" + char + "2020", type: EntryType(.document), title: "T")
        let (text, diagnostics) = written([entry])
        #expect(Self.keys(text) == ["doe_2020"])
        #expect(diagnostics.contains { $0.code == "bibtex.key-sanitised" && $0.severity == .warning })
    }

    @Test("sanitising collapses runs and trims; an empty key becomes `entry`")
    func sanitisingRules() {
        #expect(BibTeXKeys.sanitised("Doe, J. (2020)") == "Doe_J._2020")
        #expect(BibTeXKeys.sanitised(" {x} ") == "x")
        #expect(BibTeXKeys.sanitised("{}") == "entry")
        #expect(BibTeXKeys.sanitised("müller:2020") == "müller:2020")
    }

    @Test("duplicate keys, compared ignoring case as BibTeX does, get suffixes with a warning")
    func duplicates() {
        let a = Entry(key: "Doe2020", type: EntryType(.document), title: "A")
        let b = Entry(key: "doe2020", type: EntryType(.document), title: "B")
        let c = Entry(key: "doe 2020", type: EntryType(.document), title: "C")
        let d = Entry(key: "doe_2020", type: EntryType(.document), title: "D")
        let (text, diagnostics) = written([a, b, c, d])
        #expect(Self.keys(text) == ["Doe2020", "doe2020a", "doe_2020", "doe_2020a"])
        #expect(diagnostics.filter { $0.code == "bibtex.duplicate-key" }.count == 2)
    }

    @Test("a profile library gets a comment header naming its source, and no timestamp")
    func profileHeader() {
        let text = written(Samples.profileLibrary.entries, metadata: Samples.profileLibrary.metadata).text
        #expect(text.hasPrefix("% Max Zimmer: h-index 29, papers 24, citations 177\n\n"))
        let plain = written([Self.soups]).text
        #expect(plain.hasPrefix("@misc{"))
    }

    @Test("@preamble and @string verbatim, comments with '@' defused")
    func metadataBlocks() {
        let metadata = CollectionMetadata(
            preambles: [#""\newcommand{\noop}[1]{}""#, #"\providecommand{\x}{y}"#, "{unbalanced"],
            macros: ["jmlr": "Journal of Machine Learning Research", "quoted": "\"Q\"", "cat": "jan # \" 1\""],
            comments: ["mail me at a@b.org", "unbalanced { brace"])
        let (text, diagnostics) = written([Self.soups], metadata: metadata)
        #expect(text.contains(#"@preamble{"\newcommand{\noop}[1]{}"}"#))
        #expect(text.contains(#"@preamble{{\providecommand{\x}{y}}}"#))
        #expect(!text.contains("@preamble{{unbalanced"))
        #expect(text.contains("@string{jmlr = {Journal of Machine Learning Research}}"))
        #expect(text.contains("@string{quoted = \"Q\"}"))
        #expect(text.contains("@string{cat = jan # \" 1\"}"))
        #expect(text.contains("@comment{mail me at a(at)b.org}"))
        #expect(text.contains("% unbalanced { brace"))
        #expect(diagnostics.contains { $0.code == "bibtex.unbalanced-braces" })
        #expect(diagnostics.contains { $0.code == "bibtex.comment-changed" })
        // biber --tool echoes @comment as an entry: comments are % lines there.
        let biblatex = written([Self.soups], .biblatex, metadata: metadata).text
        #expect(biblatex.contains("% mail me at a(at)b.org"))
        #expect(!biblatex.contains("@comment"))
        // Nothing in the output may contain an '@' that would start an entry, except entries and blocks.
        for line in text.split(separator: "\n") where line.contains("@") {
            #expect(line.hasPrefix("@"), "\(line)")
        }
    }

    @Test("comments in their places and forms: leading, after the @string, before an entry, after the last", arguments: [BibTeXDialect.bibtex, .biblatex])
    func commentPlaces(dialect: BibTeXDialect) {
        let metadata = CollectionMetadata(
            macros: ["j": "Journal"],
            comments: [BibComment("% header\n\n%% banner", form: .text), "after the strings"], leadingComments: 1,
            trailingComments: [BibComment("% the end", form: .text), "last {block"])
        var a = Entry(key: "a", type: EntryType(.document), contributors: [.author: NameList([person("Doe", "J.")])], title: "A")
        a.precedingComments = [BibComment("%% chapter 2\nfree text, mail@example.org\n  %indented", form: .text), "a block"]
        let b = Entry(key: "b", type: EntryType(.document), contributors: [.author: NameList([person("Doe", "J.")])], title: "B")
        let (text, diagnostics) = written([b, a], dialect, metadata: metadata)
        let block = dialect == .bibtex ? "@comment{after the strings}" : "% after the strings"
        let aBlock = dialect == .bibtex ? "@comment{a block}" : "% a block"
        #expect(
            text == """
                % header

                %% banner
                @string{j = {Journal}}
                \(block)

                @misc{b,
                  author = {Doe, J.},
                  title = {B}
                }

                %% chapter 2
                % free text, mail(at)example.org
                  %indented
                \(aBlock)
                @misc{a,
                  author = {Doe, J.},
                  title = {A}
                }

                % the end
                % last {block

                """)
        #expect(diagnostics.filter { $0.code == "bibtex.comment-changed" }.count == 1)
        // The streaming writer: the same bytes (the prologue put in front at the end).
        var stream = BibTeXWriter.Stream(dialect: dialect, options: WriteOptions())
        var streamed = Diagnostics()
        stream.update(metadata: metadata)
        #expect(stream.write(b, diagnostics: &streamed) && stream.write(a, diagnostics: &streamed))
        stream.finish(metadata: metadata, diagnostics: &streamed)
        let body = stream.take()
        #expect(String(decoding: stream.takePrefix() + body, as: UTF8.self) == text)
        #expect(streamed.all.filter { $0.code == "bibtex.comment-changed" }.count == 1)
    }

    @Test("layout: two-space indent, `name = {value}`, no trailing comma, a blank line between entries")
    func layout() {
        let a = Entry(
            key: "a", type: EntryType(.document), contributors: [.author: NameList([person("Doe", "J.")])], title: "A",
            dates: [.issued: .typed(BibDate(year: 2020))])
        let b = Entry(key: "b", type: EntryType(.document), contributors: [.author: NameList([person("Doe", "J.")])], title: "B")
        let text = written([a, b]).text
        #expect(
            text
                == "@misc{a,\n  author = {Doe, J.},\n  title = {A},\n  year = {2020}\n}\n\n@misc{b,\n  author = {Doe, J.},\n  title = {B}\n}\n")
    }

    @Test("output is deterministic")
    func deterministic() {
        let entries = Samples.all.flatMap(\.entries)
        for dialect in BibTeXDialect.allCases {
            #expect(written(entries, dialect).text == written(entries, dialect).text)
        }
    }

    @Test("classic BibTeX output of Latin-script data is pure ASCII")
    func asciiOutput() {
        for sample in Samples.all {
            let text = written(sample.entries, metadata: sample.metadata).text
            #expect(text.utf8.allSatisfy { $0 < 0x80 }, "\(sample.name)")
        }
    }

    @Test("plug-in descriptors")
    func plugins() {
        let bibtex = BibTeXFormat.bibtexPlugin.descriptor
        #expect(bibtex.id == .bibtex)
        #expect(bibtex.aliases == ["bib"])
        #expect(bibtex.extensions == ["bib"])
        #expect(!bibtex.summary.isEmpty && !bibtex.lossiness.isEmpty)
        #expect((BibTeXFormat.bibtexPlugin.reader as? BibTeXReader)?.dialect == .bibtex)
        #expect(BibTeXFormat.bibtexPlugin.writer != nil)
        let biblatex = BibTeXFormat.biblatexPlugin.descriptor
        #expect(biblatex.id == .biblatex)
        #expect(biblatex.aliases == ["biber"])
        #expect(biblatex.extensions == ["bib"])
        #expect((BibTeXFormat.biblatexPlugin.writer as? BibTeXWriter)?.dialect == .biblatex)
        #expect((BibTeXFormat.biblatexPlugin.reader as? BibTeXReader)?.dialect == .biblatex)
    }

    static let sniffs: [(String, Int, Int)] = [
        ("@article{a,\n title = {T}}", 90, 80),
        ("\u{FEFF}  % comment @ here\n\n@Misc{b,", 90, 80),
        ("@article{a, journaltitle = {J}, date = {2020}}", 90, 95),
        // BibLaTeX field names count only whole: these are other fields, or text.
        ("@misc{a,\n profile-date = {2020}, bdsk-urldate = {x},\n x_langid = {en}, note = {update = soon}}", 90, 80),
        ("@misc{a,\n title = {The date = 2020 and the @online{ page}}}", 90, 80),
        ("@misc{a,\n  Date\n    = {2020}}", 90, 95),
        ("@Online (a,\n title = {T}}", 90, 95),
        ("@onlineresource{a,\n mydate = {2020}}", 90, 80),
        ("Some text first\n@book{x,", 40, 30),
        ("TY  - JOUR\nER  - ", 0, 0),
        ("[{\"id\": \"a\"}]", 0, 0),
        ("@ not an entry", 0, 0),
        ("", 0, 0),
    ]

    @Test("sniffing", arguments: sniffs)
    func sniff(_ c: (String, Int, Int)) {
        let bytes = ArraySlice(Array(c.0.utf8))
        #expect(BibTeXFormat.bibtexPlugin.descriptor.sniff(bytes) == c.1)
        #expect(BibTeXFormat.biblatexPlugin.descriptor.sniff(bytes) == c.2)
    }
}

@Suite("Keys at scale")
struct KeyScaleTests {
    @Test("thousands of entries with one key or one generated base get distinct keys quickly")
    func manyDuplicates() {
        let same = (0..<3000).map { _ in Entry(key: "dup", type: EntryType(.document), title: "T") }
        let generated = (0..<3000).map { _ in
            Entry(type: EntryType(.document), contributors: [.author: NameList([person("Zimmer", "Max")])], title: "Soups",
                  dates: [.issued: .typed(BibDate(year: 2023))])
        }
        let text = written(same + generated).text
        let keys = KeyAndLibraryTests.keys(text)
        #expect(Set(keys.map { $0.lowercased() }).count == 6000)
        #expect(keys[0] == "dup" && keys[1] == "dupa" && keys[26] == "dupz" && keys[27] == "dupaa")
        #expect(keys[3000] == "zimmer2023soups" && keys[3001] == "zimmer2023soupsa")
    }

    @Test("a generated key never takes an existing key, even one differing only in case")
    func generatedAvoidsExisting() {
        let missing = Entry(type: EntryType(.document), contributors: [.author: NameList([person("Zimmer", "Max")])],
                            title: "Sparse Soups", dates: [.issued: .typed(BibDate(year: 2023))])
        let existing = Entry(key: "Zimmer2023sparse", type: EntryType(.document), title: "Other")
        let (text, diagnostics) = written([missing, existing])
        #expect(KeyAndLibraryTests.keys(text) == ["zimmer2023sparsea", "Zimmer2023sparse"])
        #expect(diagnostics.isEmpty)
    }
    @Test("an entry is written whole: a 60 000-byte value, an empty extra, a bare macro, many fields, in order")
    func entryBytesWhole() {
        let long = String(repeating: "abcdefghij", count: 6_000)
        var entry = Entry(key: "k", type: EntryType(.document), title: "T")
        entry.notes = [RichText(long)]
        entry.extra[FieldKey("bibtex", "empty")] = ""
        entry.extra[FieldKey("bibtex", "month")] = "June"
        entry.extra[FieldKey(BibTeXReader.macroNamespace, "month")] = "jun"
        for n in 0..<40 { entry.extra[FieldKey("bibtex", "x\(n)")] = "v\(n)" }
        let (text, _) = written([entry])
        var expected = "@misc{k,\n  title = {T},\n  note = {" + long + "},\n  empty = {},\n  month = jun,\n"
        for n in 0..<40 { expected += "  x\(n) = {v\(n)},\n" }
        expected += "  key = {T}\n}\n"
        #expect(text == expected)
    }
}
