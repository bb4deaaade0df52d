import BibModel

/// The line that starts a paper: `[score][SUBJECT]Mon D[, YYYY][Code]`, e.g.
/// `99.8CLMar 16Code`, `LGJun 29, 2023`, `97.5NEMay 19`, `CVFeb 24Code`. Flags other than
/// `Code` written straight after the date (`LGJun 1Slides`) are accepted and reported.
///
/// The subject's capitals run straight into the month's capital (`CLMar` is `CL` + `Mar`),
/// so the month is the last capital of the run plus the lower-case letters after it.
/// All ranges are byte ranges in the input.
struct MetaLine: Hashable, Sendable {
    /// The score (`99.8`), as written.
    var score: Range<Int>?
    /// The subject code (`CL`), nil when absent.
    var subject: Range<Int>?
    /// The month token (`Mar`, `Sept`, `June`, or an unknown word such as `Jux`).
    var monthToken: Range<Int>
    /// The month number, nil when the token is not a month name.
    var month: Int?
    /// The day digits.
    var dayDigits: Range<Int>
    /// The year digits, nil when the year is not shown.
    var yearDigits: Range<Int>?
    /// True when the `Code` flag follows the date.
    var code: Bool
    /// Other flags written after the date (`Slides` in `LGJun 1Slides`), kept as written.
    var otherFlags: [Range<Int>] = []
    /// The date as shown: from the month through the day or the year (`Mar 16`, `Jun 29, 2023`).
    var dateText: Range<Int>

    /// True when the month is a month name: the line is a paper's meta line even if its
    /// day or year turns out not to exist.
    var isWellFormed: Bool { month != nil }

    /// True when a score or a subject precedes the date. A line such as `Jux 12` with
    /// neither and no month is ordinary text; `LGJux 12` is a damaged meta line.
    var hasPrefix: Bool { score != nil || subject != nil }

    /// Parses the trimmed content of a line; nil when it does not have the meta-line shape.
    /// Constant work before the first mismatch, so it is cheap to try on every line.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>) -> MetaLine? {
        let end = range.upperBound
        guard range.lowerBound >= 0, end <= bytes.count else { return nil }
        var i = range.lowerBound
        guard i < end else { return nil }

        // Score: 1–4 digits, optionally `.` and 1–3 digits.
        var score: Range<Int>?
        if ProfileBytes.isDigit(bytes[i]) {
            let s = i
            while i < end, ProfileBytes.isDigit(bytes[i]), i - s < 5 { i += 1 }
            guard i - s <= 4 else { return nil }
            if i < end, bytes[i] == UInt8(ascii: ".") {
                i += 1
                let f = i
                while i < end, ProfileBytes.isDigit(bytes[i]), i - f < 4 { i += 1 }
                guard i - f >= 1, i - f <= 3 else { return nil }
            }
            score = s..<i
        }

        // Capitals: the subject (0–5 letters) and the month's initial.
        let capsStart = i
        while i < end, ProfileBytes.isUpper(bytes[i]), i - capsStart < 7 { i += 1 }
        let caps = i - capsStart
        guard caps >= 1, caps <= 6 else { return nil }
        let monthStart = i - 1
        let lowerStart = i
        while i < end, ProfileBytes.isLower(bytes[i]), i - lowerStart < 9 { i += 1 }
        let lowers = i - lowerStart
        guard lowers >= 2, lowers <= 8 else { return nil }
        let monthToken = monthStart..<i
        let month = ProfileDates.month(bytes, monthToken)
        // An unknown word only counts when it is as short as a month abbreviation.
        if month == nil && lowers != 2 { return nil }
        let subject: Range<Int>? = caps > 1 ? capsStart..<monthStart : nil

        // At least one space, then the day: 1–3 digits.
        let spaceStart = i
        while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        guard i > spaceStart else { return nil }
        let dayStart = i
        while i < end, ProfileBytes.isDigit(bytes[i]), i - dayStart < 4 { i += 1 }
        guard i - dayStart >= 1, i - dayStart <= 3 else { return nil }
        let dayDigits = dayStart..<i
        var dateEnd = i

        // Optional `, YYYY` (1–4 digits are accepted here; the date check wants four).
        var yearDigits: Range<Int>?
        var j = i
        while j < end, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
        if j < end, bytes[j] == UInt8(ascii: ",") {
            j += 1
            while j < end, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
            let yearStart = j
            while j < end, ProfileBytes.isDigit(bytes[j]), j - yearStart < 5 { j += 1 }
            guard j - yearStart >= 1, j - yearStart <= 4 else { return nil }
            yearDigits = yearStart..<j
            dateEnd = j
            i = j
        }

        // Flags to the end of the line: `Code` (blanks may precede it) and other capitalised
        // words written straight after the date or another flag (`Slides`), at most four.
        var code = false
        var flags: [Range<Int>] = []
        while i < end {
            var k = i
            while k < end, bytes[k] == 0x20 || bytes[k] == 0x09 { k += 1 }
            guard k < end else { break }
            if k > i, !ProfileBytes.matches(bytes, at: k, "Code") { return nil }
            i = k
            guard ProfileBytes.isUpper(bytes[i]) else { return nil }
            let flagStart = i
            i += 1
            while i < end, ProfileBytes.isLower(bytes[i]), i - flagStart < 16 { i += 1 }
            guard i - flagStart >= 3, i - flagStart <= 15, flags.count + (code ? 1 : 0) < 4 else { return nil }
            if i - flagStart == 4, ProfileBytes.matches(bytes, at: flagStart, "Code") {
                code = true
            } else {
                flags.append(flagStart..<i)
            }
        }
        return MetaLine(
            score: score, subject: subject, monthToken: monthToken, month: month,
            dayDigits: dayDigits, yearDigits: yearDigits, code: code, otherFlags: flags,
            dateText: monthStart..<dateEnd)
    }
}
