import Foundation
import Testing

@testable import BibKit

/// The streaming path (BibTeX or RIS → CSL-JSON, RIS, BibTeX or BibLaTeX entry by entry,
/// ``Pipeline/streamConvert``) writes exactly the bytes of the ordinary path, with the same
/// diagnostics, on every BibTeX and RIS file of the fixtures and of `../shared/corpus`, in
/// big pieces and in pieces of a few hundred bytes (so that entries, `@string`s, crossref
/// parents and RIS records fall across piece boundaries).
@Suite struct StreamingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let corpus = root.deletingLastPathComponent().appendingPathComponent("shared/corpus/bibtex")
    static let risCorpus = root.deletingLastPathComponent().appendingPathComponent("shared/corpus/ris")

    /// Every `.bib` under Tests/ and, when present, under ../shared/corpus/bibtex (files up to
    /// 256 KB: the debug build is slow; the big ones are the same kinds of entries).
    static func bibFiles() -> [String] { files(".bib", in: [root.appendingPathComponent("Tests"), corpus]) }

    /// Every `.ris` under Tests/ and, when present, under ../shared/corpus/ris (up to 256 KB).
    static func risFiles() -> [String] { files(".ris", in: [root.appendingPathComponent("Tests"), risCorpus]) }

    static func files(_ suffix: String, in dirs: [URL]) -> [String] {
        var out: [String] = []
        for dir in dirs {
            guard let walker = FileManager.default.enumerator(atPath: dir.path) else { continue }
            for case let rel as String in walker where rel.hasSuffix(suffix) {
                let path = dir.appendingPathComponent(rel).path
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                if size <= 256 * 1024 { out.append(path) }
            }
        }
        return out.sorted()
    }

    struct Outcome {
        var whole: [UInt8]
        var wholeDiagnostics: [String]
        var streamed: [UInt8]?
        var streamedDiagnostics: [String]
        var reason: String?
    }

    static func convert(_ path: String, to target: FormatID = .cslJSON, pieceSize: Int) throws -> Outcome {
        let pipeline = Pipeline()
        let input = InputSpec(path: path)
        var wholeDiagnostics = Diagnostics()
        let read = try pipeline.read(input, diagnostics: &wholeDiagnostics)
        let whole = try pipeline.write(read.library, as: target, diagnostics: &wholeDiagnostics)
        guard Pipeline.canStream(input, as: read.plugin, to: target) else {
            return Outcome(whole: whole, wholeDiagnostics: [], streamed: nil, streamedDiagnostics: [], reason: "does not stream")
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-stream-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let writer = try FileIO.PieceWriter(path: out)
        var streamedDiagnostics = Diagnostics()
        let outcome = try pipeline.streamConvert(
            input, as: read.plugin, to: target, output: writer, pieceSize: pieceSize, diagnostics: &streamedDiagnostics)
        var result = Outcome(
            whole: whole, wholeDiagnostics: describe(wholeDiagnostics), streamed: nil,
            streamedDiagnostics: describe(streamedDiagnostics))
        switch outcome {
        case .converted:
            try writer.commit()
            result.streamed = try FileIO.read(path: out)
        case .needsWholeFile(let reason):
            writer.abort()
            result.reason = reason
        }
        return result
    }

    /// Diagnostics as sorted lines (the streaming path gives them in another order).
    static func describe(_ diagnostics: Diagnostics) -> [String] {
        diagnostics.all.map { d in
            "\(d.severity) \(d.code) \(d.location.map { "\($0.line):\($0.column)@\($0.offset)" } ?? "-") \(d.entryKey ?? "") \(d.field ?? ""): \(d.message)"
        }.sorted()
    }

    /// Converts every file in big and in small pieces and compares with the whole-file path.
    static func checkIdentical(_ files: [String], to target: FormatID, pieceSizes: [Int]) throws -> Int {
        var streamedCount = 0
        for path in files {
            for pieceSize in pieceSizes {
                let r = try Self.convert(path, to: target, pieceSize: pieceSize)
                if let streamed = r.streamed {
                    streamedCount += 1
                    #expect(streamed == r.whole, "\(path) → \(target) in \(pieceSize)-byte pieces: the streamed output differs")
                    #expect(
                        r.streamedDiagnostics == r.wholeDiagnostics,
                        "\(path) → \(target) in \(pieceSize)-byte pieces: diagnostics differ")
                } else {
                    // Only what the streaming readers document sends a file down the whole path.
                    let known = [
                        "the file is UTF-16", "the file is not UTF-8", "the file has NUL bytes", "an entry has no key",
                        "no RIS record", "does not stream", "a macro is defined or changed after an entry that uses it",
                    ]
                    #expect(known.contains { r.reason?.hasPrefix($0) ?? false }, "\(path) → \(target): \(r.reason ?? "")")
                }
            }
        }
        return streamedCount
    }

    @Test("every BibTeX file → CSL-JSON: same bytes and diagnostics in 4 MB pieces and in 300-byte pieces")
    func identicalOnEveryFile() throws {
        let files = Self.bibFiles()
        #expect(files.count >= 40, "fixtures not found under \(Self.root.path)")
        let streamed = try Self.checkIdentical(files, to: .cslJSON, pieceSizes: [4 << 20, 300])
        #expect(streamed >= files.count)
    }

    @Test("every BibTeX file → RIS: same bytes and diagnostics in 300-byte pieces")
    func bibtexToRIS() throws {
        let files = Self.bibFiles()
        let streamed = try Self.checkIdentical(files, to: .ris, pieceSizes: [300])
        #expect(streamed >= files.count * 3 / 4)
    }

    @Test("every RIS file → CSL-JSON and → RIS: same bytes and diagnostics in 4 MB and in 200-byte pieces")
    func risFiles() throws {
        let files = Self.risFiles()
        #expect(files.count >= 40, "RIS fixtures not found under \(Self.root.path)")
        let toRIS = try Self.checkIdentical(files, to: .ris, pieceSizes: [4 << 20, 200])
        #expect(toRIS >= files.count * 3 / 2, "most RIS files stream")
        // Records without an `ID` need keys generated over the whole library: those fall back.
        let toCSL = try Self.checkIdentical(files, to: .cslJSON, pieceSizes: [200])
        #expect(toCSL >= 12)
    }

    @Test("RIS records cut anywhere: junk between records, tags after ER, Latin-1, BOM, a last record without ER")
    func risAwkward() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array(
            """
            Exported by some tool\r
            \r
            TY  - JOUR\r
            ID  - one\r
            AU  - Smith, Ann\r
            TI  - First title\r
            AB  - An abstract\r
            \r
            over two paragraphs\r
            ER  - \r
            NL  - ovid after ER\r
            \r
            TY  - BOOK\r
            ID  - two\r
            TI  - Caf
            """.utf8)
        bytes += [0xE9]  // Latin-1 é: the file is not UTF-8
        bytes += Array(
            """
            \r
            ER  - \r
            \r
            some junk between records\r
            TY  - CHAP\r
            ID  - three\r
            T1  - Third, M\u{E9}tier
            ER  - \r
            TY  - JOUR\r
            ID  - four\r
            TY  - JOUR\r
            ID  - five\r
            TI  - Fifth\r
            ER  - \r
            \r
            TY  - GEN\r
            ID  - six\r
            TI  - Latin-1 again
            """.utf8)
        bytes += [0xE8, 0x0D, 0x0A]
        bytes += Array("ER  - \nTY  - RPRT\nID  - seven\nTI  - No ER at the end\n".utf8)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-stream-\(UUID().uuidString).ris").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        for target in [FormatID.ris, .cslJSON] {
            for pieceSize in [1 << 20, 200, 37, 7, 1] {
                let r = try Self.convert(path, to: target, pieceSize: pieceSize)
                let streamed = try #require(r.streamed, "not streamed: \(r.reason ?? "")")
                #expect(streamed == r.whole, "\(target) in \(pieceSize)-byte pieces")
                #expect(r.streamedDiagnostics == r.wholeDiagnostics, "\(target) in \(pieceSize)-byte pieces")
                #expect(r.wholeDiagnostics.filter { $0.contains("ris.latin1") }.count == 1)
                #expect(r.wholeDiagnostics.contains { $0.contains("ris.missing-er") })
                #expect(r.wholeDiagnostics.contains { $0.contains("ris.outside-record") })
            }
        }
    }

    @Test("RIS that must be read whole falls back: UTF-16, no record at all")
    func risFallback() throws {
        let dir = FileManager.default.temporaryDirectory
        let utf16 = dir.appendingPathComponent("bibkit-stream-\(UUID().uuidString).ris").path
        let none = dir.appendingPathComponent("bibkit-stream-\(UUID().uuidString).ris").path
        defer {
            try? FileManager.default.removeItem(atPath: utf16)
            try? FileManager.default.removeItem(atPath: none)
        }
        var bytes: [UInt8] = [0xFF, 0xFE]
        for u in "TY  - JOUR\r\nID  - a\r\nTI  - Title\r\nER  - \r\n".utf16 { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        try Data(bytes).write(to: URL(fileURLWithPath: utf16))
        try Data("just some text\nER  - \n".utf8).write(to: URL(fileURLWithPath: none))
        let r1 = try Self.convert(utf16, to: .ris, pieceSize: 64)
        #expect(r1.streamed == nil && r1.reason == "the file is UTF-16")
        let r2 = try Self.convert(none, to: .ris, pieceSize: 64)
        #expect(r2.streamed == nil && r2.reason == "no RIS record")
    }

    @Test("crossref/xdata named through @string macros, in any case, with @strings defined after their use, in tiny pieces")
    func parentsThroughMacros() throws {
        // BibTeX's rule: a macro counts from its definition on. `crossref = late` uses `late`
        // before its @string (so the value is the name, the key of an entry); the parents use
        // macros defined after the children, and one after the parent itself.
        let text = """
            @string{early = {series}}
            @inproceedings{a, author = {Ann Author}, title = {A paper}, CROSSREF = late, pages = {1--2}}
            @string{late = {series}}
            @inproceedings{b, author = {Bo Bee}, title = {B paper}, Crossref = early # {}}
            @inproceedings{c, author = {Cy Sea}, title = {C paper}, crossref = late}
            @proceedings{late, title = {Late Proceedings}, publisher = pub, year = 2003}
            @string{pub = {Late Press}}
            @proceedings{series, title = {Series Proceedings}, publisher = pub, XData = {x1}}
            @xdata{x1, address = {Paris}, note = mac}
            @string{mac = {too late}}

            """
        for pieceSize in [1 << 20, 200, 61, 13, 1] {
            let r = try Self.convertText(text, to: .cslJSON, pieceSize: pieceSize)
            let streamed = try #require(r.streamed, "not streamed: \(r.reason ?? "")")
            #expect(streamed == r.whole, "\(pieceSize)-byte pieces")
            #expect(r.streamedDiagnostics == r.wholeDiagnostics, "\(pieceSize)-byte pieces")
            let json = String(decoding: streamed, as: UTF8.self)
            #expect(json.contains("\"container-title\": \"Late Proceedings\""))
            #expect(json.contains("\"container-title\": \"Series Proceedings\""))
            #expect(json.contains("\"publisher\": \"pub\""))
            #expect(json.contains("\"publisher\": \"Late Press\""))
            #expect(json.contains("\"publisher-place\": \"Paris\""))
        }
    }

    @Test("a file that names no parent (only the words, in a value and a comment) streams the same")
    func noParentField() throws {
        let text = """
            % crossref and xdata are only mentioned here
            @string{j = {J. Tests}}
            @article{a, author = {Ann Author}, title = {On Crossref and XDATA}, journal = j, year = 2001}
            @article{b, author = {Bo Bee}, title = {Cross references}, journal = j # { B}, crossreference = {a}}

            """
        for pieceSize in [1 << 20, 50, 7, 1] {
            let r = try Self.convertText(text, to: .cslJSON, pieceSize: pieceSize)
            let streamed = try #require(r.streamed, "not streamed: \(r.reason ?? "")")
            #expect(streamed == r.whole, "\(pieceSize)-byte pieces")
            #expect(r.streamedDiagnostics == r.wholeDiagnostics, "\(pieceSize)-byte pieces")
        }
    }

    @Test("crossref and xdata parents before and after their children, two levels deep, across pieces")
    func parentsAnywhere() throws {
        let text = """
            @string{pub = {Big Press}}
            @proceedings{early, title = {Early Proceedings}, publisher = pub, year = 2001}
            @inproceedings{a, author = {Ann Author}, title = {A paper}, crossref = {late}, pages = {1--2}}
            @inproceedings{b, author = {Bo Bee}, title = {B paper}, crossref = {EARLY}}
            @xdata{shared, address = {Berlin}, note = {shared note}}
            @book{c, author = {Cy Sea}, title = {C book}, xdata = {shared}}
            @inproceedings{d, author = {Di Dee}, title = {D paper}, crossref = {late}}
            @proceedings{late, title = {Late Proceedings}, crossref = {series}, year = 2003}
            @proceedings{series, title = {Series Proceedings}, editor = {Ed Itor}, publisher = pub, address = {Paris}}
            @misc{e, title = {Dangling}, crossref = {nowhere}}

            """
        for pieceSize in [1 << 20, 200, 80] {
            let r = try Self.convertText(text, to: .cslJSON, pieceSize: pieceSize)
            let streamed = try #require(r.streamed, "not streamed: \(r.reason ?? "")")
            #expect(streamed == r.whole, "\(pieceSize)-byte pieces")
            #expect(r.streamedDiagnostics == r.wholeDiagnostics)
            let json = String(decoding: streamed, as: UTF8.self)
            #expect(json.contains("\"container-title\": \"Late Proceedings\""))
            #expect(json.contains("\"container-title\": \"Early Proceedings\""))
            #expect(json.contains("\"publisher-place\": \"Berlin\""))
        }
    }
    // MARK: BibTeX and BibLaTeX output

    @Test("every BibTeX file → BibTeX and → BibLaTeX: same bytes and diagnostics in 4 MB pieces and in 300-byte pieces")
    func bibtexToBibTeX() throws {
        let files = Self.bibFiles()
        #expect(files.count >= 40, "fixtures not found under \(Self.root.path)")
        let toBibTeX = try Self.checkIdentical(files, to: .bibtex, pieceSizes: [4 << 20, 300])
        #expect(toBibTeX >= files.count * 3 / 2, "most BibTeX files stream to BibTeX")
        let toBibLaTeX = try Self.checkIdentical(files, to: .biblatex, pieceSizes: [4 << 20, 300])
        #expect(toBibLaTeX >= files.count * 3 / 2, "most BibTeX files stream to BibLaTeX")
    }

    @Test("every RIS file → BibTeX and → BibLaTeX: same bytes and diagnostics in 200-byte pieces")
    func risToBibTeX() throws {
        let files = Self.risFiles()
        #expect(files.count >= 40, "RIS fixtures not found under \(Self.root.path)")
        #expect(try Self.checkIdentical(files, to: .bibtex, pieceSizes: [200]) >= 12)
        #expect(try Self.checkIdentical(files, to: .biblatex, pieceSizes: [200]) >= 12)
    }

    /// Writes `text` to a temporary `.bib` file and converts it whole and streamed.
    static func convertText(_ text: String, to target: FormatID, pieceSize: Int) throws -> Outcome {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-stream-\(UUID().uuidString).bib").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try convert(path, to: target, pieceSize: pieceSize)
    }

    @Test(
        "BibTeX out: @preamble and @string anywhere go first, comments stay before the entry that followed them (after the last entry too), '@' in comments, an unbalanced @preamble, a profile-like header",
        arguments: [FormatID.bibtex, .biblatex])
    func bibtexPrologue(target: FormatID) throws {
        let text = """
            % Max Zimmer: h-index 29, papers 24
            @preamble{ "\\newcommand{\\noop}[1]{}" }
            @string{j = {Journal of Tests}}
            @article{a, author = {Ann Author}, title = {A Paper}, journal = j, year = 2001}
            @comment{mail me at someone@example.org}
            @preamble{ "\\}" }
            @string{p = "Press" # { Inc.}}
            @book{b, author = {Bo Bee}, title = {B Book}, publisher = p, year = 2002, month = jun}
            text between entries
            @misc{A, title = {Same key, other case}}
            @misc{it's, title = {A key with an apostrophe}}
            % a comment after the last entry

            """
        for pieceSize in [1 << 20, 97, 13, 1] {
            let r = try Self.convertText(text, to: target, pieceSize: pieceSize)
            let streamed = try #require(r.streamed, "not streamed: \(r.reason ?? "")")
            #expect(streamed == r.whole, "\(target) in \(pieceSize)-byte pieces")
            #expect(r.streamedDiagnostics == r.wholeDiagnostics, "\(target) in \(pieceSize)-byte pieces")
            let out = String(decoding: streamed, as: UTF8.self)
            #expect(out.hasPrefix("% Max Zimmer: h-index 29, papers 24\n@preamble{"))
            #expect(out.contains("@string{p = \"Press\" # { Inc.}}\n\n@article{a,"))
            let mail = target == .bibtex ? "@comment{mail me at someone(at)example.org}" : "% mail me at someone(at)example.org"
            #expect(out.contains("}\n\n\(mail)\n@book{b,"))
            #expect(out.contains("}\n\n% text between entries\n@misc{Aa,"))
            #expect(out.hasSuffix("}\n\n% a comment after the last entry\n"))
            #expect(out.contains("publisher = p"))
            #expect(r.wholeDiagnostics.contains { $0.contains("bibtex.duplicate-key") })
            #expect(r.wholeDiagnostics.contains { $0.contains("bibtex.key-sanitised") })
            #expect(r.wholeDiagnostics.contains { $0.contains("bibtex.unbalanced-braces") })
            #expect(r.wholeDiagnostics.contains { $0.contains("bibtex.comment-changed") })
        }
    }

    @Test("BibTeX out: a file with no entry (only @string and comments), an empty file", arguments: [FormatID.bibtex, .biblatex])
    func bibtexNoEntries(target: FormatID) throws {
        for text in ["@string{j = {Journal}}\n% just a comment\n", "% only a comment\n", "", "\n\n"] {
            for pieceSize in [1 << 20, 5] {
                let r = try Self.convertText(text, to: target, pieceSize: pieceSize)
                let streamed = try #require(r.streamed, "not streamed: \(r.reason ?? "")")
                #expect(streamed == r.whole, "\(text.debugDescription) in \(pieceSize)-byte pieces")
                #expect(r.streamedDiagnostics == r.wholeDiagnostics, "\(text.debugDescription)")
            }
        }
    }

    @Test("BibTeX out: an entry without a key is refused (its key is generated after all others)", arguments: [FormatID.bibtex, .biblatex])
    func bibtexKeylessRefused(target: FormatID) throws {
        let text = """
            @article{a, title = {Keyed}, year = 2001}
            @article{, title = {No key}, year = 2001}
            @article{b, title = {Keyed too}, year = 2002}

            """
        for pieceSize in [1 << 20, 40] {
            let r = try Self.convertText(text, to: target, pieceSize: pieceSize)
            #expect(r.streamed == nil)
            #expect(r.reason?.hasPrefix("an entry has no key") == true, "\(r.reason ?? "streamed")")
        }
    }

    @Test("BibTeX out: a macro defined or redefined after an entry that uses it: identical when read in the same piece, refused otherwise",
        arguments: [FormatID.bibtex, .biblatex])
    func bibtexLateMacros(target: FormatID) throws {
        let late = """
            @article{a, author = {Ann Author}, title = {A}, journal = jm, year = 2001}
            @string{jm = {Journal Late}}
            @article{b, author = {Bo Bee}, title = {B}, journal = jm, year = 2002}

            """
        let redefined = """
            @string{jm = {Journal Early}}
            @article{a, author = {Ann Author}, title = {A}, journal = jm, year = 2001}
            @string{jm = {Journal Later}}
            @article{b, author = {Bo Bee}, title = {B}, journal = jm, year = 2002}

            """
        for text in [late, redefined] {
            let whole = try Self.convertText(text, to: target, pieceSize: 1 << 20)
            let streamed = try #require(whole.streamed, "not streamed: \(whole.reason ?? "")")
            #expect(streamed == whole.whole)
            #expect(whole.streamedDiagnostics == whole.wholeDiagnostics)
            // Entry `a` is written before the second @string is read.
            let cut = try Self.convertText(text, to: target, pieceSize: 40)
            #expect(cut.streamed == nil)
            #expect(cut.reason == "a macro is defined or changed after an entry that uses it", "\(cut.reason ?? "streamed")")
        }
    }

    @Test("BibTeX out: macros all defined before their use stream in any pieces", arguments: [FormatID.bibtex, .biblatex])
    func bibtexEarlyMacros(target: FormatID) throws {
        let text = """
            @string{jm = {Journal One}}
            @string{pub = "Big" # { Press}}
            @article{a, author = {Ann Author}, title = {A}, journal = jm, year = 2001, month = jan}
            @string{other = {Unused Here}}
            @book{b, author = {Bo Bee}, title = {B}, publisher = pub, year = 2002}
            @article{c, author = {Cy Sea}, title = {C}, journal = jm # { Letters}, year = 2003}

            """
        for pieceSize in [1 << 20, 50, 7, 1] {
            let r = try Self.convertText(text, to: target, pieceSize: pieceSize)
            let streamed = try #require(r.streamed, "not streamed: \(r.reason ?? "")")
            #expect(streamed == r.whole, "\(pieceSize)-byte pieces")
            #expect(r.streamedDiagnostics == r.wholeDiagnostics)
            #expect(String(decoding: streamed, as: UTF8.self).contains(" = jm,"))
        }
    }
}
