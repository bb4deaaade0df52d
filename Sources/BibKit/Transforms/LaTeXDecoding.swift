import Foundation

/// Decoding of the LaTeX accents, letters and escapes that turn up in values read from
/// formats other than BibTeX (a CSL-JSON title with `Schr{\"o}dinger`, a RIS author
/// `M{\"u}ller`, `R\&D`). Only these are decoded; every other command is left as it is.
public enum LaTeXText {
    private static let accents: [Unicode.Scalar: Unicode.Scalar] = [
        "\"": "\u{0308}", "'": "\u{0301}", "`": "\u{0300}", "^": "\u{0302}", "~": "\u{0303}", "=": "\u{0304}",
        ".": "\u{0307}", "u": "\u{0306}", "v": "\u{030C}", "H": "\u{030B}", "c": "\u{0327}", "k": "\u{0328}",
        "r": "\u{030A}", "d": "\u{0323}", "b": "\u{0331}",
    ]
    private static let letters: [String: String] = [
        "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "l": "ł",
        "L": "Ł", "i": "ı", "j": "ȷ", "SS": "SS",
    ]
    private static let escapes: Set<Unicode.Scalar> = ["&", "%", "_", "#", "$"]

    /// True when the text may hold something ``decoded(_:)`` would change.
    public static func mayContainLaTeX(_ text: String) -> Bool {
        text.utf8.contains(UInt8(ascii: "\\"))
    }

    /// The text with LaTeX accents (`{\"o}`, `\"{o}`, `\"o`, `\'{\i}`, `\v c`), special letters
    /// (`\ss`, `{\o}`) and escaped specials (`\&`, `\%`) decoded to Unicode, in NFC.
    public static func decoded(_ text: String) -> String {
        guard mayContainLaTeX(text) else { return text }
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        var changed = false
        while i < s.count {
            // `{\"o}` or `{\ss}`: a group holding exactly one decodable command.
            if s[i] == "{", i + 1 < s.count, s[i + 1] == "\\", let (decoded, end) = command(s, at: i + 1),
                end < s.count, s[end] == "}"
            {
                out.append(contentsOf: decoded.unicodeScalars)
                i = end + 1
                changed = true
                continue
            }
            if s[i] == "\\", let (decoded, end) = command(s, at: i) {
                out.append(contentsOf: decoded.unicodeScalars)
                i = end
                changed = true
                continue
            }
            out.append(s[i])
            i += 1
        }
        return changed ? String(out).precomposedStringWithCanonicalMapping : text
    }

    /// Decodes the command starting with the backslash at `i`; returns the text and the index
    /// after the command and its argument, or nil when it is not one this decoder knows.
    private static func command(_ s: [Unicode.Scalar], at i: Int) -> (String, Int)? {
        guard i + 1 < s.count, s[i] == "\\" else { return nil }
        let c = s[i + 1]
        if escapes.contains(c) { return (String(c), i + 2) }
        // Letter commands: `\ss`, `\o`, `\v`, `\c`…
        var j = i + 1
        while j < s.count, s[j].isASCII, s[j].properties.isAlphabetic { j += 1 }
        let name = j > i + 1 ? String(String.UnicodeScalarView(s[(i + 1)..<j])) : String(c)
        let isLetterCommand = j > i + 1
        if isLetterCommand, let letter = letters[name] {
            // `\ss` ends at a non-letter; a following space or `{}` belongs to the command.
            var end = j
            if end + 1 < s.count, s[end] == "{", s[end + 1] == "}" { end += 2 } else if end < s.count, s[end] == " " { end += 1 }
            return (letter, end)
        }
        let accentName: Unicode.Scalar
        var k: Int
        if isLetterCommand {
            guard name.unicodeScalars.count == 1, let only = name.unicodeScalars.first, accents[only] != nil else { return nil }
            accentName = only
            k = j
            while k < s.count, s[k] == " " { k += 1 }
        } else {
            guard accents[c] != nil else { return nil }
            accentName = c
            k = i + 2
        }
        guard let mark = accents[accentName], k < s.count else { return nil }
        // The argument: `{o}`, `{\i}`, or one letter.
        var base: String
        if s[k] == "{" {
            var m = k + 1
            if m < s.count, s[m] == "\\", let (inner, after) = command(s, at: m) {
                base = inner
                m = after
            } else if m < s.count, s[m].properties.isAlphabetic {
                base = String(s[m])
                m += 1
            } else {
                return nil
            }
            guard m < s.count, s[m] == "}" else { return nil }
            k = m + 1
        } else if s[k].properties.isAlphabetic {
            base = String(s[k])
            k += 1
        } else if s[k] == "\\", let (inner, after) = command(s, at: k) {
            base = inner
            k = after
        } else {
            return nil
        }
        // Dotless i and j take the accent as plain i and j.
        if base == "ı" { base = "i" } else if base == "ȷ" { base = "j" }
        var scalars = String.UnicodeScalarView(base.unicodeScalars)
        scalars.append(mark)
        return (String(scalars), k)
    }
}
