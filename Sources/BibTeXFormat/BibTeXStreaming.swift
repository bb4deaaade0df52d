import BibModel

extension BibTeXStreamReader: StreamingReader {
    /// The first pass: the `crossref`/`xdata` parents, wherever they are (a second first
    /// pass for parents met before anything named them).
    public mutating func prepare(passOver: (([UInt8], Bool) throws -> Int) throws -> Void) throws {
        // A file in which the bytes `crossref` and `xdata` (in any case) do not occur has no
        // field that names a parent: one look at the bytes instead of a first pass.
        do {
            let probe = ParentFieldProbe()
            try passOver { bytes, atEnd in try probe.look(bytes, atEnd: atEnd) }
            return
        } catch is ParentFieldProbe.Found {}
        var first = BibTeXStreamReader(dialect: dialect, source: source)
        try passOver { bytes, atEnd in try first.collectParents(bytes, atEnd: atEnd) }
        let missing = first.missingParents
        if !missing.isEmpty {
            first = BibTeXStreamReader(dialect: dialect, source: source, wanted: missing)
            try passOver { bytes, atEnd in try first.collectParents(bytes, atEnd: atEnd) }
            guard first.missingParents.isEmpty else { throw StreamStop("crossref parents not found") }
        }
        takeParents(from: first)
    }

    /// The streaming reader for the plug-in of `dialect`: none when crossref parents are not
    /// to be inherited (the option the whole-file reader honours).
    static func maker(_ dialect: BibTeXDialect) -> @Sendable (String, ReadOptions) -> (any StreamingReader)? {
        { source, options in
            options.inheritCrossReferences ? BibTeXStreamReader(dialect: dialect, source: source) : nil
        }
    }
}

/// Looks for the bytes `crossref` or `xdata`, in any case (as ``BibTeXResolver/isParentField(_:)``
/// compares names), piece by piece; throws ``Found`` at the first.
struct ParentFieldProbe {
    struct Found: Error {}

    /// Looks at a piece; returns how many bytes are done with (all but the last few, which
    /// may begin a word that the next piece ends).
    func look(_ bytes: [UInt8], atEnd: Bool) throws(Found) -> Int {
        if bytes.withUnsafeBufferPointer({ Self.contains($0) }) { throw Found() }
        return atEnd ? bytes.count : max(0, bytes.count - 7)
    }

    /// True when `buf` holds `crossref` or `xdata` in any case.
    static func contains(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = buf.count
        guard let base = buf.baseAddress else { return false }
        // Candidates: the `f` that ends `crossref` and the `x` that starts `xdata` (rare
        // letters), eight bytes at a time; each is then checked byte by byte.
        func check(_ i: Int) -> Bool {
            let b = buf[i] | 0x20
            if b == UInt8(ascii: "f") {
                return i >= 7 && matches("crossref", at: i - 7)
            }
            return b == UInt8(ascii: "x") && i + 5 <= n && matches("xdata", at: i)
        }
        func matches(_ word: StaticString, at start: Int) -> Bool {
            let w = word.utf8Start
            for k in 0..<word.utf8CodeUnitCount where buf[start + k] | 0x20 != w[k] { return false }
            return true
        }
        var i = 0
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) | 0x2020_2020_2020_2020
            var m = ByteWord.equal(x, UInt8(ascii: "f")) | ByteWord.equal(x, UInt8(ascii: "x"))
            // (A flagged byte above a true one may be false: each is checked.)
            while m != 0 {
                if check(i + m.trailingZeroBitCount >> 3) { return true }
                m &= m &- 1
            }
            i += 8
        }
        while i < n {
            if check(i) { return true }
            i += 1
        }
        return false
    }
}
