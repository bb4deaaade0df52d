import Foundation
import Testing

@testable import BibKit

@Suite struct RegistryTests {
    @Test func namesAreUniqueAcrossAliases() {
        var seen = Set<String>()
        for plugin in FormatRegistry.plugins {
            for name in [plugin.descriptor.id.rawValue] + plugin.descriptor.aliases {
                #expect(seen.insert(name).inserted, "\(name) registered twice")
            }
        }
    }

    @Test(arguments: ["profile", "bibtex", "biblatex"])
    func registered(name: String) {
        #expect(FormatRegistry.plugin(named: name)?.descriptor.id.rawValue == name)
        #expect(FormatRegistry.plugin(named: name.uppercased()) != nil)
    }

    @Test func unknownFormatListsValidNames() {
        #expect(throws: BibKitError.self) { try FormatRegistry.plugin(named: "endnote-xml", for: .write) }
        do {
            _ = try FormatRegistry.plugin(named: "nope", for: .write)
        } catch {
            #expect(error.description.contains("bibtex"))
            #expect(error.description.contains("nope"))
        }
    }

    @Test func detectsByExtensionAndContent() throws {
        let profile = Array("Max Zimmer\n\nLG\nh-index29\n24papers\n\n24 Papers\n\nLGJun 29, 2023\nA Title\n\nA B, C D\n".utf8)
        #expect(try Pipeline.detectFormat(of: InputSpec(path: "x.txt"), bytes: profile).descriptor.id == .profile)
        #expect(try Pipeline.detectFormat(of: InputSpec(path: "-"), bytes: profile).descriptor.id == .profile)
        #expect(try Pipeline.detectFormat(of: InputSpec(path: "-", format: .profile), bytes: []).descriptor.id == .profile)
        #expect(throws: BibKitError.self) {
            try Pipeline.detectFormat(of: InputSpec(path: "-"), bytes: Array("\u{0}\u{1}binary".utf8))
        }
    }

    @Test func fileExtensions() {
        #expect(Pipeline.fileExtension("a/b/refs.BIB") == "bib")
        #expect(Pipeline.fileExtension("a.b/refs") == nil)
        #expect(Pipeline.fileExtension(".hidden") == nil)
        #expect(Pipeline.fileExtension("x.") == nil)
    }
}

@Suite struct FileIOTests {
    func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-io-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func atomicWriteReplacesAndLeavesNoTemporaryFiles() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.bib"
        try FileIO.writeAtomically(Array("first".utf8), to: path)
        try FileIO.writeAtomically(Array("second".utf8), to: path)
        #expect(try FileIO.read(path: path) == Array("second".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.bib"])
    }

    @Test func specialFileIsWrittenInPlaceNotReplaced() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/pipe"
        #expect(mkfifo(path, 0o600) == 0)
        // A non-blocking reader first, so opening the FIFO for writing does not wait.
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        try FileIO.writeAtomically(Array("through the pipe".utf8), to: path)
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
        #expect(n == 16)
        #expect(Array(buffer.prefix(max(n, 0))) == Array("through the pipe".utf8))
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & S_IFMT == S_IFIFO, "the FIFO was replaced by a regular file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["pipe"])
    }

    @Test func failedWriteKeepsExistingFile() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: BibKitError.self) { try FileIO.writeAtomically([1], to: dir + "/missing/out.bib") }
        #expect(throws: BibKitError.self) { try FileIO.writeAtomically([1], to: dir) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func readErrorsAreSpecific() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try FileIO.read(path: dir)
            Issue.record("reading a directory succeeded")
        } catch {
            #expect(error.description.contains("directory"))
        }
        do {
            _ = try FileIO.read(path: dir + "/nope.bib")
            Issue.record("reading a missing file succeeded")
        } catch {
            #expect(error.description.contains("No such file"))
        }
    }
}

@Suite struct DiagnosticRendererTests {
    let diagnostic = Diagnostic(
        .error, code: "profile.bad-date", message: "no such day: Jun 31",
        location: SourceLocation(file: "p.txt", line: 2, column: 3, offset: 8), notes: ["dates are Mon D[, YYYY]"])

    @Test func textHasLocationSourceLineAndCaret() {
        var sources = SourceStore()
        sources.add(name: "p.txt", bytes: Array("first\nLGJun 31, 2023\n".utf8))
        let out = DiagnosticRenderer(style: .text).render(diagnostic, sources: &sources)
        #expect(out == """
            p.txt:2:3: error: no such day: Jun 31 [profile.bad-date]
              LGJun 31, 2023
                ^
              note: dates are Mon D[, YYYY]

            """)
    }

    @Test func controlCharactersInTheSourceLineShowAsSpaces() {
        // A NUL, an ESC (which would drive the terminal) and a tab: one space each, caret in place.
        var sources = SourceStore()
        sources.add(name: "p.txt", bytes: Array("first\nA\u{0}B\u{1B}[31mC\tD\n".utf8))
        let d = Diagnostic(.warning, code: "x.y", message: "m", location: SourceLocation(file: "p.txt", line: 2, column: 10, offset: 15))
        #expect(DiagnosticRenderer(style: .text).render(d, sources: &sources) == """
            p.txt:2:10: warning: m [x.y]
              A B [31mC D
                       ^

            """)
    }

    @Test func keyAndFieldInEveryStyle() {
        var sources = SourceStore()
        let d = Diagnostic(
            .warning, code: "validate.isbn", message: "'123' has a wrong check digit or length for an ISBN",
            location: SourceLocation(file: "refs.bib", line: 7, column: 3, offset: 90), entryKey: "smith2020", field: "isbn")
        #expect(DiagnosticRenderer(style: .text).render(d, sources: &sources)
            == "refs.bib:7:3: warning: smith2020: isbn: '123' has a wrong check digit or length for an ISBN [validate.isbn]\n")
        #expect(DiagnosticRenderer(style: .github).render(d, sources: &sources)
            == "::warning file=refs.bib,line=7,col=3,title=validate.isbn::smith2020: isbn: '123' has a wrong check digit or length for an ISBN\n")
        #expect(DiagnosticRenderer(style: .json).render(d, sources: &sources)
            == #"{"severity":"warning","code":"validate.isbn","message":"'123' has a wrong check digit or length for an ISBN","file":"refs.bib","line":7,"column":3,"key":"smith2020","field":"isbn"}"# + "\n")
        let keyOnly = Diagnostic(.note, code: "x", message: "m", entryKey: "k")
        #expect(DiagnosticRenderer(style: .text).render(keyOnly, sources: &sources) == "bibkit: note: k: m [x]\n")
    }

    @Test func jsonAndGitHub() {
        var sources = SourceStore()
        let json = DiagnosticRenderer(style: .json).render(diagnostic, sources: &sources)
        #expect(json == #"{"severity":"error","code":"profile.bad-date","message":"no such day: Jun 31","file":"p.txt","line":2,"column":3,"notes":["dates are Mon D[, YYYY]"]}"# + "\n")
        let gh = DiagnosticRenderer(style: .github).render(diagnostic, sources: &sources)
        #expect(gh == "::error file=p.txt,line=2,col=3,title=profile.bad-date::no such day: Jun 31\n")
    }
}
