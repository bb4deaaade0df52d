import BibModel

/// Writes names in the form BibTeX's name parser reads back part for part:
/// `von Last, Jr, First`, organisations as one braced token, lists joined with ` and `,
/// truncated lists ending in ` and others`.
///
/// Decisions (checked against BibTeX 0.99d and biber):
/// - Particles are written before the family name; a particle ending in an apostrophe or
///   hyphen is joined without a space (`d'Aspremont, Alexandre`). BibTeX then reads
///   `d'Aspremont` as the family name (a single token before the comma is always "Last"), so
///   nothing needs braces and nothing warns. A lower-case particle followed by a space
///   (`van der Waals, Johannes`) becomes BibTeX's "von" part, exactly as the model has it.
/// - A family name of several words whose non-final word starts in lower case
///   (`de la Fuente` given as one family name) is braced, or BibTeX would move `de la` into
///   the von part.
/// - A part containing a comma or the word `and` is braced, or BibTeX would split there.
/// - Without a given name BibTeX reads "First von Last", so a family name of several words
///   is braced (`{Van Gogh}`); a suffix without a given name is braced with the family name
///   (`{Doe, Jr.}`), because an empty "First" after a trailing comma is a BibTeX error.
enum BibTeXNames {
    /// The field value for a list of names, or nil when there is nothing to write.
    ///
    /// With `forBiber`, a name with a suffix whose parts contain a comma is written as one
    /// braced unit (`{John Doe, X, Jr.}`): biber rejects any comma inside the parts of a
    /// three-part name ("too many commas"), braced or not. `kept` counts those names.
    static func format(_ list: NameList, encoder: inout LaTeXEncoder, forBiber: Bool = false, kept: inout Int) -> [UInt8]? {
        var out: [UInt8] = []
        return append(list, encoder: &encoder, forBiber: forBiber, kept: &kept, to: &out) ? out : nil
    }

    /// Appends ``format(_:encoder:forBiber:kept:)``'s value to `out`; false (and nothing
    /// appended) when there is nothing to write.
    static func append(
        _ list: NameList, encoder: inout LaTeXEncoder, forBiber: Bool = false, kept: inout Int, to out: inout [UInt8]
    ) -> Bool {
        let start = out.count
        var count = 0
        for var name in list.names {
            if forBiber, clean(name.suffix) != nil,
                [name.family, name.given, name.suffix, name.droppingParticle, name.nonDroppingParticle]
                    .contains(where: { $0?.utf8.contains(UInt8(ascii: ",")) ?? false })
            {
                name = PersonName(literal: name.displayName)
                kept += 1
            }
            // Written in place; taken back when the name is empty.
            let mark = out.count
            if count > 0 { appendLiteral(" and ", to: &out) }
            guard format(name, encoder: &encoder, to: &out) else {
                out.removeLast(out.count - mark)
                continue
            }
            count += 1
        }
        if count == 0 {
            out.removeLast(out.count - start)
            return false
        }
        if list.truncated { appendLiteral(" and others", to: &out) }
        return true
    }

    /// The field value for a list of names (classic BibTeX), or nil when there is nothing to write.
    static func format(_ list: NameList, encoder: inout LaTeXEncoder) -> [UInt8]? {
        var kept = 0
        return format(list, encoder: &encoder, kept: &kept)
    }

    /// Appends one name; false when the name is empty.
    static func format(_ name: PersonName, encoder: inout LaTeXEncoder, to out: inout [UInt8]) -> Bool {
        if let literal = clean(name.literal) {
            out.append(UInt8(ascii: "{"))
            encoder.appendText(literal, to: &out)
            out.append(UInt8(ascii: "}"))
            return true
        }
        let dropping = clean(name.droppingParticle)
        let nonDropping = clean(name.nonDroppingParticle)
        let particle = dropping.map { d in nonDropping.map { d + " " + $0 } ?? d } ?? nonDropping ?? ""
        var family = clean(name.family)
        let given = clean(name.given)
        let suffix = clean(name.suffix)
        var particleText = particle.isEmpty ? nil : particle
        if family == nil, let p = particleText {
            // Particles without a family name: the particle is all there is of it.
            family = p
            particleText = nil
        }
        guard let family else {
            guard let given else {
                guard let suffix else { return false }
                appendPart(suffix, braced: true, encoder: &encoder, to: &out)
                return true
            }
            appendPart(given, braced: hasSeveralWords(given) || needsBraces(given), encoder: &encoder, to: &out)
            return true
        }
        let joiner = particleText.map { joinsWithoutSpace($0) ? "" : " " } ?? ""

        if given == nil && suffix == nil {
            // "First von Last" form: only a lower-case particle can stay outside the braces.
            if let p = particleText, startsLowercase(p), !needsBraces(p) {
                appendPart(p, braced: false, encoder: &encoder, to: &out)
                out.append(contentsOf: joiner.utf8)
                appendPart(family, braced: hasSeveralWords(family) || needsBraces(family), encoder: &encoder, to: &out)
            } else {
                let whole = (particleText.map { $0 + joiner } ?? "") + family
                appendPart(whole, braced: hasSeveralWords(whole) || needsBraces(whole), encoder: &encoder, to: &out)
            }
            return true
        }
        if given == nil, let suffix {
            let whole = (particleText.map { $0 + joiner } ?? "") + family + ", " + suffix
            appendPart(whole, braced: true, encoder: &encoder, to: &out)
            return true
        }
        if let p = particleText {
            appendPart(p, braced: needsBraces(p), encoder: &encoder, to: &out)
            out.append(contentsOf: joiner.utf8)
        }
        appendPart(family, braced: familyNeedsBraces(family), encoder: &encoder, to: &out)
        if let suffix {
            appendLiteral(", ", to: &out)
            appendPart(suffix, braced: needsBraces(suffix), encoder: &encoder, to: &out)
        }
        if let given {
            appendLiteral(", ", to: &out)
            appendPart(given, braced: needsBraces(given), encoder: &encoder, to: &out)
        }
        return true
    }

    /// Appends a literal's bytes (a copy of its buffer: the general `append(contentsOf:)` of a
    /// string's UTF-8 view costs some 170 instructions for two bytes).
    @inline(__always)
    static func appendLiteral(_ literal: StaticString, to out: inout [UInt8]) {
        literal.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    private static func appendPart(_ text: String, braced: Bool, encoder: inout LaTeXEncoder, to out: inout [UInt8]) {
        if braced { out.append(UInt8(ascii: "{")) }
        encoder.appendText(text, to: &out)
        if braced { out.append(UInt8(ascii: "}")) }
    }

    /// Trimmed, with inner whitespace (including no-break spaces) collapsed; nil when empty.
    static func clean(_ s: String?) -> String? {
        guard let s else { return nil }
        // The usual part is clean already: single inner spaces, nothing to trim or replace.
        let isClean = s.utf8.withContiguousStorageIfAvailable { buf -> Bool in
            guard let first = buf.first, let last = buf.last, first != 0x20, last != 0x20 else { return false }
            var previousSpace = false
            for b in buf {
                if b == 0x09 || b == 0x0A || b == 0x0D || b == 0xA0 { return false }
                if b == 0x20 && previousSpace { return false }
                previousSpace = b == 0x20
            }
            return true
        }
        if isClean == true { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var pendingSpace = false
        var previous: UInt8 = 0
        for b in s.utf8 {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                pendingSpace = !out.isEmpty
            } else if b == 0xA0 && previous == 0xC2 {
                // U+00A0: drop the 0xC2 already copied.
                out.removeLast()
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                out.append(b)
            }
            previous = b
        }
        return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
    }

    /// The space-separated words of a ``clean(_:)``ed string.
    static func words(_ s: String) -> [Substring] {
        s.utf8.split(separator: 0x20).compactMap { Substring($0) }
    }

    /// A comma, or the word `and` in any case, would split the name list or the name.
    static func needsBraces(_ part: String) -> Bool {
        var part = part
        return part.withUTF8 { needsBraces($0) }
    }

    /// ``needsBraces(_:)`` of UTF-8 bytes.
    static func needsBraces(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let and: (UInt8, UInt8, UInt8) = (UInt8(ascii: "a"), UInt8(ascii: "n"), UInt8(ascii: "d"))
        var length = 0
        var isAnd = true
        for b in bytes {
            if b == UInt8(ascii: ",") { return true }
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                if length == 3 && isAnd { return true }
                length = 0
                isAnd = true
                continue
            }
            let lower = isASCIILetter(b) ? b | 0x20 : 0
            switch length {
            case 0: isAnd = isAnd && lower == and.0
            case 1: isAnd = isAnd && lower == and.1
            case 2: isAnd = isAnd && lower == and.2
            default: isAnd = false
            }
            length += 1
        }
        return length == 3 && isAnd
    }

    /// Whether a cleaned part has several words.
    static func hasSeveralWords(_ s: String) -> Bool { s.utf8.contains(0x20) }

    /// Several words of which a non-final one starts in lower case (BibTeX would take it as von).
    static func familyNeedsBraces(_ family: String) -> Bool {
        if needsBraces(family) { return true }
        var family = family
        return family.withUTF8 { buf in
            // A word that starts in lower case and has another word after it.
            var pendingLower = false
            var i = 0
            let n = buf.count
            while i < n {
                if buf[i] == 0x20 {
                    i += 1
                    continue
                }
                if pendingLower { return true }
                var j = i
                while j < n && buf[j] != 0x20 { j += 1 }
                pendingLower = startsLowercase(buf, i..<j)
                i = j
            }
            return false
        }
    }

    /// ``startsLowercase(_:)`` of some UTF-8 bytes: ASCII decided on the bytes, the rest from
    /// the first non-ASCII byte on by the Unicode categories.
    static func startsLowercase(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for k in range {
            let b = buf[k]
            if b >= 0x80 { return startsLowercase(String(decoding: UnsafeBufferPointer(rebasing: buf[k..<range.upperBound]), as: UTF8.self)) }
            if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { return true }
            if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { return false }
        }
        return false
    }

    /// Whether the first letter is lower case (BibTeX's test for the von part).
    static func startsLowercase(_ s: String) -> Bool {
        for scalar in s.unicodeScalars {
            let category = scalar.properties.generalCategory
            switch category {
            case .lowercaseLetter: return true
            case .uppercaseLetter, .titlecaseLetter, .otherLetter, .modifierLetter: return false
            default: continue
            }
        }
        return false
    }

    /// `d'`, `d’`, `al-` join the family name directly.
    static func joinsWithoutSpace(_ particle: String) -> Bool {
        particle.hasSuffix("'") || particle.hasSuffix("’") || particle.hasSuffix("-")
    }
}
