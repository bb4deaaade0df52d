import BibModel
import Foundation
import Testing

@testable import RISFormat

/// The whole-file reader maps each record as soon as the scanner has it complete
/// (``RISScanner/scan(_:lines:diagnostics:each:)``) instead of scanning the whole file
/// first: the records handed over must be those of a whole scan (tag lines after an `ER`
/// included), and the library and diagnostics those of mapping the whole scan in order.
@Suite struct RecordHandOffTests {
    /// Every `.ris` of the fixtures and of the shared corpus, and some awkward texts.
    static func inputs() throws -> [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for dir in [Env.fixtures, Env.corpus] {
            guard let walker = FileManager.default.enumerator(atPath: dir.path) else { continue }
            for case let rel as String in walker where rel.hasSuffix(".ris") {
                out.append((rel, Array(try Data(contentsOf: dir.appendingPathComponent(rel)))))
            }
        }
        let texts = [
            "TY  - JOUR\nTI  - One\nER  - \nNL  - after ER\nTY  - BOOK\nTI  - Two\nER  - \n",
            "AU  - Orphan, A.\nTY  - JOUR\nTI  - Three\nER  - \nTI  - no TY\nAU  - Doe, J.\nER  - \n",
            "junk before\nTY  - JOUR\nTI  - Four\n\nTY  - GEN\nTI  - unclosed\n",
            "TY  - JOUR\nER  - \n",
            "", "not RIS at all\n",
        ]
        for (i, text) in texts.enumerated() { out.append(("text \(i)", Array(text.utf8))) }
        return out
    }

    static func describe(_ diagnostics: Diagnostics) -> [String] {
        diagnostics.all.map { "\($0.severity) \($0.code) \($0.location?.description ?? "-") \($0.entryKey ?? ""): \($0.message)" }
    }

    @Test func handedRecordsAreTheWholeScansRecords() throws {
        let inputs = try Self.inputs()
        #expect(inputs.count >= 20, "fixtures not found under \(Env.fixtures.path)")
        var handedTotal = 0
        for (name, bytes) in inputs {
            let lines = LineIndex(file: name, bytes: bytes)
            var wholeDiagnostics = Diagnostics()
            let whole = RISScanner.scan(bytes, lines: lines, diagnostics: &wholeDiagnostics)
            var handed: [RISRawRecord] = []
            var diagnostics = Diagnostics()
            let rest = RISScanner.scan(bytes, lines: lines, diagnostics: &diagnostics) { handed.append($0) }
            handedTotal += handed.count
            #expect(handed == whole.records, "\(name): the records handed over differ")
            #expect(rest.records.map(\.fields.isEmpty).allSatisfy { $0 }, "\(name): fields kept")
            #expect(rest.records.map(\.range) == whole.records.map(\.range), "\(name)")
            #expect(rest.outside == whole.outside, "\(name)")
            #expect(Self.describe(diagnostics) == Self.describe(wholeDiagnostics), "\(name): scan diagnostics differ")

            // The reader: the entries and diagnostics of mapping the whole scan in order (for
            // input it scans as it is: no UTF-16, no NUL bytes, text).
            if TextDecoding.hasUTF16ByteOrderMark(bytes) || bytes.contains(0) || TextDecoding.looksBinary(bytes) { continue }
            var expectedDiagnostics = wholeDiagnostics
            let expected = whole.records.map { RISRecordMapper.map($0, lines: lines, diagnostics: &expectedDiagnostics) }
            var readDiagnostics = Diagnostics()
            let library = try RISReader().read(bytes, source: name, options: ReadOptions(), diagnostics: &readDiagnostics)
            #expect(library.entries == expected, "\(name): entries differ")
            let mapped = Self.describe(expectedDiagnostics)
            let read = Self.describe(readDiagnostics)
            // The reader may add its own notes after the mapping's (no records, …), never before.
            #expect(Array(read.prefix(mapped.count)) == mapped, "\(name): diagnostics differ")
        }
        #expect(handedTotal >= 100)
    }
}
