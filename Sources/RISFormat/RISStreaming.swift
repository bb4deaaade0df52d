#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BibModel

/// Reads a RIS file piece by piece, giving the entries and diagnostics of ``RISReader``.
///
/// Records are independent, so the file is cut only where the scanner carries no state
/// from one record to the next: at a `TY  - ` line whose previous non-blank line is an
/// `ER  - ` line (both in the standard form, at the start of the line). Each piece up to the
/// last such cut goes through ``RISScanner`` and the record mapper with locations and line
/// numbers of the whole file; a file with no such cut (records without `ER`, or one record
/// larger than a piece) is simply read in larger pieces. The Latin-1 warning is given once,
/// as the whole-file scanner does. What needs the whole file stops the reader with
/// ``StreamStop``: a UTF-16 or binary file, or a file without any record (whose error
/// message depends on its whole content).
public struct RISStreamReader: StreamingReader {
    /// The file name used in locations.
    public let source: String
    private var base = SourceLocation(file: "", line: 1, column: 1, offset: 0)
    private var started = false
    /// How many bytes at the start of the unread bytes were checked for NUL already.
    private var checked = 0
    private var latin1Reported = false
    private var records = 0
    private var metadata = CollectionMetadata()
    /// Diagnostics kept back in the whole-file reader's order (``orderDiagnosticsAsWholeFile()``):
    /// the scanner's, then the records' mapping; nil: given piece by piece.
    private var order: (scanned: Diagnostics, mapped: Diagnostics)?

    /// Keeps the diagnostics back and gives them with the last piece in the whole-file
    /// reader's order: the scanner's for the whole file, then each record's mapping.
    public mutating func orderDiagnosticsAsWholeFile() -> Bool {
        order = (Diagnostics(), Diagnostics())
        return true
    }

    /// Creates a reader for one file.
    public init(source: String) {
        self.source = source
        base.file = source
    }

    /// The text outside records, kept as comments like the whole-file reader does.
    public var collectionMetadata: CollectionMetadata { metadata }

    /// Reads the records before the last safe cut of `bytes` (all of them when `atEnd`).
    public mutating func read(
        _ bytes: [UInt8], atEnd: Bool, diagnostics: inout Diagnostics, each: (consuming Entry) -> Void
    ) throws -> Int {
        if !started {
            if !atEnd && bytes.count < 2 { return 0 }
            if TextDecoding.hasUTF16ByteOrderMark(bytes) { throw StreamStop("the file is UTF-16") }
            started = true
        }
        // The whole-file reader refuses binary data and reads NUL bytes as spaces with a
        // warning: a file with any NUL byte is left to it.
        if checked < bytes.count {
            if Self.containsNUL(bytes, from: checked) { throw StreamStop("the file has NUL bytes") }
            checked = bytes.count
        }
        let used = atEnd ? bytes.count : Self.lastCut(in: bytes)
        guard used > 0 else {
            if atEnd && records == 0 { throw StreamStop("no RIS record") }
            return 0
        }
        let piece = used == bytes.count ? bytes : Array(bytes[..<used])
        let lines = LineIndex(file: source, bytes: piece, base: base)
        var scanned = Diagnostics()
        let document = RISScanner.scan(piece, lines: lines, firstLine: base.line, diagnostics: &scanned)
        for d in scanned.all {
            if d.code == "ris.latin1" {
                if latin1Reported { continue }
                latin1Reported = true
            }
            if order != nil { order?.scanned.report(d) } else { diagnostics.report(d) }
        }
        var mapped = Diagnostics()
        for record in document.records {
            var entry = RISRecordMapper.map(record, lines: lines, diagnostics: &mapped)
            if var origin = entry.origin {
                origin.endOffset += base.offset
                entry.origin = origin
            }
            each(entry)
        }
        if order != nil { order?.mapped.append(contentsOf: mapped) } else { diagnostics.append(contentsOf: mapped) }
        records += document.records.count
        metadata.comments.append(contentsOf: document.outside.map { BibComment($0.text) })
        if atEnd {
            if records == 0 { throw StreamStop("no RIS record") }
            if let kept = order {
                diagnostics.append(contentsOf: kept.scanned)
                diagnostics.append(contentsOf: kept.mapped)
                order = (Diagnostics(), Diagnostics())
            }
        } else {
            base = lines.location(ofOffset: used)
            checked = max(0, checked - used)
        }
        return used
    }

    /// The offset of the last `TY  - ` line that follows an `ER  - ` line (blank lines
    /// between allowed) and is complete in `bytes`; 0 when there is none.
    ///
    /// Found from the end, line by line backwards, so only the last record or so is looked
    /// at, not the whole piece. Lines are those of the scan from the start
    /// (``lastCutScanningAll(in:)``, the reference): ended by LF, CR or CRLF, a line counting
    /// only once its end is there (a CR at the very end may yet be a CRLF).
    static func lastCut(in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buf in
            let n = buf.count
            // The complete lines end where the last line end that counts is.
            var t = n - 1
            if t >= 0, buf[t] == 0x0D { t -= 1 }
            while t >= 0, buf[t] != 0x0A, buf[t] != 0x0D { t -= 1 }
            guard t >= 0 else { return 0 }
            // Lines from the last complete one backwards: `q` is where the line after it starts.
            var q = t + 1
            var pendingTY = -1
            while q > 0 {
                // The line's end: before its LF, CR or CRLF.
                var e = q - 1
                if buf[e] == 0x0A, e > 0, buf[e - 1] == 0x0D { e -= 1 }
                var p = e
                while p > 0, buf[p - 1] != 0x0A, buf[p - 1] != 0x0D { p -= 1 }
                var s = p
                while s < e, buf[s] == 0x20 || buf[s] == 0x09 { s += 1 }
                if s < e {
                    // A line with text: a `TY` after it counts when it is an `ER`.
                    if pendingTY >= 0, isTag(buf, p, e, 0x45, 0x52) { return pendingTY }
                    pendingTY = isTag(buf, p, e, 0x54, 0x59) ? p : -1
                }
                q = p
            }
            return 0
        }
    }

    /// ``lastCut(in:)`` by scanning every line from the start (the reference the tests compare with).
    static func lastCutScanningAll(in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buf in
            let n = buf.count
            var cut = 0
            var afterER = false
            var p = 0
            while p < n {
                var e = p
                while e < n, buf[e] != 0x0A, buf[e] != 0x0D { e += 1 }
                // A line is only judged when its terminator is there (a CR may yet be a CRLF).
                guard e < n, !(buf[e] == 0x0D && e + 1 == n) else { break }
                let next = e + ((buf[e] == 0x0D && buf[e + 1] == 0x0A) ? 2 : 1)
                var s = p
                while s < e, buf[s] == 0x20 || buf[s] == 0x09 { s += 1 }
                if s < e {
                    if afterER, isTag(buf, p, e, 0x54, 0x59) { cut = p }
                    afterER = isTag(buf, p, e, 0x45, 0x52)
                }
                p = next
            }
            return cut
        }
    }

    /// True when `bytes` has a NUL byte at `start` or after (found by the C library's memchr).
    static func containsNUL(_ bytes: [UInt8], from start: Int) -> Bool {
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress, start < buf.count else { return false }
            let from = max(0, start)
            return memchr(base + from, 0, buf.count - from) != nil
        }
    }

    /// True when the line `s..<e` is `XY  -` alone or followed by a space.
    private static func isTag(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ a: UInt8, _ b: UInt8) -> Bool {
        e - s >= 5 && buf[s] == a && buf[s + 1] == b && buf[s + 2] == 0x20 && buf[s + 3] == 0x20
            && buf[s + 4] == UInt8(ascii: "-") && (e == s + 5 || buf[s + 5] == 0x20)
    }
}

extension RISWriter {
    /// Writes RIS record by record: the bytes and diagnostics of ``write(_:options:diagnostics:)``
    /// for the same entries, taken in pieces with ``take()``.
    public struct Stream: StreamingWriter {
        private var out: [UInt8] = []
        private var count = 0
        private var tables: RISWriteTables

        /// Starts an empty output; `options` as for ``RISWriter/write(_:options:diagnostics:)``.
        public init(options: WriteOptions = WriteOptions()) {
            tables = RISWriteTables(readExtra: options.extraText)
        }

        /// Appends one record (always written).
        public mutating func write(_ entry: Entry, diagnostics: inout Diagnostics) -> Bool {
            if count > 0 { out.append(contentsOf: [0x0D, 0x0A]) }
            RISWriter.appendRecord(entry, to: &out, diagnostics: &diagnostics, tables: &tables)
            count += 1
            return true
        }

        /// RIS has no place for collection metadata and the whole-file writer says nothing of it.
        public mutating func finish(metadata: CollectionMetadata, diagnostics: inout Diagnostics) {}

        /// The bytes written since the last call.
        public mutating func take() -> [UInt8] {
            defer { out.removeAll(keepingCapacity: true) }
            return out
        }
    }
}
