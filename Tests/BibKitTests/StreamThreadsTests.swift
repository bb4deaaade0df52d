import Foundation
import Testing

@testable import BibKit

/// ``Pipeline/streamConvert`` on two threads (one reads and maps, the calling one writes)
/// gives exactly what it gives on one: the same bytes, the same diagnostics in the same
/// order, the same outcome (entries written, the reason for the whole-file path, the error
/// thrown), on the corpus, on a generated file cut into many pieces, and when the writer
/// refuses, the reader stops or reading or writing fails part-way.
@Suite struct StreamThreadsTests {
    /// What one streamed conversion gave.
    struct Run: Equatable, CustomStringConvertible {
        var outcome: String
        var bytes: [UInt8]?
        var diagnostics: [String]

        var description: String { "\(outcome); \(diagnostics.count) diagnostics; \(bytes?.count ?? -1) bytes" }
    }

    /// Diagnostics as lines, in their order.
    static func lines(_ diagnostics: Diagnostics) -> [String] {
        diagnostics.all.map { d in
            "\(d.severity) \(d.code) \(d.location.map { "\($0.file):\($0.line):\($0.column)@\($0.offset)" } ?? "-") \(d.entryKey ?? "") \(d.field ?? ""): \(d.message) \(d.notes)"
        }
    }

    /// Streams `path` to `target` with `threads` threads into a fresh temporary file (or
    /// into `output` when given), and says what came of it.
    static func stream(
        _ path: String, as format: FormatID? = nil, to target: FormatID, pieceSize: Int, threads: Int,
        readOptions: ReadOptions = ReadOptions(), output: FileIO.PieceWriter? = nil
    ) throws -> Run {
        let pipeline = Pipeline(readOptions: readOptions)
        let input = InputSpec(path: path, format: format)
        let plugin: FormatPlugin
        if let format {
            plugin = try FormatRegistry.plugin(named: format.rawValue, for: .read)
        } else {
            plugin = try Pipeline.detectFormat(of: input, bytes: FileIO.readPrefix(path: path, count: 64 * 1024))
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-threads-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let writer = try output ?? FileIO.PieceWriter(path: out)
        var diagnostics = Diagnostics()
        do {
            let outcome = try pipeline.streamConvert(
                input, as: plugin, to: target, output: writer, pieceSize: pieceSize, threads: threads,
                diagnostics: &diagnostics)
            switch outcome {
            case .converted(let entries):
                try writer.commit()
                return Run(outcome: "converted \(entries)", bytes: try FileIO.read(path: out), diagnostics: lines(diagnostics))
            case .needsWholeFile(let reason):
                writer.abort()
                return Run(outcome: "whole file: \(reason)", bytes: nil, diagnostics: lines(diagnostics))
            }
        } catch {
            writer.abort()
            return Run(outcome: "threw \(error)", bytes: nil, diagnostics: lines(diagnostics))
        }
    }

    /// One thread against two on the same input; returns the one-thread run.
    @discardableResult
    static func expectSame(
        _ path: String, as format: FormatID? = nil, to target: FormatID, pieceSize: Int,
        readOptions: ReadOptions = ReadOptions(), sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> Run {
        let one = try stream(path, as: format, to: target, pieceSize: pieceSize, threads: 1, readOptions: readOptions)
        let two = try stream(path, as: format, to: target, pieceSize: pieceSize, threads: 2, readOptions: readOptions)
        #expect(one.outcome == two.outcome, "\(path) → \(target), \(pieceSize)-byte pieces", sourceLocation: sourceLocation)
        #expect(one.bytes == two.bytes, "\(path) → \(target), \(pieceSize)-byte pieces: output", sourceLocation: sourceLocation)
        #expect(
            one.diagnostics == two.diagnostics, "\(path) → \(target), \(pieceSize)-byte pieces: diagnostics or their order",
            sourceLocation: sourceLocation)
        return one
    }

    static func temporaryFile(_ bytes: [UInt8], suffix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-threads-\(UUID().uuidString)\(suffix)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A generated BibTeX file of `count` entries with `@string`s, crossref parents and a
    /// warning every 7th entry (a duplicate key, an undefined macro, unbalanced braces), so
    /// that diagnostics come from the reader and from the writer in many pieces.
    static func generated(_ count: Int, tail: String = "") -> String {
        var text = "% generated for StreamThreadsTests\n@string{jt = {Journal of Threads}}\n"
        text += "@proceedings{conf, title = {Proceedings of Overlap}, year = 2020, publisher = {Press}}\n"
        for i in 0..<count {
            let key = i % 7 == 3 ? "dup" : "e\(i)"
            switch i % 5 {
            case 0:
                text += "@article{\(key), author = {Ann Author\(i) and Bo B{\\\"e}e}, title = {On {T}hreads \(i)}, journal = jt, year = \(1990 + i % 30), month = mar, pages = {\(i)--\(i + 9)}, doi = {10.1000/x\(i)}}\n"
            case 1:
                text += "@inproceedings{\(key), author = {Cy Sea}, title = {Paper \(i)}, crossref = {conf}, pages = {1-2}}\n"
            case 2:
                text += "@book{\(key), editor = {Ed Itor}, title = {Book \(i)}, publisher = undefined\(i % 3), year = 2001, note = {caf\\'e}}\n"
            case 3:
                text += "@misc{\(key), title = {Misc \(i) {unbalanced}, howpublished = {\\url{https://example.org/\(i)}}}\n"
            default:
                text += "@phdthesis{\(key), author = {Di Dee}, title = {Thesis \(i)}, school = {Uni}, year = 2019, keywords = {a, b; c}}\n"
            }
        }
        return text + tail
    }

    @Test("every corpus BibTeX file → CSL-JSON (1 MB pieces) and → BibTeX (300-byte pieces): one thread and two alike")
    func corpusBibTeX() throws {
        let files = StreamingTests.bibFiles()
        #expect(files.count >= 40, "fixtures not found")
        var withDiagnostics = 0
        for path in files {
            let a = try Self.expectSame(path, to: .cslJSON, pieceSize: 1 << 20)
            let b = try Self.expectSame(path, to: .bibtex, pieceSize: 300)
            if !a.diagnostics.isEmpty || !b.diagnostics.isEmpty { withDiagnostics += 1 }
        }
        #expect(withDiagnostics >= 20, "the corpus should give diagnostics to compare")
    }

    @Test("every corpus RIS file → RIS (1 MB pieces) and → BibTeX (200-byte pieces): one thread and two alike")
    func corpusRIS() throws {
        let files = StreamingTests.risFiles()
        #expect(files.count >= 40, "RIS fixtures not found")
        for path in files {
            try Self.expectSame(path, to: .ris, pieceSize: 1 << 20)
            try Self.expectSame(path, to: .bibtex, pieceSize: 200)
        }
    }

    @Test("a generated file of 600 entries in pieces of 1 kB, 4 kB and 1 MB: many pieces cross the queue", arguments: [FormatID.cslJSON, .bibtex, .biblatex, .ris])
    func generatedManyPieces(target: FormatID) throws {
        let path = try Self.temporaryFile(Array(Self.generated(600).utf8), suffix: ".bib")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for pieceSize in [1024, 4096, 1 << 20] {
            let run = try Self.expectSame(path, to: target, pieceSize: pieceSize)
            #expect(run.outcome == "converted 601", "\(pieceSize)")
            #expect(run.diagnostics.contains { $0.contains("bibtex.duplicate-key") })
            #expect(run.diagnostics.contains { $0.contains("bibtex.undefined-macro") })
        }
    }

    @Test("the writer refuses part-way (an entry without a key, a macro redefined after its use): the same refusal on two threads")
    func writerRefusesPartWay() throws {
        let keyless = try Self.temporaryFile(
            Array(Self.generated(400, tail: "@article{, title = {No key}, year = 2001}\n@misc{last, title = {Last}}\n").utf8),
            suffix: ".bib")
        let redefined = try Self.temporaryFile(
            Array(Self.generated(400, tail: "@string{jt = {Journal Renamed}}\n@misc{last, title = {Last}}\n").utf8),
            suffix: ".bib")
        defer {
            try? FileManager.default.removeItem(atPath: keyless)
            try? FileManager.default.removeItem(atPath: redefined)
        }
        for pieceSize in [512, 8192] {
            for target in [FormatID.bibtex, .biblatex] {
                let a = try Self.expectSame(keyless, to: target, pieceSize: pieceSize)
                #expect(a.outcome.hasPrefix("whole file: an entry has no key"), "\(a)")
                let b = try Self.expectSame(redefined, to: target, pieceSize: pieceSize)
                #expect(b.outcome == "whole file: a macro is defined or changed after an entry that uses it", "\(b)")
            }
            // CSL-JSON wants a key too (the writer refuses entry by entry, without a batch).
            let c = try Self.expectSame(keyless, to: .cslJSON, pieceSize: pieceSize)
            #expect(c.outcome.hasPrefix("whole file: an entry has no key"), "\(c)")
        }
    }

    @Test("a refusal in the first piece of a file of many small pieces: the reading thread stops, nothing hangs")
    func earlyRefusalStopsTheReader() throws {
        let text = "@article{, title = {No key first}}\n" + Self.generated(800)
        let path = try Self.temporaryFile(Array(text.utf8), suffix: ".bib")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Self.expectSame(path, to: .bibtex, pieceSize: 64)
        #expect(run.outcome.hasPrefix("whole file: an entry has no key"), "\(run)")
    }

    @Test("the reader stops part-way (NUL bytes after many pieces, BibTeX and RIS): the same stop on two threads")
    func readerStopsPartWay() throws {
        var bib = Array(Self.generated(300).utf8)
        bib += Array("@misc{nul, title = {A NUL ".utf8) + [0] + Array("here}}\n".utf8)
        var ris: [UInt8] = []
        for i in 0..<300 { ris += Array("TY  - JOUR\r\nID  - r\(i)\r\nTI  - Record \(i)\r\nAU  - Smith, Ann\r\nPY  - 2001\r\nER  - \r\n".utf8) }
        ris += Array("TY  - JOUR\r\nID  - nul\r\nTI  - A NUL ".utf8) + [0] + Array("\r\nER  - \r\n".utf8)
        let bibPath = try Self.temporaryFile(bib, suffix: ".bib")
        let risPath = try Self.temporaryFile(ris, suffix: ".ris")
        defer {
            try? FileManager.default.removeItem(atPath: bibPath)
            try? FileManager.default.removeItem(atPath: risPath)
        }
        for pieceSize in [700, 1 << 20] {
            for target in [FormatID.cslJSON, .bibtex] {
                let a = try Self.expectSame(bibPath, to: target, pieceSize: pieceSize)
                #expect(a.outcome == "whole file: the file has NUL bytes", "\(a)")
                let b = try Self.expectSame(risPath, to: target, pieceSize: pieceSize)
                #expect(b.outcome == "whole file: the file has NUL bytes", "\(b)")
            }
        }
    }

    @Test("reading fails (no such file, a directory) or writing fails: the same error thrown on two threads")
    func errorsThrown() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-threads-missing-\(UUID().uuidString).bib").path
        let a = try Self.expectSame(missing, as: .bibtex, to: .cslJSON, pieceSize: 1 << 20)
        #expect(a.outcome.hasPrefix("threw cannot read"), "\(a)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-threads-dir-\(UUID().uuidString).bib")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let b = try Self.expectSame(dir.path, as: .ris, to: .ris, pieceSize: 1 << 20)
        #expect(b.outcome.hasPrefix("threw cannot read"), "\(b)")

        // An output that can no longer be written: the first piece's write fails.
        let path = try Self.temporaryFile(Array(Self.generated(200).utf8), suffix: ".bib")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var outcomes: [String] = []
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-threads-\(UUID().uuidString).json").path
        for threads in [1, 2] {
            let closed = try FileIO.PieceWriter(path: out)
            closed.abort()
            let run = try Self.stream(path, to: .cslJSON, pieceSize: 1024, threads: threads, output: closed)
            outcomes.append(run.outcome)
        }
        #expect(outcomes[0] == outcomes[1])
        #expect(outcomes[0].hasPrefix("threw cannot write"), "\(outcomes[0])")
    }

    @Test("the default: two threads for BibTeX and BibLaTeX output (on two processors or more), one for CSL-JSON and RIS")
    func defaultThreads() {
        let pipeline = Pipeline()
        let two = min(2, Pipeline.availableProcessors)
        #expect(pipeline.defaultStreamThreads(to: .bibtex) == two)
        #expect(pipeline.defaultStreamThreads(to: .biblatex) == two)
        #expect(pipeline.defaultStreamThreads(to: .cslJSON) == 1)
        #expect(pipeline.defaultStreamThreads(to: .ris) == 1)
        #expect(pipeline.defaultStreamThreads(to: .jats) == 1, "JATS does not stream")
    }

    @Test("the processors allowed, from /proc/self/status: ranges, single ones, nothing readable")
    func allowedProcessors() {
        #expect(Pipeline.allowedProcessors(inStatus: "Name:\tbibkit\nCpus_allowed_list:\t0-3,8,10-11\nMems_allowed:\t1\n") == 7)
        #expect(Pipeline.allowedProcessors(inStatus: "Cpus_allowed_list:\t0\n") == 1)
        #expect(Pipeline.allowedProcessors(inStatus: "Cpus_allowed_list:\t0-1") == 2)
        #expect(Pipeline.allowedProcessors(inStatus: "Cpus_allowed:\t3\n") == nil)
        #expect(Pipeline.allowedProcessors(inStatus: "Cpus_allowed_list:\t3-1\n") == nil)
        #expect(Pipeline.allowedProcessors(inStatus: "Cpus_allowed_list:\tx\n") == nil)
        #expect(Pipeline.allowedProcessors(inStatus: "Cpus_allowed_list:\t\n") == nil)
        #expect(Pipeline.availableProcessors >= 1)
    }

    @Test("read options that need the whole file: the same answer on two threads")
    func optionsNeedWholeFile() throws {
        let path = try Self.temporaryFile(Array(Self.generated(20).utf8), suffix: ".bib")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Self.expectSame(
            path, to: .cslJSON, pieceSize: 1 << 20, readOptions: ReadOptions(inheritCrossReferences: false))
        #expect(run.outcome == "whole file: the read options need the whole file")
    }

    @Test("the hand-over queue: items in order, a full queue waits, close releases a waiting producer, what is given back comes back")
    func queue() throws {
        let queue = PieceQueue<Int, [Int]>(capacity: 2)
        let producer = try #require(
            WorkerThread.start {
                defer { queue.finishProducing() }
                for i in 0..<1000 where !queue.put(i) { return }
            })
        var taken: [Int] = []
        while let i = queue.take() {
            taken.append(i)
            if i % 100 == 99 { queue.giveBack(Array(i - 99...i)) }
        }
        producer.join()
        #expect(taken == Array(0..<1000))
        // What the consumer gave back comes back whole, in order, once.
        #expect(queue.takeReturned().flatMap { $0 } == Array(0..<1000))
        #expect(queue.takeReturned().isEmpty)

        // The consumer stops after 3 items: the producer, blocked on the full queue, is let go.
        let stopped = PieceQueue<Int, [Int]>(capacity: 1)
        let refused = Refusals()
        let second = try #require(
            WorkerThread.start {
                defer { stopped.finishProducing() }
                for i in 0..<1000 where !stopped.put(i) {
                    refused.set(i)
                    return
                }
            })
        var first: [Int] = []
        while first.count < 3, let i = stopped.take() { first.append(i) }
        stopped.close()
        second.join()
        #expect(first == [0, 1, 2])
        #expect(refused.value.map { $0 >= 3 && $0 <= 4 } == true, "the producer stopped at \(refused.value.map(String.init) ?? "no item")")
        #expect(!stopped.put(7))
    }

    /// The item a producer could not put (written on its thread, read after the join).
    /// `@unchecked Sendable`: `stored` is only read or written with `lock` held.
    final class Refusals: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Int?
        func set(_ i: Int) { lock.withLock { stored = i } }
        var value: Int? { lock.withLock { stored } }
    }
}
