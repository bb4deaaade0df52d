/// Normal forms and checks of persistent identifiers (DOI, arXiv, PMID, ISBN, ISSN), shared
/// by the clean, dedupe and validate steps.
public enum Identifiers {
    private static let doiPrefixes = [
        "https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "https://www.doi.org/",
        "http://www.doi.org/", "doi.org/", "dx.doi.org/", "info:doi/", "urn:doi:", "doi:", "doi ",
    ]

    /// The DOI without resolver or `doi:` prefix, white space and trailing punctuation
    /// (`https://doi.org/10.1000/XYZ.` → `10.1000/XYZ`), or nil when what remains is not a DOI.
    public static func bareDOI(_ raw: String) -> String? {
        if isPlainDOIForm(raw) { return isDOI(raw) ? raw : nil }
        return bareDOIByStripping(raw)
    }

    /// True when none of the steps of ``bareDOIByStripping(_:)`` changes `raw`: it starts
    /// with `10.` (so no prefix), is printable ASCII (nothing to trim) without `%` (nothing to
    /// decode), and does not end in `.`, `,` or `;`.
    static func isPlainDOIForm(_ raw: String) -> Bool {
        var n = 0
        var last: UInt8 = 0
        for b in raw.utf8 {
            guard b > 0x20, b < 0x7F, b != UInt8(ascii: "%") else { return false }
            switch n {
            case 0: guard b == UInt8(ascii: "1") else { return false }
            case 1: guard b == UInt8(ascii: "0") else { return false }
            case 2: guard b == UInt8(ascii: ".") else { return false }
            default: break
            }
            n += 1
            last = b
        }
        return n >= 3 && last != UInt8(ascii: ".") && last != UInt8(ascii: ",") && last != UInt8(ascii: ";")
    }

    /// ``bareDOI(_:)`` step by step: trimmed, prefixes stripped, `%2F` decoded, trailing
    /// punctuation dropped.
    static func bareDOIByStripping(_ raw: String) -> String? {
        var s = raw.trimmedSpaces
        var changed = true
        while changed {
            changed = false
            let lower = s.lowercased()
            for p in doiPrefixes where lower.hasPrefix(p) {
                s = String(s.dropFirst(p.count)).trimmedSpaces
                changed = true
                break
            }
        }
        if s.contains("%2F") || s.contains("%2f") { s = percentDecoded(s) }
        while let last = s.unicodeScalars.last, ".,;".unicodeScalars.contains(last) { s.unicodeScalars.removeLast() }
        return isDOI(s) ? s : nil
    }

    /// True for `10.NNNN[.NNN…]/suffix` without white space: the DOI syntax of the DOI Handbook.
    public static func isDOI(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count >= 8, b[0] == UInt8(ascii: "1"), b[1] == UInt8(ascii: "0"), b[2] == UInt8(ascii: ".") else {
            return false
        }
        var i = 3
        var digits = 0
        while i < b.count, isDigit(b[i]) || b[i] == UInt8(ascii: ".") {
            if isDigit(b[i]) { digits += 1 }
            i += 1
        }
        guard digits >= 4, i < b.count - 1, b[i] == UInt8(ascii: "/") else { return false }
        return !b.contains { $0 <= 0x20 || $0 == 0x7F }
    }

    /// The form DOIs are compared in: bare and lower-cased (DOIs are case-insensitive), or
    /// nil when `raw` is not a DOI.
    public static func doiMatchKey(_ raw: String) -> String? { bareDOI(raw)?.lowercased() }

    /// The DOI a `doi.org` URL resolves, if it is one.
    public static func doiInURL(_ url: String) -> String? {
        let lower = url.lowercased()
        guard lower.contains("doi.org/") else { return nil }
        return bareDOI(url)
    }

    /// The arXiv identifier without `arXiv:` or an `arxiv.org/abs/` URL around it
    /// (`arXiv:2306.16788v2` → `2306.16788v2`, `hep-th/9901001`), or nil when it is not one.
    public static func bareArXiv(_ raw: String) -> String? {
        var s = raw.trimmedSpaces
        let lower = s.lowercased()
        for p in [
            "https://arxiv.org/abs/", "http://arxiv.org/abs/", "https://arxiv.org/pdf/", "http://arxiv.org/pdf/",
            "arxiv.org/abs/", "arxiv.org/pdf/", "arxiv:", "arxiv ",
        ] where lower.hasPrefix(p) {
            s = String(s.dropFirst(p.count)).trimmedSpaces
            break
        }
        if s.lowercased().hasSuffix(".pdf") { s = String(s.dropLast(4)) }
        return isArXiv(s) ? s : nil
    }

    /// True for a new-style (`2306.16788`, `0704.0001v2`) or old-style (`hep-th/9901001`,
    /// `math.AG/0601001`) arXiv identifier.
    public static func isArXiv(_ s: String) -> Bool {
        let b = Array(s.utf8)
        var i = 0
        if let slash = b.firstIndex(of: UInt8(ascii: "/")) {
            // Old style: archive[.SUBJ]/YYMMNNN
            guard slash > 1 else { return false }
            for c in b[..<slash] where !(isLetter(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")) { return false }
            i = slash + 1
            var n = 0
            while i < b.count, isDigit(b[i]) { i += 1; n += 1 }
            guard n == 7 else { return false }
        } else {
            var n = 0
            while i < b.count, isDigit(b[i]) { i += 1; n += 1 }
            guard n == 4, i < b.count, b[i] == UInt8(ascii: ".") else { return false }
            i += 1
            n = 0
            while i < b.count, isDigit(b[i]) { i += 1; n += 1 }
            guard n == 4 || n == 5 else { return false }
        }
        if i == b.count { return true }
        guard b[i] == UInt8(ascii: "v") || b[i] == UInt8(ascii: "V"), i + 1 < b.count else { return false }
        return b[(i + 1)...].allSatisfy(isDigit)
    }

    /// The arXiv identifier as compared: bare, lower-cased, without its version.
    public static func arXivMatchKey(_ raw: String) -> String? {
        guard var s = bareArXiv(raw)?.lowercased() else { return nil }
        if let v = s.lastIndex(of: "v"), s[s.index(after: v)...].allSatisfy(\.isNumber), !s[s.index(after: v)...].isEmpty
        {
            s = String(s[..<v])
        }
        return s
    }

    /// The PubMed id as digits (`PMID: 12345` → `12345`), or nil.
    public static func barePMID(_ raw: String) -> String? {
        var s = raw.trimmedSpaces
        let lower = s.lowercased()
        for p in ["pmid:", "pmid", "https://pubmed.ncbi.nlm.nih.gov/", "http://www.ncbi.nlm.nih.gov/pubmed/"]
        where lower.hasPrefix(p) {
            s = String(s.dropFirst(p.count)).trimmedSpaces
            break
        }
        while s.hasSuffix("/") { s.removeLast() }
        guard !s.isEmpty, s.utf8.count <= 9, s.utf8.allSatisfy(isDigit) else { return nil }
        return s
    }

    /// The PubMed Central id (`PMC1234567`), or nil.
    public static func barePMCID(_ raw: String) -> String? {
        let s = raw.trimmedSpaces.uppercased()
        let digits = s.hasPrefix("PMC") ? String(s.dropFirst(3)) : s
        guard !digits.isEmpty, digits.utf8.allSatisfy(isDigit) else { return nil }
        return "PMC" + digits
    }

    // MARK: ISSN

    /// `1234-567X` for an ISSN with a valid check digit (spaces, hyphens and a lower-case
    /// `x` tolerated in the input), or nil.
    public static func normalizedISSN(_ raw: String) -> String? {
        var s = raw.trimmedSpaces.uppercased().replacingPrefix("ISSN", with: "")
        // A qualifier after the number: `0017-5749 (ISSN)`, `1234-5678 (Print)`.
        if let paren = s.firstIndex(of: "(") { s = String(s[..<paren]) }
        let chars = standardNumberCharacters(s)
        guard chars.count == 8, issnCheckDigit(chars) == chars[7] else { return nil }
        return String(decoding: chars[0..<4], as: UTF8.self) + "-" + String(decoding: chars[4..<8], as: UTF8.self)
    }

    /// True when `raw` holds eight ISSN characters whose check digit is right.
    public static func isValidISSN(_ raw: String) -> Bool { normalizedISSN(raw) != nil }

    private static func issnCheckDigit(_ chars: [UInt8]) -> UInt8? {
        guard chars.count == 8, chars[0..<7].allSatisfy(isDigit) else { return nil }
        var sum = 0
        for (i, c) in chars[0..<7].enumerated() { sum += Int(c - 0x30) * (8 - i) }
        let check = (11 - sum % 11) % 11
        return check == 10 ? UInt8(ascii: "X") : UInt8(0x30 + check)
    }

    // MARK: ISBN

    /// How ISBNs are written by the clean step.
    public enum ISBNStyle: String, Sendable, Hashable, CaseIterable {
        /// Hyphenated at the registration group, registrant and publication (`978-3-16-148410-0`), length kept.
        case hyphenate
        /// Converted to ISBN-13 and hyphenated.
        case isbn13
        /// Converted to ISBN-10 where possible (978 prefix) and hyphenated.
        case isbn10
        /// Digits only, no hyphens.
        case compact
    }

    /// The ISBN's characters (digits and a final `X`) when it has 10 or 13 of them and a valid
    /// check digit; nil otherwise. Hyphens, spaces and an `ISBN` label are ignored.
    public static func isbnCharacters(_ raw: String) -> [UInt8]? {
        var s = raw.trimmedSpaces.uppercased()
        for p in ["ISBN-13:", "ISBN-10:", "ISBN13:", "ISBN10:", "ISBN:", "ISBN"] where s.hasPrefix(p) {
            s = String(s.dropFirst(p.count))
            break
        }
        // A qualifier after the number: `978… (pbk.)`.
        if let paren = s.firstIndex(of: "(") { s = String(s[..<paren]) }
        let chars = standardNumberCharacters(s)
        switch chars.count {
        case 10:
            guard chars[0..<9].allSatisfy(isDigit), isbn10Check(chars) == chars[9] else { return nil }
        case 13:
            guard chars.allSatisfy(isDigit), isbn13Check(chars) == chars[12] else { return nil }
        default:
            return nil
        }
        return chars
    }

    /// True when `raw` is an ISBN-10 or ISBN-13 with a valid check digit.
    public static func isValidISBN(_ raw: String) -> Bool { isbnCharacters(raw) != nil }

    /// The ISBN-13 digits of a valid ISBN (the form ISBNs are compared in), or nil.
    public static func isbn13(_ raw: String) -> String? {
        guard let chars = isbnCharacters(raw) else { return nil }
        return String(decoding: toISBN13(chars), as: UTF8.self)
    }

    /// A valid ISBN written in `style`, or nil when `raw` is not a valid ISBN.
    public static func formattedISBN(_ raw: String, style: ISBNStyle) -> String? {
        guard var chars = isbnCharacters(raw) else { return nil }
        switch style {
        case .compact: return String(decoding: chars, as: UTF8.self)
        case .isbn13: chars = toISBN13(chars)
        case .isbn10: chars = toISBN10(chars) ?? chars
        case .hyphenate: break
        }
        return ISBNRanges.hyphenated(chars) ?? String(decoding: chars, as: UTF8.self)
    }

    static func toISBN13(_ chars: [UInt8]) -> [UInt8] {
        guard chars.count == 10 else { return chars }
        var out = Array("978".utf8) + chars[0..<9]
        if let check = isbn13Check(out + [0]) { out.append(check) }
        return out
    }

    static func toISBN10(_ chars: [UInt8]) -> [UInt8]? {
        guard chars.count == 13 else { return chars }
        guard chars.starts(with: Array("978".utf8)) else { return nil }
        var out = Array(chars[3..<12])
        guard let check = isbn10Check(out + [0]) else { return nil }
        out.append(check)
        return out
    }

    private static func isbn10Check(_ chars: [UInt8]) -> UInt8? {
        guard chars.count == 10 else { return nil }
        var sum = 0
        for (i, c) in chars[0..<9].enumerated() { sum += Int(c - 0x30) * (10 - i) }
        let check = (11 - sum % 11) % 11
        return check == 10 ? UInt8(ascii: "X") : UInt8(0x30 + check)
    }

    private static func isbn13Check(_ chars: [UInt8]) -> UInt8? {
        guard chars.count == 13 else { return nil }
        var sum = 0
        for (i, c) in chars[0..<12].enumerated() { sum += Int(c - 0x30) * (i % 2 == 0 ? 1 : 3) }
        return UInt8(0x30 + (10 - sum % 10) % 10)
    }

    /// Digits and `X`; separators (hyphen, space, en dash) skipped; anything else kept so the
    /// length check fails.
    private static func standardNumberCharacters(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        for c in s.utf8 {
            if isDigit(c) || c == UInt8(ascii: "X") || c == UInt8(ascii: "x") {
                out.append(c == UInt8(ascii: "x") ? UInt8(ascii: "X") : c)
            } else if c == UInt8(ascii: "-") || c == UInt8(ascii: " ") || c == 0xE2 || c == 0x80 || c == 0x93
                || c == 0x90 || c == 0x91
            {
                continue  // hyphen, space, and the bytes of U+2010/U+2011/U+2013
            } else {
                out.append(c)
            }
        }
        return out
    }

    private static func percentDecoded(_ s: String) -> String {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - 0x30
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - 0x57
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - 0x37
        default: nil
        }
    }
}

/// ISBN hyphenation from the registration ranges of the International ISBN Agency.
///
/// The table (`ISBNRanges+Table.swift`) is generated from Business::ISBN::Data (the
/// RangeMessage.xml it ships) with:
/// `perl -e 'require Business::ISBN::Data; my %d = Business::ISBN::Data::_default_data(); …'`
/// printing, per prefix and group, the registrant ranges as `low-high` pairs.
enum ISBNRanges {
    /// `"978-3"` → registrant ranges as (low, high) strings of equal length.
    static let groups: [String: [(String, String)]] = {
        var out: [String: [(String, String)]] = [:]
        for line in table {
            let parts = line.split(separator: " ")
            guard let head = parts.first else { continue }
            out[String(head)] = parts.dropFirst().compactMap { pair in
                let bounds = pair.split(separator: "-")
                guard bounds.count == 2, bounds[0].count == bounds[1].count else { return nil }
                return (String(bounds[0]), String(bounds[1]))
            }
        }
        return out
    }()

    /// The hyphenated form of ISBN characters (10 or 13), or nil when the ranges do not cover it.
    static func hyphenated(_ chars: [UInt8]) -> String? {
        let is10 = chars.count == 10
        let full = is10 ? Array("978".utf8) + chars : chars
        guard full.count == 13 else { return nil }
        let ean = String(decoding: full[0..<3], as: UTF8.self)
        let body = Array(full[3..<12])  // group + registrant + publication
        for groupLength in 1...5 where groupLength < body.count {
            let group = String(decoding: body[0..<groupLength], as: UTF8.self)
            guard let ranges = groups[ean + "-" + group] else { continue }
            let rest = body[groupLength...]
            for (low, high) in ranges {
                let n = low.utf8.count
                guard n < rest.count else { continue }
                let head = String(decoding: rest.prefix(n), as: UTF8.self)
                if head >= low && head <= high {
                    let publication = String(decoding: rest.dropFirst(n), as: UTF8.self)
                    let check = String(UnicodeScalar(full[12]))
                    let tenCheck = String(UnicodeScalar(chars[chars.count - 1]))
                    return is10
                        ? [group, head, publication, tenCheck].joined(separator: "-")
                        : [ean, group, head, publication, check].joined(separator: "-")
                }
            }
            return nil
        }
        return nil
    }
}

@inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
@inline(__always) func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

extension String {
    /// The string without leading and trailing white space (including no-break space).
    var trimmedSpaces: String {
        // The usual value starts and ends with an ASCII byte that is not white space (U+0009 to
        // U+000D and U+0020 are the only ASCII White_Space): nothing to trim, no property lookup.
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80,
            !(first == 0x20 || first &- 0x09 < 5), !(last == 0x20 || last &- 0x09 < 5)
        {
            return self
        }
        return trimmedSpacesByScalars
    }

    /// ``trimmedSpaces`` for any string: white space (Unicode White_Space) cut at both ends.
    var trimmedSpacesByScalars: String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0.properties.isWhitespace }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !isSpace($0) }),
            let end = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        if start == scalars.startIndex && scalars.index(after: end) == scalars.endIndex { return self }
        return String(scalars[start...end])
    }

    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
