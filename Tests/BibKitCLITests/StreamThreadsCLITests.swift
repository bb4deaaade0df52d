import Foundation
import Testing
import TestSupport

/// `convert --threads N`: a streamed conversion on one thread or two (one reads while the
/// other writes) writes the same bytes, prints the same diagnostics in the same order and
/// ends with the same status, also when it falls back to the whole-file path part-way.
@Suite struct StreamThreadsCLITests {
    /// About 1.1 MB of BibTeX (two 1 MB pieces): warnings from the reader and the writer all
    /// through it, an entry with an error, and `tail` at the end.
    static func input(tail: String = "") -> String {
        var text = "% generated for StreamThreadsCLITests\n@string{jt = {Journal of Threads}}\n"
        for i in 0..<9000 {
            let key = i % 97 == 5 ? "dup" : "k\(i)"
            switch i % 4 {
            case 0:
                text += "@article{\(key), author = {Ann Author\(i) and Bo B{\\\"e}e}, title = {On {T}hreads and Pieces \(i)}, journal = jt, year = \(1990 + i % 30), month = mar, pages = {\(i)--\(i + 9)}, doi = {10.1000/x\(i)}}\n"
            case 1:
                text += "@book{\(key), editor = {Ed Itor}, title = {A Book \(i)}, publisher = undefined\(i % 3), year = 2001, note = {caf\\'e au lait}}\n"
            case 2:
                text += "@misc{\(key), title = {Misc \(i)}, howpublished = {\\url{https://example.org/\(i)}}, date = {2020-13-0\(i % 9)}}\n"
            default:
                text += "@phdthesis{\(key), author = {Di Dee}, title = {Thesis \(i)}, school = {Uni}, year = 2019, keywords = {a, b; c}}\n"
            }
            if i == 6000 { text += "@article{broken, title = {Unclosed = {x}\n@misc{after, title = {After the error}}\n" }
        }
        return text + tail
    }

    struct Outcome: Equatable {
        var status: Int32
        var stderr: String
        var output: Data?
    }

    /// Converts `input` with the given arguments into `name` in a directory of its own; the
    /// output's path reads `OUT` in the standard error.
    static func convert(_ input: URL, _ arguments: [String], name: String) throws -> Outcome {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent(name)
        let run = try CLI.run(["convert", input.path, "-o", out.path] + arguments)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".bibkit-") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        return Outcome(
            status: run.status, stderr: run.stderr.replacingOccurrences(of: out.path, with: "OUT"),
            output: try? Data(contentsOf: out))
    }

    @Test("one thread, two threads and the default: same output, same diagnostics in the same order, same status", arguments: ["bibtex", "csl-json", "ris"])
    func sameOnAnyThreads(target: String) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.bib")
        try Data(Self.input().utf8).write(to: input)
        let one = try Self.convert(input, ["--to", target, "--threads", "1"], name: "out")
        let two = try Self.convert(input, ["--to", target, "--threads", "2"], name: "out")
        let standard = try Self.convert(input, ["--to", target], name: "out")
        #expect(one.status == 1, "the input has an error: \(one.stderr.suffix(300))")
        let size = try FileManager.default.attributesOfItem(atPath: input.path)[.size] as? Int ?? 0
        #expect(size > 1 << 20, "the input should be more than one piece")
        #expect((one.output?.count ?? 0) > 0)
        #expect(one.stderr.contains("bibtex.undefined-macro") && one.stderr.contains("error:"))
        #expect(two == one)
        if target == "bibtex" {
            // More threads than there are stages: the same as two.
            #expect(try Self.convert(input, ["--to", target, "--threads", "8"], name: "out") == one)
        }
        #expect(standard == one)
        // And the whole-file path writes the same bytes with the same status.
        let whole = try Self.convert(input, ["--to", target, "--no-stream"], name: "out")
        #expect(whole.output == one.output)
        #expect(whole.status == one.status)
    }

    @Test("an entry without a key near the end: both thread counts fall back to the whole-file path alike")
    func fallBackAlike() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.bib")
        try Data(Self.input(tail: "@article{, title = {No key}, year = 2001}\n").utf8).write(to: input)
        let one = try Self.convert(input, ["--to", "bibtex", "--threads", "1"], name: "out.bib")
        let two = try Self.convert(input, ["--to", "bibtex", "--threads", "2"], name: "out.bib")
        let whole = try Self.convert(input, ["--to", "bibtex", "--no-stream"], name: "out.bib")
        #expect(one == whole, "a fallback is the whole-file run")
        #expect(two == whole)
        #expect(String(decoding: whole.output ?? Data(), as: UTF8.self).contains("No key"))
    }

    @Test("--threads 0 is a usage error; help convert documents the option")
    func usage() throws {
        let run = try CLI.run(["convert", "Samples/paper-references.bib", "--to", "ris", "--threads", "0"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--threads must be 1 or more"))
        let help = try CLI.run(["help", "convert"])
        #expect(help.stdout.contains("--threads <n>"))
    }
}
