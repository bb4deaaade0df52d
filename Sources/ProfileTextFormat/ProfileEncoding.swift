import BibModel

/// Deciding whether the input is text, and turning UTF-16 into UTF-8 before scanning.
enum ProfileEncoding {
    /// The bytes to scan: UTF-8 as given, or UTF-16 (with a byte order mark, or recognised
    /// by its zero bytes) transcoded to UTF-8. Throws for files that are not text at all
    /// (PDF, images, archives, or mostly NUL bytes).
    static func prepare(_ bytes: [UInt8], source: String, diagnostics: inout Diagnostics) throws(FatalReadError) -> [UInt8] {
        if bytes.count >= 2 {
            if bytes[0] == 0xFF, bytes[1] == 0xFE, !(bytes.count >= 4 && bytes[2] == 0 && bytes[3] == 0) {
                return transcodeUTF16(bytes, littleEndian: true, bomLength: 2, source: source, diagnostics: &diagnostics)
            }
            if bytes[0] == 0xFE, bytes[1] == 0xFF {
                return transcodeUTF16(bytes, littleEndian: false, bomLength: 2, source: source, diagnostics: &diagnostics)
            }
        }
        for (magic, what) in binaryMagic where bytes.count >= magic.count && Array(bytes.prefix(magic.count)) == magic {
            throw FatalReadError(Diagnostic(
                .error, code: "profile.not-text", message: "the input is \(what), not profile text",
                location: SourceLocation(file: source, line: 1, column: 1, offset: 0)))
        }
        // Zero bytes: UTF-16 without a byte order mark, or binary data.
        let sample = bytes.prefix(4096)
        var zeros = 0
        var evenZeros = 0
        var oddZeros = 0
        var controls = 0
        for (i, b) in sample.enumerated() {
            if b == 0 {
                zeros += 1
                if i % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
            } else if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0C && b != 0x0D || b == 0x7F {
                controls += 1
            }
        }
        guard zeros > 0 else { return bytes }
        let pairs = sample.count / 2
        if pairs >= 2 {
            if oddZeros * 10 >= pairs * 4, evenZeros * 20 <= pairs {
                return transcodeUTF16(bytes, littleEndian: true, bomLength: 0, source: source, diagnostics: &diagnostics)
            }
            if evenZeros * 10 >= pairs * 4, oddZeros * 20 <= pairs {
                return transcodeUTF16(bytes, littleEndian: false, bomLength: 0, source: source, diagnostics: &diagnostics)
            }
        }
        // Random binary data has few NULs but many other control characters; text has none.
        if zeros * 4 > sample.count || controls * 20 > sample.count {
            throw FatalReadError(Diagnostic(
                .error, code: "profile.not-text",
                message: "the input is binary data (\(zeros + controls) of its first \(sample.count) bytes are NUL or control characters), not profile text",
                location: SourceLocation(file: source, line: 1, column: 1, offset: 0)))
        }
        return bytes
    }

    /// Signatures of common binary files.
    private static let binaryMagic: [([UInt8], String)] = [
        (Array("%PDF-".utf8), "a PDF file"),
        ([0x89, 0x50, 0x4E, 0x47], "a PNG image"),
        ([0xFF, 0xD8, 0xFF], "a JPEG image"),
        (Array("GIF8".utf8), "a GIF image"),
        ([0x50, 0x4B, 0x03, 0x04], "a ZIP archive (or a Word/OpenDocument file)"),
        ([0x1F, 0x8B], "a gzip archive"),
        ([0xD0, 0xCF, 0x11, 0xE0], "an old Microsoft Office file"),
    ]

    /// UTF-16 to UTF-8; unpaired surrogates become U+FFFD. Line numbers are unchanged;
    /// byte offsets and columns then refer to the UTF-8 text.
    private static func transcodeUTF16(
        _ bytes: [UInt8], littleEndian: Bool, bomLength: Int, source: String, diagnostics: inout Diagnostics
    ) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bomLength
        while i + 1 < bytes.count {
            let a = UInt16(bytes[i])
            let b = UInt16(bytes[i + 1])
            units.append(littleEndian ? (b << 8 | a) : (a << 8 | b))
            i += 2
        }
        let text = String(decoding: units, as: UTF16.self)
        diagnostics.note(
            "profile.utf16",
            "the input is UTF-16 (\(littleEndian ? "little" : "big")-endian); it was read as UTF-8 and columns count UTF-8 bytes",
            at: SourceLocation(file: source, line: 1, column: 1, offset: 0))
        return Array(text.utf8)
    }
}
