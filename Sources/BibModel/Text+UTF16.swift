/// Text decoding shared by the readers.
public enum TextDecoding {
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
