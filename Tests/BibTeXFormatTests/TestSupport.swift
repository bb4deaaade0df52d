import BibModel
import Foundation
import Testing

@testable import BibTeXFormat
import TestSupport

/// Writes entries and returns the text and diagnostics.
func written(
    _ entries: [Entry], _ dialect: BibTeXDialect = .bibtex, keepUnicode: Bool? = nil,
    metadata: CollectionMetadata = CollectionMetadata()
) -> (text: String, diagnostics: [Diagnostic]) {
    var diagnostics = Diagnostics()
    let bytes = BibTeXWriter(dialect: dialect).write(
        Library(entries: entries, metadata: metadata), options: WriteOptions(keepUnicode: keepUnicode),
        diagnostics: &diagnostics)
    return (String(decoding: bytes, as: UTF8.self), diagnostics.all)
}

/// Writes one entry and returns its fields as `name → value` (value between the outer braces,
/// or the bare expression).
func fields(of entry: Entry, _ dialect: BibTeXDialect = .bibtex, keepUnicode: Bool? = nil) -> [String: String] {
    parseFields(written([entry], dialect, keepUnicode: keepUnicode).text)
}

/// A minimal reader of what the writer produces (one field per line), for assertions.
func parseFields(_ text: String) -> [String: String] {
    var out: [String: String] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix("  ") {
        guard let eq = line.range(of: " = ") else { continue }
        let name = String(line[line.index(line.startIndex, offsetBy: 2)..<eq.lowerBound])
        var value = String(line[eq.upperBound...])
        if value.hasSuffix(",") { value.removeLast() }
        if value.hasPrefix("{") && value.hasSuffix("}") { value = String(value.dropFirst().dropLast()) }
        out[name] = value
    }
    return out
}

/// The entry type and key of the first entry (`@misc{key,` → ("misc", "key")).
func header(_ text: String) -> (type: String, key: String)? {
    guard let at = text.firstIndex(of: "@"), let brace = text[at...].firstIndex(of: "{"),
        let comma = text[brace...].firstIndex(of: ",")
    else { return nil }
    return (String(text[text.index(after: at)..<brace]), String(text[text.index(after: brace)..<comma]))
}

/// Encodes plain text the way the writer encodes field text.
func encoded(_ s: String, asciiOnly: Bool = true, title: Bool = false) -> String {
    var encoder = LaTeXEncoder(asciiOnly: asciiOnly)
    var out: [UInt8] = []
    if title {
        encoder.append(RichText(s), to: &out, title: true)
    } else {
        encoder.appendText(s, to: &out)
    }
    return String(decoding: out, as: UTF8.self)
}

/// Encodes rich text.
func encoded(_ inlines: [Inline], asciiOnly: Bool = true, title: Bool = false) -> String {
    var encoder = LaTeXEncoder(asciiOnly: asciiOnly)
    var out: [UInt8] = []
    encoder.append(inlines, to: &out, title: title)
    return String(decoding: out, as: UTF8.self)
}

/// BibTeX's brace count (escaped braces count too) is zero and never negative.
func bibtexBalanced(_ s: String) -> Bool { BraceBalance.isBalanced(s) }

func person(_ family: String, _ given: String? = nil) -> PersonName { PersonName(family: family, given: given) }

enum Paths {
    /// `Tests/BibTeXFormatTests`.
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// The package root.
    static let packageRoot = testsDir.deletingLastPathComponent().deletingLastPathComponent()
    /// Golden files.
    static let snapshots = testsDir.appendingPathComponent("Fixtures/Snapshots")
    /// `../shared/oracles` beside the package.
    static let oracles = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/oracles")
}

/// True when `tool` is an executable in a PATH directory.
func onPath(_ tool: String) -> Bool { Shell.onPath(tool) }

/// Runs a program; returns exit status and combined output.
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let result = try Shell.run([executable] + arguments)
    return (result.status, result.output)
}
