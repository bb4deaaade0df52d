import BibModel

/// The BibTeX and BibLaTeX format plug-ins for the registry.
public enum BibTeXFormat {
    /// Classic BibTeX: ASCII with LaTeX escapes, `year`/`month`, the 14 standard entry types.
    public static let bibtexPlugin = FormatPlugin(
        FormatDescriptor(
            id: .bibtex, aliases: ["bib"], extensions: ["bib"],
            summary: "BibTeX .bib for classic bibtex styles (plain, natbib): LaTeX-escaped ASCII",
            lossiness:
                "types BibTeX lacks (dataset, software, web page…) become @misc with the kind in `type`; "
                + "dates keep year, month and day only; non-Latin text stays UTF-8 (with a warning)",
            sniff: { sniff($0, biblatex: false) }),
        reader: BibTeXReader(dialect: .bibtex), writer: BibTeXWriter(dialect: .bibtex)
    ).streaming(
        reader: BibTeXStreamReader.maker(.bibtex), writer: { BibTeXWriter.Stream(dialect: .bibtex, options: $0) }
    ).readingExtras(extraText)

    /// BibLaTeX for biber: UTF-8, ISO 8601 `date`, biblatex entry types and field names.
    public static let biblatexPlugin = FormatPlugin(
        FormatDescriptor(
            id: .biblatex, aliases: ["biber"], extensions: ["bib"],
            summary: "BibLaTeX .bib for biber: UTF-8, ISO dates, biblatex types and fields",
            lossiness:
                "fields outside biber's data model for the entry type (e.g. publisher of an article, "
                + "foreign extras) are not written and are reported",
            sniff: { sniff($0, biblatex: true) }),
        reader: BibTeXReader(dialect: .biblatex), writer: BibTeXWriter(dialect: .biblatex)
    ).streaming(
        reader: BibTeXStreamReader.maker(.biblatex), writer: { BibTeXWriter.Stream(dialect: .biblatex, options: $0) }
    ).readingExtras(extraText)

    /// A `bibtex:` or `biblatex:` extra (the LaTeX source of a field the model has no place
    /// for) as text, decoded as a title is (braces that only protect case go): how CSL-JSON
    /// joins a `subtitle` or `titleaddon` to its title. Nil for other namespaces.
    public static func extraText(_ key: FieldKey, _ value: String) -> RichText? {
        guard key.isBibTeXFamily else { return nil }
        return BibTeXEntryMapper.withoutWriterProtection(LaTeXDecoder.decode(value, protectGroups: true).text)
    }

    /// How likely the bytes are a `.bib` file (0–100): high when the first character that is
    /// not white space or a `%` comment is `@` followed by letters. The BibLaTeX plug-in scores
    /// a little lower unless BibLaTeX-only field names occur, so plain `.bib` goes to BibTeX.
    public static func sniff(_ bytes: ArraySlice<UInt8>, biblatex: Bool) -> Int {
        var i = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i += 3 }
        var score = 0
        scan: while i < bytes.endIndex {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                i += 1
            case UInt8(ascii: "%"):
                while i < bytes.endIndex && bytes[i] != 0x0A { i += 1 }
            case UInt8(ascii: "@"):
                let next = i + 1
                score = next < bytes.endIndex && isASCIILetter(bytes[next]) ? 90 : 0
                break scan
            default:
                break scan
            }
        }
        if score == 0 {
            // Text before the first entry (BibTeX ignores it): look for "@word{" further on.
            var j = bytes.startIndex
            while j + 2 < bytes.endIndex {
                if bytes[j] == 0x0A && bytes[j + 1] == UInt8(ascii: "@") && isASCIILetter(bytes[j + 2]) {
                    score = 40
                    break
                }
                j += 1
            }
        }
        guard score > 0, biblatex else { return score }
        return containsBibLaTeXMarkers(bytes) ? score + 5 : score - 10
    }

    /// Field names only BibLaTeX uses, matched as whole names before `=` (`profile-date =` or
    /// `bdsk-urldate =` are other fields), and entry types only BibLaTeX has, matched after `@`.
    private static let bibLaTeXFieldMarkers: Set<[UInt8]> = Set(
        ["journaltitle", "date", "urldate", "eprinttype", "langid", "location", "addendum"].map { Array($0.utf8) })
    private static let bibLaTeXTypeMarkers: Set<[UInt8]> = Set(["online", "thesis", "report"].map { Array($0.utf8) })

    /// The longest marker (a longer name is none of them).
    private static let maxMarkerLength = (bibLaTeXFieldMarkers.union(bibLaTeXTypeMarkers)).map(\.count).max() ?? 0

    /// ASCII capitals lowered.
    private static func folded(_ name: ArraySlice<UInt8>) -> [UInt8] {
        name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    /// A byte of a BibTeX field or type name (letters, digits and the punctuation names use).
    private static func isNameByte(_ b: UInt8) -> Bool {
        isASCIILetter(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
            || b == UInt8(ascii: ":") || b == UInt8(ascii: ".") || b == UInt8(ascii: "+") || b >= 0x80
    }

    /// Field names count at brace depth 1 (inside an entry, not inside a braced value), entry
    /// types at depth 0.
    private static func containsBibLaTeXMarkers(_ bytes: ArraySlice<UInt8>) -> Bool {
        var i = bytes.startIndex
        var depth = 0
        while i < bytes.endIndex {
            guard isNameByte(bytes[i]) else {
                if bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "(") && depth == 0 {
                    depth += 1
                } else if bytes[i] == UInt8(ascii: "}") || bytes[i] == UInt8(ascii: ")") && depth == 1 {
                    depth = max(0, depth - 1)
                }
                i += 1
                continue
            }
            // A whole name: from a byte that is not part of a name to the next such byte.
            let start = i
            while i < bytes.endIndex, isNameByte(bytes[i]) { i += 1 }
            let before = start > bytes.startIndex ? bytes[start - 1] : 0x0A
            var k = i
            while k < bytes.endIndex, bytes[k] == 0x20 || bytes[k] == 0x09 || bytes[k] == 0x0A || bytes[k] == 0x0D { k += 1 }
            let after = k < bytes.endIndex ? bytes[k] : 0
            // The name is folded only where it could count (no copy of every word looked at).
            if depth == 1, after == UInt8(ascii: "="), i - start <= maxMarkerLength,
                bibLaTeXFieldMarkers.contains(folded(bytes[start..<i]))
            {
                return true
            }
            if depth == 0, before == UInt8(ascii: "@"), after == UInt8(ascii: "{") || after == UInt8(ascii: "("),
                i - start <= maxMarkerLength, bibLaTeXTypeMarkers.contains(folded(bytes[start..<i]))
            {
                return true
            }
        }
        return false
    }
}
