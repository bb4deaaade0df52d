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
    public func assignMissingKeys(in library: inout Library) {
        var used = Set(library.entries.compactMap { $0.key })
        for i in library.entries.indices where (library.entries[i].key ?? "").isEmpty {
            let base = baseKey(for: library.entries[i])
            library.entries[i].key = Self.unique(base, used: &used)
        }
    }

    /// `base` if unused, else `base` + `a`, `b`, …, `z`, `aa`, …; records the result as used.
    public static func unique(_ base: String, used: inout Set<String>) -> String {
        if used.insert(base).inserted { return base }
        var n = 0
        while true {
            let candidate = base + suffix(n)
            if used.insert(candidate).inserted { return candidate }
            n += 1
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
