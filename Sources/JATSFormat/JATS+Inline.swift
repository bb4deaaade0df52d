import BibModel
import BibXML

/// Rich text ↔ JATS inline markup: `<italic>`, `<bold>`, `<sc>`, `<sup>`, `<sub>`,
/// `<monospace>`, `<inline-formula><tex-math>`, `<ext-link>`. Case-protected spans become
/// plain text (JATS has no "no case change" markup).
enum JATSInline {
    /// Writes runs into the open element. `restricted` is for parents whose content model
    /// lacks `<inline-formula>` and `<ext-link>` (`<data-title>`, `<series>`, `<ext-link>`):
    /// there those are wrapped in a neutral `<roman>`, which allows them.
    static func write(_ inlines: [Inline], into w: inout XMLWriter, restricted: Bool = false) {
        for inline in inlines {
            if restricted {
                switch inline {
                case .math, .link:
                    w.start("roman", mixed: true)
                    write([inline], into: &w)
                    w.end()
                    continue
                default:
                    break
                }
            }
            switch inline {
            case .text(let s): w.text(s)
            case .italic(let c): wrap("italic", c, into: &w)
            case .bold(let c): wrap("bold", c, into: &w)
            case .smallCaps(let c): wrap("sc", c, into: &w)
            case .superscript(let c): wrap("sup", c, into: &w)
            case .subscript(let c): wrap("sub", c, into: &w)
            case .caseProtected(let c): write(c, into: &w)
            case .math(let tex):
                w.start("inline-formula", mixed: true)
                w.element("tex-math", text: tex)
                w.end()
            case .code(let s): w.element("monospace", text: s)
            case .link(let url, let c):
                w.start("ext-link", [("ext-link-type", "uri"), ("xlink:href", url)], mixed: true)
                write(c, into: &w, restricted: true)
                w.end()
            case .raw(_, let s): w.text(s)
            }
        }
    }

    private static func wrap(_ name: String, _ content: [Inline], into w: inout XMLWriter) {
        w.start(name, mixed: true)
        write(content, into: &w)
        w.end()
    }

    /// Reads the content of an element as rich text, white space collapsed as XML
    /// renderers do. Unknown inline elements contribute their text.
    static func read(_ element: XMLNodeHandle, context: inout ReadContext) -> RichText {
        var lastWasSpace = true
        var inlines = merge(collapse(readChildren(element, context: &context, depth: 0), lastWasSpace: &lastWasSpace))
        trimEnd(&inlines)
        return RichText(merge(inlines))
    }

    private static func readChildren(_ element: XMLNodeHandle, context: inout ReadContext, depth: Int) -> [Inline] {
        var out: [Inline] = []
        guard depth < 64 else {
            return [.text(element.textContent)]
        }
        for child in element.children {
            switch child.kind {
            case .text, .cdata:
                out.append(.text(child.characters ?? ""))
            case .entityReference:
                context.unexpandedEntity(child.name, line: child.line)
            case .element:
                let inner = { (context: inout ReadContext) in readChildren(child, context: &context, depth: depth + 1) }
                switch child.name {
                case "italic", "em": out.append(.italic(inner(&context)))
                case "bold", "strong": out.append(.bold(inner(&context)))
                case "sc": out.append(.smallCaps(inner(&context)))
                case "sup": out.append(.superscript(inner(&context)))
                case "sub": out.append(.subscript(inner(&context)))
                case "monospace", "code": out.append(.code(child.textContent))
                case "tex-math": out.append(.math(stripDelimiters(child.textContent)))
                case "inline-formula", "disp-formula", "alternatives":
                    if let tex = findDescendant(child, "tex-math", depth: 0) {
                        out.append(.math(stripDelimiters(tex.textContent)))
                    } else {
                        out.append(.raw(format: "mathml", child.textContent.collapsingXMLSpace))
                    }
                case "math":
                    out.append(.raw(format: "mathml", child.textContent.collapsingXMLSpace))
                case "ext-link", "uri":
                    let url = child.attribute("href", namespace: XMLNames.xlink) ?? child.textContent.trimmingXMLSpace
                    out.append(.link(url: url, inner(&context)))
                case "break": out.append(.text(" "))
                default: out.append(contentsOf: inner(&context))
                }
            default:
                break
            }
        }
        return out
    }

    static func findDescendant(_ node: XMLNodeHandle, _ name: String, depth: Int) -> XMLNodeHandle? {
        guard depth < 64 else { return nil }
        for child in node.elements {
            if child.name == name { return child }
            if let found = findDescendant(child, name, depth: depth + 1) { return found }
        }
        return nil
    }

    /// TeX without `$…$`, `\(…\)` or `\[…\]` delimiters.
    static func stripDelimiters(_ tex: String) -> String {
        var t = tex.trimmingXMLSpace
        for (open, close) in [("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")] {
            if t.count >= open.count + close.count, t.hasPrefix(open), t.hasSuffix(close) {
                t = String(t.dropFirst(open.count).dropLast(close.count))
                break
            }
        }
        return t
    }

    /// Collapses runs of white space to one space (across element boundaries, the space
    /// staying where it first occurred) and drops it at the start.
    private static func collapse(_ inlines: [Inline], lastWasSpace: inout Bool) -> [Inline] {
        var out: [Inline] = []
        for inline in inlines {
            switch inline {
            case .text(let s):
                var text = ""
                for scalar in s.unicodeScalars {
                    if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                        if !lastWasSpace { text.unicodeScalars.append(" ") }
                        lastWasSpace = true
                    } else {
                        text.unicodeScalars.append(scalar)
                        lastWasSpace = false
                    }
                }
                out.append(.text(text))
            case .italic(let c): out.append(.italic(collapse(c, lastWasSpace: &lastWasSpace)))
            case .bold(let c): out.append(.bold(collapse(c, lastWasSpace: &lastWasSpace)))
            case .smallCaps(let c): out.append(.smallCaps(collapse(c, lastWasSpace: &lastWasSpace)))
            case .superscript(let c): out.append(.superscript(collapse(c, lastWasSpace: &lastWasSpace)))
            case .subscript(let c): out.append(.subscript(collapse(c, lastWasSpace: &lastWasSpace)))
            case .caseProtected(let c): out.append(.caseProtected(collapse(c, lastWasSpace: &lastWasSpace)))
            case .link(let url, let c): out.append(.link(url: url, collapse(c, lastWasSpace: &lastWasSpace)))
            case .math, .code, .raw:
                lastWasSpace = false
                out.append(inline)
            }
        }
        return out
    }

    /// Removes one trailing space from the last text run (descending into the last element).
    private static func trimEnd(_ inlines: inout [Inline]) {
        guard let last = inlines.indices.last else { return }
        switch inlines[last] {
        case .text(let s):
            if s.hasSuffix(" ") { inlines[last] = .text(String(s.dropLast())) }
        case .italic(var c): trimEnd(&c); inlines[last] = .italic(c)
        case .bold(var c): trimEnd(&c); inlines[last] = .bold(c)
        case .smallCaps(var c): trimEnd(&c); inlines[last] = .smallCaps(c)
        case .superscript(var c): trimEnd(&c); inlines[last] = .superscript(c)
        case .subscript(var c): trimEnd(&c); inlines[last] = .subscript(c)
        case .caseProtected(var c): trimEnd(&c); inlines[last] = .caseProtected(c)
        case .link(let url, var c): trimEnd(&c); inlines[last] = .link(url: url, c)
        default: break
        }
    }

    /// Drops empty text runs and joins adjacent ones, at every level.
    static func merge(_ inlines: [Inline]) -> [Inline] {
        var out: [Inline] = []
        for inline in inlines {
            switch inline {
            case .text(let s):
                if s.isEmpty { continue }
                if case .text(let previous)? = out.last {
                    out[out.count - 1] = .text(previous + s)
                } else {
                    out.append(inline)
                }
            case .italic(let c): append(.italic(merge(c)), to: &out)
            case .bold(let c): append(.bold(merge(c)), to: &out)
            case .smallCaps(let c): append(.smallCaps(merge(c)), to: &out)
            case .superscript(let c): append(.superscript(merge(c)), to: &out)
            case .subscript(let c): append(.subscript(merge(c)), to: &out)
            case .caseProtected(let c): append(.caseProtected(merge(c)), to: &out)
            case .link(let url, let c): out.append(.link(url: url, merge(c)))
            default: out.append(inline)
            }
        }
        return out
    }

    private static func append(_ inline: Inline, to out: inout [Inline]) {
        if inline.isEmpty { return }
        out.append(inline)
    }
}
