import BibModel

/// RIS names: `Last, First, Suffix` per the specification, plus what exporters write
/// instead (`Smith JA`, `A. Author-One`, `Shi,Yu`, several names joined by `;`).
///
/// Heuristics for a name without a comma:
/// - `et al.`, `et al`, `others`, `and others` mark the list as truncated;
/// - one word (`UNESCO`, `Cocke`) is kept whole (literal);
/// - family name(s) followed by initials (`Smith J`, `van der Berg JA`, `Smith J.A.`) is a person;
/// - initials followed by family name(s) (`A. Author-One`, `J. R. R. Tolkien`) is a person;
/// - anything else (`World Health Organization`, `John Smith`) is kept whole, so that
///   organisations are never split; the writer writes it back unchanged.
enum RISNames {
    /// One parsed item of a name tag.
    enum Item: Equatable {
        /// A name.
        case name(PersonName)
        /// "et al.": the list is truncated.
        case etAl
    }

    /// Parses one name tag's value. Several names joined by `;` (Mendeley) are split.
    static func parse(_ raw: String) -> [Item] {
        let value = RISText.collapsed(raw)
        guard !value.isEmpty else { return [] }
        if value.utf8.contains(UInt8(ascii: ";")) {
            let parts = value.split(separator: ";").map { RISText.trimmed(String($0)) }.filter { !$0.isEmpty }
            if parts.count > 1 { return parts.compactMap(parseOne) }
        }
        return parseOne(value).map { [$0] } ?? []
    }

    static let etAlForms: Set<String> = ["et al", "et al.", "et. al.", "et.al.", "etal", "others", "and others", "u.a.", "u. a."]

    private static func parseOne(_ value: String) -> Item? {
        guard !value.isEmpty else { return nil }
        if isEtAl(value) { return .etAl }
        if value.utf8.contains(UInt8(ascii: ",")) { return .name(fastCommaName(value) ?? commaName(value)) }
        let words = value.split(separator: " ").map(String.init)
        if words.count >= 2 {
            if let last = words.last, isInitials(last), words.dropLast().allSatisfy(isNameWord),
                words.dropLast().contains(where: startsUpper)
            {
                var name = familyParts(words.dropLast().joined(separator: " "))
                name.given = last
                return .name(name)
            }
            if let split = words.firstIndex(where: { !isInitials($0) }), split > 0,
                words[split...].allSatisfy(isNameWord), words[split...].contains(where: startsUpper)
            {
                var name = familyParts(words[split...].joined(separator: " "))
                name.given = words[..<split].joined(separator: " ")
                return .name(name)
            }
        }
        return .name(.literal(value))
    }

    /// True when `value` lowercased is one of ``etAlForms``. The forms are ASCII and at most
    /// ten bytes, and the only non-ASCII character whose lower case is ASCII is U+212A KELVIN
    /// SIGN (`k`, in no form): so a longer or non-ASCII value is never one, and the rest are
    /// compared on bytes without a lowercased copy.
    static func isEtAl(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard utf8.count <= 10 else { return false }
        var folded: [UInt8] = []
        folded.reserveCapacity(10)
        for b in utf8 {
            guard b < 0x80 else { return false }
            folded.append(b &- 0x41 < 26 ? b | 0x20 : b)
        }
        return etAlForms.contains(String(decoding: folded, as: UTF8.self))
    }

    /// ``commaName(_:)`` on the value's bytes, with one String per part of the name instead
    /// of arrays of words; nil (use ``commaName(_:)``) when the family part holds an
    /// apostrophe (the elided-particle rule of ``familyParts(_:)`` works on Characters).
    /// Words are single-space separated (the value is ``RISText/collapsed(_:)``), so a run of
    /// words joined by spaces is the byte range from the first to the last.
    static func fastCommaName(_ value: String) -> PersonName? {
        var value = value
        return value.withUTF8 { buf -> PersonName? in
            // The parts between commas, trimmed.
            var parts: [Range<Int>] = []
            parts.reserveCapacity(4)
            var start = 0
            for i in 0...buf.count where i == buf.count || buf[i] == UInt8(ascii: ",") {
                var lo = start, hi = i
                while lo < hi, RISText.isSpace(buf[lo]) { lo += 1 }
                while hi > lo, RISText.isSpace(buf[hi - 1]) { hi -= 1 }
                parts.append(lo..<hi)
                start = i + 1
            }
            if parts.count >= 3, isSuffix(buf, parts[1]), !isSuffix(buf, parts[2]) { parts.swapAt(1, 2) }
            let family = parts[0]
            for i in family where buf[i] == UInt8(ascii: "'") || buf[i] == 0xE2 {
                // `'`, or a three-byte character that may be `’` (E2 80 99)
                if buf[i] == UInt8(ascii: "'") || (i + 2 < family.upperBound && buf[i + 1] == 0x80 && buf[i + 2] == 0x99) {
                    return nil
                }
            }
            func string(_ r: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self)
            }
            var name = PersonName()
            if !family.isEmpty {
                // Leading words that start lower case are particles, as long as a word is left.
                var restStart = family.lowerBound
                var particleEnd = family.lowerBound
                while let space = nextSpace(buf, from: restStart, to: family.upperBound),
                    startsLower(buf, restStart..<space)
                {
                    particleEnd = space
                    restStart = space + 1
                }
                name.family = string(restStart..<family.upperBound)
                if particleEnd > family.lowerBound { name.nonDroppingParticle = string(family.lowerBound..<particleEnd) }
            }
            if parts.count > 1, !parts[1].isEmpty {
                // Trailing words that start lower case are a dropping particle, as long as a
                // word is left.
                let given = parts[1]
                var givenEnd = given.upperBound
                while let space = previousSpace(buf, before: givenEnd, from: given.lowerBound),
                    startsLower(buf, (space + 1)..<givenEnd)
                {
                    givenEnd = space
                }
                name.given = string(given.lowerBound..<givenEnd)
                if givenEnd < given.upperBound { name.droppingParticle = string((givenEnd + 1)..<given.upperBound) }
            }
            if parts.count > 2 {
                var suffix = ""
                for r in parts[2...] where !r.isEmpty {
                    if !suffix.isEmpty { suffix += ", " }
                    suffix += string(r)
                }
                if !suffix.isEmpty { name.suffix = suffix }
            }
            return name
        }
    }

    /// The first space in `from..<to`.
    private static func nextSpace(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var i = from
        while i < to {
            if buf[i] == 0x20 { return i }
            i += 1
        }
        return nil
    }

    /// The last space in `from..<before`.
    private static func previousSpace(_ buf: UnsafeBufferPointer<UInt8>, before: Int, from: Int) -> Int? {
        var i = before
        while i > from {
            i -= 1
            if buf[i] == 0x20 { return i }
        }
        return nil
    }

    /// ``startsLower(_:)`` of the word in `r` (not empty). An ASCII byte followed by another
    /// ASCII byte or by a character below U+0300 (a lead byte below 0xCC: no combining mark
    /// or other grapheme extender is there) is a Character of its own, told by its byte.
    private static func startsLower(_ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        let b = buf[r.lowerBound]
        if b < 0x80, r.count == 1 || buf[r.lowerBound + 1] < 0xCC { return b &- 0x61 < 26 }
        return startsLower(String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self))
    }

    /// ``isSuffix(_:)`` of the bytes in `r`: the suffixes are ASCII, and no non-ASCII
    /// character lowercases to one of their letters, so a part with a non-ASCII byte is none.
    private static func isSuffix(_ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        guard r.count <= 3 else { return false }
        var folded: [UInt8] = []
        folded.reserveCapacity(3)
        for i in r {
            let b = buf[i]
            guard b < 0x80 else { return false }
            folded.append(b &- 0x41 < 26 ? b | 0x20 : b)
        }
        return suffixes.contains(String(decoding: folded, as: UTF8.self))
    }

    /// `Family, Given[, Suffix]`; also BibTeX's `Family, Jr., Given`.
    static func commaName(_ value: String) -> PersonName {
        var parts = value.split(separator: ",", omittingEmptySubsequences: false).map { RISText.trimmed(String($0)) }
        if parts.count >= 3, isSuffix(parts[1]), !isSuffix(parts[2]) { parts.swapAt(1, 2) }
        var name = parts[0].isEmpty ? PersonName() : familyParts(parts[0])
        if parts.count > 1, !parts[1].isEmpty {
            var given = parts[1].split(separator: " ").map(String.init)
            var dropping: [String] = []
            while given.count > 1, let last = given.last, startsLower(last) {
                dropping.insert(last, at: 0)
                given.removeLast()
            }
            name.given = given.joined(separator: " ")
            if !dropping.isEmpty { name.droppingParticle = dropping.joined(separator: " ") }
        }
        if parts.count > 2 {
            let suffix = parts[2...].filter { !$0.isEmpty }.joined(separator: ", ")
            if !suffix.isEmpty { name.suffix = suffix }
        }
        return name
    }

    /// Splits leading lower-case particles off a family name (`van der Berg`, `d'Aspremont`).
    private static func familyParts(_ family: String) -> PersonName {
        var words = family.split(separator: " ").map(String.init)
        var particles: [String] = []
        while words.count > 1, let first = words.first, startsLower(first) {
            particles.append(first)
            words.removeFirst()
        }
        var rest = words.joined(separator: " ")
        // d'Aspremont, d’Alembert: an elided particle glued to the name.
        if particles.isEmpty, words.count == 1, let apostrophe = rest.firstIndex(where: { $0 == "'" || $0 == "’" }),
            rest[..<apostrophe].count <= 2, rest[..<apostrophe].allSatisfy(\.isLowercase),
            rest.index(after: apostrophe) < rest.endIndex, rest[rest.index(after: apostrophe)].isUppercase
        {
            particles.append(String(rest[...apostrophe]))
            rest = String(rest[rest.index(after: apostrophe)...])
        }
        var name = PersonName(family: rest.isEmpty ? nil : rest)
        if !particles.isEmpty {
            let joined = particles.joined(separator: " ")
            name.nonDroppingParticle = joined
            if rest.isEmpty { name.family = joined; name.nonDroppingParticle = nil }
        }
        return name
    }

    private static func startsLower(_ w: String) -> Bool { w.first?.isLowercase ?? false }
    private static func startsUpper(_ w: String) -> Bool { w.first?.isUppercase ?? false }

    /// A word of a personal name: letters (with hyphens and apostrophes), containing a
    /// lower-case letter, or a lower-case particle.
    private static func isNameWord(_ w: String) -> Bool {
        guard w.contains(where: \.isLowercase) else { return false }
        return w.allSatisfy { $0.isLetter || $0 == "-" || $0 == "'" || $0 == "’" }
    }

    /// `J`, `JA`, `J.`, `J.A.`, `J.-P.`, `JP`: at most three capitals, with optional dots/hyphens.
    static func isInitials(_ w: String) -> Bool {
        var letters = 0
        for c in w {
            if c.isUppercase && c.isLetter {
                letters += 1
            } else if c != "." && c != "-" {
                return false
            }
        }
        guard letters >= 1, letters <= 3 else { return false }
        // Without dots, only short runs of capitals count ("WHO" is three: allowed only with another name word).
        return true
    }

    static let suffixes: Set<String> = ["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "2nd", "3rd"]

    private static func isSuffix(_ s: String) -> Bool { suffixes.contains(s.lowercased()) }

    // MARK: Writing

    /// The RIS form of a name: `Family, Given, Suffix` (particles kept: `van der Berg, Jan`;
    /// a dropping particle after the given name: `Beethoven, Ludwig van`), a family name
    /// alone as `Family,`, a literal name unchanged.
    /// The line `TAG  - ` + ``format(_:)`` + CRLF as ``RISRecordWriter/add(_:_:)`` writes it
    /// (nothing for a literal name that is empty on one line), built on bytes.
    static func appendLine(_ tag: String, _ name: PersonName, to out: inout [UInt8]) {
        if let literal = name.literal {
            var line = RISText.oneLine(literal)
            guard !line.isEmpty else { return }
            line.withUTF8 { RISRecordWriter.appendLine(tag, $0, to: &out) }
            return
        }
        RISRecordWriter.appendTag(tag, to: &out)
        let start = out.count
        // family with particle
        if let particle = name.nonDroppingParticle {
            if let family = name.family {
                let joiner = particle.hasSuffix("'") || particle.hasSuffix("’") || particle.hasSuffix("-") ? "" : " "
                appendOneLine(particle + joiner + family, to: &out)
            } else {
                appendOneLine(particle, to: &out)
            }
        } else if let family = name.family {
            appendOneLine(family, to: &out)
        }
        out.append(UInt8(ascii: ","))
        // given, then a dropping particle
        let givenStart = out.count + 1
        out.append(0x20)
        if let given = name.given { appendOneLine(given, to: &out) }
        if let dp = name.droppingParticle {
            if out.count > givenStart { out.append(0x20) }
            appendOneLine(dp, to: &out)
        }
        let givenIsEmpty = out.count == givenStart
        if givenIsEmpty { out.removeLast() }
        if let suffix = name.suffix {
            out.append(contentsOf: (givenIsEmpty ? " , " : ", ").utf8)
            appendOneLine(suffix, to: &out)
        }
        // The line as a whole is trimmed: only trailing spaces can be left over.
        while out.count > start, out[out.count - 1] == 0x20 { out.removeLast() }
        out.append(0x0D)
        out.append(0x0A)
    }

    /// Appends ``RISText/oneLine(_:)`` of a string.
    private static func appendOneLine(_ s: String, to out: inout [UInt8]) {
        var s = s
        let done = s.withUTF8 { buf -> Bool in
            guard RISText.isOneLine(buf) else { return false }
            out.append(contentsOf: buf)
            return true
        }
        if !done { out.append(contentsOf: RISText.oneLine(s).utf8) }
    }

    static func format(_ name: PersonName) -> String {
        if let literal = name.literal { return RISText.oneLine(literal) }
        let family = RISText.oneLine(name.familyWithParticle)
        var given = name.given.map(RISText.oneLine) ?? ""
        if let dp = name.droppingParticle { given += (given.isEmpty ? "" : " ") + RISText.oneLine(dp) }
        var out = family + ","
        if !given.isEmpty { out += " " + given }
        if let suffix = name.suffix {
            out += (given.isEmpty ? " ," : ",") + " " + RISText.oneLine(suffix)
        }
        return out
    }
}
