import Foundation
import Testing

@testable import BibKit
@testable import BibModel

/// The whole-library path reads a regular BibTeX or RIS file in pieces
/// (``Pipeline/readInPieces(_:pieceSize:diagnostics:)``) so the whole file is never in memory
/// next to the library. The library and the diagnostics, in the same order, must be those of
/// the whole-file reader (``Pipeline/read(_:diagnostics:)``), whatever the piece size; where
/// they cannot be, it must give up (nil) so the caller reads the file whole.
@Suite struct PiecewiseReadTests {
    /// Diagnostics as lines, in their order (not sorted: the order is part of what is compared).
    static func lines(_ diagnostics: Diagnostics) -> [String] {
        diagnostics.all.map { d in
            "\(d.severity) \(d.code) \(d.location.map { "\($0.file) \($0.line):\($0.column)@\($0.offset)" } ?? "-") \(d.entryKey ?? "") \(d.field ?? ""): \(d.message) \(d.notes)"
        }
    }

    enum Result { case pieced, wholeOnly }

    /// Reads `path` both ways; checks they agree when the piecewise read did not give up.
    static func compare(_ path: String, pieceSize: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Result {
        let pipeline = Pipeline()
        let input = InputSpec(path: path)
        var wholeDiagnostics = Diagnostics()
        let whole = try pipeline.read(input, diagnostics: &wholeDiagnostics)
        var piecedDiagnostics = Diagnostics()
        guard let pieced = pipeline.readInPieces(input, pieceSize: pieceSize, diagnostics: &piecedDiagnostics) else {
            #expect(piecedDiagnostics.all.isEmpty, "nothing reported when giving up: \(path)", sourceLocation: sourceLocation)
            return .wholeOnly
        }
        #expect(pieced.plugin.descriptor.id == whole.plugin.descriptor.id, "\(path)", sourceLocation: sourceLocation)
        #expect(pieced.library.entries.count == whole.library.entries.count, "\(path) @\(pieceSize)", sourceLocation: sourceLocation)
        // (Equality leaves the origin out: compared too, later diagnostics use it.)
        for (a, b) in zip(pieced.library.entries, whole.library.entries) where a != b || a.origin != b.origin {
            Issue.record("\(path) @\(pieceSize): entry \(b.key ?? "-") differs", sourceLocation: sourceLocation)
            break
        }
        #expect(pieced.library.metadata == whole.library.metadata, "\(path) @\(pieceSize)", sourceLocation: sourceLocation)
        #expect(pieced.library == whole.library, "\(path) @\(pieceSize)", sourceLocation: sourceLocation)
        #expect(lines(piecedDiagnostics) == lines(wholeDiagnostics), "\(path) @\(pieceSize)", sourceLocation: sourceLocation)
        #expect(pieced.bytes.isEmpty && pieced.size == whole.bytes.count, "\(path)", sourceLocation: sourceLocation)
        return .pieced
    }

    static func tempFile(_ name: String, _ text: String) throws -> (dir: String, path: String) {
        try tempFile(name, Array(text.utf8))
    }

    static func tempFile(_ name: String, _ bytes: [UInt8]) throws -> (dir: String, path: String) {
        let dir = NSTemporaryDirectory() + "bibkit-pieces-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (dir, path)
    }

    @Test("every BibTeX file of the fixtures and corpus: same library and diagnostics (same order) in 300-byte and 4 MB pieces")
    func everyBibTeXFile() throws {
        var pieced = 0
        let files = StreamingTests.bibFiles()
        for path in files {
            for size in [300, 4 << 20] where try Self.compare(path, pieceSize: size) == .pieced { pieced += 1 }
        }
        // Most files are read in pieces (the others are not UTF-8, UTF-16, binary…).
        #expect(files.count > 20)
        #expect(pieced * 10 >= files.count * 2 * 8, "\(pieced) of \(files.count * 2) reads in pieces")
    }

    @Test("every RIS file of the fixtures and corpus: same library and diagnostics (same order) in 200-byte and 4 MB pieces")
    func everyRISFile() throws {
        var pieced = 0
        let files = StreamingTests.risFiles()
        for path in files {
            for size in [200, 4 << 20] where try Self.compare(path, pieceSize: size) == .pieced { pieced += 1 }
        }
        #expect(files.count > 10)
        #expect(pieced * 10 >= files.count * 2 * 7, "\(pieced) of \(files.count * 2) reads in pieces")
    }

    /// Diagnostics of every kind the whole-file BibTeX reader groups (the scanner's, the
    /// blocks', duplicate keys, the mapping's, unknown commands) spread over many pieces: in
    /// pieces they would come piece by piece, interleaved.
    static let mixedBib: String = {
        var text = "@string{jmlr = \"Journal of ML\"}\n"
        for i in 0..<40 {
            text += "@article{k\(i % 7 == 3 ? "dup" : "\(i)"), title = {T\\foo\(i % 3) \(i)}, journal = \(i % 5 == 0 ? "undefinedmacro" : "jmlr"), year = {20x\(i)}, month = {13}, title = {again}}\n"
            if i % 9 == 4 { text += "@string{jmlr = \"Redefined\"}\n" }
            if i % 11 == 5 { text += "@article{broken\(i), title = {unclosed\n" }
            text += "% between \(i)\n"
        }
        return text
    }()

    @Test("BibTeX diagnostics of every group across many pieces come in the whole-file reader's order", arguments: [64, 150, 700, 1 << 20])
    func bibTeXOrder(pieceSize: Int) throws {
        let (dir, path) = try Self.tempFile("mixed.bib", Self.mixedBib)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try Self.compare(path, pieceSize: pieceSize) == .pieced)
        var whole = Diagnostics()
        _ = try Pipeline().read(InputSpec(path: path), diagnostics: &whole)
        // The file does have diagnostics of several groups, and of several pieces.
        let codes = Set(whole.all.map(\.code))
        #expect(codes.isSuperset(of: ["bibtex.undefined-macro", "bibtex.duplicate-key", "bibtex.duplicate-macro", "bibtex.unknown-command"]))
        #expect(whole.all.count > 40)
    }

    @Test("RIS diagnostics (scanner's and mapping's) across many pieces come in the whole-file reader's order", arguments: [60, 200, 1 << 20])
    func risOrder(pieceSize: Int) throws {
        var text = "junk before\r\n"
        for i in 0..<30 {
            text += "TY  - JOUR\r\nTI  - Title \(i)\r\nPY  - 20x\(i)\r\nXX  - odd tag\r\nSP  - \(i)\r\nEP  - z\r\nDO  - not a doi \(i)\r\nER  - \r\n"
            if i % 4 == 1 { text += "stray line \(i)\r\n" }
            text += "\r\n"
        }
        let (dir, path) = try Self.tempFile("mixed.ris", text)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try Self.compare(path, pieceSize: pieceSize) == .pieced)
        var whole = Diagnostics()
        _ = try Pipeline().read(InputSpec(path: path), diagnostics: &whole)
        #expect(whole.all.count > 30)
    }

    @Test("crossref/xdata: parents before and after, across pieces, same library; diagnostics about them only in one piece", arguments: [80, 400, 1 << 20])
    func crossReferences(pieceSize: Int) throws {
        var text = ""
        for i in 0..<20 {
            text += "@inproceedings{c\(i), author = {A. Author\(i)}, title = {Paper \(i)}, crossref = {p\(i % 3)}, xdata = {x\(i % 2)}}\n"
            if i == 10 {
                for p in 0..<3 { text += "@proceedings{p\(p), title = {Proc \(p)}, year = 20\(10 + p), publisher = {Pub}}\n" }
            }
        }
        text = "@xdata{x0, publisher = {XP}, location = {Here}}\n" + text + "@xdata{x1, note = {N}}\n"
        let (dir, path) = try Self.tempFile("parents.bib", text)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try Self.compare(path, pieceSize: pieceSize) == .pieced)

        // An undefined crossref: in one piece the order is the whole-file reader's; across
        // pieces it could differ, so the piecewise read gives up (the caller reads it whole).
        let broken = text + "@inproceedings{lost, title = {Lost}, crossref = {nowhere}}\n"
        let (dir2, path2) = try Self.tempFile("broken.bib", broken)
        defer { try? FileManager.default.removeItem(atPath: dir2) }
        #expect(try Self.compare(path2, pieceSize: pieceSize) == (pieceSize > broken.utf8.count ? .pieced : .wholeOnly))
    }

    @Test("what the whole-file reader decodes or refuses is left to it: UTF-16, NUL bytes, Latin-1, binary, RIS without records")
    func givesUp() throws {
        var latin1 = Array("@article{a, title = {Caf".utf8)
        latin1 += [0xE9]
        latin1 += Array("}, year = 2020}\n".utf8)
        var nul = Array("@article{a, title = {One}, year = 2020}\n".utf8)
        nul.insert(0, at: 25)
        var utf16: [UInt8] = [0xFF, 0xFE]
        for u in "@article{a, title = {One}}\n".utf16 { utf16 += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let binary = [UInt8](repeating: 1, count: 500) + Array("@article{a, title = {One}}\n".utf8)
        let cases: [(String, [UInt8])] = [
            ("latin1.bib", latin1), ("nul.bib", nul), ("utf16.bib", utf16), ("binary.bib", binary),
            ("none.ris", Array("no record here\n".utf8)), ("utf16.ris", utf16),
        ]
        for (name, bytes) in cases {
            let (dir, path) = try Self.tempFile(name, bytes)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            for size in [16, 1 << 20] {
                #expect(try Self.compare(path, pieceSize: size) == .wholeOnly, "\(name)")
            }
        }
    }

    @Test("a file whose reader would look at the same bytes again and again (RIS without ER lines, a long entry) is read whole")
    func stalledReaderGivesUp() throws {
        var text = ""
        for i in 0..<200 { text += "TY  - JOUR\nTI  - Title \(i)\nPY  - 2001\n\n" }
        let (dir, path) = try Self.tempFile("noer.ris", text)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var diagnostics = Diagnostics()
        // Records without ER: no place to cut, the unused bytes pile up.
        #expect(Pipeline().readInPieces(InputSpec(path: path), pieceSize: 256, maxPending: 2048, diagnostics: &diagnostics) == nil)
        #expect(diagnostics.all.isEmpty)
        // Allowed to pile up to the whole file: read in pieces, the same as whole.
        let pieced = Pipeline().readInPieces(InputSpec(path: path), pieceSize: 256, maxPending: 1 << 20, diagnostics: &diagnostics)
        var whole = Diagnostics()
        let read = try Pipeline().read(InputSpec(path: path), diagnostics: &whole)
        #expect(pieced?.library == read.library && pieced?.library.entries.count == 200)
        #expect(Self.lines(diagnostics) == Self.lines(whole))

        // A BibTeX entry longer than the limit.
        let long = "@article{a, title = {One}}\n@article{b, abstract = {" + String(repeating: "word ", count: 1000) + "}}\n@article{c, title = {Three}}\n"
        let (dir2, path2) = try Self.tempFile("long.bib", long)
        defer { try? FileManager.default.removeItem(atPath: dir2) }
        #expect(Pipeline().readInPieces(InputSpec(path: path2), pieceSize: 64, maxPending: 1024, diagnostics: &diagnostics) == nil)
        #expect(try Self.compare(path2, pieceSize: 64) == .pieced)
    }

    @Test("standard input, a format without a streaming reader, crossref not inherited: not read in pieces")
    func notRegularOrNotStreaming() throws {
        var diagnostics = Diagnostics()
        #expect(Pipeline().readInPieces(InputSpec(path: "-"), diagnostics: &diagnostics) == nil)
        let (dir, path) = try Self.tempFile("a.json", "[{\"id\": \"a\", \"type\": \"book\", \"title\": \"T\"}]")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Pipeline().readInPieces(InputSpec(path: path), diagnostics: &diagnostics) == nil)
        let (dir2, path2) = try Self.tempFile("a.bib", "@article{a, title = {One}}\n")
        defer { try? FileManager.default.removeItem(atPath: dir2) }
        #expect(Pipeline().readInPieces(InputSpec(path: path2), diagnostics: &diagnostics) != nil)
        let tidy = Pipeline(readOptions: ReadOptions(inheritCrossReferences: false))
        #expect(tidy.readInPieces(InputSpec(path: path2), diagnostics: &diagnostics) == nil)
        #expect(diagnostics.all.isEmpty)
    }

    @Test("read(inputs, inPieces: true): the same library, diagnostics and sources as the whole-file read, several inputs")
    func severalInputs() throws {
        let (dir, bib) = try Self.tempFile("mixed.bib", Self.mixedBib)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ris = dir + "/b.ris"
        try Data("TY  - BOOK\nTI  - A book\nPY  - 2001\nER  - \n".utf8).write(to: URL(fileURLWithPath: ris))
        let inputs = [InputSpec(path: bib), InputSpec(path: dir + "/missing.bib"), InputSpec(path: ris), InputSpec(path: bib)]
        func run(_ inPieces: Bool) -> (Library, Int, [String], [Int], [String?]) {
            var sources = SourceStore()
            var diagnostics = Diagnostics()
            var sizes: [Int] = []
            let (library, n) = Pipeline().read(inputs, sources: &sources, diagnostics: &diagnostics, inPieces: inPieces) { result, _ in
                sizes.append(result.size)
            }
            let shown = diagnostics.all.compactMap(\.location).prefix(5).map { sources.line($0.line, of: $0.file) }
            return (library, n, Self.lines(diagnostics), sizes, Array(shown))
        }
        let whole = run(false)
        let pieced = run(true)
        #expect(whole.0 == pieced.0)
        #expect(whole.1 == 3 && pieced.1 == 3)
        #expect(whole.2 == pieced.2)
        #expect(whole.3 == pieced.3 && whole.3.first == Self.mixedBib.utf8.count)
        #expect(whole.4 == pieced.4 && !whole.4.isEmpty && whole.4.allSatisfy { $0 != nil })
    }

    @Test("room for the entries of a file read in pieces: about what the rest of the file holds at the rate so far")
    func expectedEntries() {
        #expect(Pipeline.expectedEntries(have: 0, inBytes: 0, of: 100) == 0)
        #expect(Pipeline.expectedEntries(have: 100, inBytes: 0, of: 1000) == 100)
        #expect(Pipeline.expectedEntries(have: 1000, inBytes: 1_000_000, of: 100_000_000) == 1000 + 103_950)
        #expect(Pipeline.expectedEntries(have: 1000, inBytes: 1_000_000, of: 1_000_100) == 1016)
        // The file grew meanwhile: nothing more.
        #expect(Pipeline.expectedEntries(have: 1000, inBytes: 1_000_000, of: 900_000) == 1000)
    }
}
