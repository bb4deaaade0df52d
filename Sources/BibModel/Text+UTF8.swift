extension TextDecoding {
    /// The string of some UTF-8 bytes; nil when they are not valid UTF-8. Same answer as
    /// `String(validating:as:)`, whose generic path costs about a thousand instructions a
    /// call in the readers' hot loops: this one validates on bytes (eight ASCII bytes at a
    /// time) and then takes the standard library's contiguous UTF-8 fast path.
    @inlinable
    public static func utf8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard isValidUTF8(bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True when the bytes are well-formed UTF-8 (Unicode table 3-7: no overlong forms, no
    /// surrogates, nothing above U+10FFFF, no truncated sequence).
    @inlinable
    public static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        firstInvalidUTF8(bytes) == nil
    }

    /// The offset of the first byte that does not start a well-formed UTF-8 sequence (as
    /// ``isValidUTF8(_:)`` judges it), if any.
    public static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        while i < n {
            #if _endian(little)
            if i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            #endif
            let b = base[i]
            if b < 0x80 {
                i += 1
                continue
            }
            guard let length = sequenceLength(base, at: i, count: n) else { return i }
            i += length
        }
        return nil
    }

    /// The length of the well-formed sequence that the non-ASCII byte at `i` starts; nil
    /// when it starts none.
    @inline(__always)
    static func sequenceLength(_ base: UnsafePointer<UInt8>, at i: Int, count n: Int) -> Int? {
        // The allowed range of the second byte, and the sequence length.
        let low: UInt8
        let high: UInt8
        let length: Int
        switch base[i] {
        case 0xC2...0xDF: (low, high, length) = (0x80, 0xBF, 2)
        case 0xE0: (low, high, length) = (0xA0, 0xBF, 3)
        case 0xE1...0xEC, 0xEE...0xEF: (low, high, length) = (0x80, 0xBF, 3)
        case 0xED: (low, high, length) = (0x80, 0x9F, 3)
        case 0xF0: (low, high, length) = (0x90, 0xBF, 4)
        case 0xF1...0xF3: (low, high, length) = (0x80, 0xBF, 4)
        case 0xF4: (low, high, length) = (0x80, 0x8F, 4)
        default: return nil
        }
        guard i + length <= n else { return nil }
        let second = base[i + 1]
        guard second >= low && second <= high else { return nil }
        var k = 2
        while k < length {
            guard base[i + k] & 0xC0 == 0x80 else { return nil }
            k += 1
        }
        return length
    }
}

extension TextDecoding {
    /// True when the bytes are well-formed UTF-8 (as ``isValidUTF8(_:)`` judges it) and hold
    /// no NUL byte: one pass, sixteen bytes at a time over ASCII text.
    public static func isValidUTF8WithoutNUL(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let n = bytes.count
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i < n {
            #if _endian(little)
            // A byte is flagged when it is not ASCII (its high bit) or zero (the borrow of
            // `w - 1` sets its high bit; the lowest such byte is always flagged, so a word
            // passes only when all its bytes are 0x01...0x7F).
            if i + 16 <= n {
                let a = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let b = raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                if ((a &- ones) | a | (b &- ones) | b) & highs == 0 {
                    i += 16
                    continue
                }
            }
            #endif
            let c = base[i]
            if c == 0 { return false }
            if c < 0x80 {
                i += 1
                continue
            }
            guard let length = sequenceLength(base, at: i, count: n) else { return false }
            i += length
        }
        return true
    }
}
