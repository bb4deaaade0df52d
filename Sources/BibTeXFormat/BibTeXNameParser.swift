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
    ///
    /// One pass over the words: a name is the bytes from its first to its last word between
    /// two `and`s, parsed as soon as its `and` is met. The word, part and byte lists of the
    /// names of one field share buffers (`Scratch`).
    static func parse(_ buf: UnsafeBufferPointer<UInt8>, useprefix: Bool, cache: inout LaTeXPlainCache) -> Result {
        var result = Result(names: NameList(), problems: [], unknownCommands: [])
        result.names.names.reserveCapacity(4)
        // The cache's buffers, moved out and back (not copied, so they stay unshared).
        var scratch = Scratch()
        swap(&scratch, &cache.nameScratch)
        defer { swap(&scratch, &cache.nameScratch) }
        var j = 0
        let end = buf.count
        var index = 0
        var nameStart = -1
        var nameEnd = -1
        while let w = nextWord(buf, &j, end, tilde: false) {
            if w.count == 3, (buf[w.lowerBound] | 0x20) == UInt8(ascii: "a"), (buf[w.lowerBound + 1] | 0x20) == UInt8(ascii: "n"),
                (buf[w.lowerBound + 2] | 0x20) == UInt8(ascii: "d")
            {
                addName(
                    buf, nameStart, nameEnd, index: index, isLast: false, useprefix: useprefix, result: &result, cache: &cache,
                    scratch: &scratch)
                index += 1
                nameStart = -1
            } else {
                if nameStart < 0 { nameStart = w.lowerBound }
                nameEnd = w.upperBound
            }
        }
        // A value without words has no names (and no problem); after an `and` an empty last name is one.
        if index > 0 || nameStart >= 0 {
            addName(
                buf, nameStart, nameEnd, index: index, isLast: true, useprefix: useprefix, result: &result, cache: &cache,
                scratch: &scratch)
        }
        return result
    }

    /// Buffers reused from name to name of one field.
    struct Scratch {
        /// Parts of the name between depth-zero commas.
        var parts: [Range<Int>] = []
        /// Words of the part being read.
        var words: [Range<Int>] = []
        /// Words joined with single spaces, when they are not so in the value.
        var bytes: [UInt8] = []
    }

    /// The name from `start` to `end` (`start` < 0: no words), the `index`th of the list.
    private static func addName(
        _ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, index: Int, isLast: Bool, useprefix: Bool,
        result: inout Result, cache: inout LaTeXPlainCache, scratch: inout Scratch
    ) {
        guard start >= 0 else {
            result.problems.append(
                index == 0 || isLast ? "the list starts or ends with 'and'" : "two 'and's in a row (an empty name)")
            return
        }
        let range = start..<end
        if isLast && index > 0 && isOthers(buf, range) {
            result.names.truncated = true
            return
        }
        parseName(buf, range, useprefix: useprefix, result: &result, cache: &cache, scratch: &scratch)
    }

    // MARK: One name

    /// `others`, `et al.` and their spellings, in any ASCII case (`~` and `.` as written).
    private static func isOthers(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count <= 8, let first = range.first, buf[first] | 0x20 == UInt8(ascii: "o") || buf[first] | 0x20 == UInt8(ascii: "e")
        else { return false }
        for form in othersForms where form.count == range.count {
            var same = true
            for (k, c) in form.enumerated() {
                let b = buf[range.lowerBound + k]
                if (isASCIILetter(b) ? b | 0x20 : b) != c {
                    same = false
                    break
                }
            }
            if same { return true }
        }
        return false
    }

    private static let othersForms: [[UInt8]] = ["others", "et al.", "et al", "et~al.", "etal", "et. al."].map { Array($0.utf8) }

    /// Appends the name in `range` to `result` (nothing when it is empty).
    private static func parseName(
        _ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, useprefix: Bool, result: inout Result,
        cache: inout LaTeXPlainCache, scratch: inout Scratch
    ) {
        // A single brace group: an organisation or a name kept whole.
        if buf[range.lowerBound] == UInt8(ascii: "{"), matchingClose(buf, range.lowerBound, range.upperBound) == range.upperBound - 1,
            !(range.count > 2 && buf[range.lowerBound + 1] == UInt8(ascii: "\\") && isSpecialCharacterOnly(buf, range))
        {
            let literal = decode(buf, (range.lowerBound + 1)..<(range.upperBound - 1), result: &result, cache: &cache)
            if !literal.isEmpty { result.names.names.append(PersonName(literal: literal)) }
            return
        }
        let partCount = splitCommas(buf, range, into: &scratch.parts)
        let first = scratch.parts[0]
        if buf[first].contains(UInt8(ascii: "=")),
            let extended = extendedName(buf, scratch.parts[..<partCount], result: &result, cache: &cache)
        {
            result.names.names.append(extended)
            return
        }
        var family: String?
        var given: String?
        var suffix: String?
        var von: String?
        if partCount == 1 {
            let count = words(buf, first, into: &scratch.words)
            guard count > 0 else { return }
            let lastIndex = count - 1
            var vonStart = -1
            var vonEnd = -1
            for k in 0..<lastIndex where isLowercase(buf, scratch.words[k]) {
                if vonStart < 0 { vonStart = k }
                vonEnd = k
            }
            if vonStart >= 0 {
                given = join(buf, 0, vonStart, result: &result, cache: &cache, scratch: &scratch)
                von = join(buf, vonStart, vonEnd + 1, result: &result, cache: &cache, scratch: &scratch)
                family = join(buf, vonEnd + 1, count, result: &result, cache: &cache, scratch: &scratch)
            } else {
                given = join(buf, 0, lastIndex, result: &result, cache: &cache, scratch: &scratch)
                family = join(buf, lastIndex, count, result: &result, cache: &cache, scratch: &scratch)
            }
        } else {
            if partCount > 3 {
                result.problems.append("a name has more than two commas; the rest is taken as the given name")
            }
            let count = words(buf, first, into: &scratch.words)
            if count > 0 {
                let lastIndex = count - 1
                var vonEnd = lastIndex - 1
                while vonEnd >= 0 && !isLowercase(buf, scratch.words[vonEnd]) { vonEnd -= 1 }
                if vonEnd >= 0 {
                    von = join(buf, 0, vonEnd + 1, result: &result, cache: &cache, scratch: &scratch)
                    family = join(buf, vonEnd + 1, count, result: &result, cache: &cache, scratch: &scratch)
                } else {
                    family = join(buf, 0, count, result: &result, cache: &cache, scratch: &scratch)
                }
            }
            let joined = join(buf, 0, words(buf, scratch.parts[1], into: &scratch.words), result: &result, cache: &cache, scratch: &scratch)
            if partCount == 2 {
                given = joined
            } else {
                suffix = joined
                for p in 2..<partCount {
                    let count = words(buf, scratch.parts[p], into: &scratch.words)
                    if let g = join(buf, 0, count, result: &result, cache: &cache, scratch: &scratch) {
                        given = given.map { $0 + ", " + g } ?? g
                    }
                }
            }
        }
        var droppingParticle: String?
        var nonDroppingParticle: String?
        if let von {
            if useprefix { nonDroppingParticle = von } else { droppingParticle = von }
        }
        splitElidedParticle(family: &family, nonDroppingParticle: &nonDroppingParticle)
        if family == nil && given == nil && suffix == nil && von == nil { return }
        if family == nil, given != nil, suffix == nil, von == nil {
            // Only "First" words: BibTeX takes the last word as Last in this form already;
            // this is reached only for names like ", John".
            family = given
            given = nil
        }
        // The parts are built as separate strings and moved into the name in one go.
        result.names.names.append(
            PersonName(
                family: family, given: given, droppingParticle: droppingParticle, nonDroppingParticle: nonDroppingParticle,
                suffix: suffix))
    }

    /// `d'Aspremont` → particle `d'` + `Aspremont`; only one word, particle lower case.
    private static func splitElidedParticle(family: inout String?, nonDroppingParticle: inout String?) {
        // Only an apostrophe (`'` or `’`, E2 80 99) ends a particle, and the usual family name
        // has none: said on its bytes.
        let mayHaveParticle =
            family?.utf8.withContiguousStorageIfAvailable { b -> Bool in
                b.contains(where: { $0 == UInt8(ascii: "'") || $0 == 0x99 })
            } ?? true
        guard mayHaveParticle else { return }
        guard nonDroppingParticle == nil, let whole = family, let lead = whole.utf8.first,
            !(lead >= UInt8(ascii: "A") && lead <= UInt8(ascii: "Z")), !whole.utf8.contains(0x20)
        else { return }
        var scalars = whole.unicodeScalars.makeIterator()
        var prefix = String.UnicodeScalarView()
        while let s = scalars.next() {
            if s == "'" || s == "’" {
                prefix.append(s)
                var rest = String.UnicodeScalarView()
                while let r = scalars.next() { rest.append(r) }
                guard prefix.count >= 2, prefix.count <= 5, let first = rest.first,
                    first.properties.isUppercase
                else { return }
                nonDroppingParticle = String(prefix)
                family = String(rest)
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
        _ buf: UnsafeBufferPointer<UInt8>, _ parts: ArraySlice<Range<Int>>, result: inout Result, cache: inout LaTeXPlainCache
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

    /// The next word from `j` on, at brace depth zero separated by white space (and `~` with
    /// `tilde`, for the words of a name); `j` is left after the word. `\ ` and `\~` are not
    /// separators.
    @inline(__always)
    static func nextWord(_ buf: UnsafeBufferPointer<UInt8>, _ j: inout Int, _ end: Int, tilde: Bool) -> Range<Int>? {
        while j < end, isBibSpace(buf[j]) || (tilde && buf[j] == UInt8(ascii: "~")) { j += 1 }
        guard j < end else { return nil }
        let start = j
        var depth = 0
        while j < end {
            let b = buf[j]
            // Most bytes: printable ASCII other than `\`, `{`, `}`, `~`.
            if b > 0x20 && b < UInt8(ascii: "{") && b != UInt8(ascii: "\\") {
                j += 1
                continue
            }
            if depth == 0 && (isBibSpace(b) || (tilde && b == UInt8(ascii: "~"))) { return start..<j }
            if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth = max(0, depth - 1)
            } else if b == UInt8(ascii: "\\") && j + 1 < end && depth == 0 {
                j += 2
                continue
            }
            j += 1
        }
        return start..<end
    }

    /// The words of one part of a name (separated by white space and `~`), written over the
    /// start of `out`; their count.
    private static func words(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [Range<Int>]) -> Int {
        var count = 0
        var j = range.lowerBound
        while let w = nextWord(buf, &j, range.upperBound, tilde: true) {
            if count < out.count { out[count] = w } else { out.append(w) }
            count += 1
        }
        return count
    }

    /// Parts between depth-zero commas, written over the start of `out`; their count (at least one).
    private static func splitCommas(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [Range<Int>]) -> Int {
        var count = 0
        var depth = 0
        var start = range.lowerBound
        for j in range {
            let b = buf[j]
            if b < UInt8(ascii: "{") && b != UInt8(ascii: ",") { continue }
            if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth = max(0, depth - 1)
            } else if b == UInt8(ascii: ","), depth == 0, !(j > range.lowerBound && buf[j - 1] == UInt8(ascii: "\\")) {
                // `\,` (a thin space) is not a separator, though BibTeX itself would split there.
                if count < out.count { out[count] = start..<j } else { out.append(start..<j) }
                count += 1
                start = j + 1
            }
        }
        if count < out.count { out[count] = start..<range.upperBound } else { out.append(start..<range.upperBound) }
        return count + 1
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

    /// Words `from..<to` of `scratch.words` joined with single spaces, decoded to plain text;
    /// nil when empty. Words already so in the value are decoded where they stand.
    private static func join(
        _ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, result: inout Result, cache: inout LaTeXPlainCache,
        scratch: inout Scratch
    ) -> String? {
        guard from < to else { return nil }
        var inPlace = true
        var k = from
        while k + 1 < to {
            let gap = scratch.words[k].upperBound
            if scratch.words[k + 1].lowerBound != gap + 1 || buf[gap] != 0x20 {
                inPlace = false
                break
            }
            k += 1
        }
        let text: String
        if inPlace {
            text = decode(buf, scratch.words[from].lowerBound..<scratch.words[to - 1].upperBound, result: &result, cache: &cache)
        } else {
            scratch.bytes.removeAll(keepingCapacity: true)
            for k in from..<to {
                if k > from { scratch.bytes.append(0x20) }
                scratch.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[scratch.words[k]]))
            }
            text = scratch.bytes.withUnsafeBufferPointer { decode($0, 0..<$0.count, result: &result, cache: &cache) }
        }
        return text.isEmpty ? nil : text
    }

    private static func decode(
        _ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, result: inout Result, cache: inout LaTeXPlainCache
    ) -> String {
        let (text, unknown) = cache.plain(UnsafeBufferPointer(rebasing: buf[range]))
        if !unknown.isEmpty { result.unknownCommands.append(contentsOf: unknown) }
        // Names use ordinary spaces: ties (`~` → no-break space) separate words here.
        var out = text
        let mayHaveNoBreakSpace = out.utf8.withContiguousStorageIfAvailable { $0.contains(0xA0) } ?? out.utf8.contains(0xA0)
        if mayHaveNoBreakSpace, out.unicodeScalars.contains("\u{00A0}") {
            out = String(String.UnicodeScalarView(out.unicodeScalars.map { $0 == "\u{00A0}" ? " " : $0 }))
            out = LaTeXDecoderStyle.collapse(out).trimmingSpaces
        }
        return out
    }
}
