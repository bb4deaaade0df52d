/// A calendar date with as much precision as the source gave: a year, a month, a day.
public struct DateParts: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The year (may be negative or zero for historical dates; never invented).
    public var year: Int
    /// The month, 1–12, if known.
    public var month: Int?
    /// The day of the month, 1–31, if known (only with a month).
    public var day: Int?

    /// Creates date parts.
    public init(year: Int, month: Int? = nil, day: Int? = nil) {
        self.year = year
        self.month = month
        self.day = month == nil ? nil : day
    }

    /// ISO 8601 form with the precision given: `2023`, `2023-06`, `2023-06-29`.
    public var iso8601: String {
        var s = year < 0 ? "-" + pad(-year, 4) : pad(year, 4)
        if let month {
            s += "-" + pad(month, 2)
            if let day { s += "-" + pad(day, 2) }
        }
        return s
    }

    /// The ISO 8601 form.
    public var description: String { iso8601 }

    /// Orders by year, then month, then day (missing parts first).
    public static func < (lhs: DateParts, rhs: DateParts) -> Bool {
        (lhs.year, lhs.month ?? 0, lhs.day ?? 0) < (rhs.year, rhs.month ?? 0, rhs.day ?? 0)
    }

    /// True when month and day are in range for the year.
    public var isValid: Bool {
        guard let month else { return true }
        guard (1...12).contains(month) else { return false }
        guard let day else { return true }
        return day >= 1 && day <= DateParts.daysIn(month: month, year: year)
    }

    /// The number of days in a month of the proleptic Gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; nil for anything else.
    public init?(iso8601 text: String) {
        let pieces = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(pieces.count), pieces[0].count == 4,
            let y = Int(pieces[0])
        else { return nil }
        var m: Int?
        var d: Int?
        if pieces.count > 1 {
            guard pieces[1].count == 2, let v = Int(pieces[1]) else { return nil }
            m = v
        }
        if pieces.count > 2 {
            guard pieces[2].count == 2, let v = Int(pieces[2]) else { return nil }
            d = v
        }
        self.init(year: y, month: m, day: d)
        guard isValid else { return nil }
    }

    private func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// A season, for dates such as "Spring 2020".
public enum Season: Int, Hashable, Sendable, CaseIterable {
    /// Spring.
    case spring = 1
    /// Summer.
    case summer = 2
    /// Autumn / fall.
    case autumn = 3
    /// Winter.
    case winter = 4
}

/// A date as bibliographies have them: a single date or a range (possibly open),
/// approximate or uncertain, with an optional season.
public struct BibDate: Hashable, Sendable, CustomStringConvertible {
    /// The date, or the start of a range; nil for a range open at the start.
    public var start: DateParts?
    /// The end of a range; nil for a single date or a range open at the end.
    public var end: DateParts?
    /// True for a range (`2019/2021`, `2019/..`).
    public var isRange: Bool
    /// "circa": the date is approximate.
    public var circa: Bool
    /// The date is uncertain (EDTF `?`).
    public var uncertain: Bool
    /// A season, when the source gave one instead of a month.
    public var season: Season?

    /// Creates a single date.
    public init(_ parts: DateParts, circa: Bool = false, uncertain: Bool = false, season: Season? = nil) {
        self.start = parts
        self.end = nil
        self.isRange = false
        self.circa = circa
        self.uncertain = uncertain
        self.season = season
    }

    /// Creates a range; either end may be nil for an open range.
    public init(from start: DateParts?, to end: DateParts?, circa: Bool = false, uncertain: Bool = false) {
        self.start = start
        self.end = end
        self.isRange = true
        self.circa = circa
        self.uncertain = uncertain
        self.season = nil
    }

    /// Creates a date from a year, month and day.
    public init(year: Int, month: Int? = nil, day: Int? = nil) {
        self.init(DateParts(year: year, month: month, day: day))
    }

    /// The year of the date or of the start of the range (the end when open at the start).
    public var year: Int? { start?.year ?? end?.year }

    /// EDTF-style text: `2023-06-29`, `2019/2021`, `2019/..`, `2020~`, `2020?`.
    public var edtf: String {
        var s: String
        if isRange {
            s = (start?.iso8601 ?? "..") + "/" + (end?.iso8601 ?? "..")
        } else {
            s = start?.iso8601 ?? ""
        }
        if circa && uncertain { s += "%" } else if circa { s += "~" } else if uncertain { s += "?" }
        return s
    }

    /// The EDTF text.
    public var description: String { edtf }
}

/// The date roles of an entry, named after CSL's date variables.
public struct DateRole: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The CSL variable name.
    public var rawValue: String
    /// Creates a role.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a role.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The role name.
    public var description: String { rawValue }
    /// Orders by name.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Publication date.
    public static let issued = DateRole("issued")
    /// Date the resource was accessed (URLs).
    public static let accessed = DateRole("accessed")
    /// Date of the event (conference).
    public static let eventDate = DateRole("event-date")
    /// Date of the original publication.
    public static let originalDate = DateRole("original-date")
    /// Date submitted.
    public static let submitted = DateRole("submitted")
    /// Date made available (online first).
    public static let availableDate = DateRole("available-date")
}
