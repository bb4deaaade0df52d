import Foundation
import Testing

/// README's table of diagnostic codes lists every code the sources can emit, and only those.
///
/// The codes are found in `Sources/`: every string literal that looks like a code
/// (`bibtex.missing-key`, …), plus the families built at run time — `validate.` + the rule
/// names passed to the validator's `report`, and `jats.xml-` + each libxml2 problem kind of
/// `XMLDiagnostic.Kind` (`jats.dtd-invalid` and `jats.schema-invalid` for validity).
@Suite struct DiagnosticCodeDocsTests {
    static let prefixes = ["bibtex", "clean", "csl", "dedupe", "io", "jats", "profile", "ris", "validate"]

    /// Every code the sources can emit.
    static func emittedCodes() throws -> Set<String> {
        let sources = CLI.root.appendingPathComponent("Sources")
        let files = try FileManager.default.subpathsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 50)
        let literal = try Regex("\"((?:\(prefixes.joined(separator: "|")))\\.[a-z][a-z0-9-]*[a-z0-9])\"")
        let rule = try Regex("report\\(\\.(?:error|warning|note), \"([a-z0-9-]+)\"")
        let kind = try Regex("case [a-zA-Z]+ = \"([a-z-]+)\"")
        var codes = Set<String>()
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: literal) {
                if let code = match.output[1].substring.map(String.init) { codes.insert(code) }
            }
            if file.hasSuffix("Validation/Validator.swift") {
                for match in text.matches(of: rule) {
                    if let name = match.output[1].substring { codes.insert("validate." + name) }
                }
            }
            if file.hasSuffix("BibXML/XMLDiagnostic.swift") {
                for match in text.matches(of: kind) {
                    guard let name = match.output[1].substring.map(String.init) else { continue }
                    codes.insert(name.hasSuffix("-invalid") ? "jats." + name : "jats.xml-" + name)
                }
            }
        }
        // Literals of the same shape that are not codes: a file name in an example, the
        // JATS reader's prefix for XML problems.
        codes.subtract(["profile.txt", "jats.xml"])
        return codes
    }

    /// The codes in README's table (between its markers).
    static func documentedCodes() throws -> [String] {
        let readme = try String(contentsOf: CLI.root.appendingPathComponent("README.md"), encoding: .utf8)
        guard let start = readme.range(of: "<!-- diagnostic-codes"), let end = readme.range(of: "<!-- end diagnostic-codes -->")
        else { return [] }
        let table = readme[start.upperBound..<end.lowerBound]
        let row = try Regex("(?m)^\\| `([a-z]+\\.[a-z0-9-]+)` \\| (error|warning|note|error/warning|warning/error|note/warning|warning/note|error/note) \\| .+ \\|$")
        return table.matches(of: row).compactMap { $0.output[1].substring.map(String.init) }
    }

    @Test func everyEmittedCodeIsDocumented() throws {
        let emitted = try Self.emittedCodes()
        let documented = try Self.documentedCodes()
        #expect(emitted.count > 100, "found \(emitted.count) codes in Sources/")
        #expect(!documented.isEmpty, "README has no diagnostic-codes table")
        let missing = emitted.subtracting(documented).sorted()
        #expect(missing.isEmpty, "codes emitted in Sources/ but not in README's table: \(missing)")
        let stale = Set(documented).subtracting(emitted).sorted()
        #expect(stale.isEmpty, "codes in README's table that Sources/ no longer emits: \(stale)")
        #expect(documented.count == Set(documented).count, "a code is listed twice")
    }

    /// The codes the malformed suite expects are real, documented codes.
    @Test func malformedSuiteUsesDocumentedCodes() throws {
        let documented = Set(try Self.documentedCodes())
        for c in MalformedInputTests.all {
            for d in c.diagnostics {
                let code = d.split(separator: "@").first.map(String.init) ?? d
                #expect(documented.contains(code), "\(c.name): \(code) is not in README")
            }
        }
    }
}
