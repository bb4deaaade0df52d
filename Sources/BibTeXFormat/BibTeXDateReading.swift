import BibModel

/// Reading dates back: the inverse of ``BibTeXDates``.
///
/// Classic `year`/`month`/`day` (with the writer's ranges `2019--2021`, `jun # {--} # jul`,
/// `1--3`, open ranges `2019--`, `circa 2019`, `2019?`, seasons in `month`) and ISO 8601-2
/// values as biber reads them (`2023-06-29`, `2019/2021`, `2019/..`, `../2019`, `2020~`,
/// `2020?`, `2020%`, seasons `2020-21`…`2020-24`, a time after `T` ignored).
public enum BibTeXDateReading {
    /// English month names, January first (what the predefined macros `jan`… expand to).
    public static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// A month given as a name (`June`, `jun`, `Jun.`), a number (`6`, `06`) or a range
    /// (`June--July`, `6-7`); or a season. Nil when the text is none of these.
    public static func month(_ text: String) -> (start: Int?, end: Int?, season: Season?)? {
        let t = text.trimmingSpaces
        if t.isEmpty { return nil }
        if let m = singleMonth(t) { return (m, nil, nil) }
        if let season = season(t) { return (nil, nil, season) }
        for separator in ["--", "–", "—", "-", "/"] {
            let parts = t.components(separatedByString: separator)
            if parts.count == 2, let a = singleMonth(parts[0].trimmingSpaces), let b = singleMonth(parts[1].trimmingSpaces) {
                return (a, b, nil)
            }
        }
        return nil
    }

    static func singleMonth(_ text: String) -> Int? {
        var t = text.lowercased()
        if t.hasSuffix(".") { t.removeLast() }
        if let n = Int(t), (1...12).contains(n), t.utf8.count <= 2 { return n }
        guard t.utf8.count >= 3 else { return nil }
        for (index, lower) in lowerMonthNames.enumerated() {
            if lower == t || (t.utf8.count >= 3 && lower.hasPrefix(t)) { return index + 1 }
        }
        if t == "sept" { return 9 }
        return nil
    }

    private static let lowerMonthNames = monthNames.map { $0.lowercased() }

    static func season(_ text: String) -> Season? {
        switch text.lowercased() {
        case "spring": .spring
        case "summer": .summer
        case "autumn", "fall": .autumn
        case "winter": .winter
        default: nil
        }
    }

    /// A classic `year` value: a year, a range, open ranges, `circa`, `?`.
    public static func year(_ text: String) -> (start: Int?, end: Int?, isRange: Bool, circa: Bool, uncertain: Bool)? {
        // The common case, `2019`: what the general path below makes of it.
        if (1...5).contains(text.utf8.count), text.utf8.allSatisfy(isASCIIDigit), let y = Int(text) {
            return (y, nil, false, false, false)
        }
        var t = text.trimmingSpaces
        var circa = false
        var uncertain = false
        for prefix in ["circa ", "circa", "ca. ", "ca.", "c. ", "c.", "approx. "] where t.lowercased().hasPrefix(prefix) {
            circa = true
            t = String(t.dropFirst(prefix.count)).trimmingSpaces
            break
        }
        if t.hasSuffix("?") {
            uncertain = true
            t.removeLast()
        } else if t.hasSuffix("~") {
            circa = true
            t.removeLast()
        }
        t = t.trimmingSpaces
        if let y = integerYear(t) { return (y, nil, false, circa, uncertain) }
        for separator in ["--", "–", "—", "/", "-"] {
            let parts = t.components(separatedByString: separator)
            guard parts.count == 2 else { continue }
            let a = parts[0].trimmingSpaces
            let b = parts[1].trimmingSpaces
            let ya = integerYear(a)
            var yb = integerYear(b)
            // `1998-99`, `2019--20`: the end year abbreviated to its last two digits.
            if let start = ya, let end = yb, start >= 1000, b.utf8.count == 2, end < 100 {
                var full = start / 100 * 100 + end
                if full < start { full += 100 }
                yb = full
            }
            if ya != nil || yb != nil, (ya != nil || a.isEmpty || a == ".."), (yb != nil || b.isEmpty || b == "..") {
                return (ya, yb, true, circa, uncertain)
            }
        }
        return nil
    }

    /// `2019`, `-44`: one to four digits with an optional minus (five digits too, as biber allows).
    static func integerYear(_ text: String) -> Int? {
        var t = Substring(text)
        var negative = false
        if t.hasPrefix("-") {
            negative = true
            t = t.dropFirst()
        }
        guard (1...5).contains(t.utf8.count), t.utf8.allSatisfy(isASCIIDigit), let v = Int(t) else { return nil }
        return negative ? -v : v
    }

    /// A `day` value: `4`, `04`, or a range `1--3`.
    static func day(_ text: String) -> (Int, Int?)? {
        let t = text.trimmingSpaces
        if let d = Int(t), (1...31).contains(d), t.utf8.count <= 2 { return (d, nil) }
        for separator in ["--", "–", "-", "/"] {
            let parts = t.components(separatedByString: separator)
            if parts.count == 2, let a = Int(parts[0].trimmingSpaces), let b = Int(parts[1].trimmingSpaces),
                (1...31).contains(a), (1...31).contains(b)
            {
                return (a, b)
            }
        }
        return nil
    }

    /// Builds the date of classic `year`, `month` and `day` values; nil when the year does
    /// not parse (the caller keeps it raw) or a part is invalid.
    public static func classic(year yearText: String, month monthText: String?, day dayText: String?) -> BibDate? {
        guard let y = year(yearText) else { return nil }
        var m: (start: Int?, end: Int?, season: Season?)? = nil
        if let monthText, !monthText.trimmingSpaces.isEmpty {
            guard let parsed = month(monthText) else { return nil }
            m = parsed
        }
        var d: (Int, Int?)? = nil
        if let dayText, !dayText.trimmingSpaces.isEmpty {
            guard m?.start != nil, let parsed = day(dayText) else { return nil }
            d = parsed
        }
        let monthRange = m?.end != nil
        let dayRange = d?.1 != nil
        if !y.isRange && !monthRange && !dayRange {
            guard let year = y.start else { return nil }
            let parts = DateParts(year: year, month: m?.start, day: d?.0)
            guard parts.isValid else { return nil }
            var date = BibDate(parts, circa: y.circa, uncertain: y.uncertain)
            if m?.start == nil { date.season = m?.season }
            return date
        }
        let startYear = y.start
        let endYear = y.isRange ? y.end : y.start
        let start = startYear.map { DateParts(year: $0, month: m?.start, day: d?.0) }
        let end = endYear.map { DateParts(year: $0, month: m?.end ?? m?.start, day: d?.1 ?? d?.0) }
        if let start, !start.isValid { return nil }
        if let end, !end.isValid { return nil }
        return BibDate(from: start, to: end, circa: y.circa, uncertain: y.uncertain)
    }

    /// An ISO 8601-2 (EDTF level 1) date as biber reads it; nil when it is not one.
    public static func edtf(_ text: String) -> BibDate? {
        var t = text.trimmingSpaces
        if t.isEmpty { return nil }
        var circa = false
        var uncertain = false
        func qualifiers(_ s: inout String) {
            while let last = s.last, last == "~" || last == "?" || last == "%" {
                if last == "~" || last == "%" { circa = true }
                if last == "?" || last == "%" { uncertain = true }
                s.removeLast()
            }
        }
        if t.contains("/") {
            let parts = t.components(separatedByString: "/")
            guard parts.count == 2 else { return nil }
            var a = parts[0].trimmingSpaces
            var b = parts[1].trimmingSpaces
            qualifiers(&a)
            qualifiers(&b)
            let start = a.isEmpty || a == ".." ? nil : single(a)
            let end = b.isEmpty || b == ".." ? nil : single(b)
            if start == nil && !(a.isEmpty || a == "..") { return nil }
            if end == nil && !(b.isEmpty || b == "..") { return nil }
            if start == nil && end == nil { return nil }
            return BibDate(from: start?.parts, to: end?.parts, circa: circa, uncertain: uncertain)
        }
        qualifiers(&t)
        guard let one = single(t) else { return nil }
        return BibDate(one.parts, circa: circa, uncertain: uncertain, season: one.season)
    }

    /// `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (a time after `T` dropped), seasons `YYYY-21`…`24`.
    private static func single(_ text: String) -> (parts: DateParts, season: Season?)? {
        var t = text
        if let tIndex = t.firstIndex(of: "T") { t = String(t[..<tIndex]) }
        var negative = false
        if t.hasPrefix("-") {
            negative = true
            t.removeFirst()
        }
        let pieces = t.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(pieces.count), (4...5).contains(pieces[0].utf8.count), pieces.allSatisfy({ $0.utf8.allSatisfy(isASCIIDigit) && !$0.isEmpty }),
            var year = Int(pieces[0])
        else { return nil }
        if negative { year = -year }
        var month: Int?
        var day: Int?
        if pieces.count > 1 {
            guard pieces[1].utf8.count == 2, let m = Int(pieces[1]) else { return nil }
            if (21...24).contains(m), pieces.count == 2, let season = Season(rawValue: m - 20) {
                return (DateParts(year: year), season)
            }
            month = m
        }
        if pieces.count > 2 {
            guard pieces[2].utf8.count == 2, let d = Int(pieces[2]) else { return nil }
            day = d
        }
        let parts = DateParts(year: year, month: month, day: day)
        guard parts.isValid else { return nil }
        return (parts, nil)
    }
}

extension String {
    /// Splits on a separator string (no Foundation).
    func components(separatedByString separator: String) -> [String] {
        split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }
}
