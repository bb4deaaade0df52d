import BibModel
import Foundation
import Testing

@testable import ProfileTextFormat

/// Helpers shared by the profile-text tests.
enum Support {
    /// The capture date the sample's expectations are computed for.
    static let asOf = DateParts(year: 2026, month: 11, day: 24)

    /// The folder of this file.
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// A fixture beside the tests.
    static func fixture(_ name: String) -> URL { here.appendingPathComponent("Fixtures").appendingPathComponent(name) }

    /// The real profile sample in `Samples/`.
    static let sampleURL = here.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples").appendingPathComponent("profile-max-zimmer.txt")

    /// The bytes of a file (empty and a recorded issue when it cannot be read).
    static func bytes(_ url: URL) -> [UInt8] {
        do {
            return Array(try Data(contentsOf: url))
        } catch {
            Issue.record("cannot read \(url.path): \(error)")
            return []
        }
    }

    /// The result of one read.
    struct Result {
        var library: Library
        var diagnostics: [Diagnostic]

        var entries: [Entry] { library.entries }

        /// The diagnostics with a code.
        func with(_ code: String) -> [Diagnostic] { diagnostics.filter { $0.code == code } }

        /// The codes of all diagnostics at or above a severity, in order.
        func codes(atLeast severity: Diagnostic.Severity = .note) -> [String] {
            diagnostics.filter { $0.severity >= severity }.map(\.code)
        }
    }

    /// Reads bytes with the reader; a fatal error is recorded as a test issue.
    static func read(bytes: [UInt8], source: String = "test.txt", asOf: DateParts? = Support.asOf) -> Result {
        var diagnostics = Diagnostics()
        do {
            let library = try ProfileTextReader().read(bytes, source: source, options: ReadOptions(asOf: asOf), diagnostics: &diagnostics)
            return Result(library: library, diagnostics: diagnostics.all)
        } catch {
            Issue.record("fatal: \(error.diagnostic.code) \(error.diagnostic.message)")
            return Result(library: Library(), diagnostics: diagnostics.all + [error.diagnostic])
        }
    }

    /// Reads text.
    static func read(_ text: String, source: String = "test.txt", asOf: DateParts? = Support.asOf) -> Result {
        read(bytes: Array(text.utf8), source: source, asOf: asOf)
    }

    /// The sample, read with the as-of date 2026-11-24.
    static func sample() -> Result { read(bytes: bytes(sampleURL), source: "profile-max-zimmer.txt") }

    /// Parses one meta line.
    static func meta(_ line: String) -> (MetaLine, [UInt8])? {
        let b = Array(line.utf8)
        return MetaLine.parse(b, 0..<b.count).map { ($0, b) }
    }

    /// The text of a byte range.
    static func string(_ bytes: [UInt8], _ range: Range<Int>?) -> String? {
        range.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// A person name, for expectations.
    static func person(
        _ given: String?, _ family: String?, particle: String? = nil, suffix: String? = nil
    ) -> PersonName {
        PersonName(family: family, given: given, nonDroppingParticle: particle, suffix: suffix)
    }

    /// The typed issued date of an entry as ISO text, or `raw:` and the raw text.
    static func issued(_ entry: Entry) -> String? {
        switch entry.issued {
        case .typed(let date)?: return date.edtf
        case .raw(let text)?: return "raw:" + text
        case nil: return nil
        }
    }
}

extension Entry {
    /// A `profile:` extra field.
    func profile(_ name: String) -> String? { extra[FieldKey("profile", name)] }
}
