/// Generates citation keys such as `zimmer2023sparse`: the first author's family name
/// folded to lower-case ASCII, the year, and the first significant word of the title.
public struct CitationKeyGenerator: Sendable {
    /// Words skipped when picking the title word.
    public static let stopWords: Set<String> = [
        "a", "an", "the", "on", "of", "in", "for", "to", "and", "or", "with", "via", "at", "by",
        "from", "into", "is", "are", "be", "do", "does", "did", "what", "when", "where", "which",
        "who", "how", "why", "can", "we", "our", "i", "you", "it", "its", "this", "that", "as",
        "not", "no", "than", "towards", "toward", "about", "over", "under", "using", "der",
        "die", "das", "le", "la", "les", "el", "los", "un", "une", "ein", "eine",
    ]

    /// Creates a generator.
    public init() {}

    /// The base key of an entry, before making it unique. Never empty.
    public func baseKey(for entry: Entry) -> String {
        var key = ""
        let firstName = entry.authors.names.first
            ?? entry.contributors[.editor]?.names.first
            ?? entry.contributors.values.first?.names.first
        if let name = firstName {
            let family = name.literal.map { Self.firstWord(of: $0) } ?? name.family ?? name.familyWithParticle
            key += Self.lettersAndDigits(family)
        }
        if let year = entry.year { key += String(year) }
        if let title = entry.title?.plainText {
            let words = title.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "'" && $0 != "’" })
            for word in words {
                let folded = Self.lettersAndDigits(String(word))
                if folded.isEmpty || Self.stopWords.contains(folded) { continue }
                key += folded
                break
            }
        }
        return key.isEmpty ? "entry" : key
    }

    /// Gives every entry without a key a generated one, unique within the library
    /// (suffixes `a`, `b`, … on collision). Existing keys are kept.
    /// Linear: a counter per base key, compared without case as BibTeX compares keys.
    public func assignMissingKeys(in library: inout Library) {
        var keys = UniqueKeys()
        for entry in library.entries { if let key = entry.key, !key.isEmpty { keys.reserve(key) } }
        for i in library.entries.indices where (library.entries[i].key ?? "").isEmpty {
            library.entries[i].key = keys.unique(baseKey(for: library.entries[i]))
        }
    }

    /// 0 → `a`, 25 → `z`, 26 → `aa`.
    static func suffix(_ n: Int) -> String {
        var n = n
        var s = ""
        repeat {
            let letter = Character(Unicode.Scalar(UInt8(97 + n % 26)))
            s = String(letter) + s
            n = n / 26 - 1
        } while n >= 0
        return s
    }

    static func lettersAndDigits(_ text: String) -> String {
        String(text.asciiFolded.lowercased().unicodeScalars.filter { ($0.value >= 97 && $0.value <= 122) || ($0.value >= 48 && $0.value <= 57) }.map(Character.init))
    }

    static func firstWord(of text: String) -> String {
        text.split(whereSeparator: { $0 == " " }).first.map(String.init) ?? text
    }
}

/// A JabRef-style citation-key pattern: markers in brackets, literal text between them.
///
/// `[auth:lower][year][veryshorttitle:lower]` gives `zimmer2023sparse` (the default, the same
/// keys ``CitationKeyGenerator`` makes). Markers: `[auth]` (first author's family name, else
/// the first editor's), `[pureauth]` (authors only), `[authEtAl]` (`SmithJones`, `SmithEtAl`),
/// `[authors]`, `[authorsN]` (first N, then `EtAl`), `[authN]` (first N letters),
/// `[authorLast]`, `[year]`, `[shortyear]`, `[month]`, `[title]` (significant words
/// capitalised), `[fulltitle]`, `[shorttitle]` (first three significant words),
/// `[veryshorttitle]` (the first), `[shorttitleN]`, `[journal]`, `[publisher]`, `[volume]`,
/// `[number]`, `[pages]`, `[firstpage]`, `[lastpage]`, `[type]`, `[key]`, and any field by its
/// CSL name. Modifiers after a colon: `:lower`, `:upper`, `:capitalize`, `:abbr` (first letter of
/// each word), `:(text)` (used when the marker is empty). Values are folded to ASCII letters
/// and digits; literal text keeps letters, digits and `-_:./+`.
public struct CitationKeyPattern: Sendable, Hashable, CustomStringConvertible {
    /// A pattern that does not parse.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The message.
        public var description: String
    }

    enum Modifier: Hashable, Sendable {
        case lower, upper, capitalize, abbr
        case fallback(String)
    }

    enum Part: Hashable, Sendable {
        case literal(String)
        case marker(String, Int?, [Modifier])
    }

    let parts: [Part]
    /// The pattern as written.
    public let description: String

    /// `[auth:lower][year][veryshorttitle:lower]`.
    public static let `default` = CitationKeyPattern(
        parts: [.marker("auth", nil, [.lower]), .marker("year", nil, []), .marker("veryshorttitle", nil, [.lower])],
        description: "[auth:lower][year][veryshorttitle:lower]")

    /// The marker names a pattern may use (besides field names).
    public static let markerNames: [String] = [
        "auth", "pureauth", "authEtAl", "authors", "authorsN", "authN", "authorLast", "year", "shortyear", "month",
        "title", "fulltitle", "shorttitle", "shorttitleN", "veryshorttitle", "journal", "booktitle", "publisher",
        "volume", "number", "pages", "firstpage", "lastpage", "type", "key",
    ]

    init(parts: [Part], description: String) {
        self.parts = parts
        self.description = description
    }

    /// Parses a pattern; unknown markers and unclosed brackets are errors that name the markers.
    public init(_ pattern: String) throws(ParseError) {
        var parts: [Part] = []
        var literal = ""
        var i = pattern.startIndex
        while i < pattern.endIndex {
            let c = pattern[i]
            if c == "[" {
                guard let close = pattern[i...].firstIndex(of: "]") else {
                    throw ParseError(description: "unclosed '[' in key pattern '\(pattern)'")
                }
                if !literal.isEmpty {
                    parts.append(.literal(literal))
                    literal = ""
                }
                parts.append(try Self.parseMarker(String(pattern[pattern.index(after: i)..<close]), in: pattern))
                i = pattern.index(after: close)
            } else {
                if c.isASCII && (c.isLetter || c.isNumber || "-_:./+".contains(c)) { literal.append(c) }
                i = pattern.index(after: i)
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard !parts.isEmpty else { throw ParseError(description: "empty key pattern") }
        self.parts = parts
        self.description = pattern
    }

    private static func parseMarker(_ body: String, in pattern: String) throws(ParseError) -> Part {
        // Split at colons outside parentheses.
        var pieces: [String] = []
        var current = ""
        var depth = 0
        for ch in body {
            if ch == "(" { depth += 1 } else if ch == ")" { depth = max(0, depth - 1) }
            if ch == ":" && depth == 0 {
                pieces.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        pieces.append(current)
        let rawName = pieces[0].trimmedOfSpaces
        var modifiers: [Modifier] = []
        for piece in pieces.dropFirst() {
            let p = piece.trimmedOfSpaces
            switch p.lowercased() {
            case "lower": modifiers.append(.lower)
            case "upper": modifiers.append(.upper)
            case "capitalize", "capitalise": modifiers.append(.capitalize)
            case "abbr", "abbreviate": modifiers.append(.abbr)
            default:
                if p.hasPrefix("(") && p.hasSuffix(")") && p.count >= 2 {
                    modifiers.append(.fallback(String(p.dropFirst().dropLast())))
                } else {
                    throw ParseError(description: "unknown modifier ':\(p)' in key pattern '\(pattern)'; modifiers: lower, upper, capitalize, abbr, (default text)")
                }
            }
        }
        // Names ending in a number: authors2, auth3, shorttitle2.
        var name = rawName
        var number: Int?
        let digits = String(rawName.reversed().prefix { $0.isNumber }.reversed())
        if !digits.isEmpty, digits.count < rawName.count {
            let stem = String(rawName.dropLast(digits.count))
            if ["authors", "auth", "shorttitle"].contains(stem) {
                name = stem == "authors" ? "authorsN" : stem == "auth" ? "authN" : "shorttitleN"
                number = Int(digits)
            }
        }
        let known = markerNames.contains(name) || name.lowercased() == "authetal"
            || Field(rawValue: name.lowercased()) != nil
        guard known else {
            throw ParseError(description: "unknown marker '[\(rawName)]' in key pattern '\(pattern)'; markers: \(markerNames.joined(separator: ", ")), or a field name")
        }
        return .marker(name.lowercased() == "authetal" ? "authEtAl" : name, number, modifiers)
    }

    /// The key an entry gets from the pattern, before it is made unique; never empty.
    public func baseKey(for entry: Entry) -> String {
        var key = ""
        for part in parts {
            switch part {
            case .literal(let s): key += s
            case .marker(let name, let n, let modifiers):
                var value = Self.value(of: name, n, in: entry)
                for m in modifiers {
                    switch m {
                    case .lower: value = value.lowercased()
                    case .upper: value = value.uppercased()
                    case .capitalize: value = value.prefix(1).uppercased() + value.dropFirst()
                    case .abbr: value = Self.abbreviated(name, n, in: entry)
                    case .fallback(let text): if value.isEmpty { value = CitationKeyGenerator.asciiAlnum(text) }
                    }
                }
                key += value
            }
        }
        return key.isEmpty ? "entry" : key
    }

    private static func names(_ entry: Entry, editorsToo: Bool = true) -> [PersonName] {
        if let a = entry.contributors[.author], !a.names.isEmpty { return a.names }
        guard editorsToo else { return [] }
        if let e = entry.contributors[.editor], !e.names.isEmpty { return e.names }
        return entry.contributors.values.first { !$0.names.isEmpty }?.names ?? []
    }

    private static func family(_ name: PersonName) -> String {
        let raw = name.literal.map { CitationKeyGenerator.firstWord(of: $0) } ?? name.family ?? name.familyWithParticle
        return CitationKeyGenerator.asciiAlnum(raw)
    }

    private static func capitalizedFamily(_ name: PersonName) -> String {
        let f = family(name)
        return f.prefix(1).uppercased() + f.dropFirst()
    }

    /// Title words folded to ASCII letters and digits, stop words marked.
    private static func titleWords(_ entry: Entry) -> [(word: String, significant: Bool)] {
        guard let title = entry.title?.plainText else { return [] }
        return titlePieces(title)
            .map { CitationKeyGenerator.asciiAlnum(String($0)) }
            .filter { !$0.isEmpty }
            .map { ($0, !CitationKeyGenerator.stopWords.contains($0.lowercased())) }
    }

    /// A title cut into words: runs of letters, digits and apostrophes. An ASCII title (most
    /// are) is cut on its bytes, where those are the ASCII letters and digits; any other by
    /// Characters (``titlePiecesByCharacters(_:)``), whose Unicode properties cost a lookup each.
    static func titlePieces(_ title: String) -> [Substring] {
        guard title.utf8.allSatisfy({ $0 < 0x80 }) else { return titlePiecesByCharacters(title) }
        return CitationKeyGenerator.asciiRuns(title, apostrophes: true)
    }

    /// ``titlePieces(_:)`` for any title.
    static func titlePiecesByCharacters(_ title: String) -> [Substring] {
        title.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "'" && $0 != "’" })
    }

    private static func camel(_ word: String) -> String { word.prefix(1).uppercased() + word.dropFirst() }

    static func value(of marker: String, _ n: Int?, in entry: Entry) -> String {
        switch marker {
        case "auth": return names(entry).first.map(capitalizedFamily) ?? ""
        case "pureauth": return names(entry, editorsToo: false).first.map(capitalizedFamily) ?? ""
        case "authN": return String((names(entry).first.map(capitalizedFamily) ?? "").prefix(n ?? 1))
        case "authEtAl":
            let list = names(entry)
            if list.count == 2 { return capitalizedFamily(list[0]) + capitalizedFamily(list[1]) }
            let first = list.first.map(capitalizedFamily) ?? ""
            return list.count > 2 || (list.count == 1 && entry.authors.truncated) ? first + "EtAl" : first
        case "authors": return names(entry).map(capitalizedFamily).joined()
        case "authorsN":
            let list = names(entry)
            let limit = max(n ?? 1, 1)
            let head = list.prefix(limit).map(capitalizedFamily).joined()
            return list.count > limit || (entry.authors.truncated && !list.isEmpty) ? head + "EtAl" : head
        case "authorLast": return names(entry).last.map(capitalizedFamily) ?? ""
        case "year": return entry.year.map(String.init) ?? ""
        case "shortyear": return entry.year.map { String(String($0).suffix(2)) } ?? ""
        case "month": return entry.issued?.typed?.start?.month.map { String($0) } ?? ""
        case "title":
            return titleWords(entry).enumerated().map { $0.offset == 0 || $0.element.significant ? camel($0.element.word) : $0.element.word.lowercased() }.joined()
        case "fulltitle": return titleWords(entry).map { camel($0.word) }.joined()
        case "shorttitle", "shorttitleN":
            return titleWords(entry).filter(\.significant).prefix(n ?? 3).map { camel($0.word) }.joined()
        case "veryshorttitle": return titleWords(entry).first(where: \.significant).map { $0.word.lowercased() }.map(camel) ?? ""
        case "journal", "booktitle":
            return CitationKeyGenerator.asciiAlnum(entry.container?.title?.plainText ?? entry.container?.shortTitle ?? "", keepCase: true, camel: true)
        case "publisher": return CitationKeyGenerator.asciiAlnum(entry.fields[.publisher] ?? "", keepCase: true, camel: true)
        case "number": return CitationKeyGenerator.asciiAlnum(entry.fields[.number] ?? entry.fields[.issue] ?? "", keepCase: true)
        case "pages": return CitationKeyGenerator.asciiAlnum(entry.fields[.page] ?? "", keepCase: true)
        case "firstpage", "lastpage":
            let pages = (entry.fields[.page] ?? "").split(whereSeparator: { $0 == "-" || $0 == "–" || $0 == "," || $0 == " " })
            let page = marker == "firstpage" ? pages.first : pages.last
            return CitationKeyGenerator.asciiAlnum(page.map(String.init) ?? "", keepCase: true)
        case "type": return entry.type.kind.rawValue.filter { $0.isLetter }
        case "key": return CitationKeyGenerator.asciiAlnum(entry.key ?? "", keepCase: true)
        default:
            guard let field = Field(rawValue: marker.lowercased()) else { return "" }
            return CitationKeyGenerator.asciiAlnum(entry.fields[field] ?? "", keepCase: true, camel: true)
        }
    }

    /// `:abbr`: the first letter of each word of the marker's text (`JMLR`, `SJE`).
    static func abbreviated(_ marker: String, _ n: Int?, in entry: Entry) -> String {
        let text: String
        switch marker {
        case "journal", "booktitle": text = entry.container?.title?.plainText ?? entry.container?.shortTitle ?? ""
        case "title", "fulltitle", "shorttitle", "shorttitleN", "veryshorttitle":
            text = entry.title?.plainText ?? ""
        case "publisher": text = entry.fields[.publisher] ?? ""
        case "auth", "pureauth", "authN", "authEtAl", "authors", "authorsN", "authorLast":
            return names(entry).prefix(marker == "auth" || marker == "pureauth" ? 1 : 99).map { String(capitalizedFamily($0).prefix(1)) }.joined()
        default: text = Field(rawValue: marker.lowercased()).flatMap { entry.fields[$0] } ?? value(of: marker, n, in: entry)
        }
        return text.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .compactMap { CitationKeyGenerator.asciiAlnum(String($0), keepCase: true).first.map(String.init) }
            .joined()
    }
}

extension CitationKeyGenerator {
    /// Text folded to ASCII letters and digits: lower case unless `keepCase`; with `camel`,
    /// each word capitalised before the spaces go.
    static func asciiAlnum(_ text: String, keepCase: Bool = false, camel: Bool = false) -> String {
        var out = ""
        let folded = text.utf8.allSatisfy { $0 < 0x80 } ? text : text.asciiFolded
        for word in asciiAlnumWords(folded) {
            let w = keepCase ? String(word) : word.lowercased()
            out += camel ? w.prefix(1).uppercased() + w.dropFirst() : w
        }
        return out
    }

    /// The runs of ASCII letters and digits in a text: on the bytes when it is ASCII (a
    /// Character's properties cost a lookup each), else by Characters.
    static func asciiAlnumWords(_ text: String) -> [Substring] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return asciiAlnumWordsByCharacters(text) }
        return asciiRuns(text, apostrophes: false)
    }

    /// The runs of ASCII letters and digits (and `'` when `apostrophes`) in an ASCII text,
    /// cut on its bytes.
    static func asciiRuns(_ text: String, apostrophes: Bool) -> [Substring] {
        text.utf8.split(whereSeparator: { b in
            !(b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 26 || (apostrophes && b == UInt8(ascii: "'")))
        }).map { Substring($0) }
    }

    /// ``asciiAlnumWords(_:)`` for any text.
    static func asciiAlnumWordsByCharacters(_ text: String) -> [Substring] {
        text.split(whereSeparator: { !$0.isASCII || !($0.isLetter || $0.isNumber) })
    }

}

/// Makes keys unique within a library, compared without case (as BibTeX compares them):
/// `base`, then `base` + `a`, `b`, …, `z`, `aa`, … with a counter per base, so each key costs
/// constant time however many entries share a base.
public struct UniqueKeys: Sendable {
    private var used: Set<String> = []
    private var nextSuffix: [String: Int] = [:]
    private let caseSensitive: Bool

    /// Creates an empty set of keys, compared without case unless `caseSensitive`
    /// (CSL-JSON ids are case-sensitive; BibTeX keys are not).
    public init(caseSensitive: Bool = false) { self.caseSensitive = caseSensitive }

    private func normalized(_ key: String) -> String { caseSensitive ? key : key.lowercased() }

    /// Makes room for `count` keys at once (growing the set as keys come would hash every
    /// key again each time it doubles).
    public mutating func reserveCapacity(_ count: Int) { used.reserveCapacity(count) }

    /// Reserves a key as taken (a kept key); returns false when it was already taken.
    @discardableResult
    public mutating func reserve(_ key: String) -> Bool { used.insert(normalized(key)).inserted }

    /// True when the key is taken.
    public func contains(_ key: String) -> Bool { used.contains(normalized(key)) }

    /// `base` if free, else the first free `base` + suffix; the result is reserved.
    public mutating func unique(_ base: String) -> String {
        if reserve(base) { return base }
        let lower = normalized(base)
        var n = nextSuffix[lower] ?? 0
        while true {
            let candidate = base + CitationKeyGenerator.suffix(n)
            n += 1
            if reserve(candidate) {
                nextSuffix[lower] = n
                return candidate
            }
        }
    }
}

extension String {
    fileprivate var trimmedOfSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
