import BibModel

/// Citation keys and field names as BibTeX accepts them.
public enum BibTeXKeys {
    /// Bytes BibTeX does not allow in a citation key: space, `, { } " # % ' ( ) = \`, and
    /// (by extension) every other ASCII whitespace or control character.
    public static func isForbiddenInKey(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""),
            UInt8(ascii: "#"), UInt8(ascii: "%"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "="), UInt8(ascii: "\\"), 0x00...0x1F, 0x7F:
            true
        default:
            false
        }
    }

    /// The key with every run of forbidden bytes replaced by `_` (leading and trailing runs
    /// dropped); `entry` when nothing is left.
    public static func sanitised(_ key: String) -> String {
        // The usual key has nothing to replace.
        if key.utf8.withContiguousStorageIfAvailable({ buf in
            guard let first = buf.first, !isForbiddenInKey(first) else { return false }
            for b in buf where isForbiddenInKey(b) { return false }
            return true
        }) == true {
            return key
        }
        var out: [UInt8] = []
        out.reserveCapacity(key.utf8.count)
        var pendingUnderscore = false
        for b in key.utf8 {
            if isForbiddenInKey(b) {
                pendingUnderscore = !out.isEmpty
                continue
            }
            if pendingUnderscore {
                out.append(UInt8(ascii: "_"))
                pendingUnderscore = false
            }
            out.append(b)
        }
        return out.isEmpty ? "entry" : String(decoding: out, as: UTF8.self)
    }

    /// A field name BibTeX and biber parse: ASCII letters, digits, `-`, `_`, `.`
    /// (others become `-`), lower case, starting with a letter.
    public static func fieldName(_ name: String) -> String {
        fieldName(name, preservingCase: false)
    }

    /// A field name BibTeX and biber parse (see ``fieldName(_:)``), keeping the case of its
    /// letters when asked: field names are case-insensitive, and names read from a `.bib`
    /// file (`Timestamp`, `ris-C1`) are written back as they were.
    public static func fieldName(_ name: String, preservingCase: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        for b in name.utf8 {
            if isASCIILetter(b) {
                out.append(preservingCase ? b : b | 0x20)
            } else if isASCIIDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") {
                out.append(b)
            } else if out.last != UInt8(ascii: "-") {
                out.append(UInt8(ascii: "-"))
            }
        }
        while let last = out.last, last == UInt8(ascii: "-") { out.removeLast() }
        if out.first.map(isASCIILetter) != true { out.insert(contentsOf: "x-".utf8, at: 0) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The name itself when BibTeX reads it back as one identifier (a field or macro name read
    /// from a `.bib` file: `AUTHOR+an`, `__markedentry`, `pub-FRED:adr`), else nil.
    public static func identifier(_ name: String) -> String? {
        guard let first = name.utf8.first, !isASCIIDigit(first),
            name.utf8.allSatisfy({ isIdentifierByte($0) && $0 != UInt8(ascii: "@") })
        else { return nil }
        return name
    }

    /// ASCII lower case (BibTeX compares keys case-insensitively).
    static func folded(_ key: String) -> String {
        let hasUpper =
            key.utf8.withContiguousStorageIfAvailable { buf -> Bool in
                for b in buf where b &- 0x41 < 26 { return true }
                return false
            } ?? key.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A })
        guard hasUpper else { return key }
        let count = key.utf8.count
        return String(unsafeUninitializedCapacity: count) { out in
            var k = 0
            for b in key.utf8 {
                out[k] = b &- 0x41 < 26 ? b | 0x20 : b
                k += 1
            }
            return k
        }
    }

    /// `a`, `b`, …, `z`, `aa`, `ab`, … (the suffixes ``CitationKeyGenerator`` uses).
    static func suffix(_ n: Int) -> String {
        var n = n
        var letters: [UInt8] = []
        repeat {
            letters.append(UInt8(97 + n % 26))
            n = n / 26 - 1
        } while n >= 0
        return String(decoding: letters.reversed(), as: UTF8.self)
    }
}

/// The keys used so far in one file, compared ignoring ASCII case as BibTeX does. Each base
/// remembers its next suffix, so many entries with one key stay linear.
struct KeyRegistry {
    private var used = CitationKeySet()
    private var nextSuffix: [String: Int] = [:]

    /// `key` if unused, else `key` plus the first free suffix `a`, `b`, …; records the result.
    mutating func unique(_ key: String) -> String {
        if used.insert(key).inserted { return key }
        let folded = BibTeXKeys.folded(key)
        var n = nextSuffix[folded] ?? 0
        while true {
            let suffix = BibTeXKeys.suffix(n)
            n += 1
            if used.insert(folded + suffix).inserted {
                nextSuffix[folded] = n
                return key + suffix
            }
        }
    }
}
