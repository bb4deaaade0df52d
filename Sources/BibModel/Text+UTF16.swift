/// Text decoding shared by the readers.
public enum TextDecoding {
    /// True when the first 8 KiB look like binary data rather than text: more than a quarter
    /// of them NUL bytes (a PDF, an image, UTF-16 or UTF-32 without a byte order mark), or more
    /// than one in twenty other control characters (anything but tab, line feed, form feed
    /// and carriage return). A stray NUL byte in a text file is not binary data.
    public static func looksBinary(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(8192)
        var zeros = 0
        var controls = 0
        for b in sample where b < 0x20 {
            if b == 0 {
                zeros += 1
            } else if b != 0x09 && b != 0x0A && b != 0x0C && b != 0x0D {
                controls += 1
            }
        }
        return zeros * 4 > sample.count || controls * 20 > sample.count
    }

    /// Replaces every NUL byte by a space (the length stays, so offsets and columns still
    /// hold) and returns the offsets where they were.
    public static func replaceNULs(_ bytes: inout [UInt8]) -> [Int] {
        guard bytes.contains(0) else { return [] }
        var offsets: [Int] = []
        for i in bytes.indices where bytes[i] == 0 {
            bytes[i] = 0x20
            offsets.append(i)
        }
        return offsets
    }

    /// The first offset of each line holding a NUL byte, for one diagnostic per line.
    public static func firstPerLine(_ offsets: [Int], lines: LineIndex) -> [SourceLocation] {
        var out: [SourceLocation] = []
        var lastLine = 0
        for offset in offsets {
            let location = lines.location(ofOffset: offset)
            if location.line != lastLine {
                out.append(location)
                lastLine = location.line
            }
        }
        return out
    }

    /// True when `bytes` start with a UTF-16 byte order mark (either order).
    public static func hasUTF16ByteOrderMark(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))
    }

    /// UTF-16 with a byte order mark (either order) to UTF-8; unpaired surrogates become U+FFFD.
    public static func utf16ToUTF8(_ bytes: [UInt8]) -> [UInt8] {
        let little = bytes.first == 0xFF
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 2
        while i + 1 < bytes.count {
            let a = UInt16(bytes[i])
            let b = UInt16(bytes[i + 1])
            units.append(little ? a | b << 8 : a << 8 | b)
            i += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }
}
