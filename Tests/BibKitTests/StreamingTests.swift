import Foundation
import Testing

@testable import BibKit

/// The streaming path (BibTeX → CSL-JSON entry by entry, ``Pipeline/streamConvert``) writes
/// exactly the bytes of the ordinary path, with the same diagnostics, on every BibTeX file of
/// the fixtures and of `../shared/corpus`, in big pieces and in pieces of a few hundred
/// bytes (so that entries, `@string`s and crossref parents fall across piece boundaries).
@Suite struct StreamingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let corpus = root.deletingLastPathComponent().appendingPathComponent("shared/corpus/bibtex")

    /// Every `.bib` under Tests/ and, when present, under ../shared/corpus/bibtex (files up to
    /// 256 KB: the debug build is slow; the big ones are the same kinds of entries).
    static func bibFiles() -> [String] {
        var out: [String] = []
        for dir in [root.appendingPathComponent("Tests"), corpus] {
            guard let walker = FileManager.default.enumerator(atPath: dir.path) else { continue }
            for case let rel as String in walker where rel.hasSuffix(".bib") {
                let path = dir.appendingPathComponent(rel).path
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                if size <= 256 * 1024 { out.append(path) }
            }
        }
        return out.sorted()
    }

    struct Outcome {
        var whole: [UInt8]
        var wholeDiagnostics: [String]
        var streamed: [UInt8]?
        var streamedDiagnostics: [String]
        var reason: String?
    }

    static func convert(_ path: String, pieceSize: Int) throws -> Outcome {
        let pipeline = Pipeline()
        let input = InputSpec(path: path)
        var wholeDiagnostics = Diagnostics()
        let read = try pipeline.read(input, diagnostics: &wholeDiagnostics)
        let whole = try pipeline.write(read.library, as: .cslJSON, diagnostics: &wholeDiagnostics)
        guard Pipeline.canStream(input, as: read.plugin, to: .cslJSON) else {
            return Outcome(whole: whole, wholeDiagnostics: [], streamed: nil, streamedDiagnostics: [], reason: "not BibTeX")
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-stream-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let writer = try FileIO.PieceWriter(path: out)
        var streamedDiagnostics = Diagnostics()
        let outcome = try pipeline.streamConvert(
            input, as: read.plugin, to: writer, pieceSize: pieceSize, diagnostics: &streamedDiagnostics)
        var result = Outcome(
            whole: whole, wholeDiagnostics: describe(wholeDiagnostics), streamed: nil,
            streamedDiagnostics: describe(streamedDiagnostics))
        switch outcome {
        case .converted:
            try writer.commit()
            result.streamed = try FileIO.read(path: out)
        case .needsWholeFile(let reason):
            writer.abort()
            result.reason = reason
        }
        return result
    }

    /// Diagnostics as sorted lines (the streaming path gives them in another order).
    static func describe(_ diagnostics: Diagnostics) -> [String] {
        diagnostics.all.map { d in
            "\(d.severity) \(d.code) \(d.location.map { "\($0.line):\($0.column)@\($0.offset)" } ?? "-") \(d.entryKey ?? "") \(d.field ?? ""): \(d.message)"
        }.sorted()
    }

    @Test("every BibTeX file: same bytes and diagnostics in 4 MB pieces and in 300-byte pieces")
    func identicalOnEveryFile() throws {
        let files = Self.bibFiles()
        #expect(files.count >= 40, "fixtures not found under \(Self.root.path)")
        var streamedCount = 0
        for path in files {
            for pieceSize in [4 << 20, 300] {
                let r = try Self.convert(path, pieceSize: pieceSize)
                if let streamed = r.streamed {
                    streamedCount += 1
                    #expect(streamed == r.whole, "\(path) in \(pieceSize)-byte pieces: the streamed CSL-JSON differs")
                    #expect(r.streamedDiagnostics == r.wholeDiagnostics, "\(path) in \(pieceSize)-byte pieces: diagnostics differ")
                } else {
                    // Only what the streaming reader documents sends a file down the whole path.
                    let known = ["not BibTeX", "the file is UTF-16", "the file is not UTF-8", "the file is not text", "an entry has no key"]
                    #expect(known.contains { r.reason?.hasPrefix($0) ?? false }, "\(path): \(r.reason ?? "")")
                }
            }
        }
        #expect(streamedCount >= files.count)
    }

    @Test("crossref and xdata parents before and after their children, two levels deep, across pieces")
    func parentsAnywhere() throws {
        let text = """
            @string{pub = {Big Press}}
            @proceedings{early, title = {Early Proceedings}, publisher = pub, year = 2001}
            @inproceedings{a, author = {Ann Author}, title = {A paper}, crossref = {late}, pages = {1--2}}
            @inproceedings{b, author = {Bo Bee}, title = {B paper}, crossref = {EARLY}}
            @xdata{shared, address = {Berlin}, note = {shared note}}
            @book{c, author = {Cy Sea}, title = {C book}, xdata = {shared}}
            @inproceedings{d, author = {Di Dee}, title = {D paper}, crossref = {late}}
            @proceedings{late, title = {Late Proceedings}, crossref = {series}, year = 2003}
            @proceedings{series, title = {Series Proceedings}, editor = {Ed Itor}, publisher = pub, address = {Paris}}
            @misc{e, title = {Dangling}, crossref = {nowhere}}

            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-stream-\(UUID().uuidString).bib").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        for pieceSize in [1 << 20, 200, 80] {
            let r = try Self.convert(path, pieceSize: pieceSize)
            let streamed = try #require(r.streamed, "not streamed: \(r.reason ?? "")")
            #expect(streamed == r.whole, "\(pieceSize)-byte pieces")
            #expect(r.streamedDiagnostics == r.wholeDiagnostics)
            let json = String(decoding: streamed, as: UTF8.self)
            #expect(json.contains("\"container-title\": \"Late Proceedings\""))
            #expect(json.contains("\"container-title\": \"Early Proceedings\""))
            #expect(json.contains("\"publisher-place\": \"Berlin\""))
        }
    }
}
