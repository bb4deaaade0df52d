#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in a source file: 1-based line, 1-based column counted in UTF-8 bytes, and
/// the 0-based byte offset.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file name as given by the user (`-` or `<stdin>` for standard input).
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column in UTF-8 bytes.
    public var column: Int
    /// 0-based byte offset in the file.
    public var offset: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int, offset: Int) {
        self.file = file
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// A byte range in a source file, with the location of its start.
public struct SourceRange: Hashable, Sendable {
    /// Where the range starts.
    public var start: SourceLocation
    /// The byte offset one past the end.
    public var endOffset: Int

    /// Creates a range.
    public init(start: SourceLocation, endOffset: Int) {
        self.start = start
        self.endOffset = endOffset
    }
}

/// The offsets of line starts in a file, built in one pass, for turning byte offsets
/// into lines and columns by binary search (never by re-scanning).
public struct LineIndex: Sendable {
    /// The file name used in locations.
    public let file: String
    /// Byte offsets at which lines start; the first is 0.
    public private(set) var lineStarts: [Int]

    /// Indexes the bytes of a file. `\n`, `\r\n` and a lone `\r` all end a line.
    public init(file: String, bytes: [UInt8]) {
        self.file = file
        // (The array is local to the closure: appending to one captured from outside cost
        // ~150 instructions per line.)
        self.lineStarts = bytes.withUnsafeBufferPointer { buf -> [Int] in
            var starts = [0]
            starts.reserveCapacity(buf.count / 40 + 1)
            let n = buf.count
            guard let base = buf.baseAddress else { return starts }
            let raw = UnsafeRawPointer(base)
            if memchr(raw, 0x0D, n) == nil {
                // No `\r` (nearly always): the `\n`s, found by the C library's memchr.
                var i = 0
                while i < n, let hit = memchr(raw + i, 0x0A, n - i) {
                    i = raw.distance(to: UnsafeRawPointer(hit)) + 1
                    starts.append(i)
                }
                return starts
            }
            var i = 0
            // Eight bytes at a time; the bytes flagged as `\n` or `\r` are each looked at (a
            // flag above a true one may be false).
            while i + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                var m = ByteWord.equal(w, 0x0A) | ByteWord.equal(w, 0x0D)
                while m != 0 {
                    let j = i + m.trailingZeroBitCount >> 3
                    // `\n` and a lone `\r` end a line; the `\r` of `\r\n` is passed over.
                    let b = base[j]
                    if b == 0x0A || (b == 0x0D && (j + 1 >= n || base[j + 1] != 0x0A)) { starts.append(j + 1) }
                    m &= m &- 1
                }
                i += 8
            }
            while i < n {
                let b = buf[i]
                if b == 0x0A || (b == 0x0D && (i + 1 >= n || buf[i + 1] != 0x0A)) { starts.append(i + 1) }
                i += 1
            }
            return starts
        }
    }

    /// Indexes a piece of a file that starts at `base` (its offset, line and column in the
    /// whole file): locations are those in the whole file. For readers that go through a
    /// file piece by piece.
    public init(file: String, bytes: [UInt8], base: SourceLocation) {
        self.init(file: file, bytes: bytes)
        baseOffset = base.offset
        baseLine = base.line - 1
        baseColumn = base.column - 1
    }

    /// Where the indexed bytes start in the whole file (zero for a whole file).
    public private(set) var baseOffset = 0
    private var baseLine = 0
    private var baseColumn = 0

    /// The location of a byte offset.
    public func location(ofOffset offset: Int) -> SourceLocation {
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return SourceLocation(
            file: file, line: lo + 1 + baseLine, column: offset - lineStarts[lo] + 1 + (lo == 0 ? baseColumn : 0),
            offset: offset + baseOffset)
    }

    /// The byte range of a 1-based line, without its line terminator.
    public func byteRange(ofLine line: Int, in bytes: [UInt8]) -> Range<Int>? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return start..<end
    }
}

/// The locations of offsets in a piece of a file, given in increasing order, found by
/// counting line breaks forward from the last one asked: the same answers as
/// ``LineIndex/location(ofOffset:)`` on the same bytes and base, without indexing every
/// line (for a pass that needs few locations). An offset before the last one asked starts
/// the count again from the piece's start.
public struct LineCursor {
    /// The file name used in locations.
    public let file: String
    private let bytes: [UInt8]
    private let base: SourceLocation
    /// Line breaks before `position` are counted.
    private var position = 0
    /// How many line starts (after the piece's first) are before `position`.
    private var breaks = 0
    /// The last line start at or before `position` (0: the piece's first line).
    private var lineStart = 0

    /// A cursor at the start of `bytes`, a piece of a file that starts at `base`.
    public init(file: String, bytes: [UInt8], base: SourceLocation) {
        self.file = file
        self.bytes = bytes
        self.base = base
    }

    /// The location of a byte offset in the piece (0...count).
    public mutating func location(ofOffset offset: Int) -> SourceLocation {
        if offset < position {
            position = 0
            breaks = 0
            lineStart = 0
        }
        let target = min(offset, bytes.count)
        if target > position { advance(to: target) }
        return SourceLocation(
            file: file, line: breaks + base.line, column: offset - lineStart + 1 + (breaks == 0 ? base.column - 1 : 0),
            offset: offset + base.offset)
    }

    /// Counts the line breaks in `position..<target`: `\n`, and `\r` not followed by `\n`
    /// (at the piece's end it counts, as in ``LineIndex``).
    private mutating func advance(to target: Int) {
        bytes.withUnsafeBufferPointer { buf in
            guard let p = buf.baseAddress else { return }
            let n = buf.count
            var i = position
            var count = breaks
            var last = lineStart
            let start = UnsafeRawPointer(p)
            if memchr(start + i, 0x0D, target - i) == nil {
                // No `\r` (nearly always): the `\n`s, found by the C library's memchr.
                while i < target, let hit = memchr(start + i, 0x0A, target - i) {
                    let j = start.distance(to: UnsafeRawPointer(hit))
                    count += 1
                    last = j + 1
                    i = j + 1
                }
            } else {
                while i < target {
                    let b = p[i]
                    if b == 0x0A || (b == 0x0D && (i + 1 >= n || p[i + 1] != 0x0A)) {
                        count += 1
                        last = i + 1
                    }
                    i += 1
                }
            }
            position = target
            breaks = count
            lineStart = last
        }
    }
}
