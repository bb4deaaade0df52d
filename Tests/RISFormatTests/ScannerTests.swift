import BibModel
import Foundation
import Testing

@testable import RISFormat

/// Stage one: bytes → raw records, structure recovery and its diagnostics.
@Suite struct ScannerTests {
    static let body = ["TY  - JOUR", "TI  - A title", "AU  - Doe, Jane", "PY  - 2020", "ER  - "]

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineEndings(_ eol: String) {
        let text = (Self.body + Self.body).joined(separator: eol) + eol
        let (lib, d) = readRIS(text)
        #expect(lib.entries.count == 2)
        #expect(lib.entries[1].title?.plainText == "A title")
        #expect(lib.entries[1].origin?.start.line == 6)
        #expect(d.all.isEmpty)
    }

    @Test func byteOrderMarkIsSkipped() {
        let (lib, d) = readRIS([0xEF, 0xBB, 0xBF] + Array(Self.body.joined(separator: "\r\n").utf8))
        #expect(lib.entries.first?.type.kind == .articleJournal)
        #expect(d.all.isEmpty)
    }

    @Test func latin1IsDecodedWithAWarning() {
        // "Müller, José" and "Ærø" in Windows-1252, plus a curly quote (0x93/0x94).
        var bytes = Array("TY  - JOUR\r\nAU  - M".utf8) + [0xFC] + Array("ller, Jos".utf8) + [0xE9]
        bytes += Array("\r\nTI  - ".utf8) + [0x93, 0xC6, 0x72, 0xF8, 0x94] + Array("\r\nER  - \r\n".utf8)
        let (lib, d) = readRIS(bytes)
        let e = lib.entries.first
        #expect(e?.authors.names.first == PersonName(family: "Müller", given: "José"))
        #expect(e?.title?.plainText == "“Ærø”")
        let w = d.all.filter { $0.code == "ris.latin1" }
        #expect(w.count == 1)
        #expect(w.first?.location?.line == 2)
        #expect(w.first?.severity == .warning)
    }

    @Test func mixedUTF8IsKept() {
        let (lib, d) = readRIS(record("JOUR", "TI  - Ångström – naïve ≠ 東京"))
        #expect(lib.entries.first?.title?.plainText == "Ångström – naïve ≠ 東京")
        #expect(d.all.isEmpty)
    }

    @Test(arguments: [
        ("TY - JOUR", true), ("TY-JOUR", true), ("TY-", true), ("TY-Smith", false), ("ty  - JOUR", true), ("Ty  - JOUR", true), ("TY\t- JOUR", true),
        ("TY  -JOUR", true),
    ])
    func looseTypeLines(_ line: String, accepted: Bool) {
        let (lib, d) = readRIS(line + "\nTI  - T\nER  - \n")
        if accepted {
            #expect(lib.entries.count == 1)
            #expect(lib.entries.first?.title?.plainText == "T")
            if line != "TY  - JOUR" {
                #expect(d.all.contains { $0.code == "ris.loose-tag" && $0.location?.line == 1 })
            }
        } else {
            // Not a tag line: the following tags have no TY.
            #expect(lib.entries.first?.type.original == nil)
        }
    }

    @Test func looseTagsOnlyWhenKnown() {
        // `KW - x` and `a1 - y` are tags; `El-Salhy, M., …` (a wrapped reference), `In - vivo` and
        // `Ab-initio` are not.
        let text = record(
            "JOUR", "TI  - T", "KW - graphs", "a1 - Doe, Jane", "N1  - References: Smith, A., Title (2020);",
            "El-Salhy, M., Other title (2014);", "In - vivo studies", "Ab-initio work")
        let e = readOne(text)
        #expect(e.keywords == ["graphs"])
        #expect(e.authors.names == [PersonName(family: "Doe", given: "Jane")])
        #expect(e.notes.first?.plainText == "References: Smith, A., Title (2020);\nEl-Salhy, M., Other title (2014);\nIn - vivo studies\nAb-initio work")
    }

    @Test func continuationLinesJoinTheField() {
        let text = record("JOUR", "TI  - A long title", "  that wraps", "AB  - First line", "second line", "", "after a blank line")
        let e = readOne(text)
        #expect(e.title?.plainText == "A long title that wraps")
        #expect(e.abstract?.plainText == "First line\nsecond line\n\nafter a blank line")
        var d = Diagnostics()
        let bytes = Array(text.utf8)
        let raw = RISScanner.scan(bytes, lines: LineIndex(file: "f", bytes: bytes), diagnostics: &d)
        let ti = raw.records.first?.fields.first { $0.tag == "TI" }
        #expect(ti?.continuationLines == 1)
        #expect(ti?.line == 2)
        #expect(ti.map { String(decoding: bytes[$0.range], as: UTF8.self) } == "TI  - A long title\r\n  that wraps")
    }

    @Test func blankLinesAndJunkBetweenRecords() {
        let text = "Exported from X\n\n" + Self.body.joined(separator: "\n") + "\n\n\n% comment\n1.\n" + Self.body.joined(separator: "\n")
        let (lib, d) = readRIS(text)
        #expect(lib.entries.count == 2)
        #expect(lib.metadata.comments == ["Exported from X", "% comment\n1."])
        let junk = d.all.filter { $0.code == "ris.outside-record" }
        #expect(junk.map { $0.location?.line } == [1, 10])
    }

    @Test func missingERBeforeNextTY() {
        let text = ["TY  - JOUR", "TI  - First", "TY  - BOOK", "TI  - Second", "ER  - "].joined(separator: "\n")
        let (lib, d) = readRIS(text)
        #expect(lib.entries.map { $0.title?.plainText } == ["First", "Second"])
        let e = d.all.first { $0.code == "ris.missing-er" }
        #expect(e?.severity == .error)
        #expect(e?.location?.line == 3)
        #expect(e?.location?.column == 1)
    }

    @Test func missingERAtEndOfFile() {
        let (lib, d) = readRIS("TY  - JOUR\nTI  - Only\n")
        #expect(lib.entries.first?.title?.plainText == "Only")
        #expect(d.all.contains { $0.code == "ris.missing-er" && $0.severity == .warning && $0.location?.line == 1 })
    }

    @Test func strayTextInsideARecordBecomesANote() {
        let text = ["TY  - JOUR", "TI  - T", "", "some stray words", "PY  - 2020", "ER  - "].joined(separator: "\n")
        let (lib, d) = readRIS(text)
        #expect(lib.entries.first?.notes == ["some stray words"])
        #expect(lib.entries.first?.year == 2020)
        #expect(d.all.contains { $0.code == "ris.stray-text" && $0.location?.line == 4 })
    }

    @Test func textRightAfterTYIsStray() {
        let (lib, d) = readRIS("TY  - JOUR\nnot a tag\nTI  - T\nER  - \n")
        #expect(lib.entries.first?.type.kind == .articleJournal)
        #expect(d.all.contains { $0.code == "ris.stray-text" && $0.location?.line == 2 })
    }

    @Test func recordWithoutTYIsRecovered() {
        let text = "T1  - Orphan title\nAU  - Doe, J.\nER  - \n"
        let (lib, d) = readRIS(text)
        #expect(lib.entries.count == 1)
        #expect(lib.entries.first?.title?.plainText == "Orphan title")
        #expect(lib.entries.first?.type.kind == .document)
        #expect(d.all.contains { $0.code == "ris.missing-ty" && $0.severity == .error && $0.location?.line == 1 })
    }

    @Test func tagsBeforeTYJoinTheNextRecord() {
        // Scopus/CiteSource: `DB` before `TY`.
        let text = "DB  - Scopus\nTY  - JOUR\nTI  - T\nER  - \n"
        let (lib, d) = readRIS(text)
        #expect(lib.entries.count == 1)
        #expect(lib.entries.first?.fields[.archive] == "Scopus")
        #expect(d.all.contains { $0.code == "ris.tag-before-ty" && $0.location?.line == 1 })
    }

    @Test func tagsRightAfterERJoinThePreviousRecord() {
        // Ovid: `NL` after `ER`.
        let text = "TY  - JOUR\nTI  - T\nER  - \nNL  - Clin Psychol\n\nTY  - JOUR\nTI  - U\nER  - \n"
        let (lib, d) = readRIS(text)
        #expect(lib.entries.count == 2)
        #expect(lib.entries[0].extra[FieldKey("ris", "NL")] == "Clin Psychol")
        #expect(lib.entries[1].extra.isEmpty)
        #expect(d.all.contains { $0.code == "ris.tag-after-er" && $0.location?.line == 4 })
    }

    @Test func strayERAndValuedER() {
        let (lib, d) = readRIS("ER  - \nTY  - JOUR\nTI  - T\nER  - end of ref\n")
        #expect(lib.entries.count == 1)
        #expect(d.all.contains { $0.code == "ris.stray-er" && $0.location?.line == 1 })
        #expect(d.all.contains { $0.code == "ris.er-value" && $0.location?.line == 4 })
        #expect(lib.entries.first?.extra[FieldKey("ris", "ER")] == "end of ref")
    }

    @Test func emptyAndBlankInput() throws {
        #expect(readRIS("").0.entries.isEmpty)
        #expect(readRIS("").1.all.isEmpty)
        #expect(readRIS("\n\n  \r\n").1.all.isEmpty)
        let (_, d) = readRIS("just some text\n")
        #expect(d.all.contains { $0.code == "ris.no-records" })
    }

    @Test func binaryInputIsFatal() {
        var d = Diagnostics()
        #expect(throws: FatalReadError.self) {
            _ = try RISReader().read([0x00, 0x01, 0x02, 0x54, 0x59], source: "b", options: ReadOptions(), diagnostics: &d)
        }
    }

    @Test func webOfScienceTaggedFormatIsNamed() {
        let (lib, d) = readRIS("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\nTI A title\nER\nEF\n")
        #expect(lib.entries.isEmpty)
        #expect(d.all.contains { $0.code == "ris.wos-tagged" })
    }

    @Test func medlineTagInsideARecord() {
        let (lib, d) = readRIS(record("JOUR", "TI  - T", "PMID - 12345678"))
        #expect(lib.entries.first?.identifier(.pmid) == "12345678")
        #expect(d.all.contains { $0.code == "ris.medline-tag" })
    }

    @Test func typeLinesCounted() {
        var d = Diagnostics()
        let bytes = Array("TY  - JOUR\nty - BOOK\nER  - \n".utf8)
        let raw = RISScanner.scan(bytes, lines: LineIndex(file: "f", bytes: bytes), diagnostics: &d)
        #expect(raw.typeLines == 2)
        #expect(raw.records.count == 2)
        #expect(raw.records[0].closed == false)
        #expect(raw.records[1].closed == true)
    }

    /// No input crashes the reader: random bytes, and corpus-like lines cut and shuffled.
    @Test func noCrashOnArbitraryInput() {
        var rng = SplitMix(seed: 42)
        let pieces = [
            "TY  - ", "JOUR", "ER  - ", "AU  - ", ",", ";", "\r\n", "\n", "\r", " ", "-", "SP  - 12-", "DA  - 2020/13/",
            "PY  - ///", "\u{FEFF}", "ty -", "KW -", "N1  - bibkit:", "ris:TY: ", "bibkit:date.issued: ../", "PMID - ",
            "<i>", "</span>", "10.", "/", "Y1  - 4-8 Aug.", "DA  - SEP 31", "T2  - ", "JA  - ", "et al.", "SN  - 978",
            "\u{00E9}", "L1  - internal-pdf://", "UR  - https://doi.org/10.1/x", "N1  - bibkit:et-al: author",
        ]
        for _ in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(rng.next() % 60) {
                if rng.next() % 5 == 0 {
                    bytes.append(UInt8(truncatingIfNeeded: rng.next()))
                } else {
                    bytes += Array(pieces[Int(rng.next() % UInt64(pieces.count))].utf8)
                }
            }
            bytes.removeAll { $0 == 0 }
            let (lib, _) = readRIS(bytes)
            let (text, _) = writeRIS(lib)
            #expect(readRIS(Array(text.utf8)).0.entries.count == lib.entries.count)
        }
    }
}

extension ScannerTests {
    /// Real files with random cuts, insertions and repeated lines: still no crash, and the
    /// written RIS reads back to the same number of records.
    @Test(arguments: DialectTests.names)
    func noCrashOnMutatedFixtures(_ name: String) throws {
        let original = Array(try Data(contentsOf: Env.fixtures.appendingPathComponent("dialects/\(name).ris")))
        var rng = SplitMix(seed: UInt64(name.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) }))
        for _ in 0..<150 {
            var bytes = original
            for _ in 0..<Int(1 + rng.next() % 6) {
                guard !bytes.isEmpty else { break }
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 4 {
                case 0: bytes.removeSubrange(at..<min(bytes.count, at + Int(rng.next() % 12)))
                case 1: bytes.insert(UInt8(truncatingIfNeeded: rng.next() | 1), at: at)
                case 2: bytes.insert(contentsOf: Array(["\r\n", "TY  - ", "ER  - ", "\n\n", "AU  - ", "DA  - 2020/"][Int(rng.next() % 6)].utf8), at: at)
                default:
                    let end = min(bytes.count, at + Int(rng.next() % 40))
                    bytes.insert(contentsOf: Array(bytes[at..<end]), at: at)
                }
            }
            let (lib, _) = readRIS(bytes)
            let (text, _) = writeRIS(lib)
            #expect(readRIS(Array(text.utf8)).0.entries.count == lib.entries.count)
        }
    }
}

/// A small deterministic generator for fuzzing.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
