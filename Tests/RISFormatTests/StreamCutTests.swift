import BibModel
import Testing

@testable import RISFormat

/// The RIS streaming reader cuts a piece after its last record (``RISStreamReader/lastCut(in:)``,
/// found from the end) and leaves files with NUL bytes to the whole-file reader
/// (``RISStreamReader/containsNUL(_:from:)``, with memchr): both must answer as the
/// plain scans from the start do, whatever the line ends (LF, CR, CRLF, LFCR, a CR at the
/// very end), blank lines, indented or near-miss tags, and wherever the piece is cut short.
@Suite struct StreamCutTests {
    /// A small deterministic generator (xorshift), so a failure can be reproduced.
    struct Generator {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(n))
        }
    }

    static let lines = [
        "TY  - JOUR", "TY  - ", "TY  -", "TY  -X", " TY  - BOOK", "ER  - ", "ER  -", "ER  -x", "\tER  - ", "AU  - Doe, J.",
        "TI  - Title", "", "  ", "\t", "TY", "ER", "ty  - JOUR", "KW  - TY  - ", "ER  - trailing",
    ]
    static let ends = ["\n", "\r", "\r\n", "\n\r", "\r\r"]

    @Test("the cut found from the end is the cut found from the start, on 20 000 generated pieces")
    func lastCutAgreesWithTheScanFromTheStart() {
        var g = Generator(state: 0x9E37_79B9_7F4A_7C15)
        var nonZero = 0
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<(1 + g.next(12)) {
                text += Self.lines[g.next(Self.lines.count)]
                text += Self.ends[g.next(Self.ends.count)]
            }
            var bytes = Array(text.utf8)
            // Cut short anywhere (a piece ends where the read stopped).
            if g.next(2) == 0 { bytes.removeLast(g.next(bytes.count + 1)) }
            let expected = RISStreamReader.lastCutScanningAll(in: bytes)
            #expect(RISStreamReader.lastCut(in: bytes) == expected, "\(Array(String(decoding: bytes, as: UTF8.self).unicodeScalars))")
            if expected > 0 { nonZero += 1 }
        }
        // The generated pieces do have cuts (the comparison is not only of zeros).
        #expect(nonZero > 1_000)
    }

    @Test func lastCutOnPlainCases() {
        func cut(_ s: String) -> Int { RISStreamReader.lastCut(in: Array(s.utf8)) }
        #expect(cut("") == 0)
        #expect(cut("TY  - JOUR\nER  - \n") == 0)
        #expect(cut("TY  - JOUR\nER  - \nTY  - BOOK\n") == 18)
        #expect(cut("TY  - JOUR\r\nER  - \r\n\r\n  \r\nTY  - BOOK\r\nTI  - x") == 26)
        // The last `TY` line not complete yet: the one before counts.
        #expect(cut("TY  - A\nER  - \nTY  - B\nER  - \nTY  - C") == 15)
        #expect(cut("TY  - A\nER  - \nTY  - B\nER  - \nTY  - C\r") == 15)
        #expect(cut("TY  - A\nER  - \nTY  - B\nER  - \nTY  - C\r\n") == 30)
    }

    @Test("NUL bytes found with memchr as one by one, from any start")
    func containsNULAgreesWithContains() {
        var g = Generator(state: 12345)
        for _ in 0..<5_000 {
            var bytes = (0..<g.next(40)).map { _ in UInt8(truncatingIfNeeded: 1 + g.next(255)) }
            if !bytes.isEmpty, g.next(2) == 0 { bytes[g.next(bytes.count)] = 0 }
            let start = g.next(bytes.count + 2)
            let expected = start < bytes.count && bytes[start...].contains(0)
            #expect(RISStreamReader.containsNUL(bytes, from: start) == expected)
        }
    }
}
