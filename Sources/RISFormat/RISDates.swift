import BibModel

/// RIS dates: `YYYY/MM/DD/other` (2011 and old spec), `YYYY`, ISO `YYYY-MM-DD`, and the
/// free-text forms exporters write (`Mar. 2017`, `4-8 Aug. 2020`, `SEP 16`).
enum RISDates {
    /// What a date value holds.
    enum Value: Equatable {
        /// A date with a year; `other` is the fourth slash part (or trailing text), trimmed.
        case date(BibDate, other: String?)
        /// A month (and day) without a year, as EndNote and Web of Science write in `DA`.
        case partial(month: Int, day: Int?)
        /// Nothing usable.
        case invalid
    }

    /// Values of the fourth part that carry no information (written by buggy exporters).
    static let junkOther: Set<String> = ["nan", "undefined", "null", "none", "nil"]

    // MARK: Reading

    /// Parses a date tag's value.
    static func parse(_ raw: String) -> Value {
        let s = RISText.collapsed(raw)
        guard !s.isEmpty else { return .invalid }
        let bytes = Array(s.utf8)
        if bytes.count >= 4, bytes[0...3].allSatisfy(isDigit) {
            if bytes.count == 4 { return year(s) }
            let sep = bytes[4]
            if sep == UInt8(ascii: "/") { return slashed(s) }
            if sep == UInt8(ascii: "-") { return dashed(s) }
        }
        return words(s)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static func year(_ s: String) -> Value {
        guard let y = Int(s) else { return .invalid }
        return .date(BibDate(year: y), other: nil)
    }

    /// `YYYY/MM/DD/other`, any part empty, month as a number or a name.
    private static func slashed(_ s: String) -> Value {
        let parts = s.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false).map {
            RISText.trimmed(String($0))
        }
        guard let y = Int(parts[0]) else { return .invalid }
        var month: Int?
        var day: Int?
        if parts.count > 1, !parts[1].isEmpty {
            if let m = Int(parts[1]) {
                if m != 0 { month = m }
            } else if let m = monthNumber(parts[1]) {
                month = m
            } else if parts.count == 2, let y2 = Int(parts[1]), parts[1].count == 4 {
                return .date(BibDate(from: DateParts(year: y), to: DateParts(year: y2)), other: nil)
            } else {
                return .invalid
            }
        }
        if parts.count > 2, !parts[2].isEmpty {
            guard let d = Int(parts[2]) else { return .invalid }
            if d != 0 { day = d }
        }
        if day != nil && month == nil { return .invalid }
        let dp = DateParts(year: y, month: month, day: day)
        guard dp.isValid else { return .invalid }
        let other = parts.count > 3 && !parts[3].isEmpty ? parts[3] : nil
        return .date(BibDate(dp), other: other)
    }

    /// `YYYY-MM-DD`, `YYYY-MM`, `YYYY-YYYY`, or an ISO date followed by a time.
    private static func dashed(_ s: String) -> Value {
        var text = Substring(s)
        if let t = text.firstIndex(where: { $0 == "T" || $0 == " " }) { text = text[..<t] }
        if let dp = DateParts(iso8601: String(text)) { return .date(BibDate(dp), other: nil) }
        let pieces = text.split(separator: "-", omittingEmptySubsequences: false)
        if pieces.count == 2, pieces[0].count == 4, pieces[1].count == 4, let a = Int(pieces[0]), let b = Int(pieces[1]) {
            return .date(BibDate(from: DateParts(year: a), to: DateParts(year: b)), other: nil)
        }
        if pieces.count >= 2, pieces[0].count == 4, let y = Int(pieces[0]), let m = Int(pieces[1]), (1...12).contains(m) {
            var d: Int?
            if pieces.count >= 3, let v = Int(pieces[2]), v >= 1, v <= DateParts.daysIn(month: m, year: y) { d = v }
            return .date(BibDate(year: y, month: m, day: d), other: nil)
        }
        return .invalid
    }

    /// Free text: `Mar. 2017`, `March 3, 2017`, `4-8 Aug. 2020`, `SEP 16`, `Spring 2020`.
    private static func words(_ s: String) -> Value {
        let tokens = s.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." }).map(String.init)
        guard !tokens.isEmpty, tokens.count <= 5 else { return .invalid }
        var year: Int?
        var month: Int?
        var season: Season?
        var days: [Int] = []
        for token in tokens {
            if token.count == 4, let y = Int(token) {
                guard year == nil else { return .invalid }
                year = y
            } else if let m = monthNumber(token) {
                guard month == nil, season == nil else { return .invalid }
                month = m
            } else if let se = seasonNamed(token) {
                guard month == nil, season == nil else { return .invalid }
                season = se
            } else if token.count <= 2, let d = Int(token) {
                days.append(d)
            } else if token.utf8.contains(UInt8(ascii: "-")) {
                let r = token.split(separator: "-").compactMap { Int($0) }
                guard r.count == 2, token.count <= 5 else { return .invalid }
                days.append(contentsOf: r)
            } else {
                return .invalid
            }
        }
        guard days.count <= 2 else { return .invalid }
        guard let month else {
            guard let year, days.isEmpty else { return .invalid }
            return .date(BibDate(DateParts(year: year), season: season), other: nil)
        }
        guard let year else {
            guard days.count <= 1, days.allSatisfy({ $0 >= 1 && $0 <= DateParts.daysIn(month: month, year: 2000) }) else {
                return .invalid
            }
            return .partial(month: month, day: days.first)
        }
        let max = DateParts.daysIn(month: month, year: year)
        guard days.allSatisfy({ $0 >= 1 && $0 <= max }) else { return .invalid }
        if days.count == 2 {
            return .date(
                BibDate(from: DateParts(year: year, month: month, day: days[0]), to: DateParts(year: year, month: month, day: days[1])),
                other: nil)
        }
        return .date(BibDate(year: year, month: month, day: days.first), other: nil)
    }

    static func monthNumber(_ token: String) -> Int? {
        let t = token.lowercased()
        guard t.count >= 3 else { return nil }
        for (i, name) in monthNames.enumerated() where name.hasPrefix(t) || (t == "sept" && i == 8) {
            return i + 1
        }
        return nil
    }

    private static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    static func seasonNamed(_ token: String) -> Season? {
        switch token.lowercased() {
        case "spring": .spring
        case "summer": .summer
        case "autumn", "fall": .autumn
        case "winter": .winter
        default: nil
        }
    }

    static func seasonName(_ season: Season) -> String {
        switch season {
        case .spring: "Spring"
        case .summer: "Summer"
        case .autumn: "Autumn"
        case .winter: "Winter"
        }
    }

    /// Parses the EDTF forms ``BibDate/edtf`` writes: `2020`, `2020-06-29`, `2019/2021`,
    /// `2019/..`, `../2021`, with `~`, `?` or `%`.
    static func parseEDTF(_ raw: String) -> BibDate? {
        var s = Substring(RISText.trimmed(raw))
        var circa = false
        var uncertain = false
        if s.hasSuffix("%") {
            circa = true
            uncertain = true
            s = s.dropLast()
        } else if s.hasSuffix("~") {
            circa = true
            s = s.dropLast()
        } else if s.hasSuffix("?") {
            uncertain = true
            s = s.dropLast()
        }
        guard !s.isEmpty else { return nil }
        let halves = s.split(separator: "/", omittingEmptySubsequences: false)
        func point(_ p: Substring) -> DateParts?? {
            if p == ".." || p.isEmpty { return .some(nil) }
            if p.hasPrefix("-") {
                guard let dp = DateParts(iso8601: String(p.dropFirst())) else { return nil }
                return .some(DateParts(year: -dp.year, month: dp.month, day: dp.day))
            }
            guard let dp = DateParts(iso8601: String(p)) else { return nil }
            return .some(dp)
        }
        switch halves.count {
        case 1:
            guard case .some(.some(let dp)) = point(halves[0]) else { return nil }
            return BibDate(dp, circa: circa, uncertain: uncertain)
        case 2:
            guard case .some(let a) = point(halves[0]), case .some(let b) = point(halves[1]), a != nil || b != nil else {
                return nil
            }
            return BibDate(from: a, to: b, circa: circa, uncertain: uncertain)
        default:
            return nil
        }
    }

    // MARK: Writing

    /// `YYYY/MM/DD/` with empty parts where the date is less precise.
    static func slashForm(_ p: DateParts) -> String? {
        guard (0...9999).contains(p.year) else { return nil }
        var s: [UInt8] = []
        s.reserveCapacity(12)
        appendPadded(p.year, 4, to: &s)
        s.append(UInt8(ascii: "/"))
        if let m = p.month { appendPadded(m, 2, to: &s) }
        s.append(UInt8(ascii: "/"))
        if let d = p.day { appendPadded(d, 2, to: &s) }
        s.append(UInt8(ascii: "/"))
        return String(decoding: s, as: UTF8.self)
    }

    /// ``pad(_:_:)`` on bytes.
    private static func appendPadded(_ n: Int, _ width: Int, to out: inout [UInt8]) {
        let digits = String(n).utf8
        if digits.count < width { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits.count)) }
        out.append(contentsOf: digits)
    }

    /// The `DA` and `PY` values of a date, or nil when RIS cannot hold it (no year, or a
    /// year outside 0…9999). Ranges and approximate dates keep their EDTF text in the
    /// fourth part; a season is spelled there.
    static func risForm(_ date: BibDate) -> (full: String, year: String)? {
        guard let p = date.start ?? date.end, var full = slashForm(p) else { return nil }
        if date.isRange || date.circa || date.uncertain {
            full += date.edtf
        } else if let season = date.season {
            full += seasonName(season)
        }
        return (full, pad(p.year, 4))
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// True when a value has the form RIS clients accept in date tags (`YYYY` or `YYYY/MM/DD/other`).
    static func isRISDateForm(_ value: String) -> Bool {
        let b = Array(value.utf8)
        guard b.count >= 4, b[0...3].allSatisfy(isDigit) else { return false }
        if b.count == 4 { return true }
        guard b[4] == UInt8(ascii: "/") else { return false }
        // YYYY/(MM)?(/(DD)?(/.*)?)?/?
        var i = 5
        var digits = 0
        while i < b.count, isDigit(b[i]) { i += 1; digits += 1 }
        guard digits == 0 || digits == 2 else { return false }
        if i == b.count { return true }
        guard b[i] == UInt8(ascii: "/") else { return false }
        i += 1
        digits = 0
        while i < b.count, isDigit(b[i]) { i += 1; digits += 1 }
        guard digits == 0 || digits == 2 else { return false }
        if i == b.count { return true }
        return b[i] == UInt8(ascii: "/")
    }
}
