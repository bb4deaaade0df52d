import Foundation

/// Text forms for comparing and cleaning: match keys (LaTeX decoded, accents folded,
/// punctuation and case dropped), white-space collapsing and LaTeX accent decoding.
public enum MatchText {
    /// The comparison key of a title or name: LaTeX commands and braces removed, accents
    /// folded, `&` read as `and`, letters and digits only, lower case, no spaces.
    /// `Schr{\"o}dinger's Cat: A Review` and `Schrödinger’s cat - a review` give the same key.
    public static func key(_ text: String) -> String {
        words(text).joined()
    }

    /// The words of ``key(_:)`` (split where the text had spaces or punctuation).
    public static func words(_ text: String) -> [String] {
        let source = text.utf8.contains(UInt8(ascii: "\\")) ? latexStripped(text) : text
        if let words = latinWords(source) { return words }
        return decomposedWords(source)
    }

    /// ``words(_:)`` the general way: compatibility decomposition, then scalar by scalar.
    static func decomposedWords(_ source: String) -> [String] {
        var words: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        // After compatibility decomposition accented Latin letters are an ASCII base and a
        // mark, and look-alike forms are one letter (micro sign `µ` and Greek `μ`, which is what
        // upper-casing `µ` gives back; `ﬁ` and `fi`; `²` and `2`); what is left are special
        // letters (spelled out) and other scripts (kept, lower case).
        for scalar in source.decomposedStringWithCompatibilityMapping.unicodeScalars {
            if scalar.isASCII {
                let v = UInt8(scalar.value)
                if isDigit(v) || isLetter(v) {
                    current.unicodeScalars.append(Unicode.Scalar(v | (isLetter(v) ? 0x20 : 0)))
                } else if v == UInt8(ascii: "&") {
                    flush()
                    words.append("and")
                } else if v == UInt8(ascii: "'") {
                    continue  // Schrödinger's → schrodingers
                } else {
                    flush()
                }
                continue
            }
            let props = scalar.properties
            if props.generalCategory == .nonspacingMark || props.generalCategory == .enclosingMark { continue }
            if scalar == "’" || scalar == "ʼ" { continue }
            if props.isAlphabetic || props.numericType != nil {
                if let spelled = specialLetters[scalar] {
                    current += spelled
                } else {
                    current += props.lowercaseMapping
                }
            } else {
                flush()
            }
        }
        flush()
        return words
    }

    /// Letters that do not decompose to an ASCII base, spelled as `String.asciiFolded` spells them.
    private static let specialLetters: [Unicode.Scalar: String] = [
        "ß": "ss", "ẞ": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l",
        "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "ȷ": "j", "ŋ": "ng", "Ŋ": "ng",
        "ħ": "h", "Ħ": "h", "ŀ": "l", "Ŀ": "l",
    ]

    /// What a Latin letter of U+00C0–U+024F (Latin-1 Supplement, Latin Extended-A and -B)
    /// does in ``decomposedWords(_:)``: its ASCII letters join the current word (none for a
    /// letter that is skipped), or it ends the word; nil for one whose result is not ASCII
    /// letters (then the text goes the general way).
    private enum LatinFold {
        case letters([UInt8])
        case separator
    }

    private static let latinFirst: UInt32 = 0xC0
    private static let latinEnd: UInt32 = 0x250

    /// The table, made by asking ``decomposedWords(_:)`` itself what each letter does
    /// between two ASCII letters, so the fast path cannot disagree with it. (Decomposing
    /// such text letter by letter is what decomposing it whole does: every one of these
    /// letters decomposes to a base first, and the marks that follow are dropped.)
    private static let latinFolds: [LatinFold?] = (latinFirst..<latinEnd).map { value -> LatinFold? in
        guard let scalar = Unicode.Scalar(value) else { return nil }
        var probe = "a"
        probe.unicodeScalars.append(scalar)
        probe += "b"
        let result = decomposedWords(probe)
        if result == ["a", "b"] { return .separator }
        guard result.count == 1, let word = result.first else { return nil }
        let bytes = Array(word.utf8)
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "a"), bytes.last == UInt8(ascii: "b") else { return nil }
        let middle = Array(bytes[1..<(bytes.count - 1)])
        guard middle.allSatisfy({ isDigit($0) || (isLetter($0) && $0 >= 0x61) }) else { return nil }
        return .letters(middle)
    }

    /// ``words(_:)`` for text of ASCII and the Latin letters of ``latinFolds`` (accented names
    /// and titles), byte by byte and without decomposing; nil when another character is
    /// present. (U+00C0…U+024F are the two-byte sequences C3 80 … C9 8F.)
    static func latinWords(_ text: String) -> [String]? {
        var words: [String] = []
        var current: [UInt8] = []
        current.reserveCapacity(16)
        func endWord() {
            if !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        var utf8 = text.utf8.makeIterator()
        while let v = utf8.next() {
            if v < 0x80 {
                if isDigit(v) || isLetter(v) {
                    current.append(isLetter(v) ? v | 0x20 : v)
                } else if v != UInt8(ascii: "'") {
                    endWord()
                    if v == UInt8(ascii: "&") { words.append("and") }
                }
                continue
            }
            guard v & 0xE0 == 0xC0, let next = utf8.next() else { return nil }
            let value = UInt32(v & 0x1F) << 6 | UInt32(next & 0x3F)
            guard value >= latinFirst, value < latinEnd, let fold = latinFolds[Int(value - latinFirst)] else { return nil }
            switch fold {
            case .letters(let letters): current.append(contentsOf: letters)
            case .separator: endWord()
            }
        }
        endWord()
        return words
    }

    /// The text with LaTeX accent and symbol commands reduced to their base letters and
    /// other commands, braces and `$` removed: `Schr{\"o}dinger` → `Schrodinger`, `\ss` → `ss`.
    public static func latexStripped(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        let s = Array(text.unicodeScalars)
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == "\\" && i + 1 < s.count {
                let next = s[i + 1]
                if next.properties.isAlphabetic && next.isASCII {
                    var j = i + 1
                    while j < s.count, s[j].isASCII, s[j].properties.isAlphabetic { j += 1 }
                    let name = String(String.UnicodeScalarView(s[(i + 1)..<j]))
                    if let spelled = latexLetters[name] { out.append(contentsOf: spelled.unicodeScalars) }
                    // Skip the space that ends a command name.
                    while j < s.count, s[j] == " " { j += 1 }
                    i = j
                } else {
                    // `\"`, `\'`, `\&`, `\%`: the character after a symbol command.
                    if "&%$#_{}".unicodeScalars.contains(next) { out.append(next) }
                    i += 2
                }
                continue
            }
            if c == "{" || c == "}" || c == "$" {
                i += 1
                continue
            }
            if c == "~" {
                out.append(" ")
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }

    private static let latexLetters: [String: String] = [
        "ss": "ss", "o": "o", "O": "O", "ae": "ae", "AE": "AE", "oe": "oe", "OE": "OE", "aa": "a", "AA": "A",
        "l": "l", "L": "L", "i": "i", "j": "j", "dh": "d", "DH": "D", "th": "th", "TH": "Th", "ng": "ng", "NG": "NG",
        "dj": "d", "DJ": "D",
        // Greek letters in math (`$\alpha$-helix`), as the Unicode letters the other side may have.
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
        "eta": "η", "theta": "θ", "vartheta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
        "xi": "ξ", "pi": "π", "rho": "ρ", "varrho": "ρ", "sigma": "σ", "varsigma": "σ", "tau": "τ", "upsilon": "υ",
        "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
        "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]

    /// Text with runs of white space (including line breaks and no-break spaces) collapsed
    /// to one space and trimmed.
    public static func collapsedWhitespace(_ text: String) -> String {
        var afterSpace = true
        var changed = false
        let out = collapsedUTF8(text, afterSpace: &afterSpace, changed: &changed)
        if afterSpace, let last = out.last, last == 0x20 {
            return String(decoding: out.dropLast(), as: UTF8.self)
        }
        return changed ? String(decoding: out, as: UTF8.self) : text
    }

    /// The UTF-8 bytes of `text` with every run of white space as one space (none at the
    /// start when `afterSpace`); `afterSpace` ends telling whether the text ended in white
    /// space, `changed` whether anything differs from the input. Scans bytes: white space is
    /// ASCII space, tab, line breaks, and U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028,
    /// U+2029, U+202F, U+205F, U+3000.
    static func collapsedUTF8(_ text: String, afterSpace: inout Bool, changed: inout Bool) -> [UInt8] {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { buf in
            out.reserveCapacity(buf.count)
            var i = 0
            while i < buf.count {
                let b = buf[i]
                // The length of a white-space character starting at i, 0 if none.
                var length = 0
                switch b {
                case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20: length = 1
                case 0xC2 where i + 1 < buf.count && (buf[i + 1] == 0x85 || buf[i + 1] == 0xA0): length = 2
                case 0xE1 where i + 2 < buf.count && buf[i + 1] == 0x9A && buf[i + 2] == 0x80: length = 3
                case 0xE2 where i + 2 < buf.count:
                    let c = buf[i + 1]
                    let d = buf[i + 2]
                    if (c == 0x80 && ((0x80...0x8A).contains(d) || d == 0xA8 || d == 0xA9 || d == 0xAF)) || (c == 0x81 && d == 0x9F) {
                        length = 3
                    }
                case 0xE3 where i + 2 < buf.count && buf[i + 1] == 0x80 && buf[i + 2] == 0x80: length = 3
                default: break
                }
                if length == 0 {
                    out.append(b)
                    afterSpace = false
                    i += 1
                    continue
                }
                if afterSpace {
                    changed = true
                } else {
                    out.append(0x20)
                    if b != 0x20 { changed = true }
                }
                afterSpace = true
                i += length
            }
        }
        return out
    }
}

extension RichText {
    /// The text with white space collapsed inside and across runs (one space where runs
    /// meet), trimmed at both ends; math and code runs are left as they are.
    public func collapsingWhitespace() -> RichText {
        var afterSpace = true  // at the start, leading space is dropped
        var out = inlines.map { $0.collapsingWhitespace(afterSpace: &afterSpace) }
        // Trailing space of the last run with text.
        if afterSpace { Self.trimTrailingSpace(&out) }
        return RichText(out)
    }

    /// Removes one trailing space from the last text run, looking into nested runs.
    private static func trimTrailingSpace(_ inlines: inout [Inline]) {
        for i in inlines.indices.reversed() {
            switch inlines[i] {
            case .text(let s):
                if s.hasSuffix(" ") { inlines[i] = .text(String(s.dropLast())) }
                if !s.isEmpty { return }
            case .italic(var c): trimTrailingSpace(&c); inlines[i] = .italic(c); return
            case .bold(var c): trimTrailingSpace(&c); inlines[i] = .bold(c); return
            case .smallCaps(var c): trimTrailingSpace(&c); inlines[i] = .smallCaps(c); return
            case .superscript(var c): trimTrailingSpace(&c); inlines[i] = .superscript(c); return
            case .subscript(var c): trimTrailingSpace(&c); inlines[i] = .subscript(c); return
            case .caseProtected(var c): trimTrailingSpace(&c); inlines[i] = .caseProtected(c); return
            case .link(let url, var c): trimTrailingSpace(&c); inlines[i] = .link(url: url, c); return
            case .math, .code, .raw: return
            }
        }
    }

    /// Applies `transform` to every plain-text run outside case-protected, math, code and raw
    /// runs (those are never recased).
    public func mappingText(_ transform: (String) -> String) -> RichText {
        RichText(inlines.map { $0.mappingText(transform) })
    }
}

extension Inline {
    /// Collapses white space; `afterSpace` carries "the text so far ends in a space" across runs.
    func collapsingWhitespace(afterSpace: inout Bool) -> Inline {
        func nested(_ c: [Inline]) -> [Inline] { c.map { $0.collapsingWhitespace(afterSpace: &afterSpace) } }
        switch self {
        case .text(let s):
            var changed = false
            let out = MatchText.collapsedUTF8(s, afterSpace: &afterSpace, changed: &changed)
            return .text(changed ? String(decoding: out, as: UTF8.self) : s)
        case .italic(let c): return .italic(nested(c))
        case .bold(let c): return .bold(nested(c))
        case .smallCaps(let c): return .smallCaps(nested(c))
        case .superscript(let c): return .superscript(nested(c))
        case .subscript(let c): return .subscript(nested(c))
        case .caseProtected(let c): return .caseProtected(nested(c))
        case .link(let url, let c): return .link(url: url, nested(c))
        case .math, .code, .raw:
            afterSpace = false
            return self
        }
    }

    func mappingText(_ transform: (String) -> String) -> Inline {
        switch self {
        case .text(let s): return .text(transform(s))
        case .italic(let c): return .italic(c.map { $0.mappingText(transform) })
        case .bold(let c): return .bold(c.map { $0.mappingText(transform) })
        case .smallCaps(let c): return .smallCaps(c.map { $0.mappingText(transform) })
        case .superscript(let c): return .superscript(c.map { $0.mappingText(transform) })
        case .subscript(let c): return .subscript(c.map { $0.mappingText(transform) })
        case .link(let url, let c): return .link(url: url, c.map { $0.mappingText(transform) })
        case .caseProtected, .math, .code, .raw: return self
        }
    }
}
