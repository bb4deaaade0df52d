import BibModel

/// Rich text ↔ CSL's HTML-like markup (citeproc-js "CSL-JSON markup"):
/// `<i>`, `<b>`, `<sup>`, `<sub>`, `<span style="font-variant:small-caps;">`,
/// `<span class="nocase">`.
///
/// Math is written inside a `nocase` span, so a style's title-casing cannot change it:
/// either as its TeX source between `$` signs (`<span class="nocase">$x^2$</span>`, lossless,
/// read back from that form and from a bare `$…$` with pandoc's rules) or, with
/// ``MathForm/typeset``, typeset for readers (`<span class="nocase"><i>x</i><sup>2</sup></span>`)
/// when ``typesetMath(_:)`` understands the whole formula. CSL has no markup for monospace or
/// links: their text is written and the loss is reported.
public enum CSLMarkup {
    /// What could not be written as markup.
    public struct Losses: OptionSet, Sendable {
        /// The raw value.
        public var rawValue: Int
        /// Creates a set.
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Monospace (`code`) formatting was written as plain text.
        public static let code = Losses(rawValue: 1)
        /// A link's target was dropped (its text kept).
        public static let link = Losses(rawValue: 2)
    }

    /// The CSL markup for rich text.
    public static func render(_ text: RichText) -> String {
        var losses = Losses()
        return render(text, losses: &losses)
    }

    /// The CSL markup for rich text, noting what could not be expressed. Math is written as
    /// `form` says: TeX (lossless, the default) or typeset where ``typesetMath(_:)`` can.
    public static func render(_ text: RichText, math form: MathForm = .tex, losses: inout Losses) -> String {
        var typeset = false
        return render(text, math: form, losses: &losses, typeset: &typeset)
    }

    /// The CSL markup for rich text; `typeset` is set when some math was typeset rather
    /// than written as TeX (the markup then does not read back to `text`).
    static func render(_ text: RichText, math form: MathForm, losses: inout Losses, typeset: inout Bool) -> String {
        var cache = MathTypesetCache()
        return render(text, math: form, losses: &losses, typeset: &typeset, cache: &cache)
    }

    /// The same, math typeset through `cache`.
    static func render(
        _ text: RichText, math form: MathForm, losses: inout Losses, typeset: inout Bool, cache: inout MathTypesetCache
    ) -> String {
        // Plain text (most titles and abstracts) is its own markup.
        if text.inlines.count == 1, case .text(let s) = text.inlines[0] { return s }
        var out = ""
        render(text, math: form, losses: &losses, typeset: &typeset, cache: &cache, into: &out)
        return out
    }

    /// Writes the CSL markup for rich text to `out` (for a ``JSONEmitter``, escaped as the
    /// inside of a JSON string: the bytes `emitString(render(…))` writes between its quotes).
    /// Math is typeset through `cache`.
    static func render<Sink: MarkupSink>(
        _ text: RichText, math form: MathForm, losses: inout Losses, typeset: inout Bool, cache: inout MathTypesetCache,
        into out: inout Sink
    ) {
        // An explicit stack rather than recursion: the depth of the tree is not ours to bound.
        var stack: [(inlines: [Inline], next: Int, close: StaticString)] = [(text.inlines, 0, "")]
        while var top = stack.popLast() {
            guard top.next < top.inlines.count else {
                out.write(top.close)
                continue
            }
            let inline = top.inlines[top.next]
            top.next += 1
            stack.append(top)
            func open(_ tag: StaticString, _ close: StaticString, _ children: [Inline]) {
                out.write(tag)
                stack.append((children, 0, close))
            }
            switch inline {
            case .text(let s): out.write(s)
            case .italic(let c): open("<i>", "</i>", c)
            case .bold(let c): open("<b>", "</b>", c)
            case .smallCaps(let c): open(smallCapsOpenTag, "</span>", c)
            case .superscript(let c): open("<sup>", "</sup>", c)
            case .subscript(let c): open("<sub>", "</sub>", c)
            case .caseProtected(let c):
                // A protected span holding only math would read back as bare math: nest it.
                if c.count == 1, case .math(let tex) = c[0], form == .tex || cache.typeset(tex) == nil {
                    out.write(nocaseOpenTag)
                    out.write(nocaseOpenTag)
                    out.write("$")
                    out.write(tex)
                    out.write("$</span></span>")
                } else {
                    open(nocaseOpenTag, "</span>", c)
                }
            case .math(let tex):
                if form == .typeset, let markup = cache.typeset(tex) {
                    out.write(nocaseOpenTag)
                    out.write(markup)
                    out.write("</span>")
                    typeset = true
                } else {
                    out.write(nocaseOpenTag)
                    out.write("$")
                    out.write(tex)
                    out.write("$</span>")
                }
            case .code(let s):
                losses.insert(.code)
                out.write(s)
            case .link(_, let c):
                losses.insert(.link)
                open("", "", c)
            case .raw(_, let s): out.write(s)
            }
        }
    }

    static let smallCapsOpenTag: StaticString = "<span style=\"font-variant:small-caps;\">"
    static let nocaseOpenTag: StaticString = "<span class=\"nocase\">"

    // MARK: - Parsing

    /// The deepest nesting of tags interpreted; deeper tags are kept as text.
    static let maxDepth = 64

    private enum Tag: Equatable {
        case italic, bold, superscript, `subscript`, smallCaps, nocase
        /// A span whose attributes mean nothing to us: kept verbatim.
        case otherSpan(String)
    }

    private struct Frame {
        var tag: Tag
        var openText: String
        var children: [Inline] = []
    }

    /// Parses CSL markup into rich text. Unknown or unbalanced tags stay text, so
    /// `render(parse(s)) == s` for any string without `$…$` math.
    public static func parse(_ string: String) -> RichText {
        if !string.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "$") }) {
            return RichText(string)
        }
        var stack: [Frame] = [Frame(tag: .nocase, openText: "")]
        var text: [UInt8] = []
        let bytes = Array(string.utf8)
        var i = 0

        func flush() {
            if !text.isEmpty {
                stack[stack.count - 1].children.append(.text(String(decoding: text, as: UTF8.self)))
                text.removeAll(keepingCapacity: true)
            }
        }

        while i < bytes.count {
            let b = bytes[i]
            // A tag is at most 256 bytes long: the search stays linear on hostile input.
            guard b == UInt8(ascii: "<"),
                let close = bytes[i..<min(i + 256, bytes.count)].firstIndex(of: UInt8(ascii: ">"))
            else {
                text.append(b)
                i += 1
                continue
            }
            let tagText = String(decoding: bytes[i...close], as: UTF8.self)
            if let opening = openingTag(tagText), stack.count <= maxDepth {
                flush()
                stack.append(Frame(tag: opening, openText: tagText))
                i = close + 1
            } else if let closing = closingTag(tagText),
                let top = stack.last, stack.count > 1, matches(closing, top.tag)
            {
                flush()
                let frame = stack.removeLast()
                let children = mergeText(frame.children)
                let inline: [Inline]
                switch frame.tag {
                case .italic: inline = [.italic(children)]
                case .bold: inline = [.bold(children)]
                case .superscript: inline = [.superscript(children)]
                case .subscript: inline = [.subscript(children)]
                case .smallCaps: inline = [.smallCaps(children)]
                case .nocase:
                    if children.count == 1, case .text(let t) = children[0], let tex = wholeMath(t) {
                        inline = [.math(tex)]
                    } else {
                        inline = [.caseProtected(withMath(children))]
                    }
                case .otherSpan(let open): inline = [.text(open)] + children + [.text(tagText)]
                }
                stack[stack.count - 1].children.append(contentsOf: inline)
                i = close + 1
            } else {
                text.append(b)
                i += 1
            }
        }
        flush()
        // Unclosed tags: keep their opening text verbatim and their content in place.
        while stack.count > 1 {
            let frame = stack.removeLast()
            stack[stack.count - 1].children.append(.text(frame.openText))
            stack[stack.count - 1].children.append(contentsOf: frame.children)
        }
        return RichText(withMath(mergeText(stack[0].children)))
    }

    private static func matches(_ closing: Tag, _ open: Tag) -> Bool {
        switch (closing, open) {
        case (.nocase, .nocase), (.nocase, .smallCaps), (.nocase, .otherSpan): return true  // `</span>`
        default: return closing == open
        }
    }

    private static func openingTag(_ t: String) -> Tag? {
        switch t {
        case "<i>", "<em>": return .italic
        case "<b>", "<strong>": return .bold
        case "<sup>": return .superscript
        case "<sub>": return .subscript
        case "<sc>": return .smallCaps
        default: break
        }
        guard t.hasPrefix("<span ") || t.hasPrefix("<span\t") else { return nil }
        let compact = String(t.unicodeScalars.filter { $0 != " " && $0 != "\t" }).lowercased()
        if compact == "<spanstyle=\"font-variant:small-caps;\">" || compact == "<spanstyle=\"font-variant:small-caps\">" {
            return .smallCaps
        }
        if compact == "<spanclass=\"nocase\">" { return .nocase }
        return .otherSpan(t)
    }

    /// The tag a closing tag closes (`</span>` is reported as `.nocase` and matches any span).
    private static func closingTag(_ t: String) -> Tag? {
        switch t {
        case "</i>", "</em>": return .italic
        case "</b>", "</strong>": return .bold
        case "</sup>": return .superscript
        case "</sub>": return .subscript
        case "</sc>": return .smallCaps
        case "</span>": return .nocase
        default: return nil
        }
    }

    /// Joins adjacent text runs, recursively.
    static func mergeText(_ inlines: [Inline]) -> [Inline] {
        var out: [Inline] = []
        out.reserveCapacity(inlines.count)
        for inline in inlines {
            if case .text(let next) = inline {
                if next.isEmpty { continue }
                if case .text(let previous)? = out.last {
                    out[out.count - 1] = .text(previous + next)
                    continue
                }
            }
            out.append(inline)
        }
        return out
    }

    /// `$…$` → the TeX inside, when the whole string is one math span.
    private static func wholeMath(_ t: String) -> String? {
        let u = Array(t.utf8)
        guard u.count >= 3, u[0] == UInt8(ascii: "$"), u[u.count - 1] == UInt8(ascii: "$"),
            !u[1..<(u.count - 1)].contains(UInt8(ascii: "$"))
        else { return nil }
        return String(decoding: u[1..<(u.count - 1)], as: UTF8.self)
    }

    /// Splits bare `$…$` math out of text runs (recursively), with pandoc's rules: the
    /// opening `$` is followed by a non-space, the closing `$` follows a non-space and is not
    /// followed by a digit; `\$` is a literal dollar.
    static func withMath(_ inlines: [Inline]) -> [Inline] {
        var out: [Inline] = []
        for inline in inlines {
            switch inline {
            case .text(let s) where s.utf8.contains(UInt8(ascii: "$")):
                out.append(contentsOf: splitMath(s))
            case .italic(let c): out.append(.italic(withMath(c)))
            case .bold(let c): out.append(.bold(withMath(c)))
            case .smallCaps(let c): out.append(.smallCaps(withMath(c)))
            case .superscript(let c): out.append(.superscript(withMath(c)))
            case .subscript(let c): out.append(.subscript(withMath(c)))
            case .caseProtected(let c): out.append(.caseProtected(c))  // already split when built
            default: out.append(inline)
            }
        }
        return out
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    private static func splitMath(_ s: String) -> [Inline] {
        let u = Array(s.utf8)
        var out: [Inline] = []
        var textStart = 0
        var i = 0
        while i < u.count {
            guard u[i] == UInt8(ascii: "$"), i == 0 || u[i - 1] != UInt8(ascii: "\\"),
                i + 1 < u.count, !isSpace(u[i + 1]), u[i + 1] != UInt8(ascii: "$")
            else {
                i += 1
                continue
            }
            var j = i + 1
            var closing: Int?
            while j < u.count {
                if u[j] == UInt8(ascii: "$"), u[j - 1] != UInt8(ascii: "\\") {
                    let followedByDigit = j + 1 < u.count && u[j + 1] >= UInt8(ascii: "0") && u[j + 1] <= UInt8(ascii: "9")
                    if !isSpace(u[j - 1]) && !followedByDigit { closing = j }
                    break
                }
                j += 1
            }
            guard let end = closing else {
                i += 1
                continue
            }
            if textStart < i { out.append(.text(String(decoding: u[textStart..<i], as: UTF8.self))) }
            out.append(.math(String(decoding: u[(i + 1)..<end], as: UTF8.self)))
            i = end + 1
            textStart = i
        }
        if textStart < u.count { out.append(.text(String(decoding: u[textStart..<u.count], as: UTF8.self))) }
        return out
    }
}

/// Where ``CSLMarkup`` writes markup: a `String`, or a ``JSONEmitter`` (escaped, as the
/// inside of a JSON string).
protocol MarkupSink {
    mutating func write(_ text: String)
    mutating func write(_ text: StaticString)
}

extension String: MarkupSink {
    mutating func write(_ text: String) { self += text }
    mutating func write(_ text: StaticString) {
        if text.utf8CodeUnitCount > 0 { self += text.description }
    }
}

extension JSONEmitter: MarkupSink {
    mutating func write(_ text: String) {
        withUTF8Bytes(text) { appendEscaped($0) }
    }

    mutating func write(_ text: StaticString) {
        appendEscaped(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}

/// ``CSLMarkup/typesetMath(_:)`` remembered by TeX source: the same formulas (`$\alpha$`,
/// `$O(n \log n)$`) come again and again in a bibliography. Short formulas only, and a
/// bounded number of them.
struct MathTypesetCache {
    private var results: [String: String?] = [:]
    /// The most formulas kept, and the longest (in UTF-8 bytes).
    static let maxCount = 512
    static let maxLength = 64

    /// `CSLMarkup.typesetMath(tex)`.
    mutating func typeset(_ tex: String) -> String? {
        guard tex.utf8.count <= Self.maxLength else { return CSLMarkup.typesetMath(tex) }
        if let known = results[tex] { return known }
        let result = CSLMarkup.typesetMath(tex)
        if results.count < Self.maxCount { results.updateValue(result, forKey: tex) }
        return result
    }
}
