import BibModel

/// Reads RIS (2011 and older tag sets, EndNote, Zotero, Mendeley, Scopus, PubMed, Ovid,
/// EBSCO… dialects) into the model.
///
/// Two stages: ``RISScanner`` turns bytes into raw records losslessly, then each record
/// is mapped to an ``Entry`` through ``RISTagTable``. Precedence when tags compete:
/// title `TI` > `T1` > `CT`; container `T2` > `JF` > `JO` > `JA` (`J2` > `JA` > `J1` > `JO`
/// for the abbreviation); date `DA` > `PY` > `Y1` (`Y2` is the access date); abstract
/// `AB` > `N2`; DOI `DO` > `DI` > a DOI in `M3`, `N1` or `UR`. A losing tag whose value
/// only repeats the winner's is dropped as redundant; one that says something else goes
/// to ``Entry/extra`` under its own tag, like every tag without a place in the model.
/// Repeated extra tags are numbered: `ris:AD`, `ris:AD#2`, `ris:AD#3`.
public struct RISReader: BibliographyReader {
    /// Creates a reader.
    public init() {}

    /// Reads a RIS file.
    public func read(
        _ bytes: [UInt8], source: String, options: ReadOptions, diagnostics: inout Diagnostics
    ) throws(FatalReadError) -> Library {
        var bytes = bytes
        // EndNote and Reference Manager on Windows may save RIS as UTF-16 with a byte order mark.
        if TextDecoding.hasUTF16ByteOrderMark(bytes) {
            bytes = TextDecoding.utf16ToUTF8(bytes)
            diagnostics.warning(
                "ris.utf16", "the file is UTF-16; decoded (locations refer to its UTF-8 form)",
                at: SourceLocation(file: source, line: 1, column: 1, offset: 0))
        }
        if TextDecoding.looksBinary(bytes) {
            throw FatalReadError(
                Diagnostic(
                    .error, code: "ris.binary", message: "input is not text (binary data: NUL or control bytes)",
                    location: SourceLocation(file: source, line: 1, column: 1, offset: 0)))
        }
        let nuls = TextDecoding.replaceNULs(&bytes)
        let lines = LineIndex(file: source, bytes: bytes)
        for place in TextDecoding.firstPerLine(nuls, lines: lines) {
            diagnostics.warning("ris.nul-byte", "NUL byte in the text; read as a space", at: place)
        }
        // Memory: each record is mapped as soon as the scanner has it complete, and its raw
        // fields (a copy of every value) are let go, so the raw layer is never whole. The
        // mapping's diagnostics come after the scan's, as when the whole file was scanned first.
        var library = Library()
        library.entries.reserveCapacity(Self.typeLineCount(bytes, lines: lines))
        var mapped = Diagnostics()
        let document = RISScanner.scan(bytes, lines: lines, diagnostics: &diagnostics) { record in
            library.entries.append(RISRecordMapper.map(record, lines: lines, diagnostics: &mapped))
        }
        diagnostics.append(contentsOf: mapped)
        library.metadata.comments = document.outside.map { BibComment($0.text) }
        if document.records.isEmpty {
            let start = Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF] ? 3 : 0
            if bytes.count >= start + 3, bytes[start] == UInt8(ascii: "F"), bytes[start + 1] == UInt8(ascii: "N"),
                bytes[start + 2] == UInt8(ascii: " ")
            {
                diagnostics.error(
                    "ris.wos-tagged", "this looks like Web of Science tagged format (FN/PT/ER lines), not RIS",
                    at: lines.location(ofOffset: start))
            } else if bytes.contains(where: { !RISText.isSpace($0) }) {
                diagnostics.error("ris.no-records", "no RIS record (TY  - … ER  - ) found", at: lines.location(ofOffset: 0))
            }
        }
        return library
    }

    /// The number of lines that start with `TY` (about the number of records: room for the
    /// entries is reserved once).
    static func typeLineCount(_ bytes: [UInt8], lines: LineIndex) -> Int {
        var count = 0
        for start in lines.lineStarts where start + 1 < bytes.count {
            if bytes[start] | 0x20 == UInt8(ascii: "t") && bytes[start + 1] | 0x20 == UInt8(ascii: "y") { count += 1 }
        }
        return count
    }
}

/// Stage two: one raw record → one entry.
struct RISRecordMapper {
    let record: RISRawRecord
    let lines: LineIndex
    var entry = Entry(type: EntryType(.document))
    var kind: WorkType = .document

    /// Single-valued candidates by target.
    var candidates: [RISTarget: [Candidate]] = [:]
    /// Fields that fed a target (won or repeated the winner).
    var consumed = Set<Int>()
    /// Fields that were candidates of some target.
    var offered = Set<Int>()
    /// Fields that go to `extra`, by field index.
    var extras: [(index: Int, key: FieldKey, value: String)] = []
    /// `N1` notes in order (index, text), decided after the title is known.
    var noteFields: [(index: Int, value: String)] = []
    /// Structured `N1` notes, applied last.
    var structured: [(index: Int, key: FieldKey, value: String)] = []
    /// Identifiers for the entry and for the container, in order.
    var standardNumbers: [(index: Int, value: String)] = []
    var doiSources: [(index: Int, tag: String, value: String, pure: Bool)] = []
    var diagnostics = Diagnostics()

    struct Candidate {
        var index: Int
        var tag: String
        var value: String
        var rank: Int
    }

    static func map(_ record: RISRawRecord, lines: LineIndex, diagnostics: inout Diagnostics) -> Entry {
        var m = RISRecordMapper(record: record, lines: lines)
        m.run()
        for var d in m.diagnostics.all {
            if d.entryKey == nil { d.entryKey = m.entry.key }
            diagnostics.report(d)
        }
        return m.entry
    }

    func location(_ index: Int) -> SourceLocation {
        let offset = index < record.fields.count ? record.fields[index].range.lowerBound : record.range.lowerBound
        return lines.location(ofOffset: offset)
    }

    // MARK: Driver

    mutating func run() {
        entry.origin = SourceRange(start: lines.location(ofOffset: record.range.lowerBound), endOffset: record.range.upperBound)
        resolveType()
        for (i, field) in record.fields.enumerated() { take(field, at: i) }
        resolveTitles()
        resolveDates()
        resolvePages()
        resolveQuirks()
        resolveDOI()
        resolveRemaining()
        applyIdentifiers()
        applyNotes()
        applyStructured()
        for i in offered where !consumed.contains(i) {
            let f = record.fields[i]
            extras.append((i, FieldKey("ris", f.tag), RISText.trimmed(f.value)))
        }
        applyExtras()
        // Fields in the canonical order of ``Field``, whatever the tag order was.
        if entry.fields.count > 1 { entry.fields.sort { $0.key < $1.key } }
        if let c = entry.container, c.isEmpty { entry.container = nil }
        if let s = entry.series, s.isEmpty { entry.series = nil }
    }

    // MARK: Type

    mutating func resolveType() {
        var ty = record.type ?? ""
        var marker: WorkType?
        for f in record.fields where f.tag == "N1" {
            let v = RISText.trimmed(f.value)
            guard let (key, value) = RISStructuredNote.parse(v) else { continue }
            if key == FieldKey("ris", "TY") { ty = RISText.trimmed(value) }
            if key == FieldKey(RISStructuredNote.ns, "type") { marker = WorkType(rawValue: RISText.trimmed(value)) }
        }
        if ty.isEmpty {
            if record.hasType {
                diagnostics.warning("ris.missing-type", "empty TY; read as a generic document", at: location(0), field: "TY")
            }
            kind = .document
            entry.type = EntryType(.document)
        } else if let row = RISTypeTable.row(for: ty) {
            kind = row.kind
            entry.type = EntryType(row.kind, original: FieldKey("ris", row.ty))
        } else {
            diagnostics.warning(
                "ris.unknown-type", "unknown reference type '\(ty)'; read as a generic document (the original is kept)",
                at: location(0), field: "TY")
            kind = .document
            entry.type = EntryType(.document, original: FieldKey("ris", ty))
        }
        if let marker {
            kind = marker
            entry.type.kind = marker
        }
    }

    // MARK: Walking the fields

    mutating func take(_ f: RISRawField, at i: Int) {
        switch f.tag {
        case "TY":
            return
        case "ER":
            let v = RISText.trimmed(f.value)
            if !v.isEmpty {
                diagnostics.warning("ris.er-value", "ER carries a value '\(v)'; kept as ris:ER", at: location(i), field: "ER")
                extras.append((i, FieldKey("ris", "ER"), v))
            }
            return
        default:
            break
        }
        if f.form == .strayText {
            let v = RISText.trimmed(f.value)
            if !v.isEmpty { noteFields.append((i, v)) }
            return
        }
        let value = RISText.trimmed(f.value)
        guard !value.isEmpty else { return }
        if f.form == .medline, let idKind = RISTagTable.medlineTags[f.tag] {
            entry.identifiers.append(Identifier(idKind, RISText.collapsed(value)))
            return
        }
        if f.tag == "N1" {
            if let (key, v) = RISStructuredNote.parse(value) {
                structured.append((i, key, v))
                return
            }
            if let doi = RISIdentifiers.pureDOI(value) {
                doiSources.append((i, "N1", doi, true))
                offered.insert(i)
                return
            }
            noteFields.append((i, value))
            return
        }
        if f.tag == "M3" || f.tag == "L3", let doi = RISIdentifiers.pureDOI(value) {
            doiSources.append((i, f.tag, doi, true))
            offered.insert(i)
            return
        }
        if f.tag == "SN" {
            takeStandardNumber(value, at: i)
            return
        }
        let rules = RISTagTable.readRules(tag: f.tag, kind: kind)
        guard let first = rules.first else {
            extras.append((i, FieldKey("ris", f.tag), value))
            return
        }
        if first.target.isRepeatable {
            takeRepeatable(first.target, f, value, at: i)
            return
        }
        offered.insert(i)
        for rule in rules where !rule.target.isRepeatable {
            candidates[rule.target, default: []].append(Candidate(index: i, tag: f.tag, value: value, rank: rule.rank))
        }
    }

    mutating func takeRepeatable(_ target: RISTarget, _ f: RISRawField, _ value: String, at i: Int) {
        switch target {
        case .contributor(let role):
            var list = entry.contributors[role] ?? NameList()
            for item in RISNames.parse(value) {
                switch item {
                case .name(let n): list.names.append(n)
                case .etAl: list.truncated = true
                }
            }
            if value.utf8.contains(UInt8(ascii: ";")), RISNames.parse(value).count > 1 {
                diagnostics.note(
                    "ris.joined-names", "several names in one \(f.tag) line were split at ';'", at: location(i), field: f.tag)
            }
            if !list.isEmpty { entry.contributors[role] = list }
        case .keyword:
            // Keywords wrapped onto continuation lines are one per line (IEEE, Zotero).
            guard value.utf8.contains(0x0A) else {
                entry.keywords.append(RISText.collapsed(value))
                return
            }
            for line in value.split(separator: "\n") {
                let k = RISText.collapsed(String(line))
                if !k.isEmpty { entry.keywords.append(k) }
            }
        case .link(let linkKind):
            let urls = value.utf8.contains(0x0A) ? value.split(separator: "\n").map(String.init) : [value]
            for line in urls {
                let url = RISText.trimmed(line)
                guard !url.isEmpty else { continue }
                var k = linkKind
                if f.tag == "L1" { k = RISIdentifiers.isLocalFile(url) ? .file : .fullText }
                entry.links.append(Link(url, kind: k))
                if let doi = RISIdentifiers.doiInURL(url) { doiSources.append((i, f.tag, doi, false)) }
            }
        default:
            extras.append((i, FieldKey("ris", f.tag), value))
        }
    }

    mutating func takeStandardNumber(_ value: String, at i: Int) {
        let v = RISText.collapsed(value)
        if RISIdentifiers.looksLikeISBN(v) || RISIdentifiers.looksLikeISSN(v) || !RISTagTable.numberedKinds.contains(kind) {
            standardNumbers.append((i, v))
        } else {
            offered.insert(i)
            candidates[.field(.number), default: []].append(Candidate(index: i, tag: "SN", value: v, rank: 0))
        }
    }

    // MARK: Resolving single-valued targets

    /// Picks the winner among a target's candidates (best rank, then source order); other
    /// candidates that repeat its value are consumed; the rest stay offered (→ extra).
    mutating func resolve(
        _ target: RISTarget, same: (String, String) -> Bool = RISText.sameText
    ) -> Candidate? {
        guard var list = candidates[target], !list.isEmpty else { return nil }
        list = list.filter { !wonElsewhere.contains($0.index) }
        list.sort { ($0.rank, $0.index) < ($1.rank, $1.index) }
        guard let winner = list.first else { return nil }
        consumed.insert(winner.index)
        wonElsewhere.insert(winner.index)
        for c in list.dropFirst() where same(c.value, winner.value) { consumed.insert(c.index) }
        return winner
    }

    var wonElsewhere = Set<Int>()

    mutating func resolveTitles() {
        if let w = resolve(.title) { entry.title = RISText.richText(RISText.collapsed(w.value)) }
        var container = entry.container ?? Level()
        if let w = resolve(.containerTitle) { container.title = RISText.richText(RISText.collapsed(w.value)) }
        // A losing container-title tag that repeats the abbreviation is consumed there.
        if let w = resolve(.containerAbbreviation) { container.shortTitle = RISText.collapsed(w.value) }
        entry.container = container
        if let w = resolve(.seriesTitle) {
            var series = entry.series ?? Level()
            series.title = RISText.richText(RISText.collapsed(w.value))
            entry.series = series
        }
        if let w = resolve(.shortTitle) { entry.shortTitle = RISText.richText(RISText.collapsed(w.value)) }
    }

    mutating func resolveDates() {
        // Issued: DA > PY > Y1, a month-day-only DA completes a year from PY.
        var cands = (candidates[.date(.issued)] ?? []) + (candidates[.year] ?? [])
        cands.sort { ($0.rank, $0.index) < ($1.rank, $1.index) }
        if !cands.isEmpty {
            let parsed = cands.map { RISDates.parse($0.value) }
            if let wi = parsed.firstIndex(where: { if case .date = $0 { true } else { false } }),
                case .date(var date, let other) = parsed[wi]
            {
                let winner = cands[wi]
                consumed.insert(winner.index)
                var usedPartial = false
                if !date.isRange, let start = date.start, start.month == nil {
                    for (k, p) in parsed.enumerated() {
                        guard case .partial(let m, let d) = p else { continue }
                        let merged = DateParts(year: start.year, month: m, day: d)
                        if merged.isValid {
                            date.start = merged
                            consumed.insert(cands[k].index)
                            usedPartial = true
                            break
                        }
                    }
                }
                applyOther(other, to: &date, from: winner)
                // A lower-ranked tag that agrees but is more precise (PY 2015, Y1 2015/09/10) refines it.
                if !date.isRange, !date.circa, !date.uncertain, date.season == nil {
                    for (k, p) in parsed.enumerated() where k != wi && !consumed.contains(cands[k].index) {
                        guard case .date(let d, let o) = p, o == nil, !d.isRange, let q = d.start, let cur = date.start,
                            q.year == cur.year, cur.month == nil || cur.month == q.month, cur.day == nil || cur.day == q.day,
                            q != cur
                        else { continue }
                        date.start = q
                        consumed.insert(cands[k].index)
                    }
                }
                entry.issued = .typed(date)
                for (k, p) in parsed.enumerated() where k != wi && !consumed.contains(cands[k].index) {
                    switch p {
                    case .date(let d, let o):
                        if compatible(d, other: o, with: date) { consumed.insert(cands[k].index); continue }
                    case .partial(let m, let d):
                        if usedPartial, date.start?.month == m, d == nil || date.start?.day == d {
                            consumed.insert(cands[k].index)
                            continue
                        }
                    case .invalid:
                        break
                    }
                    diagnostics.note(
                        "ris.date-conflict",
                        "\(cands[k].tag) '\(cands[k].value)' disagrees with \(winner.tag) '\(winner.value)'; \(winner.tag) is the publication date, \(cands[k].tag) is kept as ris:\(cands[k].tag)",
                        at: location(cands[k].index), field: cands[k].tag)
                }
            } else {
                // No candidate has a year: keep the best one raw.
                let w = cands[0]
                consumed.insert(w.index)
                entry.issued = .raw(RISText.collapsed(w.value))
                for c in cands.dropFirst() where RISText.sameText(c.value, w.value) { consumed.insert(c.index) }
                diagnostics.warning(
                    "ris.bad-date", "\(w.tag) '\(w.value)' is not a date RIS defines (YYYY/MM/DD/other); kept as text",
                    at: location(w.index), field: w.tag)
            }
        }
        if let w = resolve(.date(.accessed)) {
            switch RISDates.parse(w.value) {
            case .date(var d, let other):
                applyOther(other, to: &d, from: w)
                entry.dates[.accessed] = .typed(d)
            default:
                entry.dates[.accessed] = .raw(RISText.collapsed(w.value))
            }
        }
    }

    /// The fourth part of a RIS date: a season, our own EDTF text, junk, or text to keep.
    mutating func applyOther(_ other: String?, to date: inout BibDate, from c: Candidate) {
        guard let other, !other.isEmpty else { return }
        if let season = RISDates.seasonNamed(other), !date.isRange {
            date.season = season
        } else if let edtf = RISDates.parseEDTF(other), edtf.year == date.year {
            date = edtf
        } else if RISDates.junkOther.contains(other.lowercased()) {
            diagnostics.note(
                "ris.date-junk", "'\(other)' in \(c.tag) '\(c.value)' carries no information and was dropped",
                at: location(c.index), field: c.tag)
        } else {
            extras.append((c.index, FieldKey("ris", c.tag), c.value))
        }
    }

    func compatible(_ d: BibDate, other: String?, with w: BibDate) -> Bool {
        if let other, !other.isEmpty, !RISDates.junkOther.contains(other.lowercased()) { return false }
        guard !d.isRange, let p = d.start, let q = w.start ?? w.end else { return d == w }
        guard p.year == q.year else { return false }
        if let m = p.month, m != q.month { return false }
        if let day = p.day, day != q.day { return false }
        return true
    }

    mutating func resolvePages() {
        let pageCands = (candidates[.field(.page)] ?? []).sorted { $0.index < $1.index }
        guard !pageCands.isEmpty else { return }
        let sps = pageCands.filter { $0.tag == "SP" }
        let eps = pageCands.filter { $0.tag == "EP" }
        if RISTagTable.pageCountKinds.contains(kind), let sp = sps.first, eps.isEmpty,
            sp.value.allSatisfy(\.isNumber)
        {
            entry.fields[.numberOfPages] = sp.value
            consumed.insert(sp.index)
            for c in sps.dropFirst() where c.value == sp.value { consumed.insert(c.index) }
            return
        }
        if let sp = sps.first {
            consumed.insert(sp.index)
            let v = RISText.collapsed(sp.value)
            if let (start, end) = RISPages.split(v) {
                entry.fields[.page] = v
                _ = start
                for ep in eps where RISText.sameText(ep.value, end) { consumed.insert(ep.index) }
            } else if let ep = eps.first {
                consumed.insert(ep.index)
                entry.fields[.page] = v + "-" + RISText.collapsed(ep.value)
            } else {
                entry.fields[.page] = v
            }
            for c in sps.dropFirst() where RISText.sameText(c.value, sp.value) { consumed.insert(c.index) }
            if let ep = eps.first, consumed.contains(ep.index) {
                for c in eps.dropFirst() where RISText.sameText(c.value, ep.value) { consumed.insert(c.index) }
            }
        }
        // An EP without an SP stays in extra.
    }

    /// Vendor quirks that move values between targets.
    mutating func resolveQuirks() {
        // EndNote: the issue of a journal article in M1 when IS is absent.
        if [.articleJournal, .articleMagazine, .articleNewspaper].contains(kind), (candidates[.field(.issue)] ?? []).isEmpty,
            let m1 = candidates[.field(.number)]?.first(where: { $0.tag == "M1" }), RISIdentifiers.isShortNumber(m1.value)
        {
            candidates[.field(.number)]?.removeAll { $0.index == m1.index }
            candidates[.field(.issue)] = [m1]
            diagnostics.note(
                "ris.endnote-m1-issue", "M1 '\(m1.value)' read as the issue (EndNote writes the issue there)",
                at: location(m1.index), field: "M1")
        }
        // EndNote web pages: VL holds the access year and M1 the access month and day.
        if kind == .webpage, entry.dates[.accessed] == nil,
            let vl = candidates[.field(.volume)]?.first, vl.value.count == 4, let year = Int(vl.value)
        {
            var date = BibDate(year: year)
            let m1 = candidates[.field(.number)]?.first(where: { $0.tag == "M1" })
            if let m1, case .partial(let m, let d) = RISDates.parse(m1.value),
                DateParts(year: year, month: m, day: d).isValid
            {
                date = BibDate(year: year, month: m, day: d)
                consumed.insert(m1.index)
                candidates[.field(.number)]?.removeAll { $0.index == m1.index }
            }
            entry.dates[.accessed] = .typed(date)
            consumed.insert(vl.index)
            candidates[.field(.volume)]?.removeAll { $0.index == vl.index }
            diagnostics.note(
                "ris.endnote-web-access", "VL/M1 of an EndNote web page read as the access date", at: location(vl.index),
                field: "VL")
        }
    }

    mutating func resolveDOI() {
        var doi: String?
        if let w = resolve(.doi, same: RISIdentifiers.sameDOI) {
            doi = RISIdentifiers.bareDOI(w.value)
        }
        // Pure DOIs in M3/N1 are sources (or repeats); DOIs inside notes and URLs are a last resort.
        for s in doiSources where s.pure {
            if doi == nil {
                doi = s.value
                consumed.insert(s.index)
            } else if let d = doi, RISIdentifiers.sameDOI(d, s.value) {
                consumed.insert(s.index)
            }
        }
        // A note that says which DOI is the record's own (`DOI: 10.…`, `doi 10.… [pii]`); a DOI
        // anywhere inside a long note (Scopus's `References:` list) is a cited work's.
        if doi == nil {
            for (k, note) in noteFields.enumerated() {
                if let d = RISIdentifiers.labelledDOI(note.value) {
                    doi = d
                    noteFields.remove(at: k)  // the note only said what the DOI is
                    break
                }
            }
        }
        if doi == nil, let s = doiSources.first(where: { !$0.pure }) { doi = s.value }
        if let doi { entry.identifiers.insert(Identifier(.doi, doi), at: 0) }
    }

    mutating func resolveRemaining() {
        if let w = resolve(.abstract) { entry.abstract = RISText.richText(RISText.trimmed(w.value)) }
        if let w = resolve(.key) { entry.key = RISText.collapsed(w.value) }
        if let w = resolve(.language) { entry.language = RISText.collapsed(w.value) }
        for field in Field.allCases where field != .page {
            if let w = resolve(.field(field)) {
                let prose = field == .annote
                entry.fields[field] = prose ? RISText.trimmed(w.value) : RISText.collapsed(w.value)
            }
        }
    }

    mutating func applyIdentifiers() {
        guard !standardNumbers.isEmpty else { return }
        let onContainer = RISTagTable.containedKinds.contains(kind)
        for (_, v) in standardNumbers {
            let idKind: IdentifierKind
            if RISIdentifiers.looksLikeISSN(v) {
                idKind = .issn
            } else if RISIdentifiers.looksLikeISBN(v) {
                idKind = .isbn
            } else {
                idKind = RISTagTable.serialKinds.contains(kind) ? .issn : .isbn
            }
            if onContainer {
                var c = entry.container ?? Level()
                c.identifiers.append(Identifier(idKind, v))
                entry.container = c
            } else {
                entry.identifiers.append(Identifier(idKind, v))
            }
        }
    }

    mutating func applyNotes() {
        let title = entry.title?.plainText
        for (i, note) in noteFields {
            // EndNote sometimes repeats the title as a note.
            if let title, RISText.sameText(note, title) {
                _ = i
                continue
            }
            entry.notes.append(RISText.richText(note))
        }
    }

    // MARK: Structured notes

    mutating func applyStructured() {
        for (i, key, value) in structured {
            if key.namespace == RISStructuredNote.ns {
                if !applyBibkit(key.name, value) { extras.append((i, key, value)) }
            } else if key == FieldKey("ris", "TY") {
                continue  // applied with the type
            } else {
                extras.append((i, key, value))
            }
        }
    }

    /// Applies a `bibkit:` note; false when its slot is taken or its name unknown.
    mutating func applyBibkit(_ name: String, _ value: String) -> Bool {
        switch name {
        case "type":
            return WorkType(rawValue: value) != nil
        case "type-genre":
            guard entry.type.genre == nil else { return false }
            entry.type.genre = value
            return true
        case "et-al":
            let role = ContributorRole(value)
            var list = entry.contributors[role] ?? NameList()
            list.truncated = true
            entry.contributors[role] = list
            return true
        case "no-title":
            if entry.title?.plainText == RISWriter.untitled { entry.title = nil }
            return true
        case "title.alone":
            // `TI` holds the title with its subtitle parts (kept as notes) joined.
            guard entry.title != nil, !value.isEmpty else { return false }
            entry.title = RISText.richText(value)
            return true
        default:
            break
        }
        if let field = Field(rawValue: name) {
            guard entry.fields[field] == nil else { return false }
            entry.fields[field] = value
            return true
        }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return false }
        switch parts[0] {
        case "date":
            let role = DateRole(parts[1])
            guard entry.dates[role] == nil else { return false }
            entry.dates[role] = Self.parseStoredDate(value)
            return true
        case "role":
            let role = ContributorRole(parts[1])
            entry.contributors[role] = Self.appended(value, to: entry.contributors[role])
            return true
        case "id":
            entry.identifiers.append(Self.parseIdentifier(parts[1], value))
            return true
        case "container", "series":
            var level = (parts[0] == "container" ? entry.container : entry.series) ?? Level()
            guard Self.applyLevel(parts[1], value, to: &level) else { return false }
            if parts[0] == "container" { entry.container = level } else { entry.series = level }
            return true
        default:
            return false
        }
    }

    static func applyLevel(_ what: String, _ value: String, to level: inout Level) -> Bool {
        switch what {
        case "title":
            guard level.title == nil else { return false }
            level.title = RISText.richText(value)
        case "title.alone":
            // The title written (`T2`, `BT`, …, or a `container.title` note) has parts joined.
            guard level.title != nil, !value.isEmpty else { return false }
            level.title = RISText.richText(value)
        case "short-title":
            guard level.shortTitle == nil else { return false }
            level.shortTitle = value
        case "number":
            guard level.number == nil else { return false }
            level.number = value
        default:
            let parts = what.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return false }
            if parts[0] == "id" {
                level.identifiers.append(parseIdentifier(parts[1], value))
            } else if parts[0] == "role" {
                let role = ContributorRole(parts[1])
                level.contributors[role] = appended(value, to: level.contributors[role])
            } else {
                return false
            }
        }
        return true
    }

    /// A name list with the names of one value appended.
    static func appended(_ value: String, to list: NameList?) -> NameList {
        var list = list ?? NameList()
        for item in RISNames.parse(value) {
            switch item {
            case .name(let n): list.names.append(n)
            case .etAl: list.truncated = true
            }
        }
        return list
    }

    static func parseIdentifier(_ kind: String, _ value: String) -> Identifier {
        if let bar = value.firstRange(of: " | ") {
            return Identifier(IdentifierKind(kind), String(value[..<bar.lowerBound]), qualifier: String(value[bar.upperBound...]))
        }
        return Identifier(IdentifierKind(kind), value)
    }

    static func parseStoredDate(_ value: String) -> Parsed<BibDate> {
        if let d = RISDates.parseEDTF(value) { return .typed(d) }
        return .raw(value)
    }

    // MARK: Extras

    mutating func applyExtras() {
        guard !extras.isEmpty else { return }
        extras.sort { $0.index < $1.index }
        var counts: [FieldKey: Int] = [:]
        for (_, key, value) in extras {
            var k = key
            if entry.extra[k] != nil {
                var n = counts[key, default: 1]
                repeat {
                    n += 1
                    k = FieldKey(key.namespace, "\(key.name)#\(n)")
                } while entry.extra[k] != nil
                counts[key] = n
            }
            entry.extra[k] = value
        }
    }
}

