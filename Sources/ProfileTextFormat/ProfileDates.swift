import BibModel
import Foundation

/// Month names and the as-of rule for dates shown without a year.
enum ProfileDates {
    /// Month names accepted in meta lines: English abbreviations, `Sept`, full names.
    static let monthNames: [String: Int] = [
        "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
        "Jul": 7, "Aug": 8, "Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
        "January": 1, "February": 2, "March": 3, "April": 4, "June": 6, "July": 7,
        "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    ]

    /// The month number of a token (ASCII bytes), or nil.
    static func month(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard range.count >= 3, range.count <= 9, range.upperBound <= bytes.count else { return nil }
        return monthNames[String(decoding: bytes[range], as: UTF8.self)]
    }

    /// The result of reading a meta line's date.
    enum Resolution: Hashable, Sendable {
        /// The year was shown and the date exists.
        case exact(DateParts)
        /// The year was inferred from the capture date.
        case inferred(DateParts)
        /// No such date; the reason, for the diagnostic.
        case invalid(String)
    }

    /// Reads a month, day and optional year. Without a year the date is the latest such
    /// date not after `asOf` (for `Feb 29`, the latest leap year's).
    static func resolve(month: Int, day: Int, year: Int?, yearDigitCount: Int, asOf: DateParts) -> Resolution {
        guard (1...12).contains(month) else { return .invalid("no such month") }
        // 2000 is a leap year: the largest day any year allows for this month.
        guard day >= 1, day <= DateParts.daysIn(month: month, year: 2000) else { return .invalid("no such day") }
        if let year {
            guard yearDigitCount == 4 else { return .invalid("the year needs four digits") }
            guard day <= DateParts.daysIn(month: month, year: year) else { return .invalid("no such day") }
            return .exact(DateParts(year: year, month: month, day: day))
        }
        let now = normalized(asOf)
        var y = now.year
        if (month, day) > (now.month ?? 12, now.day ?? 31) { y -= 1 }
        // Only Feb 29 can be missing in a year; leap years are at most eight years apart.
        var tries = 0
        while day > DateParts.daysIn(month: month, year: y) && tries < 8 {
            y -= 1
            tries += 1
        }
        guard day <= DateParts.daysIn(month: month, year: y) else { return .invalid("no such day") }
        return .inferred(DateParts(year: y, month: month, day: day))
    }

    /// A capture date with month and day filled in (a year alone means its last day) and
    /// clamped to real values.
    static func normalized(_ d: DateParts) -> DateParts {
        let month = min(max(d.month ?? 12, 1), 12)
        let last = DateParts.daysIn(month: month, year: d.year)
        let day = min(max(d.day ?? last, 1), last)
        return DateParts(year: d.year, month: month, day: day)
    }

    /// Today in UTC.
    static func today() -> DateParts {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        return DateParts(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
    }
}
