import BibModel

/// Turns model text into the bytes of a BibTeX field value: LaTeX specials escaped, Unicode
/// encoded as LaTeX (or kept), rich text as LaTeX commands, math as `$…$`, and capitalised
/// words of titles brace-protected.
///
/// It works on UTF-8 bytes; `Character`s are never formed. Characters it cannot encode are
/// kept as UTF-8 and remembered in ``unmapped`` for the caller to report.
struct LaTeXEncoder {
    /// Encode non-ASCII as LaTeX (classic BibTeX) instead of keeping UTF-8 (biber).
    var asciiOnly: Bool
    /// Characters that had no LaTeX form and were kept as UTF-8, in order met.
    var unmapped: [Unicode.Scalar] = []
    /// Control characters dropped.
    var droppedControls = 0
    /// `raw(latex)` or math runs that were not brace-balanced and were written as text.
    var unbalancedMarkup = 0

    init(asciiOnly: Bool) { self.asciiOnly = asciiOnly }

    // MARK: Rich text

    /// Appends rich text. With `title`, top-level words with inner capitals, all-caps words
    /// and words mixing digits and letters are brace-protected, and math is braced, so that
    /// BibTeX's `change.case$` leaves them alone.
    mutating func append(_ text: RichText, to out: inout [UInt8], title: Bool = false) {
        append(text.inlines, to: &out, title: title)
    }

    /// Appends inline runs (see ``append(_:to:title:)``).
    mutating func append(_ inlines: [Inline], to out: inout [UInt8], title: Bool) {
        if inlines.contains(where: Self.isUnbalancedLaTeX) {
            // Written as text, unbalanced LaTeX reads back as text, joined with the text
            // around it: it is encoded as one run with that text (braces matched across it),
            // so that reading and writing again gives the same bytes.
            unbalancedMarkup += inlines.count { Self.isUnbalancedLaTeX($0) }
            let joined = RichText(inlines.map { if case .raw(_, let s) = $0, Self.isUnbalancedLaTeX($0) { .text(s) } else { $0 } })
            append(joined.inlines, to: &out, title: title)
            return
        }
        for inline in inlines {
            switch inline {
            case .text(let s):
                appendText(s, to: &out, protectCase: title)
            case .italic(let c):
                wrap(c, command: "\\emph{", to: &out)
            case .bold(let c):
                wrap(c, command: "\\textbf{", to: &out)
            case .smallCaps(let c):
                wrap(c, command: "\\textsc{", to: &out)
            case .superscript(let c):
                wrap(c, command: "\\textsuperscript{", to: &out)
            case .subscript(let c):
                wrap(c, command: "\\textsubscript{", to: &out)
            case .caseProtected(let c):
                // `{\emph{x}}` or `{\&}` would be a BibTeX special character, whose case
                // BibTeX changes: content starting with a command gets a second brace.
                if c.allSatisfy({ $0.isEmpty }) { continue }
                // Written in place after its `{`; a second `{` goes in front when it starts
                // with a command (a few bytes moved, not a buffer per span).
                let open = out.count
                out.append(UInt8(ascii: "{"))
                append(c, to: &out, title: false)
                if open + 1 < out.count, out[open + 1] == UInt8(ascii: "\\") {
                    out.insert(UInt8(ascii: "{"), at: open)
                    out.append(UInt8(ascii: "}"))
                }
                out.append(UInt8(ascii: "}"))
            case .math(let source):
                appendMath(source, to: &out, braced: title)
            case .code(let s):
                if s.isEmpty { continue }
                out.append(contentsOf: "\\texttt{".utf8)
                appendText(s, to: &out, protectCase: false)
                out.append(UInt8(ascii: "}"))
            case .link(let url, let c):
                let label = RichText(c).plainText
                if !c.isEmpty && label != url {
                    append(c, to: &out, title: title)
                    out.append(UInt8(ascii: " "))
                }
                appendURLCommand(url, to: &out)
            case .raw(let format, let s):
                let f = format.lowercased()
                if f == "latex" || f == "tex" || f == "bibtex" || f == "biblatex" {
                    appendVerbatimBytes(s, to: &out)  // balanced: the others were made text above
                } else {
                    appendText(s, to: &out, protectCase: false)
                }
            }
        }
    }

    /// A `raw` LaTeX run whose braces BibTeX would not see balanced.
    private static func isUnbalancedLaTeX(_ inline: Inline) -> Bool {
        guard case .raw(let format, let s) = inline else { return false }
        let f = format.lowercased()
        return (f == "latex" || f == "tex" || f == "bibtex" || f == "biblatex") && !BraceBalance.isBalanced(s)
    }

    private mutating func wrap(_ content: [Inline], command: String, to out: inout [UInt8]) {
        if content.allSatisfy({ $0.isEmpty }) { return }
        out.append(contentsOf: command.utf8)
        append(content, to: &out, title: false)
        out.append(UInt8(ascii: "}"))
    }

    // MARK: Plain text

    /// Appends plain text: NFC-normalised, LaTeX specials escaped, whitespace as spaces.
    mutating func appendText(_ s: String, to out: inout [UInt8], protectCase: Bool = false) {
        if s.isEmpty { return }
        // The usual short value (a name part, a number, a plain sentence): printable ASCII
        // without specials, written as it is (what the general path below would write too).
        if !protectCase,
            s.utf8.withContiguousStorageIfAvailable({ buf -> Bool in
                guard plainRunEnd(buf, 0, buf.count) == buf.count else { return false }
                out.append(contentsOf: buf)
                return true
            }) == true
        {
            return
        }
        var text = s.isNFCWithoutChecking ? s : s.nfc
        text.withUTF8 { buf in
            let matched = BraceBalance.matchedBraces(buf)
            if protectCase {
                encodeWords(buf, matched: matched, to: &out)
            } else {
                encode(buf, 0..<buf.count, matched: matched, to: &out)
            }
        }
    }

    /// Splits on ASCII whitespace and braces the alphanumeric core of words that need it.
    private mutating func encodeWords(_ buf: UnsafeBufferPointer<UInt8>, matched: [Bool]?, to out: inout [UInt8]) {
        var i = 0
        let n = buf.count
        while i < n {
            if isSpace(buf[i]) {
                out.append(0x20)
                i += 1
                continue
            }
            var j = i
            while j < n && !isSpace(buf[j]) { j += 1 }
            if let core = CaseProtection.protectedCore(buf, i..<j) {
                encode(buf, i..<core.lowerBound, matched: matched, to: &out)
                out.append(UInt8(ascii: "{"))
                encode(buf, core, matched: matched, to: &out)
                out.append(UInt8(ascii: "}"))
                encode(buf, core.upperBound..<j, matched: matched, to: &out)
            } else {
                encode(buf, i..<j, matched: matched, to: &out)
            }
            i = j
        }
    }

    /// The byte loop: ASCII escapes, Unicode → LaTeX (or kept), combining marks composed.
    private mutating func encode(
        _ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, matched: [Bool]?, to out: inout [UInt8]
    ) {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let b = buf[i]
            if b < 0x80 {
                if isPlainByte(b) {
                    // A run of bytes written as they are, copied at once; a letter right before
                    // non-ASCII may take a combining accent, so it is left to the byte path.
                    var j = plainRunEnd(buf, i + 1, end)
                    if asciiOnly && j < end && buf[j] >= 0x80 && isASCIILetter(buf[j - 1]) { j -= 1 }
                    if j > i {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<j]))
                        i = j
                        continue
                    }
                }
                switch b {
                case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20:
                    out.append(0x20)
                case UInt8(ascii: "&"), UInt8(ascii: "%"), UInt8(ascii: "$"), UInt8(ascii: "#"), UInt8(ascii: "_"):
                    out.append(UInt8(ascii: "\\"))
                    out.append(b)
                case UInt8(ascii: "~"):
                    out.append(contentsOf: #"{\textasciitilde}"#.utf8)
                case UInt8(ascii: "^"):
                    out.append(contentsOf: #"{\textasciicircum}"#.utf8)
                case UInt8(ascii: "\\"):
                    out.append(contentsOf: #"{\textbackslash}"#.utf8)
                case UInt8(ascii: "{"):
                    if matched?[i] ?? false {
                        out.append(contentsOf: #"\{"#.utf8)
                    } else {
                        out.append(contentsOf: #"{\textbraceleft}"#.utf8)
                    }
                case UInt8(ascii: "}"):
                    if matched?[i] ?? false {
                        out.append(contentsOf: #"\}"#.utf8)
                    } else {
                        out.append(contentsOf: #"{\textbraceright}"#.utf8)
                    }
                case 0x00...0x1F, 0x7F:
                    droppedControls += 1
                default:
                    if asciiOnly && isASCIILetter(b) && i + 1 < end && buf[i + 1] >= 0x80 {
                        // A letter followed by combining marks that NFC could not precompose.
                        var marks: [Unicode.Scalar] = []
                        var k = i + 1
                        while k < end, let (scalar, len) = UTF8Scalar.decode(buf, at: k, end: end),
                            LaTeXCharacterTable.accentCommand[scalar] != nil
                        {
                            marks.append(scalar)
                            k += len
                        }
                        if !marks.isEmpty, let form = LaTeXCharacterTable.compose([Unicode.Scalar(b)] + marks) {
                            out.append(contentsOf: form.utf8)
                            i = k
                            continue
                        }
                    }
                    out.append(b)
                }
                i += 1
                continue
            }
            guard let (scalar, len) = UTF8Scalar.decode(buf, at: i, end: end) else {
                // Not reachable for Swift strings (always valid UTF-8); keep the byte.
                out.append(b)
                i += 1
                continue
            }
            if scalar.value < 0xA0 {
                droppedControls += 1  // C1 control characters
            } else if asciiOnly {
                if !Self.appendTextForm(scalar, to: &out) {
                    unmapped.append(scalar)
                    out.append(contentsOf: buf[i..<(i + len)])
                }
            } else {
                out.append(contentsOf: buf[i..<(i + len)])
            }
            i += len
        }
    }

    /// ``LaTeXCharacterTable/textForms`` of Latin-1 and Latin Extended-A by index (the
    /// usual accented letters of names), the rest hashed.
    /// As bytes: appending an array's bytes is a copy, a string's UTF-8 view goes the general way.
    private static let latinTextForms: [[UInt8]?] = (0..<0x180).map { v in
        Unicode.Scalar(UInt32(v)).flatMap { LaTeXCharacterTable.textForms[$0] }.map { Array($0.utf8) }
    }

    /// Appends the text form of a scalar; false when it has none.
    @inline(__always)
    private static func appendTextForm(_ scalar: Unicode.Scalar, to out: inout [UInt8]) -> Bool {
        let v = Int(scalar.value)
        if v < 0x180 {
            guard let form = latinTextForms[v] else { return false }
            out.append(contentsOf: form)
        } else {
            guard let form = LaTeXCharacterTable.textForms[scalar] else { return false }
            out.append(contentsOf: form.utf8)
        }
        return true
    }

    // MARK: Math

    /// Appends `$…$` (braced in titles). The TeX source is kept; Unicode Greek and symbols
    /// become commands; `\{`/`\}` become `\lbrace`/`\rbrace` (BibTeX counts escaped braces
    /// too); bare `$ % # &` are escaped. Unbalanced braces make it plain escaped text.
    mutating func appendMath(_ source: String, to out: inout [UInt8], braced: Bool) {
        var body: [UInt8] = []
        body.reserveCapacity(source.utf8.count + 8)
        var text = source.isNFCWithoutChecking ? source : source.nfc
        let ok = text.withUTF8 { buf in encodeMath(buf, to: &body) }
        guard ok else {
            unbalancedMarkup += 1
            appendText(source, to: &out, protectCase: false)
            return
        }
        if braced { out.append(UInt8(ascii: "{")) }
        out.append(UInt8(ascii: "$"))
        out.append(contentsOf: body)
        out.append(UInt8(ascii: "$"))
        if braced { out.append(UInt8(ascii: "}")) }
    }

    private mutating func encodeMath(_ buf: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        var depth = 0
        var i = 0
        let n = buf.count
        var pendingUnmapped: [Unicode.Scalar] = []
        func spaceIfLetterFollows(_ k: Int, _ out: inout [UInt8]) {
            if k < n && isASCIILetter(buf[k]) { out.append(0x20) }
        }
        while i < n {
            let b = buf[i]
            switch b {
            case UInt8(ascii: "\\"):
                guard i + 1 < n else {
                    out.append(contentsOf: #"\backslash"#.utf8)
                    i += 1
                    continue
                }
                let next = buf[i + 1]
                if next == UInt8(ascii: "{") || next == UInt8(ascii: "}") {
                    out.append(contentsOf: (next == UInt8(ascii: "{") ? #"\lbrace"# : #"\rbrace"#).utf8)
                    spaceIfLetterFollows(i + 2, &out)
                    i += 2
                } else if isASCIILetter(next) {
                    out.append(b)
                    var k = i + 1
                    while k < n && isASCIILetter(buf[k]) {
                        out.append(buf[k])
                        k += 1
                    }
                    i = k
                } else if next < 0x80 && next >= 0x20 {
                    out.append(b)
                    out.append(next)
                    i += 2
                } else {
                    out.append(b)
                    i += 1
                }
            case UInt8(ascii: "{"):
                depth += 1
                out.append(b)
                i += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth < 0 { return false }
                out.append(b)
                i += 1
            case UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "#"), UInt8(ascii: "&"):
                out.append(UInt8(ascii: "\\"))
                out.append(b)
                i += 1
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                out.append(0x20)
                i += 1
            case 0x00...0x1F, 0x7F:
                droppedControls += 1
                i += 1
            case 0x80...:
                guard let (scalar, len) = UTF8Scalar.decode(buf, at: i, end: n) else {
                    out.append(b)
                    i += 1
                    continue
                }
                if let form = LaTeXCharacterTable.mathForms[scalar] {
                    out.append(contentsOf: form.utf8)
                    spaceIfLetterFollows(i + len, &out)
                } else {
                    pendingUnmapped.append(scalar)
                    out.append(contentsOf: buf[i..<(i + len)])
                }
                i += len
            default:
                out.append(b)
                i += 1
            }
        }
        guard depth == 0 else { return false }
        unmapped.append(contentsOf: pendingUnmapped)
        return true
    }

    // MARK: URLs and verbatim

    /// Appends `\url{…}` for use inside a non-verbatim field: `%` and `#` escaped (needed
    /// inside macro arguments, e.g. every biblatex field), braces, backslash, `^`, spaces
    /// and non-ASCII bytes percent-encoded.
    mutating func appendURLCommand(_ url: String, to out: inout [UInt8]) {
        out.append(contentsOf: "\\url{".utf8)
        for b in url.utf8 {
            switch b {
            case UInt8(ascii: "%"), UInt8(ascii: "#"):
                out.append(UInt8(ascii: "\\"))
                out.append(b)
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\\"), UInt8(ascii: "^"), 0x20, 0x80...:
                out.append(contentsOf: #"\%"#.utf8)
                out.append(contentsOf: PercentEncoding.hex(b))
            case 0x00...0x1F, 0x7F:
                droppedControls += 1
            default:
                out.append(b)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Appends text that is already LaTeX, dropping only control characters.
    mutating func appendVerbatimBytes(_ s: String, to out: inout [UInt8]) {
        for b in s.utf8 {
            if b < 0x20 {
                if b == 0x09 || b == 0x0A || b == 0x0D { out.append(0x20) } else { droppedControls += 1 }
            } else if b == 0x7F {
                droppedControls += 1
            } else {
                out.append(b)
            }
        }
    }

    /// Empties the per-field reports.
    mutating func resetReports() {
        unmapped.removeAll(keepingCapacity: true)
        droppedControls = 0
        unbalancedMarkup = 0
    }
}

extension String {
    /// True when the text is certainly in NFC already, so Foundation's normalisation can be
    /// skipped: every scalar is below U+0300 (ASCII, Latin-1, Latin Extended-A/B are all
    /// precomposed and stable), i.e. no UTF-8 lead byte is 0xCC or above. Checked eight
    /// bytes at a time on the contiguous buffer.
    var isNFCWithoutChecking: Bool {
        if let result = utf8.withContiguousStorageIfAvailable({ buf -> Bool in
            guard let base = buf.baseAddress else { return true }
            var i = 0
            let n = buf.count
            while i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 {
                    for k in i..<(i + 8) where buf[k] >= 0xCC { return false }
                }
                i += 8
            }
            while i < n {
                if buf[i] >= 0xCC { return false }
                i += 1
            }
            return true
        }) {
            return result
        }
        return !utf8.contains(where: { $0 >= 0xCC })
    }
}

@inline(__always)
private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

/// A byte ``LaTeXEncoder`` writes as it is: printable ASCII (space included) other than
/// `& % $ # _ ~ ^ \ { }`.
@inline(__always)
private func isPlainByte(_ b: UInt8) -> Bool {
    if b < 64 { return (0xFFFF_FF87_0000_0000 as UInt64) >> UInt64(b) & 1 != 0 }
    if b < 128 { return (0x17FF_FFFF_2FFF_FFFF as UInt64) >> UInt64(b - 64) & 1 != 0 }
    return false
}

/// The end of the run of ``isPlainByte(_:)`` bytes starting at `start` (eight bytes at a time).
@inline(__always)
private func plainRunEnd(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
    var j = start
    if let base = buf.baseAddress {
        while j + 8 <= end && allPlain(UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)) { j += 8 }
    }
    while j < end && isPlainByte(buf[j]) { j += 1 }
    return j
}

/// Whether all eight bytes of a word are ``isPlainByte(_:)`` bytes: 0x20…0x7A without
/// `# $ % &` (0x23…0x26), `\` (0x5C), `^ _` (0x5E, 0x5F), plus `|` (0x7C). For bytes below
/// 0x80, adding `0x80 - lo` to each sets its high bit exactly when it is at least `lo` (no
/// carry crosses a byte), so each range test is exact.
@inline(__always)
private func allPlain(_ w: UInt64) -> Bool {
    let high: UInt64 = 0x8080_8080_8080_8080
    if w & high != 0 { return false }
    @inline(__always) func atLeast(_ lo: UInt8) -> UInt64 { (w &+ ByteWord.lanes(0x80 &- lo)) & high }
    let printable = atLeast(0x20) & ~atLeast(0x7B)
    let specials = (atLeast(0x23) & ~atLeast(0x27)) | (atLeast(0x5C) & ~atLeast(0x5D)) | (atLeast(0x5E) & ~atLeast(0x60))
    let bar = atLeast(0x7C) & ~atLeast(0x7D)
    return (printable & ~specials) | bar == high
}

/// Decoding one scalar from valid UTF-8 bytes.
enum UTF8Scalar {
    /// The scalar starting at `i` and its length in bytes, or nil if the bytes are not UTF-8.
    @inline(__always)
    static func decode(_ buf: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> (Unicode.Scalar, Int)? {
        let b0 = buf[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let len: Int
        var value: UInt32
        switch b0 {
        case 0xC2...0xDF: len = 2; value = UInt32(b0 & 0x1F)
        case 0xE0...0xEF: len = 3; value = UInt32(b0 & 0x0F)
        case 0xF0...0xF4: len = 4; value = UInt32(b0 & 0x07)
        default: return nil
        }
        guard i + len <= end else { return nil }
        for k in 1..<len {
            let c = buf[i + k]
            guard c & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(c & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, len)
    }
}

/// Percent-encoding of single bytes (`%7B`).
enum PercentEncoding {
    private static let digits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// The two upper-case hex digits of a byte.
    static func hex(_ b: UInt8) -> [UInt8] { [digits[Int(b >> 4)], digits[Int(b & 0x0F)]] }
}

/// BibTeX's view of braces: every `{` and `}` counts, even after a backslash.
enum BraceBalance {
    /// True when every `}` closes an earlier `{` and none stays open.
    static func isBalanced(_ s: String) -> Bool {
        var depth = 0
        for b in s.utf8 {
            if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
                if depth < 0 { return false }
            }
        }
        return depth == 0
    }

    /// True when the bytes are balanced (see ``isBalanced(_:)``).
    static func isBalanced(_ bytes: [UInt8]) -> Bool {
        var depth = 0
        for b in bytes {
            if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
                if depth < 0 { return false }
            }
        }
        return depth == 0
    }

    /// For each byte, whether it is a brace with a partner; nil when there are no braces.
    static func matchedBraces(_ buf: UnsafeBufferPointer<UInt8>) -> [Bool]? {
        guard containsBrace(buf) else { return nil }
        var matched = [Bool](repeating: false, count: buf.count)
        var open: [Int] = []
        for (i, b) in buf.enumerated() {
            if b == UInt8(ascii: "{") {
                open.append(i)
            } else if b == UInt8(ascii: "}"), let o = open.popLast() {
                matched[o] = true
                matched[i] = true
            }
        }
        return matched
    }

    /// Whether the bytes hold a `{` or `}` (eight bytes at a time: most values have none).
    static func containsBrace(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buf.baseAddress else { return false }
        let n = buf.count
        var i = 0
        while i + 8 <= n {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if ByteWord.equal(w, UInt8(ascii: "{")) | ByteWord.equal(w, UInt8(ascii: "}")) != 0 { return true }
            i += 8
        }
        while i < n {
            if buf[i] == UInt8(ascii: "{") || buf[i] == UInt8(ascii: "}") { return true }
            i += 1
        }
        return false
    }

    /// Replaces braces without a partner by `%7B`/`%7D` (for verbatim fields such as URLs);
    /// returns the text and whether anything changed.
    static func percentEncodingUnmatched(_ s: String) -> (String, Bool) {
        // The usual URL or DOI has no brace at all: no copy of its bytes then.
        var probe = s
        if !probe.withUTF8({ containsBrace($0) }) { return (s, false) }
        let bytes = Array(s.utf8)
        let matched: [Bool]? = bytes.withUnsafeBufferPointer { matchedBraces($0) }
        guard let matched else { return (s, false) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 4)
        var changed = false
        for (i, b) in bytes.enumerated() {
            if (b == UInt8(ascii: "{") || b == UInt8(ascii: "}")) && !matched[i] {
                out.append(UInt8(ascii: "%"))
                out.append(contentsOf: PercentEncoding.hex(b))
                changed = true
            } else {
                out.append(b)
            }
        }
        return (String(decoding: out, as: UTF8.self), changed)
    }
}
