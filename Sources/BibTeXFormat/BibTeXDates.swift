import BibModel

/// Dates as the two dialects want them.
///
/// Classic BibTeX: `year = {2023}`, `month = jun` (a bare macro: a braced `{Jun}` breaks
/// biber's sorting), `day = {29}` (ignored by the standard styles, kept for readers).
/// Ranges: `year = {2019--2021}`, months `jun # {--} # jul`, days `{1--3}`; open ranges
/// `{2019--}`; circa `{circa 2019}`, uncertain `{2019?}`; seasons as `month = {Spring}`.
///
/// BibLaTeX: one ISO 8601-2 (EDTF level 1) `date` as biber parses it: `2023-06-29`,
/// `2019/2021`, `2019/..`, `../2019`, `2020~` (circa), `2020?` (uncertain), `2020%` (both),
/// seasons `2020-21`…`2020-24`.
public enum BibTeXDates {
    /// The three-letter month macros every BibTeX style defines, January first.
    public static let monthMacros = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The macro for a month 1–12, or nil.
    public static func monthMacro(_ month: Int) -> String? {
        monthMacros.indices.contains(month - 1) ? monthMacros[month - 1] : nil
    }

    /// A field of a classic BibTeX date: name, value, and whether the value is a bare macro
    /// expression rather than braced text.
    public struct Part: Hashable, Sendable {
        /// The field name (`year`, `month`, `day`).
        public var name: String
        /// The value as written between the braces, or the bare expression.
        public var value: String
        /// True for `month = jun`.
        public var bare: Bool
    }

    /// The `year`/`month`/`day` fields of a parsed date in classic BibTeX.
    public static func bibtexParts(_ date: BibDate) -> [Part] {
        var parts: [Part] = []
        let start = date.start
        let end = date.isRange ? date.end : nil
        func pad(_ y: Int) -> String { String(y) }
        var year: String
        if date.isRange {
            let s = start.map { pad($0.year) } ?? ""
            let e = end.map { pad($0.year) } ?? ""
            year = s == e ? s : s + "--" + e
        } else {
            year = start.map { pad($0.year) } ?? ""
        }
        if year.isEmpty { return [] }
        if date.circa { year = "circa " + year }
        if date.uncertain { year += "?" }
        parts.append(Part(name: "year", value: year, bare: false))

        let m1 = start?.month
        let m2 = end?.month
        if date.isRange, let m1, let m2, m1 != m2, let a = monthMacro(m1), let b = monthMacro(m2) {
            parts.append(Part(name: "month", value: a + " # {--} # " + b, bare: true))
        } else if let m = m1 ?? (start == nil ? m2 : nil), let macro = monthMacro(m) {
            parts.append(Part(name: "month", value: macro, bare: true))
        } else if let season = date.season {
            parts.append(Part(name: "month", value: seasonName(season), bare: false))
        }

        let d1 = start?.day
        let d2 = end?.day
        if date.isRange, let d1, let d2, d1 != d2 || m1 != m2 {
            if m1 == m2 { parts.append(Part(name: "day", value: "\(d1)--\(d2)", bare: false)) }
        } else if let d = d1 ?? (start == nil ? d2 : nil) {
            parts.append(Part(name: "day", value: String(d), bare: false))
        }
        return parts
    }

    /// The season in words, as `month` holds it in classic BibTeX.
    public static func seasonName(_ season: Season) -> String {
        switch season {
        case .spring: "Spring"
        case .summer: "Summer"
        case .autumn: "Autumn"
        case .winter: "Winter"
        }
    }

    /// The biblatex `date` value, or nil when biber could not take the date (invalid month
    /// or day, a year beyond four digits, no date at all).
    public static func biblatexDate(_ date: BibDate) -> String? {
        func one(_ parts: DateParts?) -> String? {
            guard let parts else { return ".." }
            guard parts.isValid, abs(parts.year) <= 9999 else { return nil }
            return parts.iso8601
        }
        let qualifier = date.circa && date.uncertain ? "%" : date.circa ? "~" : date.uncertain ? "?" : ""
        if date.isRange {
            guard date.start != nil || date.end != nil, let s = one(date.start), let e = one(date.end) else { return nil }
            let sq = date.start == nil ? "" : qualifier
            let eq = date.end == nil ? "" : qualifier
            return s + sq + "/" + e + eq
        }
        guard let start = date.start, let s = one(start) else { return nil }
        if let season = date.season, start.month == nil {
            return s + "-" + String(20 + season.rawValue) + qualifier
        }
        return s + qualifier
    }

    /// Publication states biblatex knows (`pubstate`), keyed by the lower-cased raw text.
    public static let publicationStates: [String: String] = [
        "in press": "inpress", "inpress": "inpress", "forthcoming": "forthcoming",
        "submitted": "submitted", "in preparation": "inpreparation", "inpreparation": "inpreparation",
        "prepublished": "prepublished",
    ]
}
