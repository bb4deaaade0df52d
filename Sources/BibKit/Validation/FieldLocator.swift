import BibTeXFormat

/// Finds where a field of an entry is written in its source, so a validation message points
/// at the field's line rather than the entry's: `pages = …` in BibTeX, `SP  - …` in RIS,
/// `"page":` in CSL-JSON, `<fpage>` in JATS. Scans only the entry's byte range, once per lookup.
struct FieldLocator {
    let format: FormatID?
    let bytes: [UInt8]
    let lines: LineIndex

    /// JATS `<ref id="…">` elements by id, found in one pass (JATS entries carry no origin).
    let jatsRefs: [String: Range<Int>]

    init(format: FormatID?, bytes: [UInt8], source: String) {
        self.format = format
        self.bytes = bytes
        self.lines = LineIndex(file: source, bytes: bytes)
        self.jatsRefs = format == .jats ? Self.indexRefs(bytes) : [:]
    }

    /// Every `<ref … id="X" …>` … `</ref>` by X.
    static func indexRefs(_ bytes: [UInt8]) -> [String: Range<Int>] {
        var out: [String: Range<Int>] = [:]
        let open = Array("<ref".utf8)
        let close = Array("</ref>".utf8)
        let idAttr = Array("id=\"".utf8)
        var i = 0
        var starts: [(id: String, start: Int)] = []
        while i + close.count <= bytes.count {
            if bytes[i] == UInt8(ascii: "<") {
                if bytes[i..<(i + open.count)].elementsEqual(open), i + open.count < bytes.count,
                    bytes[i + open.count] == 0x20 || bytes[i + open.count] == 0x0A || bytes[i + open.count] == 0x09
                {
                    // The id attribute inside this start tag.
                    var j = i + open.count
                    var id: String?
                    while j < bytes.count, bytes[j] != UInt8(ascii: ">") {
                        if j + idAttr.count <= bytes.count, bytes[j..<(j + idAttr.count)].elementsEqual(idAttr),
                            bytes[j - 1] == 0x20 || bytes[j - 1] == 0x0A || bytes[j - 1] == 0x09
                        {
                            let v = j + idAttr.count
                            var e = v
                            while e < bytes.count, bytes[e] != UInt8(ascii: "\"") { e += 1 }
                            id = String(decoding: bytes[v..<e], as: UTF8.self)
                            j = e
                        }
                        j += 1
                    }
                    if let id { starts.append((id, i)) }
                    i = j
                    continue
                }
                if bytes[i..<(i + close.count)].elementsEqual(close), let last = starts.popLast() {
                    if out[last.id] == nil { out[last.id] = last.start..<(i + close.count) }
                }
            }
            i += 1
        }
        return out
    }

    /// The byte range of an entry: its origin, or for JATS (whose references carry no origin)
    /// the `<ref id="KEY">` element.
    func range(of entry: Entry) -> Range<Int>? {
        if let origin = entry.origin {
            let lo = max(0, min(origin.start.offset, bytes.count))
            let hi = max(lo, min(origin.endOffset, bytes.count))
            return lo..<hi
        }
        guard format == .jats, let key = entry.key else { return nil }
        return jatsRefs[key]
    }

    /// The location of the entry's start.
    func entryLocation(_ entry: Entry) -> SourceLocation? {
        if let origin = entry.origin { return origin.start }
        return range(of: entry).map { lines.location(ofOffset: $0.lowerBound) }
    }

    /// The location and source name of the first of `field`'s spellings found in the entry,
    /// else the entry's start and nil.
    func locate(_ field: String, in entry: Entry) -> (SourceLocation?, String?) {
        guard let range = range(of: entry) else { return (entry.origin?.start, nil) }
        for name in Self.sourceNames(field, format: format) {
            if let at = findField(name, in: range) { return (lines.location(ofOffset: at), name) }
        }
        return (lines.location(ofOffset: range.lowerBound), nil)
    }

    private func findField(_ name: String, in range: Range<Int>) -> Int? {
        let needle = Array(name.utf8)
        guard !needle.isEmpty else { return nil }
        switch format {
        case .bibtex?, .biblatex?:
            // `name` (any case) after a separator, then `=`.
            var i = range.lowerBound
            while i + needle.count <= range.upperBound {
                if Self.equalsIgnoringCase(bytes, i, needle), i == 0 || Self.isSeparator(bytes[i - 1]) {
                    var j = i + needle.count
                    while j < range.upperBound, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                    if j < range.upperBound, bytes[j] == UInt8(ascii: "=") { return i }
                }
                i += 1
            }
            return nil
        case .ris?:
            var i = range.lowerBound
            while i + needle.count <= range.upperBound {
                if i == 0 || bytes[i - 1] == 0x0A || bytes[i - 1] == 0x0D, bytes[i..<(i + needle.count)].elementsEqual(needle) {
                    return i
                }
                i += 1
            }
            return nil
        case .cslJSON?:
            return find(Array("\"\(name)\"".utf8), in: range)
        case .jats?:
            var i = range.lowerBound
            let open = Array("<\(name)".utf8)
            while let at = find(open, in: i..<range.upperBound) {
                let after = at + open.count
                if after < bytes.count, bytes[after] == 0x20 || bytes[after] == UInt8(ascii: ">") || bytes[after] == 0x0A {
                    return at
                }
                i = at + 1
            }
            return nil
        default:
            return nil
        }
    }

    private func find(_ needle: [UInt8], in range: Range<Int>) -> Int? {
        guard let first = needle.first, needle.count <= range.count else { return nil }
        var i = range.lowerBound
        while i + needle.count <= range.upperBound {
            if bytes[i] == first, bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static func equalsIgnoringCase(_ bytes: [UInt8], _ at: Int, _ needle: [UInt8]) -> Bool {
        for (k, n) in needle.enumerated() {
            let b = bytes[at + k]
            if b != n && (b | 0x20) != (n | 0x20) { return false }
            if b != n && !isLetter(b) { return false }
        }
        return true
    }

    private static func isSeparator(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: ",") || b == UInt8(ascii: "{")
            || b == UInt8(ascii: "(")
    }

    /// How each format spells a field bibkit names (`page` → `pages`, `SP`, `page`, `fpage`).
    static func sourceNames(_ field: String, format: FormatID?) -> [String] {
        let table: [String: (bib: [String], ris: [String], csl: [String], jats: [String])] = [
            "title": (["title"], ["TI", "T1", "CT"], ["title"], ["article-title", "chapter-title", "source"]),
            "author": (["author"], ["AU", "A1"], ["author"], ["person-group"]),
            "editor": (["editor"], ["ED", "A2", "A3"], ["editor"], ["person-group"]),
            "container-title": (["journal", "journaltitle", "booktitle"], ["T2", "JO", "JF", "JA", "BT"], ["container-title"], ["source"]),
            "issued": (["date", "year", "month"], ["DA", "PY", "Y1"], ["issued"], ["year", "date"]),
            "page": (["pages"], ["SP", "EP"], ["page"], ["fpage", "page-range", "elocation-id"]),
            "edition": (["edition"], ["ET"], ["edition"], ["edition"]),
            "doi": (["doi"], ["DO", "DI"], ["DOI"], ["pub-id"]),
            "isbn": (["isbn"], ["SN"], ["ISBN"], ["isbn"]),
            "issn": (["issn"], ["SN"], ["ISSN"], ["issn"]),
            "url": (["url", "howpublished"], ["UR", "L1", "L2", "L4"], ["URL"], ["ext-link", "uri"]),
            "arxiv": (["eprint", "arxiv"], ["UR", "AN"], ["arxiv", "URL"], ["pub-id"]),
            "pmid": (["pmid"], ["AN", "C2"], ["PMID"], ["pub-id"]),
            "publisher": (["publisher", "institution", "organization"], ["PB"], ["publisher"], ["publisher-name"]),
            "key": (["@"], ["ID"], ["id"], ["ref"]),
            "note": (["note", "annote"], ["N1"], ["note"], ["comment"]),
            "keywords": (["keywords"], ["KW"], ["keyword"], ["kwd"]),
            "language": (["langid", "language"], ["LA"], ["language"], ["lang"]),
        ]
        var row = table[field]
        if row == nil, let f = Field(rawValue: field) {
            let r = BibTeXFieldTable.row(f)
            row = (r.bibtex + r.biblatex + Array(r.bibtexByType.values), [], [field], [field])
        }
        guard let row else { return [field] }
        switch format {
        case .bibtex?, .biblatex?: return row.bib
        case .ris?: return row.ris
        case .cslJSON?: return row.csl
        case .jats?: return row.jats
        default: return []
        }
    }
}
