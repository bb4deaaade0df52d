import BibModel
import Foundation
import Testing

@testable import ProfileTextFormat
import TestSupport

/// Line endings, encodings, damaged blocks, counts, empty and header-less input.
@Suite struct RobustnessTests {
    /// Replaces every `\n` of a byte array.
    static func replacingNewlines(_ bytes: [UInt8], with ending: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 20)
        for b in bytes {
            if b == 0x0A { out.append(contentsOf: ending) } else { out.append(b) }
        }
        return out
    }

    @Test(arguments: [("CRLF", [UInt8]([0x0D, 0x0A])), ("CR", [UInt8]([0x0D]))])
    func lineEndingsGiveTheSameLibrary(_ name: String, _ ending: [UInt8]) {
        let lf = Support.bytes(Support.sampleURL)
        let other = Self.replacingNewlines(lf, with: ending)
        #expect(other.count > lf.count || ending.count == 1)
        let a = Support.read(bytes: lf)
        let b = Support.read(bytes: other)
        #expect(b.entries.count == 24)
        #expect(a.library == b.library, "\(name) copy differs")
        // Entry equality ignores origins; check every field that matters explicitly too.
        for (x, y) in zip(a.entries, b.entries) {
            #expect(x.title == y.title)
            #expect(x.abstract == y.abstract)
            #expect(x.links == y.links)
            #expect(x.keywords == y.keywords)
            #expect(x.origin?.start.line == y.origin?.start.line)
            #expect(x.origin?.start.column == y.origin?.start.column)
        }
        #expect(b.diagnostics.isEmpty)
    }

    @Test func crlfGivesTheSameDiagnostics() {
        let lf = Support.bytes(Support.fixture("broken-papers.txt"))
        let a = Support.read(bytes: lf)
        let b = Support.read(bytes: Self.replacingNewlines(lf, with: [0x0D, 0x0A]))
        #expect(a.library == b.library)
        #expect(a.diagnostics.count == 5)
        #expect(a.diagnostics.map { [$0.code, $0.message, "\($0.location?.line ?? 0):\($0.location?.column ?? 0)"] }
            == b.diagnostics.map { [$0.code, $0.message, "\($0.location?.line ?? 0):\($0.location?.column ?? 0)"] })
    }

    @Test func byteOrderMarkTrailingBlanksAndExtraBlankLines() throws {
        let r = Support.read(bytes: Support.bytes(Support.fixture("messy.txt")), source: "messy.txt")
        #expect(r.library.metadata.title == "Max Zimmer")
        #expect(r.library.metadata.properties[FieldKey("profile", "subject")] == "LG")
        #expect(r.library.metadata.properties[FieldKey("profile", "h-index")] == "29")
        #expect(r.entries.count == 3)

        let first = r.entries[0]
        #expect(first.title?.plainText == "When Does Sparsity Mitigate the Curse of Depth in LLMs", "wrapped title joined with a space")
        #expect(first.authors.names.map(\.displayName) == ["Dilxat Muhtar", "Xinyuan Song", "Sebastian Pokutta"])
        #expect(first.authors.truncated)
        #expect(first.abstract?.plainText == "Recent work has demonstrated the curse of depth. Code is available at https://github.com/pUmpKin-Co/SparsityAndCoD.")
        #expect(first.links == [Link("https://github.com/pUmpKin-Co/SparsityAndCoD", kind: .code)])
        #expect(first.profile("score") == "99.8")

        let second = r.entries[1]
        #expect(second.profile("subject") == nil, "no subject")
        #expect(second.profile("score") == nil, "no score")
        #expect(second.keywords.isEmpty)
        #expect(second.issued == .typed(BibDate(year: 2022, month: 6, day: 1)))
        #expect(second.abstract == nil, "missing abstract: the next paper follows")
        #expect(second.authors.names.first?.family == "Wäldchen".precomposedStringWithCanonicalMapping)

        let third = r.entries[2]
        #expect(third.title?.plainText == "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging")
        #expect(third.authors.names.count == 3)
        #expect(third.abstract == nil)
        #expect(third.origin?.start.line == 30)
        #expect(third.origin?.start.column == 4, "columns count bytes; the meta line is indented")

        // Only the count differs from the header; nothing else is reported.
        #expect(r.codes() == ["profile.count-mismatch"])
    }

    @Test func brokenBlocksAreReportedAndTheRestConverts() throws {
        let r = Support.read(bytes: Support.bytes(Support.fixture("broken-papers.txt")), source: "broken-papers.txt")
        #expect(r.entries.map { $0.title?.plainText ?? "-" } == [
            "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging",
            "A Paper Whose Month Is Misspelt",
            "A Paper Whose Day Does Not Exist",
            "Compression-aware Training of Neural Networks using Frank-Wolfe",
            "Deep Neural Network Training with Frank-Wolfe",
        ])
        // In source order: the heading's count first.
        #expect(r.codes(atLeast: .warning) == [
            "profile.count-mismatch", "profile.bad-meta-line", "profile.bad-date", "profile.missing-authors",
            "profile.missing-title",
        ])
        let located = r.diagnostics.filter { $0.severity >= .warning }.map { ($0.code, $0.location?.line, $0.location?.column) }
        #expect(located.map(\.1) == [7, 16, 21, 26, 31])
        #expect(located.map(\.2) == [1, 3, 3, 1, 1])
        #expect(r.diagnostics.filter { $0.severity == .error }.count == 4)
        for d in r.diagnostics where d.severity >= .warning {
            #expect(d.location?.file == "broken-papers.txt")
        }
        #expect(r.with("profile.bad-meta-line").first?.severity == .error)
        #expect(r.with("profile.bad-date").first?.message == "no such day: Jun 45, 2023")
        #expect(r.with("profile.missing-title").first?.message.contains("skipped") == true)
        let mismatch = try #require(r.with("profile.count-mismatch").first)
        #expect(mismatch.severity == .warning)
        #expect(mismatch.message.contains("6") && mismatch.message.contains("5") && mismatch.message.contains("line 7"))

        // Damaged papers keep what they have.
        let misspelt = r.entries[1]
        #expect(misspelt.issued == .raw("Jux 12"))
        #expect(misspelt.profile("subject") == "LG")
        #expect(misspelt.authors.names.count == 2)
        let badDay = r.entries[2]
        #expect(badDay.issued == .raw("Jun 45, 2023"))
        #expect(badDay.profile("date") == nil)
        #expect(badDay.authors.truncated)
        let noAuthors = r.entries[3]
        #expect(noAuthors.contributors[.author] == nil)
        #expect(noAuthors.abstract?.plainText.hasPrefix("Many existing Neural Network pruning approaches") == true)
        #expect(noAuthors.issued == .typed(BibDate(year: 2022, month: 5, day: 24)))
        let good = r.entries[4]
        #expect(good.abstract?.inlines.contains(.math("L^2")) == true)
        #expect(good.authors.names.count == 3)
    }

    @Test func countMismatchNamesBothNumbersAndTheHeading() throws {
        let text = "Ada Lovelace\n\n3papers\n\n3 Papers\n\nLGJun 1, 2022\nA Title\n\nAda Lovelace\n"
        let r = Support.read(text)
        #expect(r.entries.count == 1)
        let d = try #require(r.with("profile.count-mismatch").first)
        #expect(r.with("profile.count-mismatch").count == 1, "the statistic agrees with the heading: one warning")
        #expect(d.message == "the heading “3 Papers” on line 5 announces 3 papers but 1 were found")
        #expect(d.location?.line == 5)

        let disagreeing = Support.read("Ada\n\n2papers\n\n3 Papers\n\nLGJun 1, 2022\nA Title\n\nAda Lovelace\n")
        #expect(disagreeing.with("profile.count-mismatch").map { $0.location?.line } == [3, 5])

        let statOnly = Support.read("Ada\n\n2papers\n\nLGJun 1, 2022\nA Title\n\nAda Lovelace\n")
        #expect(statOnly.with("profile.count-mismatch").map { $0.location?.line } == [3])

        let agreeing = Support.read("Ada\n\n1papers\n\n1 Paper\n\nLGJun 1, 2022\nA Title\n\nAda Lovelace\n")
        #expect(agreeing.diagnostics.isEmpty)
    }

    @Test(arguments: ["", "\n\n\n", "\u{FEFF}", " \t \r\n\r\n"])
    func emptyInputIsAWarning(_ text: String) {
        let r = Support.read(text)
        #expect(r.entries.isEmpty)
        #expect(r.library.metadata == CollectionMetadata())
        #expect(r.codes() == ["profile.no-papers"])
        #expect(r.diagnostics.first?.severity == .warning)
    }

    @Test func headerWithoutPapers() {
        let r = Support.read("Max Zimmer\n\nh-index29\n24papers\n\n24 Papers\n")
        #expect(r.entries.isEmpty)
        #expect(r.library.metadata.title == "Max Zimmer")
        #expect(r.codes() == ["profile.no-papers", "profile.count-mismatch"])
    }

    @Test func missingHeader() throws {
        let text = """
            LGJun 29, 2023
            Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging

            Max Zimmer, Christoph Spiegel, Sebastian Pokutta

            Neural networks can be significantly compressed by pruning.

            97.5NEMay 19
            What Do Evolutionary Coding Agents Evolve?

            Nico Pelleriti, Sree Harsha Nelaturu, Zhanke Zhou et al.
            """
        let r = Support.read(text)
        #expect(r.diagnostics.isEmpty)
        #expect(r.entries.count == 2)
        #expect(r.library.metadata.title == nil)
        #expect(r.library.metadata.owner == nil)
        #expect(r.library.metadata.properties.isEmpty)
        #expect(r.entries[1].abstract == nil)
        #expect(r.entries[1].authors.truncated)
    }

    @Test func unknownHeaderLinesAreKeptAsComments() {
        let r = Support.read("Max Zimmer\nZuse Institute Berlin\n\nh-index29\nh-index30\n\nLGJun 1, 2022\nA Title\n\nAda Lovelace\n")
        #expect(r.library.metadata.title == "Max Zimmer")
        #expect(r.library.metadata.comments == ["Zuse Institute Berlin"])
        #expect(r.library.metadata.properties[FieldKey("profile", "h-index")] == "29")
        #expect(r.codes() == ["profile.unknown-header-line", "profile.duplicate-header-line"])
        #expect(r.diagnostics.map { $0.location?.line } == [2, 5])
    }

    @Test func unknownSubjectIsKeptRaw() throws {
        let r = Support.read("ZZJun 1, 2022\nA Title\n\nAda Lovelace\n")
        let e = try #require(r.entries.first)
        #expect(e.profile("subject") == "ZZ")
        #expect(e.keywords.isEmpty)
        #expect(r.codes() == ["profile.unknown-subject"])
        #expect(r.diagnostics.first?.severity == .note)
        #expect(r.diagnostics.first?.location?.column == 1)
    }

    @Test func unknownFlagsAreKeptAndNoted() throws {
        let r = Support.read("LGJun 1, 2022CodeSlides\nA Title\n\nAda Lovelace\n")
        let e = try #require(r.entries.first)
        #expect(Array(e.extra.keys.map(\.name)) == ["subject", "code", "flags"])
        #expect(e.profile("flags") == "Slides")
        #expect(r.codes() == ["profile.unknown-flag"])
        #expect(r.diagnostics.first?.location?.column == 18)
    }

    @Test func invalidDateKeepsThePaper() throws {
        let r = Support.read("LGJun 31\nA Title\n\nAda Lovelace\n\nAn abstract.\n")
        let e = try #require(r.entries.first)
        #expect(e.issued == .raw("Jun 31"))
        #expect(e.title?.plainText == "A Title")
        let d = try #require(r.with("profile.bad-date").first)
        #expect(d.severity == .error)
        #expect(d.message == "no such day: Jun 31")
        #expect(d.location?.line == 1)
        #expect(d.location?.column == 3)
        #expect(d.field == "issued")
    }

    @Test func invalidUTF8IsReplacedAndReported() throws {
        var bytes = Array("Max Zimmer\n\nLGJun 1, 2022\nA Ti".utf8)
        bytes.append(0xFF)
        bytes.append(contentsOf: Array("tle\n\nAda Lov".utf8))
        bytes.append(0xC3)  // a truncated two-byte sequence
        bytes.append(contentsOf: Array("elace\n".utf8))
        let r = Support.read(bytes: bytes)
        let e = try #require(r.entries.first)
        #expect(e.title?.plainText == "A Ti\u{FFFD}tle")
        #expect(e.authors.names.first?.family == "Lov\u{FFFD}elace")
        let warnings = r.with("profile.invalid-utf8")
        #expect(warnings.map { $0.location?.line } == [4, 6])
        #expect(warnings.map { $0.location?.column } == [5, 8])
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }

    @Test func nulBytesAreDroppedAndReported() throws {
        var bytes = Array("LGJun 1, 2022\nA Ti".utf8)
        bytes.append(0)
        bytes.append(contentsOf: Array("tle\n\nAda Lovelace\n\u{0}\n".utf8))
        let r = Support.read(bytes: bytes)
        let e = try #require(r.entries.first)
        #expect(e.title?.plainText == "A Title")
        #expect(e.authors.names.count == 1)
        #expect(r.with("profile.nul-byte").map { $0.location?.line } == [2, 5])
    }

    @Test func utf16IsTranscoded() throws {
        let text = "Max Zimmer\n\nLGJun 29, 2023\nSparse Model Soups\n\nMax Zimmer, Christoph Spiegel\n"
        for (bom, littleEndian) in [(true, true), (true, false), (false, true)] {
            var bytes: [UInt8] = bom ? (littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]) : []
            for unit in text.utf16 {
                let lo = UInt8(unit & 0xFF)
                let hi = UInt8(unit >> 8)
                bytes.append(contentsOf: littleEndian ? [lo, hi] : [hi, lo])
            }
            let r = Support.read(bytes: bytes)
            #expect(r.entries.first?.title?.plainText == "Sparse Model Soups")
            #expect(r.entries.first?.authors.names.count == 2)
            #expect(r.codes() == ["profile.utf16"])
        }
    }

    @Test func binaryInputIsFatal() {
        for bytes in [Array("%PDF-1.7\n".utf8), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A], [UInt8](repeating: 0, count: 100) + [1, 2, 3]] {
            var diagnostics = Diagnostics()
            #expect(throws: FatalReadError.self) {
                _ = try ProfileTextReader().read(bytes, source: "x", options: ReadOptions(), diagnostics: &diagnostics)
            }
        }
    }

    @Test func paperWithoutTitleKeepsItsAuthors() throws {
        let r = Support.read("LGJun 1, 2022\n\nAda Lovelace, Alan Turing, Grace Hopper et al.\n\nWe study things, at length.\n")
        let e = try #require(r.entries.first)
        #expect(e.title == nil)
        #expect(e.authors.names.count == 3)
        #expect(e.abstract?.plainText == "We study things, at length.")
        #expect(r.codes() == ["profile.missing-title"])

        // An author list wrapped over two lines is still one list.
        let wrapped = Support.read("LGJun 1, 2022\nAda Lovelace, Alan Turing,\nGrace Hopper et al.\n\nWe study things, at length.\n")
        #expect(wrapped.entries.first?.title == nil)
        #expect(wrapped.entries.first?.authors.names.count == 3)
        #expect(wrapped.codes() == ["profile.missing-title"])
    }

    @Test func missingBlankLinesAreRecovered() throws {
        let r = Support.read("""
            LGJun 1, 2022
            A Title Over
            Two Lines
            Ada Lovelace, Alan Turing, Grace Hopper
            Abstract text, which is prose.

            LGJun 2, 2022
            Another Title

            Ada Lovelace, Alan Turing et al.
            We study things, at length. It is long.
            """)
        #expect(r.entries.count == 2)
        #expect(r.entries[0].title?.plainText == "A Title Over Two Lines")
        #expect(r.entries[0].authors.names.map(\.displayName) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"])
        #expect(r.entries[0].abstract?.plainText == "Abstract text, which is prose.")
        #expect(r.entries[1].title?.plainText == "Another Title")
        #expect(r.entries[1].authors.names.count == 2)
        #expect(r.entries[1].authors.truncated)
        #expect(r.entries[1].abstract?.plainText == "We study things, at length. It is long.")
        #expect(r.codes() == ["profile.missing-blank-line", "profile.missing-blank-line"])
        #expect(r.diagnostics.map { $0.location?.line } == [4, 10])
    }

    @Test func titleFollowedDirectlyByAuthorsInOneBlock() throws {
        let r = Support.read("LGJun 1, 2022\nA Title\nAda Lovelace, Alan Turing, Grace Hopper\n\nWe study things, at length. It is long.\n")
        let e = try #require(r.entries.first)
        #expect(e.title?.plainText == "A Title")
        #expect(e.authors.names.count == 3)
        #expect(e.abstract?.plainText == "We study things, at length. It is long.")
        #expect(r.codes() == ["profile.missing-blank-line"])
    }

    @Test func extraParagraphsJoinTheAbstract() throws {
        let r = Support.read("LGJun 1, 2022\nA Title\n\nAda Lovelace\n\nFirst paragraph, of prose.\n\nSecond paragraph, of prose.\n")
        let e = try #require(r.entries.first)
        #expect(e.abstract?.plainText == "First paragraph, of prose.\n\nSecond paragraph, of prose.")
        #expect(r.codes() == ["profile.extra-paragraph"])
        #expect(r.diagnostics.first?.location?.line == 8)
    }

    @Test func metaLineWithoutBlankLineBeforeIt() {
        let r = Support.read("LGJun 1, 2022\nA Title\n\nAda Lovelace\n\nAn abstract.\nLGJun 2, 2022\nB Title\n\nAlan Turing\n")
        #expect(r.entries.map { $0.title?.plainText } == ["A Title", "B Title"])
        #expect(r.entries[0].abstract?.plainText == "An abstract.")
        #expect(r.diagnostics.isEmpty)
    }

    @Test func damagedMetaLineInsideABlockIsTextAndReported() throws {
        let r = Support.read("LGJun 1, 2022\nA Title\n\nAda Lovelace\n\nAn abstract.\nLGJux 2\n")
        #expect(r.entries.count == 1)
        #expect(r.entries[0].abstract?.plainText == "An abstract. LGJux 2")
        let d = try #require(r.diagnostics.first)
        #expect(r.diagnostics.count == 1)
        #expect(d.code == "profile.bad-meta-line")
        #expect(d.severity == .warning)
        #expect(d.location?.line == 7)
        #expect(d.location?.column == 3)
    }

    @Test func blankLinesBetweenEveryPart() throws {
        let r = Support.read("\n\n\nLGJun 1, 2022\n\n\n\nA Title\n\n\nAda Lovelace et al.\n\n\n\nAn abstract.\n\n\n\n\nLGJun 2, 2022\n\nB Title\n\n\nAlan Turing\n\n\n")
        #expect(r.diagnostics.isEmpty)
        #expect(r.entries.map { $0.title?.plainText } == ["A Title", "B Title"])
        #expect(r.entries.map { $0.abstract?.plainText } == ["An abstract.", nil])
        #expect(r.entries.map { $0.authors.truncated } == [true, false])
        #expect(r.entries.first?.origin?.start.line == 4)
    }

    /// Large input (the 24-paper sample repeated 400 times, about 13 MB) reads completely; its speed is for scripts/bench.sh.
    @Test func largeInputIsReadCompletely() {
        let one = Support.bytes(Support.sampleURL)
        let body = Array(one.drop { _ in false })
        var big: [UInt8] = []
        big.reserveCapacity(body.count * 400)
        for _ in 0..<400 {
            big.append(contentsOf: body)
            big.append(0x0A)
        }
        let r = Support.read(bytes: big)
        #expect(r.entries.count == 24 * 400)
    }

    /// Arbitrary bytes never crash the reader.
    @Test func randomBytesDoNotCrash() {
        var generator = SplitMix64(seed: 42)
        let alphabet = Array("LGCVMar Jun 16, 2023Code99.8\n\r\t $,.éü'()[]{}https://x.y/".utf8) + [0x00, 0xFF, 0xC3, 0xE2, 0x80]
        for _ in 0..<300 {
            let length = Int(generator.next() % 400)
            var bytes: [UInt8] = []
            for _ in 0..<length { bytes.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            var diagnostics = Diagnostics()
            _ = try? ProfileTextReader().read(bytes, source: "fuzz", options: ReadOptions(asOf: Support.asOf), diagnostics: &diagnostics)
        }
        // Mutations of the real sample: truncations and deletions at many points.
        let sample = Support.bytes(Support.sampleURL)
        for _ in 0..<100 {
            var bytes = sample
            let cut = Int(generator.next() % UInt64(max(bytes.count, 1)))
            let length = Int(generator.next() % 200)
            bytes.removeSubrange(cut..<min(bytes.count, cut + length))
            var diagnostics = Diagnostics()
            let library = try? ProfileTextReader().read(bytes, source: "fuzz", options: ReadOptions(asOf: Support.asOf), diagnostics: &diagnostics)
            #expect((library?.entries.count ?? 0) >= 20)
        }
    }
}
