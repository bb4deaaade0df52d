import Foundation
import Testing

@testable import BibKit
@testable import BibModel

/// The whole-file path writes its output in pieces straight into the temporary file
/// (``BibliographyWriter/write(_:options:diagnostics:pieceSize:to:)``): the pieces put
/// together must be the bytes of ``BibliographyWriter/write(_:options:diagnostics:)``, with
/// the same diagnostics in the same order, for every writer, on the fixtures and the shared
/// corpus (BibTeX, RIS, CSL-JSON, JATS inputs), in pieces of one byte, of a few hundred bytes
/// and of the default megabyte.
@Suite struct WriterPiecesTests {
    /// Every format bibkit writes.
    static let targets = FormatRegistry.names(for: .write)

    /// Inputs: every file of the shared corpus and the format fixtures up to 256 KB.
    static func inputs() -> [String] {
        let tests = StreamingTests.root.appendingPathComponent("Tests")
        let corpus = StreamingTests.root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        var out: [String] = []
        for suffix in [".bib", ".ris", ".json", ".xml"] {
            out += StreamingTests.files(suffix, in: [corpus])
        }
        out += StreamingTests.files(".bib", in: [tests.appendingPathComponent("BibTeXFormatTests")])
        return out
    }

    static func describe(_ diagnostics: Diagnostics) -> [String] {
        diagnostics.all.map { d in
            "\(d.severity) \(d.code) \(d.location.map { "\($0.line):\($0.column)@\($0.offset)" } ?? "-") \(d.entryKey ?? "") \(d.field ?? ""): \(d.message)"
        }
    }

    /// The output of `writer` for `library` in pieces of `pieceSize`, the number of pieces
    /// and the diagnostics.
    static func pieces(
        _ writer: any BibliographyWriter, _ library: Library, options: WriteOptions, pieceSize: Int
    ) -> (bytes: [UInt8], count: Int, diagnostics: [String]) {
        var bytes: [UInt8] = []
        var count = 0
        var diagnostics = Diagnostics()
        writer.write(library, options: options, diagnostics: &diagnostics, pieceSize: pieceSize) { piece in
            bytes.append(contentsOf: piece)
            count += 1
        }
        return (bytes, count, describe(diagnostics))
    }

    /// Compares the pieces with the whole output; true when the output came in more than
    /// one piece.
    static func check(_ library: Library, name: String, options: WriteOptions = WriteOptions()) throws -> Bool {
        var split = false
        #expect(targets.count >= 5)
        for target in targets {
            guard let writer = try FormatRegistry.plugin(named: target, for: .write).writer else {
                Issue.record("\(target) has no writer")
                continue
            }
            var wholeDiagnostics = Diagnostics()
            let whole = writer.write(library, options: options, diagnostics: &wholeDiagnostics)
            for pieceSize in [1, 300, writerPieceSize] {
                let r = pieces(writer, library, options: options, pieceSize: pieceSize)
                #expect(r.bytes == whole, "\(name) → \(target) in \(pieceSize)-byte pieces: the output differs")
                #expect(
                    r.diagnostics == describe(wholeDiagnostics),
                    "\(name) → \(target) in \(pieceSize)-byte pieces: the diagnostics differ")
                if r.count > 1 { split = true }
            }
        }
        return split
    }

    @Test("every writer: pieces put together are the whole output, corpus and fixtures")
    func piecesAreTheWholeOutput() throws {
        let files = Self.inputs()
        #expect(files.count >= 40, "fixtures not found under \(StreamingTests.root.path)")
        var split = 0
        for path in files {
            var diagnostics = Diagnostics()
            guard let read = try? Pipeline().read(InputSpec(path: path), diagnostics: &diagnostics),
                !read.library.entries.isEmpty
            else { continue }
            if try Self.check(read.library, name: path) { split += 1 }
        }
        // The piece writers must have been used for real: most outputs come in many pieces.
        #expect(split >= 30, "only \(split) outputs were written in more than one piece")
    }

    @Test("every writer: pretty and compact, generated keys, metadata, a library over two default pieces")
    func piecesOfABigLibrary() throws {
        var text = "@string{jmlr = \"Journal of Machine Learning Research\"}\n@preamble{\"\\newcommand{\\x}{x}\"}\n"
        text += "% a comment\n"
        for i in 0..<4000 {
            // Every fifth entry has no key (the writers generate one over the whole library).
            let key = i % 5 == 0 ? "" : "k\(i)"
            text += """
                @article{\(key),
                  title = {A {Study} of $x^\(i)$ \\emph{things} number \(i)},
                  author = {Doe, Jane and von Roe, Rich and {ACME Inc.}},
                  journal = jmlr, year = \(1990 + i % 30), month = mar, pages = {\(i)--\(i + 9)},
                  doi = {10.1000/\(i)}, keywords = {a, b}, abstract = {Abstract \(i) with ü and –.},
                  unknownfield = {kept \(i)}
                }

                """
        }
        let (dir, path) = try WholeFilePathTests.tempFile("big.bib", text)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var diagnostics = Diagnostics()
        let library = try Pipeline().read(InputSpec(path: path), diagnostics: &diagnostics).library
        #expect(library.entries.count == 4000)
        var compact = WriteOptions()
        compact.pretty = false
        for options in [WriteOptions(), compact] {
            #expect(try Self.check(library, name: "generated (pretty: \(options.pretty))", options: options))
            // Over a megabyte: the default piece size splits it too.
            var wholeDiagnostics = Diagnostics()
            let whole = try Pipeline(writeOptions: options).write(library, as: .cslJSON, diagnostics: &wholeDiagnostics)
            #expect(whole.count > 2 * writerPieceSize)
            var joined: [UInt8] = []
            var count = 0
            var pieceDiagnostics = Diagnostics()
            try Pipeline(writeOptions: options).write(library, as: .cslJSON, diagnostics: &pieceDiagnostics) { piece in
                joined.append(contentsOf: piece)
                count += 1
            }
            #expect(joined == whole)
            #expect(count > 2)
            #expect(Self.describe(pieceDiagnostics) == Self.describe(wholeDiagnostics))
        }
    }
}
