import BibModel

/// Text helpers shared by the RIS reader and writer: byte decoding (UTF-8 with a
/// Windows-1252 fallback), whitespace normalisation and Zotero's rich-text markup.
enum RISText {
    // MARK: Decoding

    /// Decodes bytes as UTF-8; nil when they are not valid UTF-8.
    static func utf8(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        guard !range.isEmpty else { return "" }
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        return TextDecoding.utf8(slice)
    }

    /// Decodes bytes as Windows-1252 (a superset of Latin-1 for printable characters);
    /// the five bytes Windows-1252 leaves undefined become the Latin-1 C1 controls.
    static func windows1252(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        var scalars = String.UnicodeScalarView()
        for i in range {
            let b = bytes[i]
            if b < 0x80 || b >= 0xA0 {
                scalars.append(Unicode.Scalar(b))
            } else if let mapped = Unicode.Scalar(cp1252High[Int(b) - 0x80]) {
                scalars.append(mapped)
            }
        }
        return String(scalars)
    }

    /// Windows-1252 code points for 0x80…0x9F.
    private static let cp1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    // MARK: Whitespace

    /// Trims spaces, tabs and line breaks at both ends.
    static func trimmed(_ s: String) -> String {
        let utf8 = s.utf8
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        guard let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == utf8.startIndex && utf8.index(after: last) == utf8.endIndex { return s }
        return String(s[first...last])
    }

    /// Collapses every run of whitespace (line breaks included) into one space and trims.
    static func collapsed(_ s: String) -> String {
        var needs = false
        var previousSpace = true
        for b in s.utf8 {
            if isSpace(b) {
                if previousSpace || b != UInt8(ascii: " ") { needs = true; break }
                previousSpace = true
            } else {
                previousSpace = false
            }
        }
        if !needs && !previousSpace { return s }
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count)
        var pendingSpace = false
        for b in s.utf8 {
            if isSpace(b) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Makes a value fit on one RIS line: line breaks and the whitespace around them
    /// become one space, other control characters are dropped, the ends are trimmed.
    static func oneLine(_ s: String) -> String {
        // The usual value: no control character and nothing to trim.
        let clean = s.utf8.withContiguousStorageIfAvailable { buf -> Bool in
            guard let first = buf.first, let last = buf.last else { return true }
            if isSpace(first) || isSpace(last) { return false }
            return !buf.contains { $0 < 0x20 || $0 == 0x7F }
        }
        if clean == true { return s }
        var copy = s
        let hasControl = copy.withUTF8 { buf in buf.contains { $0 < 0x20 || $0 == 0x7F } }
        if !hasControl { return trimmed(s) }
        let bytes = Array(s.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var k = 0
        while k < bytes.count {
            let b = bytes[k]
            if b == 0x0A || b == 0x0D {
                while let last = out.last, last == UInt8(ascii: " ") { out.removeLast() }
                if !out.isEmpty { out.append(UInt8(ascii: " ")) }
                k += 1
                while k < bytes.count, isSpace(bytes[k]) { k += 1 }
                continue
            }
            if b == UInt8(ascii: "\t") {
                out.append(UInt8(ascii: " "))
            } else if b >= 0x20 && b != 0x7F {
                out.append(b)
            }
            k += 1
        }
        return trimmed(String(decoding: out, as: UTF8.self))
    }

    /// Whether ``oneLine(_:)`` would return the bytes as they are: no control character and
    /// no space, tab or line break at either end (empty counts as one line).
    static func isOneLine(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buf.baseAddress, let first = buf.first, let last = buf.last else { return true }
        if isSpace(first) || isSpace(last) { return false }
        let n = buf.count
        var i = 0
        while i + 8 <= n {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            // High bits of bytes below 0x20 or equal to 0x7F (zero / non-zero is exact).
            if ByteWord.below(w, 0x20) | ByteWord.equal(w, 0x7F) != 0 { return false }
            i += 8
        }
        while i < n {
            if buf[i] < 0x20 || buf[i] == 0x7F { return false }
            i += 1
        }
        return true
    }

    /// True when `needle` (ASCII, lower case) occurs in `s`, ignoring ASCII case.
    static func containsASCII(_ s: String, _ needle: StaticString) -> Bool {
        let n = needle.utf8Start
        let m = needle.utf8CodeUnitCount
        guard m > 0 else { return true }
        var s = s
        return s.withUTF8 { h in
            guard h.count >= m else { return false }
            var i = 0
            while i + m <= h.count {
                var k = 0
                while k < m {
                    var c = h[i + k]
                    if c >= 0x41 && c <= 0x5A { c += 32 }
                    if c != n[k] { break }
                    k += 1
                }
                if k == m { return true }
                i += 1
            }
            return false
        }
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C
    }

    /// Case-insensitive, whitespace-insensitive equality used to decide whether a
    /// superseded tag only repeats the value that won.
    static func sameText(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        return collapsed(a).lowercased() == collapsed(b).lowercased()
    }

    // MARK: Rich text (Zotero markup)

    /// The inline tags Zotero uses in titles, and the runs they stand for.
    private enum Markup: CaseIterable {
        case italic, bold, sup, sub, smallCaps, smallCapsSpan, nocase

        var open: String {
            switch self {
            case .italic: "<i>"
            case .bold: "<b>"
            case .sup: "<sup>"
            case .sub: "<sub>"
            case .smallCaps: "<sc>"
            case .smallCapsSpan: "<span style=\"font-variant:small-caps;\">"
            case .nocase: "<span class=\"nocase\">"
            }
        }

        var close: String {
            switch self {
            case .italic: "</i>"
            case .bold: "</b>"
            case .sup: "</sup>"
            case .sub: "</sub>"
            case .smallCaps: "</sc>"
            case .smallCapsSpan, .nocase: "</span>"
            }
        }

        func wrap(_ inlines: [Inline]) -> Inline {
            switch self {
            case .italic: .italic(inlines)
            case .bold: .bold(inlines)
            case .sup: .superscript(inlines)
            case .sub: .subscript(inlines)
            case .smallCaps, .smallCapsSpan: .smallCaps(inlines)
            case .nocase: .caseProtected(inlines)
            }
        }
    }

    /// Parses Zotero's inline markup (`<i>`, `<b>`, `<sup>`, `<sub>`, `<sc>`, small-caps
    /// and `nocase` spans) into rich text. Text that is not well-formed markup stays as
    /// it is, so `p < 0.05` or a stray `<i>` is kept verbatim.
    static func richText(_ s: String) -> RichText {
        guard s.utf8.contains(UInt8(ascii: "<")) else { return RichText(s) }
        let chars = Array(s.utf8)
        var pos = 0
        guard let inlines = parseRuns(chars, &pos, closing: nil), pos == chars.count else {
            return RichText(s)
        }
        return RichText(inlines)
    }

    private static func parseRuns(_ chars: [UInt8], _ pos: inout Int, closing: Markup?) -> [Inline]? {
        var out: [Inline] = []
        var textStart = pos
        func flush(_ end: Int) {
            if end > textStart { out.append(.text(String(decoding: chars[textStart..<end], as: UTF8.self))) }
        }
        while pos < chars.count {
            if chars[pos] == UInt8(ascii: "<") {
                if let closing, hasPrefix(chars, pos, closing.close) {
                    flush(pos)
                    pos += closing.close.utf8.count
                    return out
                }
                if let m = Markup.allCases.first(where: { hasPrefix(chars, pos, $0.open) }) {
                    flush(pos)
                    pos += m.open.utf8.count
                    guard let inner = parseRuns(chars, &pos, closing: m) else { return nil }
                    out.append(m.wrap(inner))
                    textStart = pos
                    continue
                }
                if chars.count > pos + 1, chars[pos + 1] == UInt8(ascii: "/") {
                    // A closing tag we did not open: not our markup.
                    if Markup.allCases.contains(where: { hasPrefix(chars, pos, $0.close) }) { return nil }
                }
            }
            pos += 1
        }
        if closing != nil { return nil }
        flush(pos)
        return out
    }

    private static func hasPrefix(_ chars: [UInt8], _ pos: Int, _ tag: String) -> Bool {
        var i = pos
        for b in tag.utf8 {
            guard i < chars.count else { return false }
            var c = chars[i]
            if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { c += 32 }
            guard c == b else { return false }
            i += 1
        }
        return true
    }

    /// Renders rich text with Zotero's markup; math as `$…$`, links as their text.
    static func markup(_ text: RichText) -> String {
        if text.isPlain { return text.plainText }
        var out = ""
        for inline in text.inlines { appendMarkup(inline, to: &out) }
        return out
    }

    private static func appendMarkup(_ inline: Inline, to out: inout String) {
        func wrap(_ m: Markup, _ c: [Inline]) {
            out += m.open
            for i in c { appendMarkup(i, to: &out) }
            out += m.close
        }
        switch inline {
        case .text(let s), .code(let s), .raw(_, let s): out += s
        case .math(let s): out += "$" + s + "$"
        case .italic(let c): wrap(.italic, c)
        case .bold(let c): wrap(.bold, c)
        case .smallCaps(let c): wrap(.smallCapsSpan, c)
        case .superscript(let c): wrap(.sup, c)
        case .subscript(let c): wrap(.sub, c)
        case .caseProtected(let c): wrap(.nocase, c)
        case .link(_, let c): for i in c { appendMarkup(i, to: &out) }
        }
    }

    /// True when rendering loses something (math delimiters, link targets, code).
    static func markupIsLossy(_ text: RichText) -> Bool {
        func lossy(_ i: Inline) -> Bool {
            switch i {
            case .text: false
            case .math, .link, .code, .raw: true
            case .italic(let c), .bold(let c), .smallCaps(let c), .superscript(let c), .subscript(let c),
                .caseProtected(let c):
                c.contains(where: lossy)
            }
        }
        return text.inlines.contains(where: lossy)
    }
}
