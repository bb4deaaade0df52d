/// Parses the date texts readers keep raw into `BibDate`: `March 2020`, `Mar. 15, 2020`,
/// `15 March 2020`, `2020 Mar 15`, `2020/03/15`, `03/2020`, `Spring 2020`, `c. 1988`,
/// `1995-1997`. Anything else stays raw; nothing is guessed.
public enum DateText {
    private static let months: [String: Int] = {
        var out: [String: Int] = [:]
        let names = [
            ["january", "jan", "janvier", "januar", "enero", "gennaio"], ["february", "feb", "fevrier", "februar", "febrero", "febbraio"],
            ["march", "mar", "mars", "marz", "maerz", "marzo"], ["april", "apr", "avril", "abril", "aprile"],
            ["may", "mai", "mayo", "maggio"], ["june", "jun", "juin", "juni", "junio", "giugno"],
            ["july", "jul", "juillet", "juli", "julio", "luglio"], ["august", "aug", "aout", "agosto"],
            ["september", "sep", "sept", "septembre", "septiembre", "settembre"],
            ["october", "oct", "octobre", "oktober", "okt", "octubre", "ottobre"],
            ["november", "nov", "novembre", "noviembre"], ["december", "dec", "decembre", "dezember", "dez", "diciembre", "dicembre"],
        ]
        for (i, list) in names.enumerated() { for name in list { out[name] = i + 1 } }
        return out
    }()

    private static let seasons: [String: Season] = [
        "spring": .spring, "summer": .summer, "autumn": .autumn, "fall": .autumn, "winter": .winter,
    ]

    /// The date a text stands for, or nil when it is not one of the recognised shapes.
    public static func parse(_ raw: String) -> BibDate? {
        var text = MatchText.collapsedWhitespace(raw)
        guard !text.isEmpty, text.utf8.count <= 40 else { return nil }
        var circa = false
        let lower = text.lowercased()
        for prefix in ["circa ", "ca. ", "ca ", "c. ", "c.", "c"] where lower.hasPrefix(prefix) {
            let rest = String(text.dropFirst(prefix.count)).trimmedSpaces
            if rest.first?.isNumber == true {
                text = rest
                circa = true
                break
            }
        }
        if let iso = DateParts(iso8601: text) { return BibDate(iso, circa: circa) }
        let tokens = tokenize(text)
        guard !tokens.isEmpty else { return nil }
        // A range of years: 1995-1997, 1995/1997, 1995–97 is not accepted (ambiguous).
        if tokens.count == 3, case .number(let a, 4) = tokens[0], case .dash = tokens[1], case .number(let b, 4) = tokens[2],
            a < b
        {
            return BibDate(from: DateParts(year: a), to: DateParts(year: b), circa: circa)
        }
        var year: Int?
        var month: Int?
        var day: Int?
        var season: Season?
        var numbers: [(value: Int, digits: Int)] = []
        for token in tokens {
            switch token {
            case .number(let v, let digits):
                if digits == 4 {
                    guard year == nil else { return nil }
                    year = v
                } else if digits <= 2 {
                    numbers.append((v, digits))
                } else {
                    return nil
                }
            case .word(let w):
                if let m = months[w] {
                    guard month == nil, season == nil else { return nil }
                    month = m
                } else if let s = seasons[w] {
                    guard month == nil, season == nil else { return nil }
                    season = s
                } else if w == "st" || w == "nd" || w == "rd" || w == "th" {
                    continue  // 1st, 2nd
                } else {
                    return nil
                }
            case .slash, .dash:
                continue
            }
        }
        guard let y = year else { return nil }
        if month != nil || season != nil {
            // `March 15, 2020`, `15 March 2020`, `2020 Mar 15`: one number is the day.
            guard numbers.count <= 1 else { return nil }
            day = numbers.first?.value
        } else {
            // `2020/03/15` or `03/2020`: numbers in the order year/month/day or month/year.
            switch numbers.count {
            case 0: break
            case 1: month = numbers[0].value
            case 2:
                // Y/M/D when the year came first; D/M/Y and M/D/Y are ambiguous and stay raw.
                guard case .number(_, 4)? = tokens.first else { return nil }
                month = numbers[0].value
                day = numbers[1].value
            default: return nil
            }
        }
        let parts = DateParts(year: y, month: month, day: day)
        guard parts.isValid, (day == nil || parts.day == day) else { return nil }
        if let season { return BibDate(DateParts(year: y), circa: circa, season: season) }
        return BibDate(parts, circa: circa)
    }

    private enum Token {
        case number(Int, digits: Int)
        case word(String)
        case slash
        case dash
    }

    private static func tokenize(_ text: String) -> [Token] {
        var out: [Token] = []
        var current = ""
        var isNumber = false
        func flush() {
            guard !current.isEmpty else { return }
            if isNumber, let v = Int(current) {
                out.append(.number(v, digits: current.count))
            } else {
                out.append(.word(MatchText.key(current)))
            }
            current = ""
        }
        for ch in text {
            if ch.isNumber && ch.isASCII {
                if !isNumber { flush() }
                isNumber = true
                current.append(ch)
            } else if ch.isLetter {
                if isNumber { flush() }
                isNumber = false
                current.append(ch)
            } else {
                flush()
                if ch == "/" { out.append(.slash) } else if ch == "-" || ch == "–" { out.append(.dash) }
            }
        }
        flush()
        return out
    }
}
