/// Eight bytes at once: tests on a little-endian `UInt64` loaded from a byte buffer, which
/// the hot scanning loops (BibTeX scanner, line index, JSON escaper) use to skip runs of
/// ordinary bytes. The results have the high bit set in the bytes that match; a borrow can
/// also set it in a byte after a real match, so use a result only as zero / non-zero or for
/// its lowest set bit.
public enum ByteWord {
    /// `b` in every byte of a word.
    @inlinable @inline(__always)
    public static func lanes(_ b: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(b) }

    /// The high bit of each byte of `word` that equals `b`.
    @inlinable @inline(__always)
    public static func equal(_ word: UInt64, _ b: UInt8) -> UInt64 {
        let y = word ^ lanes(b)
        return (y &- 0x0101_0101_0101_0101) & ~y & 0x8080_8080_8080_8080
    }

    /// The high bit of each byte of `word` that is below `n` (`n` at most 0x80).
    @inlinable @inline(__always)
    public static func below(_ word: UInt64, _ n: UInt8) -> UInt64 {
        (word &- lanes(n)) & ~word & 0x8080_8080_8080_8080
    }
}
