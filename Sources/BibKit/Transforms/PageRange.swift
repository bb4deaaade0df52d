/// Page ranges in the model's form: `123-145` with one hyphen-minus (writers turn it into
/// BibTeX's `--`, RIS `SP`/`EP`, JATS `fpage`/`lpage`), lists as `1-4, 7`.
public enum PageRange {
    /// `pp. 123 -- 145` → `123-145`; `123–145`, `123—145`, `123 - 145` → `123-145`; each item
    /// of a list; a hyphen between things that are not page numbers (`S-12`) stays.
    public static func normalized(_ pages: String) -> String {
        var text = MatchText.collapsedWhitespace(pages)
        let lower = text.lowercased()
        for prefix in ["pages ", "page ", "pp. ", "pp.", "pp ", "p. ", "p."] where lower.hasPrefix(prefix) {
            let rest = String(text.dropFirst(prefix.count)).trimmedSpaces
            if rest.first?.isNumber == true || rest.first?.isLetter == true {
                text = rest
                break
            }
        }
        guard text.contains(",") else { return normalizedItem(text) }
        // Items keep the separator they had (`1,234` is a number, `1, 4` a list).
        var out = ""
        for (i, item) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { out += item.hasPrefix(" ") ? ", " : "," }
            out += normalizedItem(String(item).trimmedSpaces)
        }
        return out
    }

    private static func isDash(_ s: Unicode.Scalar) -> Bool {
        s == "-" || s == "\u{2010}" || s == "\u{2011}" || s == "\u{2012}" || s == "\u{2013}" || s == "\u{2014}"
            || s == "\u{2015}" || s == "\u{2212}"
    }

    private static func normalizedItem(_ item: String) -> String {
        let scalars = Array(item.unicodeScalars)
        guard let first = scalars.firstIndex(where: isDash) else { return item }
        var last = first
        while last + 1 < scalars.count, isDash(scalars[last + 1]) { last += 1 }
        // More than one dash run: not a simple range.
        if scalars[(last + 1)...].contains(where: isDash) { return item }
        let left = String(String.UnicodeScalarView(scalars[..<first])).trimmedSpaces
        let right = String(String.UnicodeScalarView(scalars[(last + 1)...])).trimmedSpaces
        guard !left.isEmpty, !right.isEmpty, !left.contains(" "), !right.contains(" ") else { return item }
        guard looksLikePage(left) && looksLikePage(right) else { return item }
        return left + "-" + right
    }

    private static func looksLikePage(_ s: String) -> Bool {
        if s.utf8.contains(where: isDigit) { return true }
        return s.lowercased().utf8.allSatisfy { "ivxlcdm".utf8.contains($0) }
    }

    /// The first page of a range as compared by dedupe (`e1234`, `123`, `xii`), lower case,
    /// or nil when there are no pages.
    /// Values that are not pages (`No-Specified`, `n/a`) give nil.
    public static func firstPage(_ pages: String) -> String? {
        if let digits = leadingDigits(pages) { return digits }
        return firstPageByNormalizing(pages)
    }

    /// The leading ASCII digits of `pages` when a dash, comma or space or nothing follows
    /// them (`123-145`, `123`, `12, 14`): what ``firstPageByNormalizing(_:)`` finds for such
    /// text (normalizing keeps that run at the start and splits after it), without
    /// normalizing; nil for anything else.
    static func leadingDigits(_ pages: String) -> String? {
        var count = 0
        for b in pages.utf8 {
            if isDigit(b) {
                count += 1
                continue
            }
            guard b == UInt8(ascii: "-") || b == UInt8(ascii: ",") || b == UInt8(ascii: " ") else { return nil }
            break
        }
        guard count > 0 else { return nil }
        return String(decoding: pages.utf8.prefix(count), as: UTF8.self)
    }

    /// ``firstPage(_:)`` the general way: normalized, split at the first dash, comma or space.
    static func firstPageByNormalizing(_ pages: String) -> String? {
        let normalized = normalized(pages)
        let head = normalized.unicodeScalars.split(whereSeparator: { isDash($0) || $0 == "," || $0 == " " }).first
        guard let head, !head.isEmpty else { return nil }
        let first = String(String.UnicodeScalarView(head)).lowercased()
        return looksLikePage(first) ? first : nil
    }

    /// True when the text looks like a page or page range (`12`, `12-15`, `e1234`, `S1-S5`,
    /// `xii-xv`, lists of these).
    public static func isWellFormed(_ pages: String) -> Bool {
        simpleRangeIsWellFormed(pages) ?? anyIsWellFormed(pages)
    }

    /// ``isWellFormed(_:)`` for any value, by Characters.
    static func anyIsWellFormed(_ pages: String) -> Bool {
        let normalized = normalized(pages)
        for item in normalized.split(separator: ",") {
            let bounds = item.trimmedSpaces.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count) else { return false }
            for b in bounds {
                guard !b.isEmpty, b.count <= 12, b.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." }) else {
                    return false
                }
                guard b.contains(where: \.isNumber) || b.lowercased().allSatisfy({ "ivxlcdm".contains($0) }) else {
                    return false
                }
            }
            if bounds.count == 2, let a = Int(bounds[0]), let b = Int(bounds[1]), b < a, String(bounds[1]).count >= String(bounds[0]).count {
                return false
            }
        }
        return true
    }
}

extension PageRange {
    /// ``isWellFormed(_:)`` for the usual value, ASCII digits with at most one run of `-`
    /// between two numbers (`123`, `123-145`, `123--145`), on its bytes; nil for anything else.
    static func simpleRangeIsWellFormed(_ pages: String) -> Bool? {
        var pages = pages
        return pages.withUTF8 { b -> Bool? in
            var i = 0
            func number() -> (value: Int, digits: Int)? {
                var value = 0
                let start = i
                while i < b.count, b[i] &- 0x30 < 10, i - start < 12 {
                    value = value * 10 + Int(b[i] &- 0x30)
                    i += 1
                }
                return i > start ? (value, i - start) : nil
            }
            guard let first = number() else { return nil }
            if i == b.count { return true }
            guard b[i] == UInt8(ascii: "-") else { return nil }
            while i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
            guard let last = number(), i == b.count else { return nil }
            // A range that runs backwards is wrong unless the end is abbreviated (`123-45`).
            return !(last.value < first.value && last.digits >= first.digits)
        }
    }
}

/// Edition statements as numbers: `2`, `2nd`, `2nd ed.`, `Second edition`, `2. Aufl.`.
public enum Edition {
    private static let words: [String: Int] = [
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
        "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "erste": 1, "zweite": 2, "dritte": 3, "vierte": 4,
        "premiere": 1, "deuxieme": 2, "seconde": 2, "troisieme": 3, "revised": -1,
    ]

    /// The edition number of a statement, or nil when it has none (`Revised edition`).
    public static func number(_ text: String) -> Int? {
        for word in MatchText.words(text) {
            if let n = words[word] { return n > 0 ? n : nil }
            var digits = ""
            for ch in word {
                if ch.isNumber { digits.append(ch) } else { break }
            }
            if !digits.isEmpty, digits.count <= 3, let n = Int(digits) {
                let suffix = word.dropFirst(digits.count)
                if suffix.isEmpty || ["st", "nd", "rd", "th", "e", "er", "eme", "ed", "edn", "edition"].contains(String(suffix)) {
                    return n
                }
            }
        }
        return nil
    }
}
