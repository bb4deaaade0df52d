import Foundation
import Testing
import TestSupport

/// `convert … --to bibtex|biblatex -o FILE` goes entry by entry; standard input, `-o -`,
/// `--no-stream` and a replaced existing file give the same bytes, diagnostics and status.
@Suite struct StreamingCLITests {
    static let text = """
        % exported by a tool
        @string{j = {Journal of Tests}}
        @article{a, author = {Ann Author}, title = {A Paper}, journal = j, year = 2001}
        @comment{mail: someone@example.org}
        @book{b, author = {Bo Bee}, title = {B Book}, publisher = {Press}, year = 2002, month = jun}
        @misc{A, title = {Same key}, note = undefinedmacro}
        % the end

        """

    @Test(arguments: ["bibtex", "biblatex"])
    func streamedEqualsEveryOtherWay(target: String) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.bib")
        try Data(Self.text.utf8).write(to: input)
        let streamedPath = dir.appendingPathComponent("streamed.bib")
        let wholePath = dir.appendingPathComponent("whole.bib")
        // An existing output is replaced, keeping its permissions.
        try Data("old".utf8).write(to: streamedPath)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: streamedPath.path)

        let streamed = try CLI.run(["convert", input.path, "--to", target, "-o", streamedPath.path])
        let whole = try CLI.run(["convert", input.path, "--to", target, "--no-stream", "-o", wholePath.path])
        let stdout = try CLI.run(["convert", input.path, "--to", target, "-o", "-"])
        let stdin = try CLI.run(["convert", "--from", "bibtex", "--to", target], stdin: Data(Self.text.utf8))

        let expected = try Data(contentsOf: wholePath)
        #expect(try Data(contentsOf: streamedPath) == expected)
        #expect(stdout.stdoutBytes == expected)
        #expect(stdin.stdoutBytes == expected)
        let out = String(decoding: expected, as: UTF8.self)
        #expect(out.hasPrefix("% exported by a tool\n@string{j = {Journal of Tests}}\n\n@article{a,"))
        let mail = target == "bibtex" ? "@comment{mail: someone(at)example.org}" : "% mail: someone(at)example.org"
        #expect(out.contains("}\n\n\(mail)\n@book{b,"))
        #expect(out.hasSuffix("}\n\n% the end\n"))
        let mode = try FileManager.default.attributesOfItem(atPath: streamedPath.path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        // The same exit status (warnings only: 0).
        #expect(whole.status == 0 && streamed.status == 0 && stdout.status == 0 && stdin.status == 0)
        func sortedLines(_ s: String, replacing path: String) -> [String] {
            s.replacingOccurrences(of: path, with: "OUT").split(separator: "\n").map(String.init).sorted()
        }
        #expect(
            sortedLines(streamed.stderr, replacing: streamedPath.path) == sortedLines(whole.stderr, replacing: wholePath.path))
        #expect(whole.stderr.contains("bibtex.duplicate-key"))
        #expect(whole.stderr.contains("bibtex.comment-changed"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    /// Valid UTF-8 with many control bytes at the start: the whole-file readers refuse it as
    /// binary; the streamed conversion (the default) must not convert it anyway.
    @Test(arguments: [("bib", "csl-json"), ("bib", "bibtex"), ("ris", "csl-json"), ("ris", "ris")])
    func binaryLookingInputIsRefusedAsWithoutStreaming(ext: String, target: String) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.\(ext)")
        let record = ext == "bib" ? "@article{a, title = {One}, year = 2020}\n" : "TY  - JOUR\nTI  - One\nER  - \n"
        try Data((String(repeating: "\u{1}", count: 1000) + "\n" + String(repeating: record, count: 20)).utf8).write(to: input)
        let streamed = try CLI.run(["convert", input.path, "--to", target, "-o", dir.appendingPathComponent("out").path])
        let whole = try CLI.run(["convert", input.path, "--to", target, "--no-stream", "-o", dir.appendingPathComponent("out").path])
        #expect(whole.status != 0 && whole.stderr.contains(".binary]"))
        #expect(streamed.status == whole.status)
        #expect(streamed.stderr == whole.stderr)
    }
}
