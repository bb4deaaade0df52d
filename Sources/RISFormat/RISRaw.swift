/// One field of a RIS record exactly as the source had it: the lossless layer the
/// reader maps from.
public struct RISRawField: Hashable, Sendable {
    /// How the tag line was spelled.
    public enum Form: Hashable, Sendable {
        /// `XX  - value`: the specification's form.
        case standard
        /// A tolerated variant: lower case, one space, a tab or no space (`ty - `, `KW -`, `A1\t- `).
        case loose
        /// A four-letter MEDLINE tag inside a RIS file (`PMID - 12345`).
        case medline
        /// Text inside a record that is neither a tag line nor a continuation.
        case strayText
    }

    /// The tag, upper case (`AU`); empty for stray text.
    public var tag: String
    /// The value: the text after the separator, with continuation lines appended after
    /// a `\n` (blank lines in between kept as empty lines), untrimmed.
    public var value: String
    /// Byte range of the field in the input: its tag line through its last continuation line, without the final line break.
    public var range: Range<Int>
    /// 1-based line of the tag line.
    public var line: Int
    /// How the tag line was spelled.
    public var form: Form
    /// Number of continuation lines folded into ``value``.
    public var continuationLines: Int
    /// True when the value was not UTF-8 and was decoded as Windows-1252.
    public var decodedAsLatin1: Bool

    /// Creates a raw field.
    public init(
        tag: String, value: String, range: Range<Int>, line: Int, form: Form = .standard,
        continuationLines: Int = 0, decodedAsLatin1: Bool = false
    ) {
        self.tag = tag
        self.value = value
        self.range = range
        self.line = line
        self.form = form
        self.continuationLines = continuationLines
        self.decodedAsLatin1 = decodedAsLatin1
    }
}

/// One RIS record as scanned: its fields in source order, `TY` and `ER` included.
public struct RISRawRecord: Hashable, Sendable {
    /// The fields in source order.
    public var fields: [RISRawField]
    /// Byte range from the first field to the end of the last.
    public var range: Range<Int>
    /// 1-based line of the first field.
    public var line: Int
    /// True when the record began with a `TY` line.
    public var hasType: Bool
    /// True when the record was closed by an `ER` line.
    public var closed: Bool

    /// Creates a raw record.
    public init(fields: [RISRawField], range: Range<Int>, line: Int, hasType: Bool, closed: Bool) {
        self.fields = fields
        self.range = range
        self.line = line
        self.hasType = hasType
        self.closed = closed
    }

    /// The trimmed `TY` value, if the record has one.
    public var type: String? {
        guard hasType, let first = fields.first, first.tag == "TY" else { return nil }
        return RISText.trimmed(first.value)
    }
}

/// Text between records (headers, comments, junk), kept verbatim.
public struct RISRawText: Hashable, Sendable {
    /// The text, lines joined with `\n`.
    public var text: String
    /// Its byte range.
    public var range: Range<Int>
    /// 1-based line where it starts.
    public var line: Int

    /// Creates a block of text.
    public init(text: String, range: Range<Int>, line: Int) {
        self.text = text
        self.range = range
        self.line = line
    }
}

/// A scanned RIS file: the records and the text outside them.
public struct RISRawDocument: Hashable, Sendable {
    /// The records in source order.
    public var records: [RISRawRecord]
    /// Text outside any record, in source order.
    public var outside: [RISRawText]
    /// True when the file started with a UTF-8 byte order mark.
    public var hadByteOrderMark: Bool
    /// Number of lines whose tag is `TY` (the record count a reader should reach).
    public var typeLines: Int

    /// Creates a document.
    public init(records: [RISRawRecord] = [], outside: [RISRawText] = [], hadByteOrderMark: Bool = false, typeLines: Int = 0) {
        self.records = records
        self.outside = outside
        self.hadByteOrderMark = hadByteOrderMark
        self.typeLines = typeLines
    }
}
