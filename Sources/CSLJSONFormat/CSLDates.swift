import BibModel

/// Dates ↔ CSL 1.0.2 date objects.
///
/// A date becomes `date-parts` (a range as two parts, an open end as `[0]` as pandoc and
/// Better BibTeX write it), with `season` and `circa`; a value kept raw becomes `literal`.
/// CSL 1.0 cannot express a range open at the start or an uncertain date: those are
/// written as well as CSL allows (a range open at the start as a `literal` such as `–2019`,
/// an uncertain date as its `date-parts`) and their exact EDTF text goes to
/// `custom.edtf`, from which the reader restores them.
public enum CSLDates {
    /// The CSL date object for a date, and the EDTF text to keep in `custom.edtf` when the
    /// object cannot say everything.
    static func output(_ value: Parsed<BibDate>) -> (object: JSONOutput, edtf: String?) {
        switch value {
        case .raw(let text):
            return (.object([JSONOutputMember("literal", .string(text))]), nil)
        case .typed(let date):
            var members: [JSONOutputMember] = []
            var exact = !date.uncertain
            if date.isRange, let start = date.start, let end = date.end {
                members.append(JSONOutputMember("date-parts", .array([parts(start), parts(end)])))
            } else if date.isRange, let start = date.start {
                // Open end: `[0]` as the end, as pandoc and Better BibTeX write it (CSL has no year 0).
                members.append(JSONOutputMember("date-parts", .array([parts(start), .array([.integer(0)])])))
            } else if date.isRange {
                // Open start: CSL 1.0 has no form for it.
                let text = (date.start?.iso8601 ?? "") + "–" + (date.end?.iso8601 ?? "")
                members.append(JSONOutputMember("literal", .string(text)))
                exact = false
            } else if let start = date.start {
                members.append(JSONOutputMember("date-parts", .array([parts(start)])))
            } else {
                return (.object([JSONOutputMember("literal", .string(date.edtf))]), date.edtf)
            }
            if let season = date.season { members.append(JSONOutputMember("season", .integer(season.rawValue))) }
            if date.circa { members.append(JSONOutputMember("circa", .bool(true))) }
            return (.object(members), exact ? nil : date.edtf)
        }
    }

    /// True for a plain date: one day, month or year, or a closed range of them; exact, no
    /// season or circa (``emitPlain(_:into:level:)`` writes it).
    static func isPlain(_ date: BibDate) -> Bool {
        !date.uncertain && !date.circa && date.season == nil && date.start != nil && (!date.isRange || date.end != nil)
    }

    /// Writes the object ``output(_:)`` makes for a plain date straight to `emitter` at
    /// `level`: the bytes `emitter.emit(output(value).object, level:)` would write.
    static func emitPlain(_ date: BibDate, into emitter: inout JSONEmitter, level: Int) {
        guard let start = date.start else { return }
        let end = date.isRange ? date.end : nil
        emitter.byte(UInt8(ascii: "{"))
        emitter.memberKey("date-parts", first: true, level: level + 1)
        emitter.byte(UInt8(ascii: "["))
        emitParts(start, into: &emitter)
        if let end {
            emitter.byte(UInt8(ascii: ","))
            if emitter.pretty { emitter.byte(0x20) }
            emitParts(end, into: &emitter)
        }
        emitter.byte(UInt8(ascii: "]"))
        if emitter.pretty { emitter.newline(level) }
        emitter.byte(UInt8(ascii: "}"))
    }

    /// `parts(p)` written on one line, as the emitter writes an array of integers.
    private static func emitParts(_ p: DateParts, into emitter: inout JSONEmitter) {
        emitter.byte(UInt8(ascii: "["))
        emitter.appendInteger(cslYear(p.year))
        if let m = p.month {
            emitter.byte(UInt8(ascii: ","))
            if emitter.pretty { emitter.byte(0x20) }
            emitter.appendInteger(m)
            if let d = p.day {
                emitter.byte(UInt8(ascii: ","))
                if emitter.pretty { emitter.byte(0x20) }
                emitter.appendInteger(d)
            }
        }
        emitter.byte(UInt8(ascii: "]"))
    }

    /// The CSL year of a model year. The model numbers years as ISO 8601, EDTF and biblatex
    /// do (astronomically: 0 is 1 BC, -349 is 350 BC); CSL numbers them as historians do,
    /// without a year 0 (the specification's "AD and BC": -2500 renders as "2500BC"; citeproc-js
    /// appends the "bc" term to the absolute value), so years up to 0 move back by one.
    /// Better BibTeX and pandoc convert the same way.
    public static func cslYear(_ astronomical: Int) -> Int { astronomical <= 0 ? astronomical - 1 : astronomical }

    /// The model (astronomical) year of a CSL year (see ``cslYear(_:)``); nil for 0, which
    /// CSL's numbering does not have.
    public static func astronomicalYear(_ csl: Int) -> Int? { csl < 0 ? csl + 1 : csl == 0 ? nil : csl }

    private static func parts(_ p: DateParts) -> JSONOutput {
        var a: [JSONOutput] = [.integer(cslYear(p.year))]
        if let m = p.month {
            a.append(.integer(m))
            if let d = p.day { a.append(.integer(d)) }
        }
        return .array(a)
    }

    /// Parses EDTF-like text: `2023`, `2023-06`, `2023-06-29`, `-0044-03-15`, ranges
    /// `2019/2021`, open ranges `2019/..` and `../2021` (also with empty sides), a trailing
    /// `~` (circa), `?` (uncertain) or `%` (both), and season codes `2021-21`…`2021-24`.
    /// One- or two-digit months and days are accepted. Nil for anything else.
    public static func parseEDTF(_ text: String) -> BibDate? {
        var s = Substring(text.trimmingSpaces)
        guard !s.isEmpty else { return nil }
        var circa = false
        var uncertain = false
        func takeQualifiers(_ part: inout Substring) {
            while let last = part.last, last == "~" || last == "?" || last == "%" {
                if last == "~" || last == "%" { circa = true }
                if last == "?" || last == "%" { uncertain = true }
                part = part.dropLast()
            }
        }
        if let slash = s.firstIndex(of: "/") {
            var left = s[s.startIndex..<slash]
            var right = s[s.index(after: slash)...]
            takeQualifiers(&left)
            takeQualifiers(&right)
            let open: (Substring) -> Bool = { $0.isEmpty || $0 == ".." }
            let start: DateParts? = open(left) ? nil : parts(left)?.parts
            let end: DateParts? = open(right) ? nil : parts(right)?.parts
            if !open(left) && start == nil { return nil }
            if !open(right) && end == nil { return nil }
            // `../..` (open at both ends) is kept; a lone `/` is not a date.
            if start == nil && end == nil && (left.isEmpty || right.isEmpty) { return nil }
            return BibDate(from: start, to: end, circa: circa, uncertain: uncertain)
        }
        takeQualifiers(&s)
        guard let (p, season) = parts(s) else { return nil }
        return BibDate(p, circa: circa, uncertain: uncertain, season: season)
    }

    /// `YYYY[-MM[-DD]]` with an optional leading minus; month 21–24 is a season.
    private static func parts(_ s: Substring) -> (parts: DateParts, season: Season?)? {
        var body = s
        var negative = false
        if body.first == "-" {
            negative = true
            body = body.dropFirst()
        }
        let pieces = body.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(pieces.count), pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
            pieces[0].count >= 4, pieces[0].count <= 6, let y = Int(pieces[0])
        else { return nil }
        let year = negative ? -y : y
        var month: Int?
        var day: Int?
        var season: Season?
        if pieces.count > 1 {
            guard pieces[1].count <= 2, let m = Int(pieces[1]) else { return nil }
            if pieces.count == 2, (21...24).contains(m) {
                season = Season(rawValue: m - 20)
            } else {
                guard (1...12).contains(m) else { return nil }
                month = m
            }
        }
        if pieces.count > 2 {
            guard pieces[2].count <= 2, let d = Int(pieces[2]) else { return nil }
            day = d
        }
        let p = DateParts(year: year, month: month, day: day)
        guard p.isValid else { return nil }
        return (p, season)
    }
}

extension Character {
    /// `0`–`9`.
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
