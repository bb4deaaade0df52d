import BibKit
import Foundation
import Testing

/// Where the shared corpus, oracles and this target's fixtures are.
enum Paths {
    /// The package root, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// `../shared`, beside the package.
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    /// `../shared/corpus`.
    static let corpus = shared.appendingPathComponent("corpus")
    /// `../shared/oracles`.
    static let oracles = shared.appendingPathComponent("oracles")
    /// The profile sample, `../shared/samples/profile-max-zimmer.txt`.
    static let profileSample = shared.appendingPathComponent("samples/profile-max-zimmer.txt")
    /// This target's fixtures (known-exception lists).
    static let fixtures = packageRoot.appendingPathComponent("Tests/InteropTests/Fixtures")
}

/// The corpus files, by format, as paths relative to ``Paths/corpus``.
enum Corpus {
    /// True when `../shared/corpus` is present.
    static let available = FileManager.default.fileExists(atPath: Paths.corpus.appendingPathComponent("bibtex").path)

    /// The message tests print when the corpus is absent.
    static let absent: Comment = "../shared/corpus is absent: cross-format corpus tests skipped"

    /// Every file under a corpus folder with one of the extensions, sorted.
    static func files(in folder: String, extensions: Set<String>) -> [String] {
        let root = Paths.corpus.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var out: [String] = []
        while let next = walker.nextObject() as? String {
            if let ext = next.split(separator: ".").last, extensions.contains(ext.lowercased()) {
                out.append(folder + "/" + next)
            }
        }
        return out.sorted()
    }

    static let bibtex = files(in: "bibtex", extensions: ["bib"])
    static let ris = files(in: "ris", extensions: ["ris"])
    static let cslJSON = files(in: "csl-json", extensions: ["json"])
    static let jats = files(in: "jats", extensions: ["xml", "nxml"])

    /// Every corpus file of every format.
    static var all: [String] { bibtex + ris + cslJSON + jats }

    /// The bytes of a corpus file.
    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Paths.corpus.appendingPathComponent(path)))
    }
}

/// Reading and writing through the registry, in process.
enum Convert {
    /// The plug-in of a format name.
    static func plugin(_ name: String) throws -> FormatPlugin {
        try FormatRegistry.plugin(named: name, for: .read)
    }

    /// Reads a corpus file in the format its extension and content say.
    static func readCorpus(_ path: String) throws -> (library: Library, diagnostics: Diagnostics, format: FormatID) {
        let bytes = try Corpus.bytes(path)
        let plugin = try Pipeline.detectFormat(of: InputSpec(path: path), bytes: bytes)
        var diagnostics = Diagnostics()
        let library = try Pipeline().read(bytes, as: plugin, source: path, diagnostics: &diagnostics)
        return (library, diagnostics, plugin.descriptor.id)
    }

    /// Reads bytes in a named format.
    static func read(_ bytes: [UInt8], as format: String, source: String) throws -> (Library, Diagnostics) {
        var diagnostics = Diagnostics()
        let library = try Pipeline().read(bytes, as: plugin(format), source: source, diagnostics: &diagnostics)
        return (library, diagnostics)
    }

    /// Writes a library in a named format.
    static func write(_ library: Library, as format: String) throws -> ([UInt8], Diagnostics) {
        var diagnostics = Diagnostics()
        let bytes = try Pipeline().write(library, as: FormatID(rawValue: format), diagnostics: &diagnostics)
        return (bytes, diagnostics)
    }

    /// Writes a library in one format and reads it back.
    static func through(_ library: Library, _ format: String, source: String) throws -> Library {
        let (bytes, _) = try write(library, as: format)
        return try read(bytes, as: format, source: source).0
    }

    /// Validates bytes with the format's own validator (bibkit's schema); the error messages.
    static func schemaErrors(_ bytes: [UInt8], format: String, source: String) throws -> [String] {
        guard let validator = try plugin(format).validator else { return [] }
        return validator(bytes, source).all.filter { $0.severity == .error }.map {
            "\($0.location.map { "\($0.line):\($0.column)" } ?? "-") \($0.message) [\($0.code)]"
        }
    }
}

/// A known-exception list in `Fixtures/`: one file per line (`path  # reason`), `#` comments.
/// A ratchet: a test fails when a listed file no longer needs its exception, so lists only shrink.
struct ExceptionList {
    /// The listed paths and their reasons.
    let reasons: [String: String]

    /// Loads `Fixtures/<name>`; an absent file is an empty list.
    init(_ name: String) {
        let url = Paths.fixtures.appendingPathComponent(name)
        var reasons: [String: String] = [:]
        if let text = try? String(contentsOf: url, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
                if let hash = trimmed.range(of: "  #") {
                    let path = trimmed[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
                    reasons[path] = trimmed[hash.upperBound...].trimmingCharacters(in: .whitespaces)
                } else {
                    reasons[trimmed] = ""
                }
            }
        }
        self.reasons = reasons
    }

    /// True when the path is listed.
    func contains(_ path: String) -> Bool { reasons[path] != nil }

    /// Checks observed failures against the list: every failure must be listed, and every
    /// listed file of `checked` must still fail.
    func expectMatches(
        failures: [String: String], checked: [String], name: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let unexpected = failures.keys.filter { reasons[$0] == nil }.sorted()
        let listing = unexpected.map { "\($0): \(failures[$0] ?? "")" }.joined(separator: "\n")
        #expect(
            unexpected.isEmpty, "\(unexpected.count) file(s) not in Fixtures/\(name):\n\(listing)",
            sourceLocation: sourceLocation)
        let checkedSet = Set(checked)
        let fixed = reasons.keys.filter { checkedSet.contains($0) && failures[$0] == nil }.sorted()
        #expect(
            fixed.isEmpty,
            "now passing; remove from Fixtures/\(name):\n\(fixed.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    }
}
