import BibModel

/// Dates in JATS: `@iso-8601-date` values (ISO 8601 / EDTF, including `2019/2021`, `2020~`)
/// and the `<year>`, `<month>`, `<day>`, `<season>` elements.
enum JATSDates {
    /// Parses the EDTF subset ``BibDate/edtf`` writes: `YYYY[-MM[-DD]]`, an interval with `/`
    /// (`..` for an open end), and a trailing `~`, `?` or `%`.
    static func parseEDTF(_ text: String) -> BibDate? {
        var t = text.trimmingXMLSpace
        var circa = false
        var uncertain = false
        if t.hasSuffix("%") {
            circa = true
            uncertain = true
            t.removeLast()
        } else if t.hasSuffix("~") {
            circa = true
            t.removeLast()
        } else if t.hasSuffix("?") {
            uncertain = true
            t.removeLast()
        }
        let halves = t.split(separator: "/", omittingEmptySubsequences: false)
        if halves.count == 2 {
            let start = halves[0] == ".." || halves[0].isEmpty ? nil : parts(String(halves[0]))
            let end = halves[1] == ".." || halves[1].isEmpty ? nil : parts(String(halves[1]))
            if start == nil && halves[0] != ".." && !halves[0].isEmpty { return nil }
            if end == nil && halves[1] != ".." && !halves[1].isEmpty { return nil }
            if start == nil && end == nil { return nil }
            return BibDate(from: start, to: end, circa: circa, uncertain: uncertain)
        }
        guard halves.count == 1, let single = parts(t) else { return nil }
        return BibDate(single, circa: circa, uncertain: uncertain)
    }

    private static func parts(_ text: String) -> DateParts? {
        if text.hasPrefix("-") {
            guard let positive = DateParts(iso8601: String(text.dropFirst())) else { return nil }
            return DateParts(year: -positive.year, month: positive.month, day: positive.day)
        }
        return DateParts(iso8601: text)
    }

    /// A month from `<month>` text: `5`, `05`, `May`, `Sept.`.
    static func month(_ text: String) -> Int? {
        let t = text.trimmingXMLSpace
        if let n = Int(t), (1...12).contains(n) { return n }
        var word = t.lowercased()
        if word.hasSuffix(".") { word.removeLast() }
        return JATSTables.monthNames[word]
    }

    /// A season from `<season>` text.
    static func season(_ text: String) -> Season? {
        switch text.trimmingXMLSpace.lowercased() {
        case "spring": .spring
        case "summer": .summer
        case "autumn", "fall": .autumn
        case "winter": .winter
        default: nil
        }
    }

    /// The year from `<year>` text: four digits, optionally followed by a disambiguation
    /// letter (`2012a`); nil otherwise.
    static func year(_ text: String) -> Int? {
        let t = text.trimmingXMLSpace
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard (1...4).contains(digits.count), let year = Int(digits) else {
            if t.hasPrefix("-"), let negative = Int(t) { return negative }
            return nil
        }
        let rest = t.dropFirst(digits.count)
        // "350 BC" (as people write it; bibkit writes the astronomical year, -349, which
        // bibkit's JATS schema and numeric-year pipelines expect): astronomical year -349.
        if year > 0, ["bc", "bce", "b.c.", "b.c.e."].contains(String(rest).trimmingXMLSpace.lowercased()) { return 1 - year }
        guard rest.count <= 2, rest.allSatisfy({ $0.isASCII && $0.isLetter && $0.isLowercase }) else { return nil }
        return year
    }
}
