import BibModel

/// Reads BibTeX name lists the way BibTeX does, plus biblatex's extended name format.
///
/// - Names are separated by the word `and` (any case) at brace depth zero; a final `others`
///   sets ``NameList/truncated`` (so does `et al.`).
/// - Each name is split at depth-zero commas: `First von Last`, `von Last, First` or
///   `von Last, Jr, First`. Words are separated by white space and `~`; a brace group is part
///   of its word. A word is lower case when its first letter at depth zero is; a group `{…}`
///   has no case unless it is a special character (`{\relax Ch}` is upper case, `{\"o}` lower).
///   The von part runs from the first to the last lower-case word before the final word of
///   the last name.
/// - A name that is one brace group (`{World Health Organization}`) is a literal.
/// - The von part becomes the dropping particle (biblatex's `useprefix=false`, pandoc's
///   reading), or the non-dropping one when `useprefix` is true; a family name starting
///   with an elided particle (`d'Aspremont`, `l'Hôpital`) is split into particle and name.
/// - `family=…, given=…, prefix=…, suffix=…, useprefix=…` is biblatex's extended format.
public enum BibTeXNameParser {
    /// The outcome of parsing a name field.
    public struct Result: Sendable {
        /// The names.
        public var names: NameList
        /// Problems (too many commas, empty names), as messages.
        public var problems: [String]
        /// Unknown LaTeX commands met in the names.
        public var unknownCommands: [String]
    }

    /// Parses a name field's LaTeX value.
    public static func parse(_ latex: String, useprefix: Bool = false) -> Result {
        var s = latex
        return s.withUTF8 { parse($0, useprefix: useprefix) }
    }

    /// Parses the bytes of a name field's LaTeX value.
    static func parse(_ buf: UnsafeBufferPointer<UInt8>, useprefix: Bool) -> Result {
        var cache = LaTeXPlainCache()
        return parse(buf, useprefix: useprefix, cache: &cache)
    }

    /// Parses the bytes of a name field's LaTeX value, decoding through `cache`.
    static func parse(_ buf: UnsafeBufferPointer<UInt8>, useprefix: Bool, cache: inout LaTeXPlainCache) -> Result {
        var result = Result(names: NameList(), problems: [], unknownCommands: [])
        let words = splitWords(buf, 0..<buf.count, separators: .whitespace)
        var current: [Range<Int>] = []
        var groups: [[Range<Int>]] = []
        for w in words {
            if w.count == 3, (buf[w.lowerBound] | 0x20) == UInt8(ascii: "a"), (buf[w.lowerBound + 1] | 0x20) == UInt8(ascii: "n"),
                (buf[w.lowerBound + 2] | 0x20) == UInt8(ascii: "d")
            {
                groups.append(current)
                current = []
            } else {
                current.append(w)
            }
        }
        groups.append(current)
        if groups.count > 1 || !(groups.first?.isEmpty ?? true) {
            for (index, group) in groups.enumerated() {
                guard let first = group.first, let last = group.last else {
                    result.problems.append(
                        index == 0 || index == groups.count - 1
                            ? "the list starts or ends with 'and'" : "two 'and's in a row (an empty name)")
                    continue
                }
                let range = first.lowerBound..<last.upperBound
                if index == groups.count - 1 && index > 0 && isOthers(buf, range) {
                    result.names.truncated = true
                    continue
                }
                if let name = parseName(buf, range, useprefix: useprefix, result: &result, cache: &cache) {
                    result.names.names.append(name)
                }
            }
        }
        return result
    }

    // MARK: One name

    private static func isOthers(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count <= 8, let first = range.first, buf[first] | 0x20 == UInt8(ascii: "o") || buf[first] | 0x20 == UInt8(ascii: "e")
        else { return false }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buf[range]), as: UTF8.self).lowercased()
        return text == "others" || text == "et al." || text == "et al" || text == "et~al." || text == "etal" || text == "et. al."
    }

    private static func parseName(
        _ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, useprefix: Bool, result: inout Result,
        cache: inout LaTeXPlainCache
    ) -> PersonName? {
        // A single brace group: an organisation or a name kept whole.
        if buf[range.lowerBound] == UInt8(ascii: "{"), matchingClose(buf, range.lowerBound, range.upperBound) == range.upperBound - 1,
            !(range.count > 2 && buf[range.lowerBound + 1] == UInt8(ascii: "\\") && isSpecialCharacterOnly(buf, range))
        {
            let literal = decode(buf, (range.lowerBound + 1)..<(range.upperBound - 1), result: &result, cache: &cache)
            return literal.isEmpty ? nil : PersonName(literal: literal)
        }
        let parts = splitCommas(buf, range)
        if let extended = extendedName(buf, parts, result: &result, cache: &cache) { return extended }
        var name = PersonName()
        var von: String?
        switch parts.count {
        case 1:
            let tokens = splitWords(buf, parts[0], separators: .nameWords)
            guard !tokens.isEmpty else { return nil }
            let lower = tokens.map { isLowercase(buf, $0) }
            let lastIndex = tokens.count - 1
            if let vonStart = lower[..<lastIndex].firstIndex(of: true) {
                let vonEnd = lower[..<lastIndex].lastIndex(of: true) ?? vonStart
                name.given = join(buf, tokens[..<vonStart], result: &result, cache: &cache)
                von = join(buf, tokens[vonStart...vonEnd], result: &result, cache: &cache)
                name.family = join(buf, tokens[(vonEnd + 1)...], result: &result, cache: &cache)
            } else {
                name.given = join(buf, tokens[..<lastIndex], result: &result, cache: &cache)
                name.family = join(buf, tokens[lastIndex...], result: &result, cache: &cache)
            }
        default:
            if parts.count > 3 {
                result.problems.append("a name has more than two commas; the rest is taken as the given name")
            }
            let tokens = splitWords(buf, parts[0], separators: .nameWords)
            if !tokens.isEmpty {
                let lower = tokens.map { isLowercase(buf, $0) }
                let lastIndex = tokens.count - 1
                if let vonEnd = lower[..<lastIndex].lastIndex(of: true) {
                    von = join(buf, tokens[...vonEnd], result: &result, cache: &cache)
                    name.family = join(buf, tokens[(vonEnd + 1)...], result: &result, cache: &cache)
                } else {
                    name.family = join(buf, tokens[...], result: &result, cache: &cache)
                }
            }
            if parts.count == 2 {
                name.given = join(buf, splitWords(buf, parts[1], separators: .nameWords)[...], result: &result, cache: &cache)
            } else {
                name.suffix = join(buf, splitWords(buf, parts[1], separators: .nameWords)[...], result: &result, cache: &cache)
                var given: [String] = []
                for part in parts[2...] {
                    if let g = join(buf, splitWords(buf, part, separators: .nameWords)[...], result: &result, cache: &cache) { given.append(g) }
                }
                name.given = given.isEmpty ? nil : given.joined(separator: ", ")
            }
        }
        if let von {
            if useprefix { name.nonDroppingParticle = von } else { name.droppingParticle = von }
        }
        splitElidedParticle(&name)
        if name.family == nil && name.given == nil && name.suffix == nil && von == nil { return nil }
        if name.family == nil, let given = name.given, name.suffix == nil, von == nil {
            // Only "First" words: BibTeX takes the last word as Last in this form already;
            // this is reached only for names like ", John".
            name.family = given
            name.given = nil
        }
        return name
    }

    /// `d'Aspremont` → particle `d'` + `Aspremont`; only one word, particle lower case.
    private static func splitElidedParticle(_ name: inout PersonName) {
        guard name.nonDroppingParticle == nil, let family = name.family, let lead = family.utf8.first,
            !(lead >= UInt8(ascii: "A") && lead <= UInt8(ascii: "Z")), !family.utf8.contains(0x20)
        else { return }
        var scalars = family.unicodeScalars.makeIterator()
        var prefix = String.UnicodeScalarView()
        while let s = scalars.next() {
            if s == "'" || s == "’" {
                prefix.append(s)
                var rest = String.UnicodeScalarView()
                while let r = scalars.next() { rest.append(r) }
                guard prefix.count >= 2, prefix.count <= 5, let first = rest.first,
                    first.properties.isUppercase
                else { return }
                name.nonDroppingParticle = String(prefix)
                name.family = String(rest)
                return
            }
            guard s.properties.isLowercase else { return }
            prefix.append(s)
        }
    }

    // MARK: biblatex extended format

    private static let extendedKeys: Set<String> = [
        "family", "given", "prefix", "suffix", "useprefix", "family-i", "given-i", "prefix-i", "suffix-i", "id",
        "juniorcomma", "sortingnamekeytemplatename", "hash",
    ]

    private static func extendedName(
        _ buf: UnsafeBufferPointer<UInt8>, _ parts: [Range<Int>], result: inout Result, cache: inout LaTeXPlainCache
    ) -> PersonName? {
        var pairs: [(String, Range<Int>)] = []
        for part in parts {
            guard let eq = part.first(where: { buf[$0] == UInt8(ascii: "=") }) else { return nil }
            let key = String(decoding: UnsafeBufferPointer(rebasing: buf[part.lowerBound..<eq]), as: UTF8.self)
                .trimmingSpaces.lowercased()
            guard extendedKeys.contains(key) else { return nil }
            pairs.append((key, (eq + 1)..<part.upperBound))
        }
        guard !pairs.isEmpty else { return nil }
        var name = PersonName()
        var useprefix = false
        var prefix: String?
        for (key, range) in pairs {
            var r = range
            while let f = r.first, isBibSpace(buf[f]) { r = (f + 1)..<r.upperBound }
            while let l = r.last, isBibSpace(buf[l]) { r = r.lowerBound..<l }
            if r.count >= 2, (buf[r.lowerBound] == UInt8(ascii: "\"") && buf[r.upperBound - 1] == UInt8(ascii: "\""))
                || (buf[r.lowerBound] == UInt8(ascii: "{") && matchingClose(buf, r.lowerBound, r.upperBound) == r.upperBound - 1)
            {
                r = (r.lowerBound + 1)..<(r.upperBound - 1)
            }
            let value = decode(buf, r, result: &result, cache: &cache)
            switch key {
            case "family": name.family = value.isEmpty ? nil : value
            case "given": name.given = value.isEmpty ? nil : value
            case "prefix": prefix = value.isEmpty ? nil : value
            case "suffix": name.suffix = value.isEmpty ? nil : value
            case "useprefix": useprefix = value.lowercased() == "true"
            default: break
            }
        }
        if let prefix {
            if useprefix { name.nonDroppingParticle = prefix } else { name.droppingParticle = prefix }
        }
        return name
    }

    // MARK: Tokens

    enum Separators { case whitespace, nameWords }

    /// Words at brace depth zero, separated by white space (and `~` for name words).
    static func splitWords(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, separators: Separators) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var depth = 0
        var start: Int?
        var j = range.lowerBound
        while j < range.upperBound {
            let b = buf[j]
            let separator = depth == 0 && (isBibSpace(b) || (separators == .nameWords && b == UInt8(ascii: "~")))
            if separator {
                if let s = start { out.append(s..<j) }
                start = nil
            } else {
                if start == nil { start = j }
                if b == UInt8(ascii: "{") {
                    depth += 1
                } else if b == UInt8(ascii: "}") {
                    depth = max(0, depth - 1)
                } else if b == UInt8(ascii: "\\") && j + 1 < range.upperBound && depth == 0 {
                    // `\ ` and `\~` are not separators.
                    j += 2
                    continue
                }
            }
            j += 1
        }
        if let s = start { out.append(s..<range.upperBound) }
        return out
    }

    /// Parts between depth-zero commas (each trimmed of white space).
    private static func splitCommas(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var depth = 0
        var start = range.lowerBound
        for j in range {
            let b = buf[j]
            if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth = max(0, depth - 1)
            } else if b == UInt8(ascii: ","), depth == 0, !(j > range.lowerBound && buf[j - 1] == UInt8(ascii: "\\")) {
                // `\,` (a thin space) is not a separator, though BibTeX itself would split there.
                out.append(start..<j)
                start = j + 1
            }
        }
        out.append(start..<range.upperBound)
        return out
    }

    private static func matchingClose(_ buf: UnsafeBufferPointer<UInt8>, _ open: Int, _ end: Int) -> Int? {
        var depth = 0
        var j = open
        while j < end {
            if buf[j] == UInt8(ascii: "{") {
                depth += 1
            } else if buf[j] == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return j }
            }
            j += 1
        }
        return nil
    }

    /// `{\"O}` alone is one special character, a letter, not a literal name.
    private static func isSpecialCharacterOnly(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        let inner = String(decoding: UnsafeBufferPointer(rebasing: buf[range]), as: UTF8.self)
        return LaTeXDecoder.groupForms[inner] != nil
    }

    /// BibTeX's case of a word: the first letter at depth zero; a special character `{\…}`
    /// counts by its command (`\OE`, `\ss`) or its first letter after the command; other
    /// groups are skipped. Words without such a letter are not lower case.
    static func isLowercase(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var j = range.lowerBound
        while j < range.upperBound {
            let b = buf[j]
            if b == UInt8(ascii: "{") {
                guard let close = matchingClose(buf, j, range.upperBound) else { return false }
                if j + 1 < close, buf[j + 1] == UInt8(ascii: "\\") {
                    var k = j + 2
                    let nameStart = k
                    while k < close && isASCIILetter(buf[k]) { k += 1 }
                    let command = String(decoding: UnsafeBufferPointer(rebasing: buf[nameStart..<k]), as: UTF8.self)
                    if let letter = LaTeXDecoder.wordText[command], letter.unicodeScalars.count == 1,
                        let s = letter.unicodeScalars.first, s.properties.isAlphabetic
                    {
                        return s.properties.isLowercase
                    }
                    if k == nameStart { k += 1 }  // a control symbol such as `\"`
                    while k < close {
                        let c = buf[k]
                        if isASCIILetter(c) { return c >= UInt8(ascii: "a") }
                        if c == UInt8(ascii: "\\") {
                            // Skip a nested command name.
                            k += 1
                            while k < close && isASCIILetter(buf[k]) { k += 1 }
                            continue
                        }
                        k += 1
                    }
                    return false
                }
                j = close + 1
                continue
            }
            if b == UInt8(ascii: "\\") {
                // A command outside braces: `\"o`, `\o`. Decide by the letter it stands for.
                var k = j + 1
                let nameStart = k
                while k < range.upperBound && isASCIILetter(buf[k]) { k += 1 }
                let command = String(decoding: UnsafeBufferPointer(rebasing: buf[nameStart..<k]), as: UTF8.self)
                if let letter = LaTeXDecoder.wordText[command], let s = letter.unicodeScalars.first, s.properties.isAlphabetic {
                    return s.properties.isLowercase
                }
                if k == nameStart { k += 1 }
                j = k
                continue
            }
            if b < 0x80 {
                if isASCIILetter(b) { return b >= UInt8(ascii: "a") }
                j += 1
                continue
            }
            if let (scalar, len) = UTF8Scalar.decode(buf, at: j, end: range.upperBound) {
                if scalar.properties.isAlphabetic {
                    return scalar.properties.isLowercase
                }
                j += len
            } else {
                j += 1
            }
        }
        return false
    }

    /// Words joined with spaces, decoded to plain text; nil when empty.
    private static func join(
        _ buf: UnsafeBufferPointer<UInt8>, _ tokens: ArraySlice<Range<Int>>, result: inout Result, cache: inout LaTeXPlainCache
    ) -> String? {
        guard let first = tokens.first, let last = tokens.last else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(last.upperBound - first.lowerBound)
        for (k, t) in tokens.enumerated() {
            if k > 0 { bytes.append(0x20) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[t]))
        }
        let text = bytes.withUnsafeBufferPointer { decode($0, 0..<$0.count, result: &result, cache: &cache) }
        return text.isEmpty ? nil : text
    }

    private static func decode(
        _ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, result: inout Result, cache: inout LaTeXPlainCache
    ) -> String {
        let (text, unknown) = cache.plain(UnsafeBufferPointer(rebasing: buf[range]))
        result.unknownCommands.append(contentsOf: unknown)
        // Names use ordinary spaces: ties (`~` → no-break space) separate words here.
        var out = text
        if out.utf8.contains(0xA0), out.unicodeScalars.contains("\u{00A0}") {
            out = String(String.UnicodeScalarView(out.unicodeScalars.map { $0 == "\u{00A0}" ? " " : $0 }))
            out = LaTeXDecoderStyle.collapse(out).trimmingSpaces
        }
        return out
    }
}
