/// A reader that goes through a file piece by piece, in memory bounded by the piece size and
/// the largest entry, giving the same entries and diagnostics as the format's whole-file
/// ``BibliographyReader`` (the diagnostics possibly in another order).
///
/// The driver (`Pipeline.streamConvert` in BibKit) calls ``prepare(passOver:)`` once, then
/// ``read(_:atEnd:diagnostics:each:)`` with the unread bytes of the file so far; the reader
/// uses a prefix of them (complete records only, all of them when `atEnd`) and the driver
/// keeps the rest in front of the next piece. A reader throws ``StreamStop`` when the file
/// needs the whole-file path (UTF-16, binary, a structure it cannot split…); the driver then
/// abandons what it wrote and converts the ordinary way.
public protocol StreamingReader {
    /// A first pass over the whole file before reading, if the format needs one (BibTeX
    /// collects `crossref` parents): `passOver` calls its argument with the unread bytes and
    /// `atEnd`, piece by piece, and the argument returns how many bytes it used.
    mutating func prepare(passOver: ((_ bytes: [UInt8], _ atEnd: Bool) throws -> Int) throws -> Void) throws

    /// Reads the complete records at the start of `bytes` (all of them when `atEnd`), calling
    /// `each` with every entry in file order (handed over: the reader keeps no copy); returns
    /// how many bytes were used.
    mutating func read(
        _ bytes: [UInt8], atEnd: Bool, diagnostics: inout Diagnostics, each: (consuming Entry) -> Void
    ) throws -> Int

    /// The collection metadata (comments, macros…) read so far, for the writer's report.
    var collectionMetadata: CollectionMetadata { get }

    /// Asks the reader, before it reads anything, to give its diagnostics in the order of
    /// the format's whole-file reader: kept back and given all at once with the last piece
    /// (it then throws ``StreamStop`` where it cannot keep that order). False when the reader
    /// cannot do this (the default): its diagnostics may come in another order.
    mutating func orderDiagnosticsAsWholeFile() -> Bool
}

extension StreamingReader {
    /// No first pass.
    public mutating func prepare(passOver: ((_ bytes: [UInt8], _ atEnd: Bool) throws -> Int) throws -> Void) throws {}

    /// Cannot keep the whole-file reader's order.
    public mutating func orderDiagnosticsAsWholeFile() -> Bool { false }
}

/// A writer that writes entry by entry, giving the bytes and diagnostics of the format's
/// whole-file ``BibliographyWriter`` for the same entries, taken in pieces with ``take()``.
public protocol StreamingWriter {
    /// Appends one entry; false (nothing written) when the entry needs the whole library
    /// (e.g. a key to generate): the driver then falls back to the whole-file path.
    mutating func write(_ entry: Entry, diagnostics: inout Diagnostics) -> Bool
    /// Ends the output after the last entry, reporting what the whole-file writer reports
    /// about the collection metadata.
    mutating func finish(metadata: CollectionMetadata, diagnostics: inout Diagnostics)
    /// The bytes written since the last call.
    mutating func take() -> [UInt8]

    /// True when entries are written differently depending on the collection metadata read
    /// before them (BibTeX's `@string` macros): the driver then gives the metadata read so
    /// far with ``update(metadata:)`` before writing each piece's entries.
    var wantsMetadata: Bool { get }
    /// The collection metadata read so far (only called when ``wantsMetadata``).
    mutating func update(metadata: CollectionMetadata)
    /// After ``finish(metadata:diagnostics:)``: bytes that go before everything taken (a
    /// prologue learnt only at the end, such as BibTeX's `@string`s and comments).
    mutating func takePrefix() -> [UInt8]
    /// Nil while the bytes are those of the whole-file writer; else why not (an entry
    /// without a key, a macro changed after its use…): the driver then converts the
    /// ordinary way. Checked after every piece and after ``finish(metadata:diagnostics:)``.
    var refusal: String? { get }
}

extension StreamingWriter {
    /// Entries do not depend on the metadata.
    public var wantsMetadata: Bool { false }
    /// Nothing to do.
    public mutating func update(metadata: CollectionMetadata) {}
    /// No prefix.
    public mutating func takePrefix() -> [UInt8] { [] }
    /// The output is the whole-file writer's whenever ``write(_:diagnostics:)`` accepted every entry.
    public var refusal: String? { nil }
}

/// Thrown by a ``StreamingReader`` when the file must be read whole.
public struct StreamStop: Error, Sendable, CustomStringConvertible {
    /// Why, for a note.
    public var description: String
    /// Creates a stop.
    public init(_ description: String) { self.description = description }
}

extension FormatPlugin {
    /// The same plug-in with streaming support: `reader` makes a streaming reader for a file
    /// (its display name and the read options; nil when the options need the whole file),
    /// `writer` a streaming writer.
    public func streaming(
        reader: (@Sendable (_ source: String, _ options: ReadOptions) -> (any StreamingReader)?)? = nil,
        writer: (@Sendable (_ options: WriteOptions) -> any StreamingWriter)? = nil
    ) -> FormatPlugin {
        var copy = self
        copy.streamReader = reader
        copy.streamWriter = writer
        return copy
    }
}
