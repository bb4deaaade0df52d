import BibModel

/// RIS: the format plug-in (reader, writer, names and content sniff).
///
/// Decisions, in one place:
/// - **Two stages.** ``RISScanner`` reads bytes into ``RISRawRecord``s (tag, value, byte
///   range, line), then each record is mapped through ``RISTagTable`` (tags) and
///   ``RISTypeTable`` (`TY`), the same tables the writer uses.
/// - **Tolerated input.** 2011 and old tag sets; CRLF, LF or CR; a BOM; UTF-16 with a BOM
///   (`ris.utf16`); Windows-1252 bytes (`ris.latin1`); blank lines and text between records
///   (kept as collection comments); `ty - `, `KW -`, `A1\t- `, `TY-JOUR` for known tags;
///   continuation lines; tags before `TY` (joined to the next record) or right after `ER`
///   (joined to the previous one).
/// - **Names** (see ``RISNames``): `Last, First, Suffix`; `Smith JA` and `A. Author` are
///   split at the initials; any other name without a comma is kept whole as a literal,
///   so organisations are never split; `et al.` sets the list's `truncated` flag.
/// - **Extras.** A tag without a place in the model is kept in ``Entry/extra`` as
///   `ris:XX`; repeated tags are numbered `ris:XX`, `ris:XX#2`, `ris:XX#3` (source order).
///   The writer writes them back as their tags when RIS clients accept them there.
/// - **N1 notes, not custom tags.** What RIS has no tag for (model fields, other roles,
///   dates and identifiers, other formats' extras, `ris:` extras clients would reject) is
///   written as a machine-readable `N1` note `namespace:name: value` (``RISStructuredNote``)
///   that bibkit reads back into place. `C1`–`C8` carry only `ris:C1`…`ris:C8` extras,
///   because their meaning depends on the reference type in EndNote and Zotero.
public enum RISFormat {
    /// The plug-in to list in the registry.
    public static let plugin = FormatPlugin(descriptor, reader: RISReader(), writer: RISWriter()).streaming(
        reader: { source, _ in RISStreamReader(source: source) }, writer: { RISWriter.Stream(options: $0) })

    /// The descriptor: `ris` (alias `refman`), extension `.ris`.
    public static let descriptor = FormatDescriptor(
        id: .ris, aliases: ["refman"], extensions: ["ris"],
        summary: "RIS tagged records (EndNote, Zotero, Mendeley, Scopus, PubMed, Web of Science exports)",
        lossiness:
            "rich text other than italic/bold/sub/sup/small caps/nocase is written as plain text; paragraph breaks become spaces; "
            + "data without a RIS tag goes to N1 notes ('bibkit:medium: CD', 'bibtex:timestamp: …') that bibkit reads back",
        sniff: sniff)

    /// Scores content: 95 when an early line is `TY  - `, 70 for a loose `TY - `/`ty  -`,
    /// 50 when early lines are RIS tag lines without a `TY`, else 0.
    @Sendable public static func sniff(_ bytes: ArraySlice<UInt8>) -> Int {
        var start = bytes.startIndex
        if bytes.count >= 3, bytes[start] == 0xEF, bytes[start + 1] == 0xBB, bytes[start + 2] == 0xBF { start += 3 }
        var lineStart = start
        var seen = 0
        var tagLines = 0
        var best = 0
        var i = start
        while i <= bytes.endIndex, seen < 40 {
            if i == bytes.endIndex || bytes[i] == 0x0A || bytes[i] == 0x0D {
                let line = bytes[lineStart..<i]
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    seen += 1
                    best = max(best, score(line))
                    if isTagLine(line) { tagLines += 1 }
                }
                if i == bytes.endIndex { break }
                lineStart = i + 1
            }
            i += 1
        }
        if best == 0 && tagLines >= 3 { return 50 }
        return best
    }

    private static func score(_ line: ArraySlice<UInt8>) -> Int {
        let b = Array(line.prefix(8))
        guard b.count >= 3 else { return 0 }
        let t0 = b[0] & ~0x20
        let t1 = b[1] & ~0x20
        guard t0 == UInt8(ascii: "T"), t1 == UInt8(ascii: "Y") else { return 0 }
        if b.count >= 6, b[0] == UInt8(ascii: "T"), b[1] == UInt8(ascii: "Y"), b[2] == 0x20, b[3] == 0x20,
            b[4] == UInt8(ascii: "-"), b[5] == 0x20
        {
            return 95
        }
        var k = 2
        while k < b.count, b[k] == 0x20 || b[k] == 0x09 { k += 1 }
        guard k < b.count, b[k] == UInt8(ascii: "-") else { return 0 }
        return 70
    }

    private static func isTagLine(_ line: ArraySlice<UInt8>) -> Bool {
        let b = Array(line.prefix(6))
        guard b.count >= 5 else { return false }
        let upper = { (c: UInt8) in c >= 0x41 && c <= 0x5A }
        let digit = { (c: UInt8) in c >= 0x30 && c <= 0x39 }
        return upper(b[0]) && (upper(b[1]) || digit(b[1])) && b[2] == 0x20 && b[3] == 0x20 && b[4] == UInt8(ascii: "-")
    }
}
