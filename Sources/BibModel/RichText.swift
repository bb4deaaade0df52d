/// Text with the inline formatting bibliographies carry: italics, bold, small caps,
/// sub/superscripts, math, case-protected spans and links.
///
/// It lets BibTeX braces become CSL `<span class="nocase">` and JATS `<italic>` without
/// flattening, and keeps math as its TeX source.
public struct RichText: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The inline runs in order.
    public var inlines: [Inline]

    /// Creates rich text from inline runs.
    public init(_ inlines: [Inline]) { self.inlines = RichText.merged(inlines) }

    /// Creates unformatted text.
    public init(_ plain: String) { self.inlines = plain.isEmpty ? [] : [.text(plain)] }

    /// Creates unformatted text.
    public init(stringLiteral value: String) { self.init(value) }

    /// The text without formatting; math is given as its TeX source.
    public var plainText: String {
        var out = ""
        for inline in inlines { inline.appendPlain(to: &out) }
        return out
    }

    /// True when there is no text at all.
    public var isEmpty: Bool { inlines.allSatisfy { $0.isEmpty } }

    /// The plain text.
    public var description: String { plainText }

    /// True when the text has no formatting: only plain runs.
    public var isPlain: Bool {
        inlines.allSatisfy { if case .text = $0 { return true } else { return false } }
    }

    /// Joins adjacent plain runs, so equal texts compare equal however they were built.
    static func merged(_ inlines: [Inline]) -> [Inline] {
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
}

/// One run of ``RichText``.
public indirect enum Inline: Hashable, Sendable {
    /// Plain text.
    case text(String)
    /// Italic (emphasis).
    case italic([Inline])
    /// Bold.
    case bold([Inline])
    /// Small capitals.
    case smallCaps([Inline])
    /// Superscript.
    case superscript([Inline])
    /// Subscript.
    case `subscript`([Inline])
    /// Text whose case must not be changed by a style (BibTeX `{…}`, CSL `nocase`).
    case caseProtected([Inline])
    /// Mathematics, kept as TeX source without the `$` delimiters.
    case math(String)
    /// Monospaced or verbatim text.
    case code(String)
    /// A hyperlink around text.
    case link(url: String, [Inline])
    /// Markup of a specific format kept verbatim because it could not be interpreted
    /// (e.g. an unknown LaTeX command).
    case raw(format: String, String)

    /// True when the run holds no text.
    public var isEmpty: Bool {
        switch self {
        case .text(let s), .math(let s), .code(let s), .raw(_, let s): return s.isEmpty
        case .italic(let c), .bold(let c), .smallCaps(let c), .superscript(let c),
            .subscript(let c), .caseProtected(let c), .link(_, let c):
            return c.allSatisfy { $0.isEmpty }
        }
    }

    func appendPlain(to out: inout String) {
        switch self {
        case .text(let s), .code(let s), .raw(_, let s): out += s
        case .math(let s): out += s
        case .italic(let c), .bold(let c), .smallCaps(let c), .superscript(let c),
            .subscript(let c), .caseProtected(let c), .link(_, let c):
            for inline in c { inline.appendPlain(to: &out) }
        }
    }
}
