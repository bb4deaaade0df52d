import BibModel
import Foundation
import Testing

@testable import BibTeXFormat
import TestSupport

/// Malformed input: each problem has a diagnostic at the exact place, with the key when known,
/// and reading goes on with the next entry. Nothing crashes.
@Suite("Reader recovery")
struct ReaderRecoveryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        /// (code, line, column, key) of the first error.
        var code: String
        var line: Int
        var column: Int
        var key: String?
        /// Keys of the entries read.
        var keys: [String?]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "unbalanced braces: the value ends before the next field",
            text: "@misc{a,\n  title = {Unclosed {brace,\n  year = {2020}\n}\n@misc{b, title = {ok}}\n",
            code: "bibtex.unbalanced-braces", line: 2, column: 11, key: "a", keys: ["a", "b"]),
        Case(
            name: "unbalanced braces: the value ends before the next entry",
            text: "@misc{a, title = {Unclosed {brace}\n@misc{b, title = {ok}}\n",
            code: "bibtex.unbalanced-braces", line: 1, column: 18, key: "a", keys: ["a", "b"]),
        Case(
            name: "missing comma between fields",
            text: "@misc{a,\n  title = {T}\n  year = 2020\n}\n@misc{b}\n",
            code: "bibtex.missing-comma", line: 3, column: 3, key: "a", keys: ["a", "b"]),
        Case(
            name: "missing key",
            text: "@article{\n  title = {T},\n}\n@misc{b}\n",
            code: "bibtex.missing-key", line: 2, column: 3, key: nil, keys: [nil, "b"]),
        Case(
            name: "missing key before a comma",
            text: "@article{, title = {T}}\n@misc{b}\n",
            code: "bibtex.missing-key", line: 1, column: 10, key: nil, keys: [nil, "b"]),
        Case(
            name: "unterminated string",
            text: "@misc{a, title = \"Unterminated,\n  year = 2020}\n@misc{b}\n",
            code: "bibtex.unterminated-string", line: 1, column: 18, key: "a", keys: ["a", "b"]),
        Case(
            name: "garbage inside an entry",
            text: "@misc{a, title = {T}, !!! , year = 2020}\n@misc{b}\n",
            code: "bibtex.missing-equals", line: 1, column: 27, key: "a", keys: ["a", "b"]),
        Case(
            name: "missing '='",
            text: "@misc{a, title {T}, year = 2020}\n@misc{b}\n",
            code: "bibtex.missing-equals", line: 1, column: 16, key: "a", keys: ["a", "b"]),
        Case(
            name: "missing value",
            text: "@misc{a, title = , year = 2020}\n@misc{b}\n",
            code: "bibtex.missing-value", line: 1, column: 18, key: "a", keys: ["a", "b"]),
        Case(
            name: "entry not closed before the next",
            text: "@misc{a, title = {T},\n@misc{b, title = {U}}\n",
            code: "bibtex.unclosed-entry", line: 2, column: 1, key: "a", keys: ["a", "b"]),
        Case(
            name: "entry not closed at the end of the file",
            text: "@misc{b}\n@misc{a, title = {T}",
            code: "bibtex.unclosed-entry", line: 2, column: 1, key: "a", keys: ["b", "a"]),
        Case(
            name: "two commas in a row",
            text: "@misc{a, title = {T},, year = 2020}\n",
            code: "bibtex.empty-field", line: 1, column: 22, key: "a", keys: ["a"]),
        Case(
            name: "value cut at the end of the file",
            text: "@misc{b}\n@misc{a, title = {T",
            code: "bibtex.unbalanced-braces", line: 2, column: 18, key: "a", keys: ["b", "a"]),
    ]

    @Test("malformed entries", arguments: cases)
    func malformed(_ c: Case) throws {
        let (lib, diags) = try readWithDiagnostics(c.text)
        let error = diags.first { $0.severity == .error }
        #expect(error?.code == c.code, "\(diags.map(\.message))")
        #expect(error?.location?.line == c.line)
        #expect(error?.location?.column == c.column)
        #expect(error?.entryKey == c.key)
        #expect(lib.entries.map(\.key) == c.keys)
    }

    @Test("the fields after an unbalanced value are kept")
    func keepsLaterFields() throws {
        let lib = try read("@misc{a,\n  author = {Thi\\{'ebaux and Joe Smith},\n  title = {T},\n  year = {1993}\n}\n")
        let e = try #require(lib.entries.first)
        #expect(e.title == RichText("T"))
        #expect(e.year == 1993)
    }

    @Test("undefined crossref and undefined macro are warnings")
    func warnings() throws {
        let (_, diags) = try readWithDiagnostics("@inproceedings{a, crossref = {nope}, booktitle = conf}\n")
        #expect(diags.map(\.code).sorted() == ["bibtex.undefined-crossref", "bibtex.undefined-macro"])
        #expect(diags.allSatisfy { $0.severity == .warning })
        #expect(diags.first { $0.code == "bibtex.undefined-crossref" }?.location?.column == 19)
    }

    @Test("an unknown LaTeX command is reported once per name, with a count")
    func unknownCommands() throws {
        let (lib, diags) = try readWithDiagnostics("@misc{a, title = {\\foo{x} and \\foo}, note = {\\bar}}\n@misc{b, title = {\\foo}}")
        let unknown = diags.filter { $0.code == "bibtex.unknown-command" }
        #expect(unknown.count == 2)
        #expect(unknown.first?.message.contains("3 times") == true)
        #expect(unknown.first?.location?.line == 1)
        #expect(lib.entries[0].title?.plainText == "\\foo{x} and \\foo")
    }

    @Test("ten thousand nested braces in a value, a key and between entries")
    func deepBraces() throws {
        let deep = String(repeating: "{", count: 10_000) + "x" + String(repeating: "}", count: 10_000)
        let lib = try read("@misc{a, title = \(deep), author = \(deep), keywords = \(deep), note = \(deep)}\n\(deep)\n@misc{b}")
        #expect(lib.entries.count == 2)
        #expect(lib.entries[0].title?.plainText == "x")
        let unclosed = try read("@misc{a, title = " + String(repeating: "{", count: 10_000) + "x}\n@misc{b}")
        #expect(unclosed.entries.count == 2)
    }

    @Test("random mutations of a valid file never crash and keep what they can")
    func mutations() throws {
        let base = Array(
            """
            @string{j = "Journal"}
            @article{a, author = {Knuth, Donald E. and {\\relax Ch}ristopher Manning}, title = {The {\\TeX}book \\emph{x} $y$},
              journal = j # " of Stuff", year = 1984, month = jan, pages = {1--2}, doi = {10.1/x}, crossref = {b}}
            @book{b, title = "Book", publisher = {P}, year = 2000}
            @misc(c, title = {\\"o\\ss{}}, note = {\\url{http://x}})
            """.utf8)
        var generator = SplitMix64(seed: 0xB1B)
        let specials: [UInt8] = Array("{}()\"#@,=%\\$~ \n".utf8)
        for _ in 0..<1500 {
            var bytes = base
            for _ in 0...(generator.next() % 4) {
                let at = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(specials[Int(generator.next() % UInt64(specials.count))], at: at)
                default: bytes[at] = specials[Int(generator.next() % UInt64(specials.count))]
                }
            }
            var diagnostics = Diagnostics()
            let lib = try BibTeXReader().read(bytes, source: "m", options: ReadOptions(), diagnostics: &diagnostics)
            var writeDiagnostics = Diagnostics()
            _ = BibTeXWriter().write(lib, options: WriteOptions(), diagnostics: &writeDiagnostics)
            for d in diagnostics.all { #expect(d.location != nil) }
        }
    }
}
