import BibModel

/// Recognising DOIs, ISBNs and ISSNs in RIS values.
enum RISIdentifiers {
    private static let doiPrefixes = [
        "https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi.org/", "doi:",
    ]

    /// The DOI without a resolver or `doi:` prefix (`https://doi.org/10.1/x` → `10.1/x`).
    static func bareDOI(_ raw: String) -> String {
        var s = RISText.trimmed(raw)
        var changed = true
        while changed {
            changed = false
            let lower = s.lowercased()
            for p in doiPrefixes where lower.hasPrefix(p) {
                s = RISText.trimmed(String(s.dropFirst(p.count)))
                changed = true
                break
            }
        }
        return s
    }

    /// Equality of DOIs: prefixes stripped, case-insensitive (DOIs are case-insensitive).
    static func sameDOI(_ a: String, _ b: String) -> Bool {
        bareDOI(a).lowercased() == bareDOI(b).lowercased()
    }

    /// True for `10.NNNN/suffix` with no spaces.
    static func isDOI(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count >= 7, b[0] == UInt8(ascii: "1"), b[1] == UInt8(ascii: "0"), b[2] == UInt8(ascii: ".") else { return false }
        var i = 3
        while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") || b[i] == UInt8(ascii: ".") { i += 1 }
        guard i - 3 >= 4, i < b.count - 1, b[i] == UInt8(ascii: "/") else { return false }
        return !b.contains(where: RISText.isSpace)
    }

    /// The DOI when the whole value is one (`10.1/x`, `doi: 10.1/x`, `https://doi.org/10.1/x`).
    static func pureDOI(_ value: String) -> String? {
        let bare = bareDOI(value)
        return isDOI(bare) ? bare : nil
    }

    /// The record's own DOI from a short note that labels it: one line of at most 200 bytes
    /// that starts with `DOI` (`DOI: 10.1/x`, `doi 10.1/x [doi]`, `DOI - 10.1/x.`) and holds that
    /// one DOI. Nil for a DOI inside other text, such as a list of cited references.
    static func labelledDOI(_ note: String) -> String? {
        let text = RISText.trimmed(note)
        guard text.utf8.count <= 200, !text.utf8.contains(0x0A), !text.utf8.contains(0x0D) else { return nil }
        let bytes = Array(text.utf8)
        guard bytes.count > 3, bytes[0] | 0x20 == UInt8(ascii: "d"), bytes[1] | 0x20 == UInt8(ascii: "o"),
            bytes[2] | 0x20 == UInt8(ascii: "i")
        else { return nil }
        // After the label: spaces and one of `:`, `-`, `=` at most, then the DOI.
        var i = 3
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == UInt8(ascii: ":")
            || bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "=")
        {
            i += 1
        }
        guard i > 3, i < bytes.count else { return nil }
        let rest = String(decoding: bytes[i...], as: UTF8.self)
        var end = rest.startIndex
        while end < rest.endIndex, !rest[end].isWhitespace { end = rest.index(after: end) }
        var candidate = bareDOI(String(rest[..<end]))
        while let last = candidate.last, ".,;)]}>\"'".contains(last) { candidate.removeLast() }
        guard isDOI(candidate) else { return nil }
        // What follows may only be a short tag (`[doi]`, `(online)`), not more text with DOIs.
        let tail = rest[end...]
        if tail.contains("10.") || tail.split(separator: " ").count > 2 { return nil }
        return candidate
    }

    /// The DOI of a `doi.org` URL.
    static func doiInURL(_ url: String) -> String? {
        guard RISText.containsASCII(url, "doi.org/") else { return nil }
        return pureDOI(url)
    }

    /// True for a local attachment (`internal-pdf://`, `file://`, a path) rather than a web URL.
    static func isLocalFile(_ url: String) -> Bool {
        let lower = url.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("ftp://") { return false }
        return true
    }

    private static func digits(_ s: String) -> [UInt8] {
        s.utf8.filter { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "X") || $0 == UInt8(ascii: "x") }
    }

    /// `1234-567X` or `1234567X` (optionally followed by a parenthesised qualifier).
    static func looksLikeISSN(_ s: String) -> Bool {
        let head = s.split(separator: " ").first.map(String.init) ?? s
        let b = Array(head.utf8)
        let d = digits(head)
        guard d.count == 8 else { return false }
        return (b.count == 9 && b[4] == UInt8(ascii: "-")) || b.count == 8
    }

    /// Ten or thirteen digits (with hyphens or spaces), 13-digit ones starting 978/979.
    static func looksLikeISBN(_ s: String) -> Bool {
        let head = s.split(separator: " (").first.map(String.init) ?? s
        guard head.utf8.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "X") || $0 == UInt8(ascii: "x") }) else {
            return false
        }
        let d = digits(head)
        if d.count == 13 { return d.starts(with: Array("978".utf8)) || d.starts(with: Array("979".utf8)) }
        return d.count == 10
    }

    /// A short issue-like number: digits, letters, `-`, `/`, at most 10 characters, with a digit.
    static func isShortNumber(_ s: String) -> Bool {
        s.count <= 10 && s.contains(where: \.isNumber)
            && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "/" || $0 == " " }
    }
}

/// Page ranges.
enum RISPages {
    /// Splits `123-145`, `123–145`, `123--145`, `S1-S5` into start and end; nil when the
    /// value is not one simple range (`e1234`, `12, 15-18`).
    static func split(_ page: String) -> (String, String)? {
        guard !page.utf8.contains(UInt8(ascii: ",")), !page.utf8.contains(UInt8(ascii: ";")) else { return nil }
        if page.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: the same rules on bytes, where `-` is the only dash.
            let u = Array(page.utf8)
            let dash = UInt8(ascii: "-")
            guard let first = u.firstIndex(of: dash) else { return nil }
            var last = first
            while last + 1 < u.count, u[last + 1] == dash { last += 1 }
            guard last - first < 2, !u[(last + 1)...].contains(dash) else { return nil }
            let sa = RISText.trimmed(String(decoding: u[..<first], as: UTF8.self))
            let sb = RISText.trimmed(String(decoding: u[(last + 1)...], as: UTF8.self))
            guard !sa.isEmpty, !sb.isEmpty, !sa.utf8.contains(0x20), !sb.utf8.contains(0x20) else { return nil }
            return (sa, sb)
        }
        // One run of dashes (`-`, `--`, en dash, em dash) between two space-free parts.
        let scalars = Array(page.unicodeScalars)
        func isDash(_ c: Unicode.Scalar) -> Bool { c == "-" || c == "\u{2013}" || c == "\u{2014}" }
        guard let first = scalars.firstIndex(where: isDash) else { return nil }
        var last = first
        while last + 1 < scalars.count, isDash(scalars[last + 1]) { last += 1 }
        guard last - first < 2, !scalars[(last + 1)...].contains(where: isDash) else { return nil }
        if last > first, scalars[first] != "-" || scalars[last] != "-" { return nil }
        var a = String.UnicodeScalarView()
        a.append(contentsOf: scalars[..<first])
        var b = String.UnicodeScalarView()
        b.append(contentsOf: scalars[(last + 1)...])
        let sa = RISText.trimmed(String(a))
        let sb = RISText.trimmed(String(b))
        guard !sa.isEmpty, !sb.isEmpty, !sa.utf8.contains(0x20), !sb.utf8.contains(0x20) else { return nil }
        return (sa, sb)
    }
}
