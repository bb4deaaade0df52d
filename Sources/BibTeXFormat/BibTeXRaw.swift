import BibModel

/// One piece of a field value: `{braced}`, `"quoted"`, a bare number or a macro name;
/// pieces are joined by `#`.
public struct BibTeXValuePiece: Hashable, Sendable {
    /// What kind of piece.
    public enum Kind: Hashable, Sendable {
        /// `{…}`.
        case braced
        /// `"…"`.
        case quoted
        /// A bare number (`2020`).
        case number
        /// A bare macro name (`jan`, `jmlr`).
        case macro
    }

    /// The kind.
    public var kind: Kind
    /// The bytes of the piece, delimiters included.
    public var range: Range<Int>
    /// The bytes between the delimiters (the whole piece for numbers and macros).
    public var content: Range<Int>
    /// False when the closing delimiter is missing (the value was cut short).
    public var isTerminated: Bool
}

/// The pieces of a value in order: the first one held inline (most values have one piece,
/// and an array per value costs an allocation), the others in an array.
public struct BibTeXValuePieces: RandomAccessCollection, MutableCollection, Hashable, Sendable {
    private var head: BibTeXValuePiece?
    private var tail: [BibTeXValuePiece] = []

    /// No pieces.
    public init() {}

    /// These pieces.
    public init(_ pieces: some Sequence<BibTeXValuePiece>) {
        for p in pieces { append(p) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { head == nil ? 0 : 1 + tail.count }
    public var count: Int { endIndex }
    public var isEmpty: Bool { head == nil }

    public subscript(position: Int) -> BibTeXValuePiece {
        get {
            precondition(position >= 0 && position < endIndex, "piece index out of range")
            if position == 0, let head { return head }
            return tail[position - 1]
        }
        set {
            precondition(position >= 0 && position < endIndex, "piece index out of range")
            if position == 0 { head = newValue } else { tail[position - 1] = newValue }
        }
    }

    /// Adds a piece at the end.
    public mutating func append(_ piece: BibTeXValuePiece) {
        if head == nil { head = piece } else { tail.append(piece) }
    }
}

/// A value expression: pieces joined by `#`.
public struct BibTeXRawValue: Hashable, Sendable {
    /// The pieces in order.
    public var pieces: BibTeXValuePieces
    /// The bytes of the whole expression.
    public var range: Range<Int>
}

/// `name = value` inside an entry or an `@string`.
public struct BibTeXRawField: Hashable, Sendable {
    /// The name as written (case preserved).
    public var name: String
    /// The bytes of the name.
    public var nameRange: Range<Int>
    /// The value.
    public var value: BibTeXRawValue
}

/// An `@type{key, fields…}` entry as written.
public struct BibTeXRawEntry: Hashable, Sendable {
    /// The entry type as written (`Article`).
    public var type: String
    /// The citation key, or nil when it is missing.
    public var key: String?
    /// The bytes of the key, when there is one.
    public var keyRange: Range<Int>?
    /// The fields in source order (duplicates included).
    public var fields: [BibTeXRawField]
    /// From the `@` to just after the closing delimiter (or where the entry was cut short).
    public var range: Range<Int>
    /// False when the entry was cut short by a syntax error.
    public var isComplete: Bool
}

/// A top-level block of a `.bib` file.
public enum BibTeXRawBlock: Hashable, Sendable {
    /// A bibliographic entry.
    case entry(BibTeXRawEntry)
    /// `@string{name = value}` (one field per definition).
    case string(BibTeXRawField, range: Range<Int>)
    /// `@preamble{value}`.
    case preamble(BibTeXRawValue, range: Range<Int>)
    /// `@comment{…}`: the bytes between the delimiters (or to the end of the line).
    case comment(content: Range<Int>, range: Range<Int>)
    /// Text outside any block (BibTeX ignores it), not only white space.
    case text(Range<Int>)
}

/// The lossless raw layer of a `.bib` file: every block with its byte ranges.
public struct BibTeXRawDocument: Sendable {
    /// The blocks in source order.
    public var blocks: [BibTeXRawBlock]
    /// Where the content starts (3 after a UTF-8 byte-order mark).
    public var contentStart: Int
}
