import BibModel
import Foundation
import Testing

@testable import BibTeXFormat
import TestSupport

/// The streaming reader's first pass skims the entries and scans in full only those that
/// may matter (``BibTeXStreamReader/collectParents(_:atEnd:full:)``): the parents it keeps,
/// with their fields, values and locations, must be those of the pass that scans every
/// entry in full, on every file with `crossref`/`xdata` of the corpus, on damaged copies of
/// them (cut anywhere, braces, quotes, `@`, `%`, commas and parentheses added or removed)
/// and on hand-written odd input, in pieces of every size.
@Suite("Streaming first pass")
struct StreamFirstPassTests {
    /// What a first pass gives: each parent described, or why it stopped.
    struct Outcome: Equatable, CustomStringConvertible {
        var parents: [String] = []
        var stop: String?
        var description: String { ((stop.map { ["stop: \($0)"] } ?? []) + parents).joined(separator: "\n") }
    }

    static func describe(_ e: ResolvedEntry) -> String {
        var out = "@\(e.type){\(e.key ?? "<nil>")} \(e.range) complete=\(e.isComplete)"
        for f in e.fields {
            let location = f.location.map { "\($0.file):\($0.line):\($0.column)@\($0.offset)" } ?? "-"
            out += "\n  \(f.name)/\(f.lower) = [\(String(decoding: f.value, as: UTF8.self))] expr=\(f.expression ?? "-")"
            out += " at \(f.offset) \(location) inherited=\(f.inherited)"
        }
        return out
    }

    /// The first pass as `prepare` drives it (with the second first pass for parents met
    /// before anything named them), over `bytes` in pieces of `pieceSize`.
    static func firstPass(_ bytes: [UInt8], pieceSize: Int, full: Bool) -> Outcome {
        func pass(_ reader: inout BibTeXStreamReader) throws(BibTeXStreamReader.Stop) {
            var pending: [UInt8] = []
            var offset = 0
            while true {
                let end = min(offset + pieceSize, bytes.count)
                pending.append(contentsOf: bytes[offset..<end])
                offset = end
                let atEnd = offset == bytes.count
                let used = try reader.collectParents(pending, atEnd: atEnd, full: full)
                pending.removeFirst(used)
                if atEnd { return }
            }
        }
        do {
            var first = BibTeXStreamReader(dialect: .biblatex, source: "in.bib")
            try pass(&first)
            let missing = first.missingParents
            if !missing.isEmpty {
                first = BibTeXStreamReader(dialect: .biblatex, source: "in.bib", wanted: missing)
                try pass(&first)
                guard first.missingParents.isEmpty else { return Outcome(stop: "crossref parents not found") }
            }
            return Outcome(parents: first.parents.map(describe))
        } catch {
            return Outcome(stop: error.description)
        }
    }

    /// Compares the two passes; returns how many parents they found (0 when the full pass
    /// stopped on bytes the skimming pass does not look at).
    @discardableResult
    static func check(_ bytes: [UInt8], _ name: String, pieceSizes: [Int]) -> Int {
        var found = 0
        for size in pieceSizes {
            let full = firstPass(bytes, pieceSize: size, full: true)
            // Bytes that stop the streaming (not UTF-8, NUL) stop its second pass too.
            if let stop = full.stop, stop != "crossref parents not found" { continue }
            let light = firstPass(bytes, pieceSize: size, full: false)
            #expect(light == full, "\(name) in \(size)-byte pieces:\n--- skimmed\n\(light)\n--- full\n\(full)")
            if light != full { return found }
            found += full.parents.count
        }
        return found
    }

    static let odd = """
        @string{late = "Late"}
        junk between entries @ here, and an e-mail a@b.org
        @inproceedings{c1, title = {With @ inside {and braces}}, crossref = {Proc1}, year = 2001}
        @proceedings(proc1, title = "Proc (one) {\\"u}", year = 2000, crossref = late # {r})
        @Proceedings{Later, title = {Later}, editor = {E. Ditor}}
        @comment{ a comment with @misc{x, crossref = {proc1}} inside }
        @COMMENT a line comment crossref = {proc1}
        %@book{commented, crossref = {proc1}}
        @misc{swallow, title = {Unbalanced {brace, year = {2000}, crossref = {later}}
        @misc{m2, title = "quoted {\\"a} value", note = {x} # "y" # 12, xdata = {xd1, xd2}}
        @xdata{xd1, publisher = pubmacro, location = {Here}}
        @string{pubmacro = {Publisher}, other = "x"}
        @xdata{XD2, series = {S}, xdata = {xd1}}
        @misc{noclose, title = {No close}, crossref = {proc1}
        @misc{dup, title = {A}}
        @misc{dup, title = {B}, crossref = {dup}}
        @article{, title = {No key}, crossref = {proc1}}
        @article{k1 title = {Missing comma}, crossref = {later}}
        @article{k2, title = {Two}, , crossref = {late}}
        @article{k3,
          % a comment line, crossref = {nowhere}
          title = {Three},
          crossref = {proc1},
        }
        @article{k4, title = {Unterminated,
        @article{k5, title = "unterminated quote, crossref = {proc1}}
        @article{k6, title = {Fine}, crossref = {missingparent}}
        @misc{early, title = {Early}}
        @misc{k7, crossref = {EARLY}}
        @misc{k8, title = }
        @misc{k9, title = {a} # , crossref = {proc1}}
        @misc{k10, title {no equals}, crossref = {proc1}}
        @misc{k11, crossref = undefinedmacro}
        @misc{undefinedmacro, title = {Named by an undefined macro}}
        @misc{k12, year = 1999a, crossref = {k11}}
        """

    @Test("hand-written odd input, whole and in pieces of every size from 1 to 64 and some more")
    func oddInput() {
        let bytes = Array(Self.odd.utf8)
        let found = Self.check(bytes, "odd", pieceSizes: Array(1...64) + [100, 250, 1 << 20])
        #expect(found > 0)
        // With CRLF line ends, and with `\r` alone.
        Self.check(Array(Self.odd.replacingOccurrences(of: "\n", with: "\r\n").utf8), "odd CRLF", pieceSizes: [7, 33, 1 << 20])
        Self.check(Array(Self.odd.replacingOccurrences(of: "\n", with: "\r").utf8), "odd CR", pieceSizes: [7, 33, 1 << 20])
    }

    @Test("hand-written odd input cut at every byte")
    func oddInputCut() {
        let bytes = Array(Self.odd.utf8)
        for cut in 0...bytes.count where cut == bytes.count || bytes[cut] & 0xC0 != 0x80 {
            Self.check(Array(bytes[..<cut]), "odd cut at \(cut)", pieceSizes: [1 << 20, 41])
        }
    }

    /// Damaged copies of `bytes`: each applies a few edits at places drawn from `seed`.
    static func damaged(_ bytes: [UInt8], seed: UInt64, count: Int) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        let inserts: [[UInt8]] = ["{", "}", "\"", "@", "%", ",", "(", ")", "=", "#", "\n@misc{", "\n@string{x=", "\r", " crossref = {"]
            .map { Array($0.utf8) }
        var out: [[UInt8]] = []
        for _ in 0..<count {
            var b = bytes
            for _ in 0...(Int(rng.next() % 3)) {
                guard !b.isEmpty else { break }
                var at = Int(rng.next() % UInt64(b.count))
                // On a character boundary (the file stays UTF-8).
                while at > 0 && b[at] & 0xC0 == 0x80 { at -= 1 }
                switch rng.next() % 4 {
                case 0:
                    b = Array(b[..<at])
                case 1:
                    var end = at + 1
                    while end < b.count && b[end] & 0xC0 == 0x80 { end += 1 }
                    b.removeSubrange(at..<end)
                default:
                    b.insert(contentsOf: inserts[Int(rng.next() % UInt64(inserts.count))], at: at)
                }
            }
            out.append(b)
        }
        return out
    }

    @Test("damaged copies of the hand-written input")
    func oddInputDamaged() {
        for (i, b) in Self.damaged(Array(Self.odd.utf8), seed: 7, count: 400).enumerated() {
            Self.check(b, "odd damaged #\(i)", pieceSizes: [1 << 20, 57])
        }
    }

    /// The corpus files that name parents.
    static func corpusFiles() -> [URL] {
        CorpusFiles.all().map { CorpusFiles.root.appendingPathComponent($0) }.filter { url in
            guard let data = try? Data(contentsOf: url) else { return false }
            let text = String(decoding: data, as: UTF8.self).lowercased()
            return text.contains("crossref") || text.contains("xdata")
        }
    }

    @Test("every corpus file with crossref/xdata, whole and damaged", .enabled(if: CorpusFiles.available, "../shared/corpus/bibtex is absent"))
    func corpus() throws {
        let files = Self.corpusFiles()
        #expect(files.count >= 20)
        var found = 0
        for (n, url) in files.enumerated() {
            let bytes = Array(try Data(contentsOf: url))
            let name = url.lastPathComponent
            found += Self.check(bytes, name, pieceSizes: [1 << 20, 4096, 300])
            // Damaged copies of the smaller files (the debug build is slow).
            guard bytes.count <= 64 * 1024 else { continue }
            for (i, b) in Self.damaged(bytes, seed: UInt64(n) + 1, count: 12).enumerated() {
                Self.check(b, "\(name) damaged #\(i)", pieceSizes: [1 << 20, 300])
            }
        }
        #expect(found >= 100, "parents found in the corpus: \(found)")
    }

    @Test("LineCursor gives LineIndex's locations, in any order, with any line ends")
    func lineCursor() {
        var rng = SplitMix64(seed: 3)
        let alphabet: [UInt8] = [0x0A, 0x0D, 0x0B, 0x61, 0x20, 0xC3, 0xA9, 0x09]
        for round in 0..<200 {
            let count = Int(rng.next() % 200)
            let bytes = (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let base = SourceLocation(file: "f", line: 1 + Int(rng.next() % 5), column: 1 + Int(rng.next() % 7), offset: Int(rng.next() % 1000))
            let index = LineIndex(file: "f", bytes: bytes, base: base)
            var cursor = LineCursor(file: "f", bytes: bytes, base: base)
            var offsets = (0..<40).map { _ in Int(rng.next() % UInt64(count + 1)) }
            if round % 2 == 0 { offsets.sort() }
            for offset in offsets {
                #expect(cursor.location(ofOffset: offset) == index.location(ofOffset: offset), "round \(round) offset \(offset)")
            }
        }
    }

    @Test("the scanner's byte classes (bit masks) are the grammar's sets, and the UTF-8 and NUL check is the validator's")
    func byteClasses() {
        for value in 0...255 {
            let b = UInt8(value)
            let space = [0x20, 0x09, 0x0A, 0x0D, 0x0C, 0x0B].contains(value)
            #expect(isBibSpace(b) == space, "\(value)")
            let identifier = value > 0x20 && value != 0x7F && !"\"#%'(),={}".utf8.contains(b)
            #expect(isIdentifierByte(b) == identifier, "\(value)")
        }
        var rng = SplitMix64(seed: 11)
        let alphabet: [UInt8] = [0x61, 0x7F, 0x01, 0x00, 0x80, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xED, 0xA0, 0xF0, 0x9F, 0x98, 0x80, 0xFF]
        for round in 0..<3000 {
            let count = Int(rng.next() % 64)
            // Mostly ASCII, so that the sixteen-byte steps are taken.
            let bytes = (0..<count).map { _ in rng.next() % 4 == 0 ? alphabet[Int(rng.next() % UInt64(alphabet.count))] : 0x61 }
            let expected = !bytes.contains(0) && bytes.withUnsafeBufferPointer { TextDecoding.firstInvalidUTF8($0) } == nil
            #expect(bytes.withUnsafeBufferPointer { TextDecoding.isValidUTF8WithoutNUL($0) } == expected, "round \(round): \(bytes)")
        }
    }

    @Test("LineIndex (memchr without CR, words with CR) finds the line starts a byte loop finds")
    func lineIndex() {
        var rng = SplitMix64(seed: 5)
        for round in 0..<400 {
            let alphabet: [UInt8] = round % 2 == 0 ? [0x0A, 0x61, 0x20, 0x0B, 0xC3] : [0x0A, 0x0D, 0x61, 0x0B, 0x20]
            let count = Int(rng.next() % 300)
            let bytes = (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            var starts = [0]
            for (i, b) in bytes.enumerated() where b == 0x0A || (b == 0x0D && (i + 1 >= count || bytes[i + 1] != 0x0A)) {
                starts.append(i + 1)
            }
            #expect(LineIndex(file: "f", bytes: bytes).lineStarts == starts, "round \(round)")
        }
    }

    @Test("field names and entry types (made once per piece) are their bytes")
    func namesAreTheirBytes() {
        var rng = SplitMix64(seed: 9)
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-.:+/0123456789".utf8) + [0xC3, 0xA9]
        var text = ""
        var expected: [[String]] = []
        for entry in 0..<60 {
            var names: [String] = []
            text += "@Type\(entry % 7){k\(entry),\n"
            for _ in 0..<(1 + Int(rng.next() % 30)) {
                var name: [UInt8] = [UInt8(ascii: "a")]
                for _ in 0..<Int(rng.next() % 20) {
                    var c = letters[Int(rng.next() % UInt64(letters.count))]
                    if c == 0xC3 { name += [0xC3, 0xA9]; continue }
                    if c == 0xA9 { c = UInt8(ascii: "z") }
                    name.append(c)
                }
                // Often a name met before, or one that differs from it in its last byte.
                if let last = names.last, rng.next() % 3 == 0 {
                    name = Array(last.utf8)
                    if rng.next() % 2 == 0 { name[name.count - 1] = name[name.count - 1] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x") }
                }
                let s = String(decoding: name, as: UTF8.self)
                names.append(s)
                text += "  \(s) = {v},\n"
            }
            text += "}\n"
            expected.append(names)
        }
        let bytes = Array(text.utf8)
        var diagnostics = Diagnostics()
        let document = BibTeXScanner.scan(bytes, lines: LineIndex(file: "t", bytes: bytes), diagnostics: &diagnostics)
        var got: [[String]] = []
        var types: [String] = []
        for case .entry(let e) in document.blocks {
            got.append(e.fields.map(\.name))
            types.append(e.type)
        }
        #expect(got == expected)
        #expect(types == (0..<60).map { "Type\($0 % 7)" })
    }
}
