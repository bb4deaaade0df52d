import Foundation
import Testing

@testable import BibKit
@testable import BibModel

/// The whole-file path keeps less in memory: a regular file's bytes are let go once read
/// (the source store reads the file again when a diagnostic shows a line), and the first
/// library read is taken as it is. What it reads and shows must not change.
@Suite struct WholeFilePathTests {
    static func tempFile(_ name: String, _ text: String) throws -> (dir: String, path: String) {
        let dir = NSTemporaryDirectory() + "bibkit-wholefile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (dir, path)
    }

    static let first = """
        @string{jmlr = "Journal of Machine Learning Research"}
        @article{a, title = {One}, journal = jmlr, year = 2020}
        @article{b, title = {Two}, year = 2021, title = {dup}}

        """
    static let second = """
        % a comment
        @book{c, title = {Three}, year = 2019}
        @article{d, title = {Four}, year = {2021}, month = {13}}

        """

    @Test func sourceLinesOfARegularFileAreReadAgain() throws {
        let (dir, path) = try Self.tempFile("a.bib", Self.first)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var sources = SourceStore()
        var diagnostics = Diagnostics()
        let (library, n) = Pipeline().read([InputSpec(path: path)], sources: &sources, diagnostics: &diagnostics)
        #expect(n == 1)
        #expect(library.entries.count == 2)
        let located = diagnostics.all.filter { $0.location != nil }
        #expect(!located.isEmpty, "the fixture should give a located diagnostic")
        for d in located {
            guard let loc = d.location else { continue }
            let expected = Self.first.split(separator: "\n", omittingEmptySubsequences: false)[loc.line - 1]
            #expect(sources.line(loc.line, of: loc.file) == String(expected))
        }
        #expect(sources.line(3, of: path) == "@article{b, title = {Two}, year = 2021, title = {dup}}")
    }

    @Test func severalInputsGiveWhatEachReadGives() throws {
        let (dir1, path1) = try Self.tempFile("a.bib", Self.first)
        let (dir2, path2) = try Self.tempFile("b.bib", Self.second)
        defer {
            try? FileManager.default.removeItem(atPath: dir1)
            try? FileManager.default.removeItem(atPath: dir2)
        }
        let pipeline = Pipeline()
        var sources = SourceStore()
        var diagnostics = Diagnostics()
        let (both, n) = pipeline.read(
            [InputSpec(path: path1), InputSpec(path: dir1 + "/missing.bib"), InputSpec(path: path2)], sources: &sources,
            diagnostics: &diagnostics)
        #expect(n == 2)
        var d1 = Diagnostics()
        var d2 = Diagnostics()
        let one = try pipeline.read(InputSpec(path: path1), diagnostics: &d1).library
        let two = try pipeline.read(InputSpec(path: path2), diagnostics: &d2).library
        var expected = Library()
        expected.append(contentsOf: one)
        expected.append(contentsOf: two)
        #expect(both == expected)
        #expect(both.metadata.macros.count == 1)
        #expect(both.metadata.comments == one.metadata.comments + two.metadata.comments)
        // Each file's lines, from the file itself.
        #expect(sources.line(2, of: path2) == "@book{c, title = {Three}, year = 2019}")
        #expect(sources.line(1, of: path1) == "@string{jmlr = \"Journal of Machine Learning Research\"}")
    }

    @Test func onlyRegularFilesCountAsRereadable() throws {
        let (dir, path) = try Self.tempFile("a.bib", Self.first)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(FileIO.isRegularFile(path))
        #expect(!FileIO.isRegularFile(dir))
        #expect(!FileIO.isRegularFile("-"))
        #expect(!FileIO.isRegularFile(dir + "/missing"))
        #expect(!FileIO.isRegularFile("/dev/null"))
    }
}
