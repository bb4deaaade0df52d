import BibModel

/// The lines of a profile's header: `h-index29`, `24papers`, `177citations`, `Novelty57%`,
/// `AI Score60`, the subject code (`LG`) and the heading `24 Papers`.
enum HeaderLine: Hashable, Sendable {
    /// A statistic: its property name (`h-index`, `papers`, `citations`, `novelty`,
    /// `ai-score`) and its value as written (`29`, `57%`).
    case stat(name: String, value: String)
    /// The heading above the papers (`24 Papers`), with its number.
    case heading(count: Int, value: String)
    /// The primary subject code (`LG`).
    case subject(String)
    /// Anything else (the researcher's name, or unknown text).
    case other

    /// Classifies the trimmed content of a header line. Labels are matched ignoring ASCII
    /// case, with optional blanks before the number; `24papers` (lower-case p) is the
    /// statistic and `24 Papers` (capital P) the heading.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>) -> HeaderLine {
        let start = range.lowerBound
        let end = range.upperBound
        guard start < end, end <= bytes.count else { return .other }

        // Label first: `h-index29`, `Novelty57%`, `AI Score60`.
        for (label, name, percent) in labelled {
            guard ProfileBytes.matches(bytes, at: start, label, caseInsensitive: true) else { continue }
            var i = start + label.utf8CodeUnitCount
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == UInt8(ascii: ":") { i += 1 }
            guard let numberEnd = decimalEnd(bytes, i, end) else { return .other }
            var valueEnd = numberEnd
            if percent, valueEnd < end, bytes[valueEnd] == UInt8(ascii: "%") { valueEnd += 1 }
            guard valueEnd == end else { return .other }
            return .stat(name: name, value: String(decoding: bytes[i..<valueEnd], as: UTF8.self))
        }

        // Number first: `24papers`, `177citations`, `24 Papers`.
        if let numberEnd = decimalEnd(bytes, start, end) {
            var i = numberEnd
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
            let value = String(decoding: bytes[start..<numberEnd], as: UTF8.self)
            let word = String(decoding: bytes[i..<end], as: UTF8.self)
            switch word {
            case "papers", "paper": return .stat(name: "papers", value: value)
            case "citations", "citation": return .stat(name: "citations", value: value)
            case "Papers", "Paper":
                guard let n = Int(value.filter { $0 != "," }) else { return .other }
                return .heading(count: n, value: value)
            default: return .other
            }
        }

        // A subject code alone: two or three capitals.
        if (2...3).contains(end - start), (start..<end).allSatisfy({ ProfileBytes.isUpper(bytes[$0]) }) {
            return .subject(String(decoding: bytes[start..<end], as: UTF8.self))
        }
        return .other
    }

    /// Labels before a number: the label, the property name, whether a `%` may follow.
    private static let labelled: [(StaticString, String, Bool)] = [
        ("h-index", "h-index", false),
        ("hindex", "h-index", false),
        ("Novelty", "novelty", true),
        ("AI Score", "ai-score", true),
        ("AIScore", "ai-score", true),
        ("citations", "citations", false),
    ]

    /// The end of a number starting at `start`: digits with optional `,` thousands groups
    /// and an optional `.` fraction (`29`, `1,234`, `57.5`).
    private static func decimalEnd(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
        var i = start
        while i < end, ProfileBytes.isDigit(bytes[i]) { i += 1 }
        guard i > start, i - start <= 12 else { return nil }
        while i + 3 < end, bytes[i] == UInt8(ascii: ","),
            (1...3).allSatisfy({ ProfileBytes.isDigit(bytes[i + $0]) }),
            i + 4 >= end || !ProfileBytes.isDigit(bytes[i + 4])
        {
            i += 4
        }
        if i + 1 < end, bytes[i] == UInt8(ascii: "."), ProfileBytes.isDigit(bytes[i + 1]) {
            i += 1
            while i < end, ProfileBytes.isDigit(bytes[i]) { i += 1 }
        }
        return i
    }
}
