import BibModel

/// Stage one of the reader: bytes → ``BibTeXRawDocument``, losslessly, in one forward pass.
///
/// The grammar is BibTeX's: `@type{…}` or `@type(…)`; text outside blocks is ignored (kept as
/// ``BibTeXRawBlock/text(_:)``); `@comment`, `@preamble`, `@string`; keys end at a comma,
/// white space or the closing delimiter; values are `{…}` (nested braces), `"…"` (braces
/// inside balanced), numbers and macro names joined by `#`. Braces are counted, never
/// recursed into, so nesting depth costs nothing.
///
/// Recovery: a syntax error is reported with its line and column (and the key when known),
/// the entry keeps the fields read so far, and scanning resumes at the next plausible entry
/// start. A braced or quoted value that runs into a line starting with `@type{` of a known
/// entry type is taken as unterminated there, so one missing brace costs one entry.
public enum BibTeXScanner {
    /// Scans a whole file. `lines` gives locations for diagnostics.
    public static func scan(_ bytes: [UInt8], lines: LineIndex, diagnostics: inout Diagnostics) -> BibTeXRawDocument {
        bytes.withUnsafeBufferPointer { buf in
            var scanner = Scanner(buf: buf, lines: lines)
            let document = scanner.run()
            diagnostics.append(contentsOf: scanner.diagnostics)
            return document
        }
    }

    /// Scans a piece for the streaming reader's first pass, which needs only keys, `@string`s
    /// and `crossref`/`xdata` fields: the blocks are those of ``scan(_:lines:diagnostics:)``
    /// (the same ranges), but entries keep only their `crossref`/`xdata` fields, and there
    /// are no diagnostics. ``entry(_:at:lines:)`` gives an entry in full.
    static func scanParentFields(_ bytes: [UInt8], lines: LineIndex) -> BibTeXRawDocument {
        bytes.withUnsafeBufferPointer { buf in
            var scanner = Scanner(buf: buf, lines: lines)
            scanner.onlyParentFields = true
            return scanner.run()
        }
    }

    /// An entry that scans without a diagnostic and has no `crossref`/`xdata` field: its
    /// key and extent.
    struct SkimmedEntry {
        var keyRange: Range<Int>
        var range: Range<Int>
    }

    /// ``scanParentFields(_:lines:)`` for the streaming reader's first pass, cheaper: the
    /// entries that scan without a diagnostic and have no `crossref`/`xdata` field are
    /// skimmed (their extent found as the scanner finds it, nothing built) and come apart,
    /// in file order, instead of among the blocks. `lines` serves only diagnostics, which
    /// are dropped: a ``LineIndex`` of no bytes does.
    static func skimParentFields(_ bytes: [UInt8], lines: LineIndex) -> (BibTeXRawDocument, [SkimmedEntry]) {
        bytes.withUnsafeBufferPointer { buf in
            var scanner = Scanner(buf: buf, lines: lines)
            scanner.onlyParentFields = true
            scanner.skim = true
            return (scanner.run(), scanner.skimmed)
        }
    }

    /// The entry that ``scan(_:lines:diagnostics:)`` finds at `at` (the offset of its `@`),
    /// with all its fields; nil when no entry starts there.
    static func entry(_ bytes: [UInt8], at: Int, lines: LineIndex) -> BibTeXRawEntry? {
        bytes.withUnsafeBufferPointer { buf in
            var scanner = Scanner(buf: buf, lines: lines)
            return scanner.entry(at: at)
        }
    }

    /// Entry types (lower case) that make `@name{` at a line start a plausible entry start.
    static let knownTypes: Set<[UInt8]> = {
        var names: Set<String> = ["string", "preamble", "comment", "xdata", "set"]
        for row in BibTeXTypeTable.rows {
            names.insert(row.bibtex)
            names.insert(row.biblatex)
        }
        for type in BibLaTeXDataModel.entryFields.keys { names.insert(type) }
        return Set(names.map { Array($0.utf8) })
    }()
}

// MARK: - Byte classes

@inline(__always)
func isBibSpace(_ b: UInt8) -> Bool { b == 0x20 || b &- 0x09 < 5 }  // space, or TAB LF VT FF CR (0x09...0x0D)

/// A byte that may appear in a BibTeX identifier (entry type, field name, macro name):
/// anything printable except white space and `" # % ' ( ) , = { }`. Non-ASCII bytes count.
@inline(__always)
func isIdentifierByte(_ b: UInt8) -> Bool {
    // One bit per ASCII byte (the set above); every byte from 0x80 counts.
    let low: UInt64 = 0xDFFF_EC52_0000_0000  // 0x21...0x3F without " # % ' ( ) , =
    let high: UInt64 = 0x57FF_FFFF_FFFF_FFFF  // 0x40...0x7E without { }
    if b >= 0x80 { return true }
    return b < 0x40 ? (low >> UInt64(b)) & 1 != 0 : (high >> UInt64(b &- 0x40)) & 1 != 0
}

// MARK: - Scanner

private struct Scanner {
    let buf: UnsafeBufferPointer<UInt8>
    let lines: LineIndex
    let n: Int
    var pos = 0
    var diagnostics = Diagnostics()
    var blocks: [BibTeXRawBlock] = []
    /// How many fields the last entry had.
    var fieldCount = 8
    /// Field names and entry types made so far (they repeat): by the hash of their bytes.
    var names = [CachedName](repeating: CachedName(), count: 64)

    struct CachedName {
        /// The bytes, little-endian, zero-padded (names hold no zero byte).
        var low: UInt64 = 0
        var high: UInt64 = 0
        var count = -1
        var name = ""
    }
    /// Entries keep only their `crossref`/`xdata` fields; the others are scanned (for their
    /// extent) without making strings of their names (``BibTeXScanner/scanParentFields(_:lines:)``).
    var onlyParentFields = false
    /// Entries are first skimmed (``skimEntry(at:header:)``): those that scan without a
    /// diagnostic and have no `crossref`/`xdata` field are kept with their key only.
    var skim = false
    /// The entries skimmed, apart from ``blocks``.
    var skimmed: [BibTeXScanner.SkimmedEntry] = []

    init(buf: UnsafeBufferPointer<UInt8>, lines: LineIndex) {
        self.buf = buf
        self.lines = lines
        self.n = buf.count
    }

    // MARK: Top level

    mutating func run() -> BibTeXRawDocument {
        let start = n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF ? 3 : 0
        pos = start
        var textStart = pos
        blocks.reserveCapacity(n / 600 + 4)
        while pos < n {
            guard let at = nextAt(from: pos) else { break }
            guard !isCommentedOut(at), let header = entryHeader(at: at) else {
                pos = at + 1
                continue
            }
            flushText(textStart..<at)
            pos = header.bodyStart
            switch header.kind {
            case .comment: scanComment(at: at, header: header)
            case .preamble: scanPreamble(at: at, header: header)
            case .string: scanString(at: at, header: header)
            case .entry:
                if !(skim && skimEntry(at: at, header: header)) { scanEntry(at: at, header: header) }
            }
            textStart = pos
        }
        flushText(textStart..<n)
        return BibTeXRawDocument(blocks: blocks, contentStart: start)
    }

    /// The entry whose `@` is at `at`, scanned as ``run()`` scans it.
    mutating func entry(at: Int) -> BibTeXRawEntry? {
        guard at >= 0, at < n, buf[at] == UInt8(ascii: "@"), !isCommentedOut(at), let header = entryHeader(at: at) else {
            return nil
        }
        guard header.kind == .entry else { return nil }
        pos = header.bodyStart
        scanEntry(at: at, header: header)
        guard case .entry(let entry)? = blocks.last else { return nil }
        return entry
    }

    private func nextAt(from i: Int) -> Int? {
        var j = i
        while j < n {
            if buf[j] == UInt8(ascii: "@") { return j }
            j += 1
        }
        return nil
    }

    /// A `@` on a line that starts with `%` (an entry commented out, as biber and most tools
    /// read it; BibTeX itself has no comments outside entries).
    private func isCommentedOut(_ at: Int) -> Bool {
        var j = at - 1
        while j >= 0 && buf[j] != 0x0A && buf[j] != 0x0D {
            if buf[j] == UInt8(ascii: "%") { return true }
            j -= 1
        }
        return false
    }

    /// Text between blocks: kept when it holds more than white space. A `@` that starts no
    /// block (an e-mail address) stays part of the text.
    private mutating func flushText(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        var k = range.lowerBound
        while k < range.upperBound {
            if !isBibSpace(buf[k]) {
                blocks.append(.text(range))
                return
            }
            k += 1
        }
    }

    /// What a block header opens.
    enum BlockKind { case comment, preamble, string, entry }

    struct Header {
        /// `@comment`, `@preamble`, `@string` (in any case) or an entry.
        var kind: BlockKind
        /// The bytes of the type as written.
        var typeRange: Range<Int>
        /// `}` or `)`, or 0 for `@comment` without a delimiter.
        var close: UInt8
        /// Just after the opening delimiter.
        var bodyStart: Int
    }

    /// The type as written (`Article`).
    private mutating func written(_ header: Header) -> String { name(header.typeRange) }

    /// `@ type {` or `@ type (`, with optional white space; `@comment` needs no delimiter.
    /// (The type is compared on bytes, ASCII letters in any case: no other character
    /// lower-cases to the letters of `comment`, `preamble` or `string`.)
    private func entryHeader(at: Int) -> Header? {
        var j = at + 1
        while j < n && isBibSpace(buf[j]) { j += 1 }
        let typeStart = j
        while j < n && isIdentifierByte(buf[j]) && buf[j] != UInt8(ascii: "@") { j += 1 }
        guard j > typeStart, !isASCIIDigit(buf[typeStart]) else { return nil }
        let typeRange = typeStart..<j
        let kind: BlockKind =
            matchesFolded(typeRange, "comment")
            ? .comment : matchesFolded(typeRange, "string") ? .string : matchesFolded(typeRange, "preamble") ? .preamble : .entry
        while j < n && isBibSpace(buf[j]) { j += 1 }
        guard j < n, buf[j] == UInt8(ascii: "{") || buf[j] == UInt8(ascii: "(") else {
            if kind == .comment { return Header(kind: kind, typeRange: typeRange, close: 0, bodyStart: typeRange.upperBound) }
            return nil
        }
        return Header(
            kind: kind, typeRange: typeRange, close: buf[j] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: ")"),
            bodyStart: j + 1)
    }

    /// A line start (after optional blanks) holding `@knowntype{` or `@knowntype(`.
    private func isEntryStartLine(_ i: Int) -> Bool {
        var j = i
        while j < n && (buf[j] == 0x20 || buf[j] == 0x09) { j += 1 }
        guard j < n, buf[j] == UInt8(ascii: "@") else { return false }
        j += 1
        let typeStart = j
        while j < n && isASCIILetter(buf[j]) { j += 1 }
        guard j > typeStart, j - typeStart <= 20 else { return false }
        var name = [UInt8](buf[typeStart..<j])
        for k in name.indices { name[k] |= 0x20 }
        guard BibTeXScanner.knownTypes.contains(name) else { return false }
        while j < n && (buf[j] == 0x20 || buf[j] == 0x09) { j += 1 }
        return j < n && (buf[j] == UInt8(ascii: "{") || buf[j] == UInt8(ascii: "("))
    }

    // MARK: Blocks

    private mutating func scanComment(at: Int, header: Header) {
        if header.close == 0 {
            // `@comment text…`: to the end of the line.
            var j = pos
            while j < n && buf[j] != 0x0A && buf[j] != 0x0D { j += 1 }
            blocks.append(.comment(content: pos..<j, range: at..<j))
            pos = j
            return
        }
        let open: UInt8 = header.close == UInt8(ascii: "}") ? UInt8(ascii: "{") : UInt8(ascii: "(")
        var depth = 1
        var j = pos
        while j < n {
            let b = buf[j]
            if b == open {
                depth += 1
            } else if b == header.close {
                depth -= 1
                if depth == 0 { break }
            }
            j += 1
        }
        // BibTeX skips only the word `@comment`: entries inside the braces are entries (biber
        // skips them). Read them as BibTeX does.
        var k = pos
        while k < min(j, n) {
            if (buf[k] == 0x0A || buf[k] == 0x0D), isEntryStartLine(k + 1) {
                warning(
                    "bibtex.entries-in-comment",
                    "@comment holds entries; they are read, as BibTeX reads them (biber would skip them)", at: at)
                blocks.append(.comment(content: pos..<k, range: at..<k))
                pos = k + 1
                return
            }
            k += 1
        }
        if j >= n {
            error("bibtex.unbalanced-braces", "@comment is not closed before the end of the file", at: at)
            blocks.append(.comment(content: pos..<n, range: at..<n))
            pos = n
            return
        }
        blocks.append(.comment(content: pos..<j, range: at..<(j + 1)))
        pos = j + 1
    }

    private mutating func scanPreamble(at: Int, header: Header) {
        skipSpace()
        let value = scanValue(close: header.close, key: nil)
        skipSpace()
        if pos < n && buf[pos] == header.close {
            pos += 1
        } else if !value.cut {
            error("bibtex.missing-delimiter", "@preamble is not closed with '\(Character(Unicode.Scalar(header.close)))'", at: pos)
            recover(close: header.close)
        }
        blocks.append(.preamble(value.value, range: at..<pos))
    }

    private mutating func scanString(at: Int, header: Header) {
        var first = true
        while true {
            skipSpace()
            guard pos < n else {
                error("bibtex.unclosed-entry", "@string is not closed before the end of the file", at: at)
                return
            }
            if buf[pos] == header.close {
                if first { warning("bibtex.empty-string", "@string defines nothing", at: at) }
                pos += 1
                return
            }
            if !first {
                guard buf[pos] == UInt8(ascii: ",") else {
                    error("bibtex.missing-delimiter", "@string is not closed with '\(Character(Unicode.Scalar(header.close)))'", at: pos)
                    recover(close: header.close)
                    return
                }
                pos += 1
                skipSpace()
                if pos < n && buf[pos] == header.close {
                    pos += 1
                    return
                }
            }
            var defined: [BibTeXRawField] = []
            guard let cut = scanField(close: header.close, key: nil, what: "@string", into: &defined), let field = defined.first
            else {
                recover(close: header.close)
                return
            }
            blocks.append(.string(field, range: at..<pos))
            if cut { return }
            first = false
        }
    }

    // MARK: Entries

    private mutating func scanEntry(at: Int, header: Header) {
        var entry = BibTeXRawEntry(type: written(header), key: nil, keyRange: nil, fields: [], range: at..<at, isComplete: true)
        // The fields go straight into the entry's array, made room for as many as the last
        // entry had and a few more: one allocation for nearly every entry, and no copy.
        entry.fields.reserveCapacity(fieldCount + fieldCount / 4 + 2)
        defer {
            entry.range = at..<pos
            fieldCount = entry.fields.count
            if onlyParentFields { entry.fields.removeAll { !BibTeXResolver.isParentField($0.name) } }
            blocks.append(.entry(entry))
        }
        skipSpace()
        // The key: up to a comma, white space or the closing delimiter.
        let keyStart = pos
        while pos < n {
            let b = buf[pos]
            // BibTeX's rule: a key ends at a comma, white space or the closing delimiter
            // (`{` is a key character); `=` shows the key is missing.
            if b == UInt8(ascii: ",") || isBibSpace(b) || b == header.close || b == UInt8(ascii: "=") {
                break
            }
            pos += 1
        }
        var keyEnd = pos
        skipSpace()
        if pos < n && buf[pos] == UInt8(ascii: "=") {
            // `@article{title = …`: there is no key; what looked like one is a field name.
            error("bibtex.missing-key", "@\(written(header)) has no citation key", at: keyStart)
            pos = keyStart
            keyEnd = keyStart
        } else if keyEnd > keyStart {
            entry.key = string(keyStart..<keyEnd)
            entry.keyRange = keyStart..<keyEnd
        } else if pos < n && (buf[pos] == UInt8(ascii: ",") || buf[pos] == header.close) {
            error("bibtex.missing-key", "@\(written(header)) has no citation key", at: keyStart)
            if buf[pos] == UInt8(ascii: ",") { pos += 1 }
        }
        let key = entry.key
        if keyEnd > keyStart || entry.key != nil {
            skipSpace()
            if pos < n && buf[pos] == UInt8(ascii: ",") {
                pos += 1
            } else if pos < n && buf[pos] == header.close {
                pos += 1
                return
            } else if pos >= n {
                error("bibtex.unclosed-entry", "entry is not closed before the end of the file", at: at, key: key)
                entry.isComplete = false
                return
            } else if isIdentifierByte(buf[pos]) {
                error("bibtex.missing-comma", "a comma is missing after the citation key", at: pos, key: key)
            }
        }
        var reportedComment = false
        var backtracked = false
        while true {
            skipSpace()
            guard pos < n else {
                // A value whose braces balanced only at the entry's own `}` swallowed the
                // fields after it: cut it before the first of them and read on from there.
                if !backtracked, let resume = cutSwallowingValue(&entry, key: key) {
                    backtracked = true
                    pos = resume
                    continue
                }
                error("bibtex.unclosed-entry", "entry is not closed before the end of the file", at: at, key: key)
                entry.isComplete = false
                return
            }
            let b = buf[pos]
            if b == header.close {
                pos += 1
                return
            }
            if b == UInt8(ascii: ",") {
                error("bibtex.empty-field", "an empty field (two commas in a row)", at: pos, key: key)
                pos += 1
                continue
            }
            if b == UInt8(ascii: "%") {
                // BibTeX has no comments inside entries; biber skips such lines. Skip them too.
                if !reportedComment {
                    warning("bibtex.comment-in-entry", "a '%' line inside an entry is not a comment for BibTeX; skipped", at: pos, key: key)
                    reportedComment = true
                }
                while pos < n && buf[pos] != 0x0A && buf[pos] != 0x0D { pos += 1 }
                continue
            }
            if b == UInt8(ascii: "@"), lineStart(pos), isEntryStartLine(pos) || entryHeader(at: pos) != nil {
                if !backtracked, let resume = cutSwallowingValue(&entry, key: key) {
                    backtracked = true
                    pos = resume
                    continue
                }
                error(
                    "bibtex.unclosed-entry",
                    "entry is not closed with '\(Character(Unicode.Scalar(header.close)))' before the next entry", at: pos, key: key)
                entry.isComplete = false
                return
            }
            guard let cut = scanField(close: header.close, key: key, what: "field", into: &entry.fields) else {
                switch skipToNextField(close: header.close) {
                case .nextField: continue
                case .closed: return
                case .cut:
                    entry.isComplete = false
                    return
                }
            }
            if cut {
                entry.isComplete = false
                return
            }
            skipSpace()
            guard pos < n else { continue }
            let c = buf[pos]
            if c == UInt8(ascii: ",") {
                pos += 1
            } else if c == header.close {
                continue
            } else if isIdentifierByte(c) && c != UInt8(ascii: "@") {
                error("bibtex.missing-comma", "a comma is missing after field '\(entry.fields.last?.name ?? "")'", at: pos, key: key)
            } else if c == UInt8(ascii: "@") {
                continue
            } else {
                error(
                    "bibtex.unexpected-character", "unexpected '\(printable(c))' after field '\(entry.fields.last?.name ?? "")'", at: pos,
                    key: key)
                switch skipToNextField(close: header.close) {
                case .nextField: continue
                case .closed: return
                case .cut:
                    entry.isComplete = false
                    return
                }
            }
        }
    }

    /// The first pass's cheap look at an entry: when ``scanEntry(at:header:)`` would scan it
    /// without a diagnostic (the path taken is the same, step by step, but builds nothing)
    /// and it has no `crossref`/`xdata` field, adds its key and extent to ``skimmed`` and
    /// returns true. Otherwise returns false at `header.bodyStart`, for the full scan.
    private mutating func skimEntry(at: Int, header: Header) -> Bool {
        let close = header.close
        pos = header.bodyStart
        var done = false
        defer { if !done { pos = header.bodyStart } }
        skipSpace()
        let keyStart = pos
        while pos < n {
            let b = buf[pos]
            if b == UInt8(ascii: ",") || isBibSpace(b) || b == close || b == UInt8(ascii: "=") { break }
            pos += 1
        }
        let keyEnd = pos
        guard keyEnd > keyStart else { return false }
        skipSpace()
        guard pos < n else { return false }
        if buf[pos] == close {
            pos += 1
            done = true
        } else if buf[pos] == UInt8(ascii: ",") {
            pos += 1
        } else {
            return false
        }
        while !done {
            skipSpace()
            guard pos < n else { return false }
            let b = buf[pos]
            if b == close {
                pos += 1
                done = true
                break
            }
            // (`,` `%` are diagnostics; `@` may start the next entry.)
            guard b != UInt8(ascii: ","), b != UInt8(ascii: "%"), b != UInt8(ascii: "@") else { return false }
            // The field's name, `=`, and the value's pieces, as ``scanField`` and ``scanValue`` read them.
            let nameStart = pos
            skipIdentifier()
            guard pos > nameStart, !isParentFieldName(nameStart..<pos) else { return false }
            skipSpace()
            guard pos < n, buf[pos] == UInt8(ascii: "=") else { return false }
            pos += 1
            while true {
                skipSpace()
                guard pos < n else { return false }
                let p = buf[pos]
                if p == UInt8(ascii: "{") || p == UInt8(ascii: "\"") {
                    let (end, terminated) = delimitedEnd(from: pos + 1, quoted: p == UInt8(ascii: "\""))
                    guard terminated else { return false }
                    pos = end
                } else if isASCIIDigit(p) {
                    skipNumber()
                } else if isIdentifierByte(p) && p != UInt8(ascii: "@") {
                    skipIdentifier()
                } else {
                    return false
                }
                if !concatenates() { break }
            }
            skipSpace()
            guard pos < n else { return false }
            let c = buf[pos]
            if c == UInt8(ascii: ",") {
                pos += 1
            } else if c != close {
                return false
            }
        }
        skimmed.append(BibTeXScanner.SkimmedEntry(keyRange: keyStart..<keyEnd, range: at..<pos))
        return true
    }

    /// `name = value`, appended to `fields` (built in place: returning it cost a copy and a
    /// release per field); returns whether the value was cut short, nil after reporting when
    /// there is no name or no `=`.
    private mutating func scanField(close: UInt8, key: String?, what: String, into fields: inout [BibTeXRawField]) -> Bool? {
        let nameStart = pos
        skipIdentifier()
        guard pos > nameStart else {
            if pos < n {
                error("bibtex.unexpected-character", "unexpected '\(printable(buf[pos]))' where a field name should be", at: pos, key: key)
            } else {
                error("bibtex.unexpected-character", "the file ends where a field name should be", at: max(nameStart - 1, 0), key: key)
            }
            return nil
        }
        let nameRange = nameStart..<pos
        // (Only the names of `crossref`/`xdata` fields when the others are dropped.)
        let name = onlyParentFields && what == "field" && !isParentFieldName(nameRange) ? "" : self.name(nameRange)
        skipSpace()
        guard pos < n, buf[pos] == UInt8(ascii: "=") else {
            error("bibtex.missing-equals", "'=' is missing after \(what) name '\(name)'", at: pos < n ? pos : nameStart, key: key)
            return nil
        }
        pos += 1
        skipSpace()
        let value = scanValue(close: close, key: key, fieldName: name)
        fields.append(BibTeXRawField(name: name, nameRange: nameRange, value: value.value))
        return value.cut
    }

    /// `piece # piece # …`. `cut` is true when a piece ran into the next entry or the end of
    /// the file (the caller ends the block there).
    private mutating func scanValue(close: UInt8, key: String?, fieldName: String? = nil) -> (value: BibTeXRawValue, cut: Bool) {
        var pieces = BibTeXValuePieces()
        let start = pos
        var cut = false
        while true {
            skipSpace()
            guard pos < n else {
                cut = true
                break
            }
            let b = buf[pos]
            let pieceStart = pos
            if b == UInt8(ascii: "{") || b == UInt8(ascii: "\"") {
                let quoted = b == UInt8(ascii: "\"")
                let (end, terminated) = delimitedEnd(from: pos + 1, quoted: quoted)
                if terminated {
                    pieces.append(
                        BibTeXValuePiece(
                            kind: quoted ? .quoted : .braced, range: pieceStart..<end, content: (pieceStart + 1)..<(end - 1),
                            isTerminated: true))
                    pos = end
                } else {
                    let what = fieldName.map { "the value of '\($0)'" } ?? "a value"
                    let opened = quoted ? "a '\"'" : "a '{'"
                    let code = quoted ? "bibtex.unterminated-string" : "bibtex.unbalanced-braces"
                    if let (contentEnd, resume) = nextFieldLine(from: pieceStart + 1, before: end) {
                        // The next line that starts a field ends the value: the rest of the entry is kept.
                        error(
                            code, "\(what) opens \(opened) that is not closed; the value ends before the next field (line \(lines.location(ofOffset: resume).line))",
                            at: pieceStart, key: key, field: fieldName)
                        pieces.append(
                            BibTeXValuePiece(
                                kind: quoted ? .quoted : .braced, range: pieceStart..<contentEnd,
                                content: (pieceStart + 1)..<contentEnd, isTerminated: false))
                        pos = resume
                        break
                    }
                    let endWhere = end >= n ? "the end of the file" : "the next entry (line \(lines.location(ofOffset: end).line))"
                    error(code, "\(what) opens \(opened) that is not closed before \(endWhere)", at: pieceStart, key: key, field: fieldName)
                    pieces.append(
                        BibTeXValuePiece(
                            kind: quoted ? .quoted : .braced, range: pieceStart..<end, content: (pieceStart + 1)..<end,
                            isTerminated: false))
                    pos = end
                    cut = true
                    break
                }
            } else if isASCIIDigit(b) {
                skipNumber()
                pieces.append(BibTeXValuePiece(kind: .number, range: pieceStart..<pos, content: pieceStart..<pos, isTerminated: true))
            } else if isIdentifierByte(b) && b != UInt8(ascii: "@") {
                skipIdentifier()
                pieces.append(BibTeXValuePiece(kind: .macro, range: pieceStart..<pos, content: pieceStart..<pos, isTerminated: true))
            } else {
                let what = fieldName.map { "'\($0)'" } ?? "this definition"
                if pieces.isEmpty {
                    error("bibtex.missing-value", "\(what) has no value", at: pos, key: key, field: fieldName)
                } else {
                    error("bibtex.missing-value", "'#' is not followed by a value in \(what)", at: pos, key: key, field: fieldName)
                }
                break
            }
            if !concatenates() { break }
        }
        let end = pieces.last?.range.upperBound ?? start
        return (BibTeXRawValue(pieces: pieces, range: start..<max(start, end)), cut)
    }

    /// The end (one past the closing delimiter) of a `{…}` or `"…"` whose content starts at
    /// `from`, and whether it was closed. An unclosed one ends at the next line that starts
    /// a known entry, or at the end of the file.
    private func delimitedEnd(from: Int, quoted: Bool) -> (Int, Bool) {
        var depth = quoted ? 0 : 1
        var j = from
        while j < n {
            // Eight bytes at a time up to the next one that matters (`{ } "` or a line break).
            j = BibTeXText.nextDelimiter(buf, from: j)
            guard j < n else { break }
            let b = buf[j]
            switch b {
            case UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "}"):
                if depth == 0 {
                    // A stray `}` inside quotes: BibTeX rejects it; keep scanning for the quote.
                    break
                }
                depth -= 1
                if depth == 0 && !quoted { return (j + 1, true) }
            case UInt8(ascii: "\""):
                if quoted && depth == 0 { return (j + 1, true) }
            case 0x0A, 0x0D:
                if isEntryStartLine(j + 1) { return (j + 1, false) }
            default:
                break
            }
            j += 1
        }
        return (n, false)
    }

    enum FieldRecovery { case nextField, closed, cut }

    /// The last field's braced value when it holds a line that starts a field: cut before that
    /// line (reported as unbalanced braces); returns where to read on.
    private mutating func cutSwallowingValue(_ entry: inout BibTeXRawEntry, key: String?) -> Int? {
        guard var field = entry.fields.last, let piece = field.value.pieces.last, piece.kind == .braced || piece.kind == .quoted,
            let (contentEnd, resume) = nextFieldLine(from: piece.content.lowerBound, before: piece.content.upperBound)
        else { return nil }
        error(
            piece.kind == .quoted ? "bibtex.unterminated-string" : "bibtex.unbalanced-braces",
            "the value of '\(field.name)' opens \(piece.kind == .quoted ? "a '\"'" : "a '{'") that is not closed; the value ends before the next field (line \(lines.location(ofOffset: resume).line))",
            at: piece.range.lowerBound, key: key, field: field.name)
        var cut = piece
        cut.range = piece.range.lowerBound..<contentEnd
        cut.content = piece.content.lowerBound..<contentEnd
        cut.isTerminated = false
        field.value.pieces[field.value.pieces.count - 1] = cut
        field.value.range = field.value.range.lowerBound..<contentEnd
        entry.fields[entry.fields.count - 1] = field
        return resume < n && buf[resume] == UInt8(ascii: ",") ? resume + 1 : resume
    }

    /// In an unterminated value starting at `from` and cut at `before`: the first line that
    /// starts like a field (`name =`). Returns where the value's content ends (before a
    /// trailing comma and white space) and where scanning resumes (at that comma, else the
    /// line start).
    private func nextFieldLine(from: Int, before: Int) -> (Int, Int)? {
        var j = from
        while j < before {
            if buf[j] == 0x0A || buf[j] == 0x0D {
                var k = j + 1
                while k < before && (buf[k] == 0x20 || buf[k] == 0x09 || buf[k] == 0x0A || buf[k] == 0x0D) { k += 1 }
                let nameStart = k
                while k < before && isIdentifierByte(buf[k]) && buf[k] != UInt8(ascii: "@") { k += 1 }
                if k > nameStart && isASCIILetter(buf[nameStart]) {
                    while k < before && (buf[k] == 0x20 || buf[k] == 0x09) { k += 1 }
                    if k < before && buf[k] == UInt8(ascii: "=") {
                        var end = j
                        while end > from && isBibSpace(buf[end - 1]) { end -= 1 }
                        if end > from && buf[end - 1] == UInt8(ascii: ",") { return (end - 1, end - 1) }
                        return (end, j)
                    }
                }
            }
            j += 1
        }
        return nil
    }

    /// After an error inside an entry: skips to just after the next comma at brace depth zero
    /// (the next field), or past the closing delimiter, or stops before a line starting a new entry.
    private mutating func skipToNextField(close: UInt8) -> FieldRecovery {
        var depth = 0
        while pos < n {
            let b = buf[pos]
            if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                if depth == 0 && close == b {
                    pos += 1
                    return .closed
                }
                depth = max(0, depth - 1)
            } else if depth == 0 && b == close {
                pos += 1
                return .closed
            } else if depth == 0 && b == UInt8(ascii: ",") {
                pos += 1
                return .nextField
            } else if (b == 0x0A || b == 0x0D) && isEntryStartLine(pos + 1) {
                pos += 1
                return .cut
            }
            pos += 1
        }
        return .cut
    }

    /// After an error inside a block: skips to just after the block's closing delimiter at
    /// brace depth zero, or stops before a line starting a new entry. True when it found the close.
    @discardableResult
    private mutating func recover(close: UInt8) -> Bool {
        var depth = 0
        while pos < n {
            let b = buf[pos]
            if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                if depth == 0 && close == b {
                    pos += 1
                    return true
                }
                depth = max(0, depth - 1)
            } else if b == close && depth == 0 {
                pos += 1
                return true
            } else if (b == 0x0A || b == 0x0D) && isEntryStartLine(pos + 1) {
                pos += 1
                return false
            }
            pos += 1
        }
        return false
    }

    // MARK: Helpers

    /// True when the bytes are `crossref` or `xdata` in any case (``BibTeXResolver/isParentField(_:)``).
    private func isParentFieldName(_ range: Range<Int>) -> Bool {
        matchesFolded(range, "crossref") || matchesFolded(range, "xdata")
    }

    /// True when the bytes are `word` (lower-case ASCII letters) in any case.
    @inline(__always)
    private func matchesFolded(_ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<range.count where buf[range.lowerBound + k] | 0x20 != w[k] { return false }
        return true
    }

    private func lineStart(_ i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && (buf[j] == 0x20 || buf[j] == 0x09) { j -= 1 }
        return j < 0 || buf[j] == 0x0A || buf[j] == 0x0D
    }

    /// Past a number piece (digits) at `pos`, as ``scanValue`` and the skim read it.
    private mutating func skipNumber() {
        while pos < n && isIdentifierByte(buf[pos]) && isASCIIDigit(buf[pos]) { pos += 1 }
    }

    /// Past a macro name or field name at `pos`.
    private mutating func skipIdentifier() {
        while pos < n && isIdentifierByte(buf[pos]) { pos += 1 }
    }

    /// After a value piece: true, past the `#`, when another piece is joined to it; false,
    /// with `pos` back where the piece ended, when the value ends there.
    private mutating func concatenates() -> Bool {
        let afterPiece = pos
        skipSpace()
        if pos < n && buf[pos] == UInt8(ascii: "#") {
            pos += 1
            return true
        }
        pos = afterPiece
        return false
    }

    private mutating func skipSpace() {
        while pos < n && isBibSpace(buf[pos]) { pos += 1 }
    }

    /// ``string(_:)`` of a name (field, entry type): made once per piece for names of up
    /// to 16 bytes, then taken from ``names``.
    private mutating func name(_ range: Range<Int>) -> String {
        let count = range.count
        guard count <= 16 else { return string(range) }
        var low: UInt64 = 0
        var high: UInt64 = 0
        var k = 0
        while k < count && k < 8 {
            low |= UInt64(buf[range.lowerBound + k]) << UInt64(8 * k)
            k += 1
        }
        while k < count {
            high |= UInt64(buf[range.lowerBound + k]) << UInt64(8 * (k - 8))
            k += 1
        }
        let hash = (low ^ (high &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(count)) &* 0x9E37_79B9_7F4A_7C15
        let slot = Int(truncatingIfNeeded: hash >> 58)
        if names[slot].count == count && names[slot].low == low && names[slot].high == high { return names[slot].name }
        let made = string(range)
        names[slot] = CachedName(low: low, high: high, count: count, name: made)
        return made
    }

    private func string(_ range: Range<Int>) -> String {
        BibTeXText.string(UnsafeBufferPointer(rebasing: buf[range]))
    }

    private func printable(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7F ? String(Character(Unicode.Scalar(b))) : "\\x" + String(b, radix: 16)
    }

    private mutating func error(_ code: String, _ message: String, at offset: Int, key: String? = nil, field: String? = nil) {
        diagnostics.error(code, message, at: lines.location(ofOffset: min(offset, n)), entryKey: key, field: field)
    }

    private mutating func warning(_ code: String, _ message: String, at offset: Int, key: String? = nil) {
        diagnostics.warning(code, message, at: lines.location(ofOffset: min(offset, n)), entryKey: key)
    }
}

/// Strings from bytes: UTF-8 when valid, else Windows-1252 (Latin-1).
enum BibTeXText {
    /// `s.lowercased()`, without making a new string when `s` is ASCII without capitals
    /// (field names, entry types and citation keys nearly always are).
    static func lowercased(_ s: String) -> String {
        // Over the contiguous bytes (the usual native or small string): ASCII capitals are
        // lowered in a new string of the same length, which is what `lowercased()` gives for
        // ASCII (it costs a Unicode walk); anything else goes to `lowercased()`.
        let fast: String?? = s.utf8.withContiguousStorageIfAvailable { buf -> String? in
            var upper = false
            for b in buf {
                if b >= 0x80 { return nil }
                if b &- 0x41 < 26 { upper = true }
            }
            guard upper else { return s }
            return String(unsafeUninitializedCapacity: buf.count) { out in
                for i in 0..<buf.count {
                    let b = buf[i]
                    out[i] = b &- 0x41 < 26 ? b | 0x20 : b
                }
                return buf.count
            }
        }
        // nil: a string without contiguous UTF-8 (a bridged one; never on Linux).
        guard let fast else { return s.lowercased() }
        return fast ?? s.lowercased()
    }

    /// Decodes bytes as UTF-8, or as Windows-1252 when they are not valid UTF-8.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let s = TextDecoding.utf8(bytes) { return s }
        return windows1252(bytes)
    }

    /// Decodes bytes as UTF-8, or as Windows-1252 when they are not valid UTF-8.
    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBufferPointer { string($0) }
    }

    /// The index of the `}` matching the `{` at `open`, counting every brace; nil when none.
    static func matchingClose(_ buf: UnsafeBufferPointer<UInt8>, _ open: Int) -> Int? {
        var depth = 0
        var j = open
        while j < buf.count {
            if buf[j] == UInt8(ascii: "{") {
                depth += 1
            } else if buf[j] == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return j }
            }
            j += 1
        }
        return nil
    }

    /// The index of the first `{`, `}`, `"`, LF or CR at or after `from` (`buf.count` when none).
    @inline(__always)
    static func nextDelimiter(_ buf: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var j = from
        let n = buf.count
        #if _endian(little)
        if let base = buf.baseAddress {
            let raw = UnsafeRawPointer(base)
            while j + 8 <= n {
                let x = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                let m = ByteWord.equal(x, 0x7B) | ByteWord.equal(x, 0x7D) | ByteWord.equal(x, 0x22)
                    | ByteWord.equal(x, 0x0A) | ByteWord.equal(x, 0x0D)
                if m != 0 { return j + m.trailingZeroBitCount >> 3 }
                j += 8
            }
        }
        #endif
        while j < n {
            let b = buf[j]
            if b == 0x7B || b == 0x7D || b == 0x22 || b == 0x0A || b == 0x0D { return j }
            j += 1
        }
        return n
    }

    private static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// Windows-1252 (a superset of Latin-1's printable characters).
    static func windows1252(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            if b >= 0x80 && b < 0xA0 {
                scalars.append(Unicode.Scalar(cp1252High[Int(b - 0x80)]) ?? "\u{FFFD}")
            } else {
                scalars.append(Unicode.Scalar(b))
            }
        }
        return String(scalars)
    }
}
