import BibModel

/// One physical line of a profile: its number and the byte range of its content with the
/// surrounding blanks (spaces, tabs, NUL, no-break spaces, a byte order mark) trimmed.
struct SourceLine: Hashable, Sendable {
    /// 1-based line number.
    var number: Int
    /// Offset of the first byte of the line.
    var start: Int
    /// Offset of the first byte of the trimmed content.
    var contentStart: Int
    /// Offset one past the last byte of the trimmed content.
    var contentEnd: Int

    /// The trimmed content.
    var content: Range<Int> { contentStart..<contentEnd }

    /// True when the line holds nothing but blanks.
    var isBlank: Bool { contentStart >= contentEnd }
}

/// Byte-level helpers: line splitting on a ``LineIndex``, trimming, decoding kept values.
enum ProfileBytes {
    /// The lines of a file, one per entry of the index, trimmed. Linear in the input.
    static func lines(_ bytes: [UInt8], index: LineIndex) -> [SourceLine] {
        let starts = index.lineStarts
        var out: [SourceLine] = []
        out.reserveCapacity(starts.count)
        for (n, start) in starts.enumerated() {
            var end = n + 1 < starts.count ? starts[n + 1] : bytes.count
            // Drop the terminator: `\n`, `\r\n` or a lone `\r`.
            if end > start, bytes[end - 1] == 0x0A { end -= 1 }
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            let trimmed = trim(bytes, start..<end)
            out.append(SourceLine(number: n + 1, start: start, contentStart: trimmed.lowerBound, contentEnd: trimmed.upperBound))
        }
        return out
    }

    /// True for the single-byte blanks trimmed from lines and collapsed inside values.
    @inline(__always)
    static func isBlankByte(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0B || b == 0x0C || b == 0x00
    }

    /// The range without leading and trailing blanks: ASCII spaces and tabs, VT, FF, NUL,
    /// U+00A0 (no-break space) and U+FEFF (byte order mark).
    static func trim(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound
        var hi = range.upperBound
        while lo < hi {
            if isBlankByte(bytes[lo]) {
                lo += 1
            } else if bytes[lo] == 0xC2, lo + 1 < hi, bytes[lo + 1] == 0xA0 {
                lo += 2
            } else if bytes[lo] == 0xEF, lo + 2 < hi, bytes[lo + 1] == 0xBB, bytes[lo + 2] == 0xBF {
                lo += 3
            } else {
                break
            }
        }
        while hi > lo {
            if isBlankByte(bytes[hi - 1]) {
                hi -= 1
            } else if hi - 2 >= lo, bytes[hi - 2] == 0xC2, bytes[hi - 1] == 0xA0 {
                hi -= 2
            } else {
                break
            }
        }
        return lo..<hi
    }

    /// Decodes a kept value: invalid UTF-8 becomes U+FFFD, NUL bytes are dropped, runs of
    /// blanks (including no-break spaces) become one space, and the result is NFC.
    static func text(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count, !range.isEmpty else { return "" }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(range.count)
        var pendingSpace = false
        var ascii = true
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let b = bytes[i]
            if isBlankByte(b) {
                if b != 0x00 { pendingSpace = true }
                i += 1
                continue
            }
            if b == 0xC2, i + 1 < end, bytes[i + 1] == 0xA0 {
                pendingSpace = true
                i += 2
                continue
            }
            if pendingSpace, !buffer.isEmpty { buffer.append(0x20) }
            pendingSpace = false
            if b >= 0x80 { ascii = false }
            buffer.append(b)
            i += 1
        }
        let decoded = String(decoding: buffer, as: UTF8.self)
        // ASCII text is already in NFC; only the rest goes through normalisation.
        return ascii ? decoded : decoded.nfc
    }

    /// The text of several lines joined with single spaces (a wrapped paragraph).
    static func joined(_ bytes: [UInt8], _ lines: [SourceLine]) -> String {
        var parts: [String] = []
        parts.reserveCapacity(lines.count)
        for line in lines where !line.isBlank {
            parts.append(text(bytes, line.content))
        }
        return parts.joined(separator: " ")
    }

    /// Offsets at which an invalid UTF-8 sequence starts (overlong forms, surrogates, code
    /// points above U+10FFFF, stray continuation bytes, truncated sequences). Linear.
    static func invalidUTF8Offsets(_ bytes: [UInt8]) -> [Int] {
        var bad: [Int] = []
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            var need = 0
            var lowerSecond: UInt8 = 0x80
            var upperSecond: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lowerSecond = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; upperSecond = 0x9F
            case 0xF0: need = 3; lowerSecond = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; upperSecond = 0x8F
            default:
                bad.append(i)
                i += 1
                continue
            }
            var ok = i + need < n
            if ok {
                let b1 = bytes[i + 1]
                ok = b1 >= lowerSecond && b1 <= upperSecond
                var k = 2
                while ok && k <= need {
                    let c = bytes[i + k]
                    ok = c >= 0x80 && c <= 0xBF
                    k += 1
                }
            }
            if ok {
                i += need + 1
            } else {
                bad.append(i)
                i += 1
            }
        }
        return bad
    }

    /// Offsets of NUL bytes.
    static func nulOffsets(_ bytes: [UInt8]) -> [Int] {
        var out: [Int] = []
        for (i, b) in bytes.enumerated() where b == 0 { out.append(i) }
        return out
    }

    /// ASCII digit test.
    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// ASCII upper-case letter test.
    @inline(__always)
    static func isUpper(_ b: UInt8) -> Bool { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }

    /// ASCII lower-case letter test.
    @inline(__always)
    static func isLower(_ b: UInt8) -> Bool { b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") }

    /// The value of a run of ASCII digits (nil when empty, not all digits, or too long).
    static func number(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 9, range.upperBound <= bytes.count else { return nil }
        var v = 0
        for i in range {
            let b = bytes[i]
            guard isDigit(b) else { return nil }
            v = v * 10 + Int(b - UInt8(ascii: "0"))
        }
        return v
    }

    /// True when the bytes at `range` equal the ASCII string `word`, ignoring ASCII case
    /// when `caseInsensitive`.
    static func matches(_ bytes: [UInt8], at offset: Int, _ word: StaticString, caseInsensitive: Bool = false) -> Bool {
        let count = word.utf8CodeUnitCount
        guard offset >= 0, offset + count <= bytes.count else { return false }
        return word.withUTF8Buffer { w in
            for k in 0..<count {
                var a = bytes[offset + k]
                var b = w[k]
                if caseInsensitive {
                    if isUpper(a) { a += 32 }
                    if isUpper(b) { b += 32 }
                }
                if a != b { return false }
            }
            return true
        }
    }
}
