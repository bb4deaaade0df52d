import BibModel

/// Stage one of the RIS reader: scans bytes into records of raw tagged fields, losslessly,
/// in one pass over the bytes, reporting structural problems and recovering from them.
public enum RISScanner {
    /// Tags whose values are prose: a blank line inside them does not end the field.
    static let proseTags: Set<String> = ["AB", "N1", "N2", "RN", ""]
    /// Tags that mark a record worth recovering when no `TY` precedes them.
    static let substantiveTags: Set<String> = ["TI", "T1", "CT", "BT", "T2", "JF", "JO", "AU", "A1", "DO"]

    /// Scans a RIS file.
    /// - Parameters:
    ///   - bytes: the whole input.
    ///   - lines: the line index of `bytes`, used for diagnostic locations.
    ///   - firstLine: the line number of the first byte (above 1 for a piece of a file).
    ///   - diagnostics: where problems are reported.
    public static func scan(
        _ bytes: [UInt8], lines: LineIndex, firstLine: Int = 1, diagnostics: inout Diagnostics
    ) -> RISRawDocument {
        bytes.withUnsafeBufferPointer { buf in
            var scanner = Scanner(buf: buf, lines: lines)
            scanner.lineNo = firstLine
            scanner.run()
            diagnostics.append(contentsOf: scanner.diagnostics)
            return scanner.doc
        }
    }

    /// Scans a RIS file as ``scan(_:lines:firstLine:diagnostics:)`` does, handing each record
    /// to `each`, in order, as soon as it is complete (when the next one is, or at the end);
    /// the document returned keeps the records with their fields emptied, so the raw fields
    /// of the whole file are never all in memory. The scan's diagnostics are added when the
    /// scan ends, after whatever `each` did.
    static func scan(
        _ bytes: [UInt8], lines: LineIndex, diagnostics: inout Diagnostics, each: (RISRawRecord) -> Void
    ) -> RISRawDocument {
        withoutActuallyEscaping(each) { each in
            bytes.withUnsafeBufferPointer { buf in
                var scanner = Scanner(buf: buf, lines: lines)
                scanner.onRecord = each
                scanner.run()
                scanner.handOff(scanner.doc.records.count - 1)
                scanner.onRecord = nil
                diagnostics.append(contentsOf: scanner.diagnostics)
                return scanner.doc
            }
        }
    }
}

/// The scanner's state while it walks the lines.
private struct Scanner {
    let buf: UnsafeBufferPointer<UInt8>
    let lines: LineIndex
    var diagnostics = Diagnostics()
    var doc = RISRawDocument()

    /// The record being filled (after `TY`).
    var record: Builder?
    /// Fields seen outside a record, waiting for a `TY` or an `ER`.
    var orphans: Builder?
    /// The field whose continuation lines may follow.
    var field: FieldBuilder?
    /// Blank lines seen since the last non-blank line of the open field.
    var blanks = 0
    /// Text outside records being collected.
    var junk: (start: Int, end: Int, line: Int, parts: [Range<Int>])?
    var latin1Reported = false
    var lineNo = 1
    /// Called with each record once it is complete (its fields are then emptied); nil: the
    /// records are kept whole in `doc`.
    var onRecord: ((RISRawRecord) -> Void)?

    struct Builder {
        var fields: [RISRawField] = []
        var start: Int
        var line: Int
        var hasType: Bool
    }

    struct FieldBuilder {
        var tag: String
        var form: RISRawField.Form
        var start: Int
        var line: Int
        var parts: [Range<Int>]
        var end: Int
        var target: Target
    }

    /// Where a field goes when it is complete.
    enum Target {
        case record, orphans, previous
    }

    /// True right after an ER, until a blank line or other text: tag lines here belong to
    /// the record just closed (Ovid writes `NL` after `ER`).
    var afterER = false

    init(buf: UnsafeBufferPointer<UInt8>, lines: LineIndex) {
        self.buf = buf
        self.lines = lines
    }

    // MARK: Bytes

    @inline(__always) func byte(_ i: Int) -> UInt8 { i >= 0 && i < buf.count ? buf[i] : 0 }

    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    func hasBOM(at i: Int) -> Bool {
        i + 2 < buf.count && buf[i] == 0xEF && buf[i + 1] == 0xBB && buf[i + 2] == 0xBF
    }

    func location(_ offset: Int) -> SourceLocation { lines.location(ofOffset: offset) }

    // MARK: Lines

    mutating func run() {
        let n = buf.count
        var p = 0
        if hasBOM(at: 0) { doc.hadByteOrderMark = true }
        while p < n {
            var e = p
            while e < n, buf[e] != 0x0A, buf[e] != 0x0D { e += 1 }
            var next = e
            if next < n {
                next += (buf[next] == 0x0D && next + 1 < n && buf[next + 1] == 0x0A) ? 2 : 1
            }
            handleLine(p, e)
            lineNo += 1
            p = next
        }
        finish()
    }

    mutating func handleLine(_ lineStart: Int, _ end: Int) {
        var s = lineStart
        while hasBOM(at: s), s + 3 <= end { s += 3 }
        var blank = true
        var i = s
        while i < end {
            if !Scanner.isBlank(buf[i]) { blank = false; break }
            i += 1
        }
        if blank {
            blanks += 1
            afterER = false
            return
        }
        if let (tag, valueStart, form) = parseTag(s, end) {
            handleTag(tag, form: form, lineStart: s, valueStart: valueStart, end: end)
        } else {
            handleText(s, end)
        }
    }

    /// Recognises a tag line: `XX  - ` (any two-character tag), or a known tag spelled
    /// loosely (`ty - `, `KW -`, `A1\t- `, `TY-`), or a MEDLINE tag (`PMID - `).
    func parseTag(_ s: Int, _ e: Int) -> (String, Int, RISRawField.Form)? {
        guard e - s >= 3 else { return nil }
        let b0 = buf[s]
        let b1 = buf[s + 1]
        if Scanner.isUpper(b0), Scanner.isUpper(b1) || Scanner.isDigit(b1), e - s >= 5, buf[s + 2] == 0x20,
            buf[s + 3] == 0x20, buf[s + 4] == UInt8(ascii: "-"), e == s + 5 || buf[s + 5] == 0x20
        {
            let tag = String(decoding: UnsafeBufferPointer(rebasing: buf[s..<(s + 2)]), as: UTF8.self)
            return (tag, min(s + 6, e), .standard)
        }
        guard Scanner.isUpper(b0) || Scanner.isLower(b0) else { return nil }
        // Letters and digits of the tag (2 for RIS, up to 5 for MEDLINE).
        var t = s
        while t < e, t - s < 6, Scanner.isUpper(buf[t]) || Scanner.isLower(buf[t]) || Scanner.isDigit(buf[t]) { t += 1 }
        let tagLength = t - s
        guard tagLength >= 2, tagLength <= 5 else { return nil }
        var d = t
        while d < e, Scanner.isBlank(buf[d]) { d += 1 }
        guard d < e, buf[d] == UInt8(ascii: "-") else { return nil }
        if d + 1 < e, !Scanner.isBlank(buf[d + 1]) {
            // `TY-JOUR`: only for TY, and only when a known reference type follows.
            guard tagLength == 2, b0 | 0x20 == UInt8(ascii: "t"), b1 | 0x20 == UInt8(ascii: "y"),
                let ty = RISText.utf8(buf, (d + 1)..<e), RISTypeTable.row(for: ty) != nil
            else { return nil }
            return ("TY", d + 1, .loose)
        }
        var upper = [UInt8](UnsafeBufferPointer(rebasing: buf[s..<t]))
        for k in upper.indices where Scanner.isLower(upper[k]) { upper[k] -= 32 }
        let tag = String(decoding: upper, as: UTF8.self)
        let valueStart = min(d + 2, e)
        if tagLength == 2 {
            guard RISTagTable.knownTags.contains(tag) else { return nil }
            return (tag, valueStart, .loose)
        }
        // MEDLINE tags: upper case as written, separated by spaces.
        guard RISTagTable.medlineTags[tag] != nil, upper.elementsEqual(buf[s..<t]) else { return nil }
        return (tag, valueStart, .medline)
    }

    mutating func handleTag(_ tag: String, form: RISRawField.Form, lineStart: Int, valueStart: Int, end: Int) {
        closeField()
        blanks = 0
        if form == .loose {
            let written = String(decoding: UnsafeBufferPointer(rebasing: buf[lineStart..<min(valueStart, end)]), as: UTF8.self)
            diagnostics.warning(
                "ris.loose-tag", "tag line '\(RISText.trimmed(written))' is not in the standard form '\(tag)  - '",
                at: location(lineStart), field: tag)
        } else if form == .medline {
            diagnostics.note(
                "ris.medline-tag", "MEDLINE tag \(tag) inside a RIS record, read as an identifier", at: location(lineStart),
                field: tag)
        }
        if tag == "TY" || tag == "ER" { afterER = false }
        switch tag {
        case "TY":
            doc.typeLines += 1
            closeJunk()
            if let open = record {
                diagnostics.error(
                    "ris.missing-er", "TY while the record from line \(open.line) is still open: that record has no ER",
                    at: location(lineStart), field: "TY",
                    notes: ["the open record was closed here and kept; a new record begins"])
                closeRecord(closed: false)
            }
            var builder = Builder(start: lineStart, line: lineNo, hasType: true)
            let ty = makeField("TY", form: form, start: lineStart, line: lineNo, parts: [valueStart..<end], end: end)
            if let pending = orphans {
                diagnostics.warning(
                    "ris.tag-before-ty",
                    "\(pending.fields.count) tag line(s) before TY (from line \(pending.line)) were added to this record",
                    at: location(pending.start))
                builder.fields = [ty] + pending.fields
                orphans = nil
            } else {
                builder.fields = [ty]
            }
            record = builder
        case "ER":
            let er = makeField("ER", form: form, start: lineStart, line: lineNo, parts: [valueStart..<end], end: end)
            if record != nil {
                record?.fields.append(er)
                closeRecord(closed: true)
                afterER = true
                return
            } else if let pending = orphans {
                orphans = nil
                if pending.fields.contains(where: { RISScanner.substantiveTags.contains($0.tag) }) {
                    diagnostics.error(
                        "ris.missing-ty", "record without a TY line (read as a generic document)",
                        at: location(pending.start), field: "TY")
                    var rec = pending
                    rec.hasType = false
                    rec.fields.append(er)
                    record = rec
                    closeRecord(closed: true)
                } else {
                    orphansToJunk(pending)
                    junkLine(lineStart, end)
                    closeJunk()
                }
            } else {
                diagnostics.warning("ris.stray-er", "ER without an open record", at: location(lineStart), field: "ER")
            }
        default:
            if record != nil {
                field = FieldBuilder(
                    tag: tag, form: form, start: lineStart, line: lineNo, parts: [valueStart..<end], end: end,
                    target: .record)
            } else if afterER, orphans == nil, !doc.records.isEmpty {
                diagnostics.warning(
                    "ris.tag-after-er", "tag line \(tag) after ER was added to the record it follows",
                    at: location(lineStart), field: tag)
                field = FieldBuilder(
                    tag: tag, form: form, start: lineStart, line: lineNo, parts: [valueStart..<end], end: end,
                    target: .previous)
            } else {
                closeJunk()
                if orphans == nil { orphans = Builder(start: lineStart, line: lineNo, hasType: false) }
                field = FieldBuilder(
                    tag: tag, form: form, start: lineStart, line: lineNo, parts: [valueStart..<end], end: end,
                    target: .orphans)
            }
        }
    }

    mutating func handleText(_ s: Int, _ e: Int) {
        defer { afterER = false }
        if var f = field, blanks == 0 || RISScanner.proseTags.contains(f.tag) {
            for _ in 0..<blanks { f.parts.append(s..<s) }
            f.parts.append(s..<e)
            f.end = e
            field = f
            blanks = 0
            return
        }
        blanks = 0
        if record != nil {
            closeField()
            diagnostics.warning(
                "ris.stray-text", "line inside a record is neither a tag line nor a continuation; kept as a note",
                at: location(s))
            field = FieldBuilder(tag: "", form: .strayText, start: s, line: lineNo, parts: [s..<e], end: e, target: .record)
            return
        }
        closeField()
        junkLine(s, e)
    }

    // MARK: Building

    mutating func makeField(
        _ tag: String, form: RISRawField.Form, start: Int, line: Int, parts: [Range<Int>], end: Int
    ) -> RISRawField {
        var latin1 = false
        var value = ""
        for (k, part) in parts.enumerated() {
            if k > 0 { value += "\n" }
            if let text = RISText.utf8(buf, part) {
                value += text
            } else {
                latin1 = true
                value += RISText.windows1252(buf, part)
                if !latin1Reported {
                    latin1Reported = true
                    diagnostics.warning(
                        "ris.latin1", "input is not valid UTF-8; decoded as Windows-1252 (Latin-1)", at: location(part.lowerBound))
                }
            }
        }
        return RISRawField(
            tag: tag, value: value, range: start..<end, line: line, form: form, continuationLines: parts.count - 1,
            decodedAsLatin1: latin1)
    }

    mutating func closeField() {
        guard let f = field else { return }
        field = nil
        let raw = makeField(f.tag, form: f.form, start: f.start, line: f.line, parts: f.parts, end: f.end)
        switch f.target {
        case .record:
            record?.fields.append(raw)
        case .orphans:
            orphans?.fields.append(raw)
        case .previous:
            if let last = doc.records.indices.last {
                doc.records[last].fields.append(raw)
                doc.records[last].range = doc.records[last].range.lowerBound..<max(doc.records[last].range.upperBound, raw.range.upperBound)
            }
        }
    }

    mutating func closeRecord(closed: Bool) {
        closeField()
        guard let r = record else { return }
        record = nil
        // Fields moved in from before the TY start earlier than the TY line.
        var start = r.start
        var end = r.start
        for f in r.fields {
            start = min(start, f.range.lowerBound)
            end = max(end, f.range.upperBound)
        }
        doc.records.append(RISRawRecord(fields: r.fields, range: start..<end, line: r.line, hasType: r.hasType, closed: closed))
        // Only the last record can still change (tag lines after its ER): the one before
        // it is complete.
        handOff(doc.records.count - 2)
    }

    /// Hands record `index` to ``onRecord`` (if set and the record exists) and empties its fields.
    mutating func handOff(_ index: Int) {
        guard let onRecord, doc.records.indices.contains(index) else { return }
        onRecord(doc.records[index])
        doc.records[index].fields = []
    }

    mutating func junkLine(_ s: Int, _ e: Int) {
        if var j = junk {
            j.start = min(j.start, s)
            j.end = max(j.end, e)
            j.parts.append(s..<e)
            junk = j
        } else {
            junk = (s, e, lineNo, [s..<e])
        }
    }

    mutating func orphansToJunk(_ pending: Builder) {
        for f in pending.fields { junkLine(f.range.lowerBound, f.range.upperBound) }
    }

    mutating func closeJunk() {
        guard let j = junk else { return }
        junk = nil
        var text = ""
        let parts = j.parts.sorted { $0.lowerBound < $1.lowerBound }
        let line = lines.location(ofOffset: j.start).line
        for (k, part) in parts.enumerated() {
            if k > 0 { text += "\n" }
            text += RISText.utf8(buf, part) ?? RISText.windows1252(buf, part)
        }
        diagnostics.warning(
            "ris.outside-record", "text outside any record (\(j.parts.count) line(s)) was skipped and kept as a comment",
            at: location(j.start))
        doc.outside.append(RISRawText(text: text, range: j.start..<max(j.start, j.end), line: line))
    }

    mutating func finish() {
        closeField()
        if let open = record {
            diagnostics.warning(
                "ris.missing-er", "the last record (from line \(open.line)) has no ER; it was closed at the end of the file",
                at: location(open.start), field: "ER")
            closeRecord(closed: false)
        }
        if let pending = orphans {
            orphans = nil
            if pending.fields.contains(where: { RISScanner.substantiveTags.contains($0.tag) }) {
                diagnostics.error(
                    "ris.missing-ty", "record without a TY line (read as a generic document)",
                    at: location(pending.start), field: "TY")
                diagnostics.warning(
                    "ris.missing-er", "the record from line \(pending.line) has no ER", at: location(pending.start), field: "ER")
                record = pending
                closeRecord(closed: false)
            } else {
                orphansToJunk(pending)
            }
        }
        closeJunk()
    }
}
