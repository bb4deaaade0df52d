/// Options every reader may consult.
public struct ReadOptions: Sendable {
    /// The capture date for formats whose dates omit the year (profile text): a date
    /// without a year is the latest such date not after this one. Nil means today.
    public var asOf: DateParts?
    /// Formats with cross-references between entries (BibTeX `crossref`/`xdata`): lend the
    /// parent's fields to the child (true, the default, so every entry is whole), or keep each
    /// entry's own fields and the reference only (false: tidying a file in place).
    public var inheritCrossReferences: Bool

    /// Creates read options.
    public init(asOf: DateParts? = nil, inheritCrossReferences: Bool = true) {
        self.asOf = asOf
        self.inheritCrossReferences = inheritCrossReferences
    }
}

/// Options every writer may consult.
public struct WriteOptions: Sendable {
    /// Pretty-print where the format allows (JSON indentation).
    public var pretty: Bool
    /// Keep UTF-8 instead of encoding to the format's ASCII escapes (BibTeX for biber).
    public var keepUnicode: Bool?
    /// Write a whole document rather than a fragment where the format tells them apart
    /// (JATS: an `<article>` around the `<ref-list>`).
    public var wholeDocument: Bool
    /// How an extra kept in its format's own markup reads as text: the LaTeX of a `bibtex:` or
    /// `biblatex:` extra, decoded. A writer that joins such an extra to a title (CSL-JSON
    /// writes a biblatex `subtitle` as "Title: Subtitle") reads it through this; nil, or nil
    /// returned, leaves the value as it is. The pipeline sets it from the registered plug-ins
    /// (``FormatPlugin/extraText``) when it is nil.
    public var extraText: (@Sendable (FieldKey, String) -> RichText?)?

    /// Creates write options.
    public init(
        pretty: Bool = true, keepUnicode: Bool? = nil, wholeDocument: Bool = false,
        extraText: (@Sendable (FieldKey, String) -> RichText?)? = nil
    ) {
        self.pretty = pretty
        self.keepUnicode = keepUnicode
        self.wholeDocument = wholeDocument
        self.extraText = extraText
    }
}

/// The input could not be read at all (not text, wrong encoding beyond repair).
public struct FatalReadError: Error, Sendable, CustomStringConvertible {
    /// The diagnostic describing why.
    public var diagnostic: Diagnostic
    /// Creates the error.
    public init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }
    /// The message.
    public var description: String { diagnostic.message }
}

/// Reads one format into the model.
public protocol BibliographyReader: Sendable {
    /// Reads the bytes of one input. Problems go to `diagnostics`; the reader recovers
    /// and goes on. It throws only when nothing at all can be read.
    /// - Parameters:
    ///   - bytes: the whole input.
    ///   - source: the file name used in diagnostics and origins.
    func read(
        _ bytes: [UInt8], source: String, options: ReadOptions, diagnostics: inout Diagnostics
    ) throws(FatalReadError) -> Library
}

/// Writes the model in one format.
public protocol BibliographyWriter: Sendable {
    /// Serialises a library. Whatever cannot be written is reported, never dropped silently.
    func write(_ library: Library, options: WriteOptions, diagnostics: inout Diagnostics) -> [UInt8]

    /// Serialises a library as ``write(_:options:diagnostics:)`` does (the same bytes, the
    /// same diagnostics), handing the bytes to `sink` in order, in pieces of about
    /// `pieceSize` bytes as they are made, so the whole output need not be held in memory
    /// (the writer reuses a piece's memory once `sink` returns). The default hands on the
    /// whole output as one piece.
    func write(
        _ library: Library, options: WriteOptions, diagnostics: inout Diagnostics, pieceSize: Int,
        to sink: (UnsafeBufferPointer<UInt8>) -> Void)
}

extension BibliographyWriter {
    /// The whole output as one piece.
    public func write(
        _ library: Library, options: WriteOptions, diagnostics: inout Diagnostics, pieceSize: Int,
        to sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        write(library, options: options, diagnostics: &diagnostics).withUnsafeBufferPointer(sink)
    }

    /// ``write(_:options:diagnostics:pieceSize:to:)`` in pieces of ``writerPieceSize``.
    public func write(
        _ library: Library, options: WriteOptions, diagnostics: inout Diagnostics,
        to sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        write(library, options: options, diagnostics: &diagnostics, pieceSize: writerPieceSize, to: sink)
    }
}

/// The size of the pieces writers hand to a sink by default (see
/// ``BibliographyWriter/write(_:options:diagnostics:pieceSize:to:)``): a megabyte.
public let writerPieceSize = 1 << 20

/// A format's description for the registry: names, extensions, sniffing and capabilities.
public struct FormatDescriptor: Sendable {
    /// The canonical name.
    public var id: FormatID
    /// Other names accepted on the command line.
    public var aliases: [String]
    /// File extensions, lower case, without dot.
    public var extensions: [String]
    /// One line for `bibkit formats`.
    public var summary: String
    /// What is lossy about writing this format, for `bibkit formats`.
    public var lossiness: String
    /// Guesses from the first bytes of a file how likely it is in this format (0–100).
    public var sniff: @Sendable (ArraySlice<UInt8>) -> Int

    /// Creates a descriptor.
    public init(
        id: FormatID, aliases: [String] = [], extensions: [String], summary: String,
        lossiness: String = "", sniff: @escaping @Sendable (ArraySlice<UInt8>) -> Int
    ) {
        self.id = id
        self.aliases = aliases
        self.extensions = extensions
        self.summary = summary
        self.lossiness = lossiness
        self.sniff = sniff
    }
}

/// A format plug-in: a descriptor and a reader and/or a writer.
public struct FormatPlugin: Sendable {
    /// The description.
    public var descriptor: FormatDescriptor
    /// The reader, if the format can be read.
    public var reader: (any BibliographyReader)?
    /// The writer, if the format can be written.
    public var writer: (any BibliographyWriter)?
    /// Checks a document in this format against bibkit's own schema (`Schemas/`), if the
    /// format has one: takes the bytes and the name used in locations.
    public var validator: (@Sendable ([UInt8], String) -> Diagnostics)?
    /// Makes a reader that goes through a file piece by piece (see ``streaming(reader:writer:)``).
    public var streamReader: (@Sendable (_ source: String, _ options: ReadOptions) -> (any StreamingReader)?)?
    /// Makes a writer that writes entry by entry (see ``streaming(reader:writer:)``).
    public var streamWriter: (@Sendable (_ options: WriteOptions) -> any StreamingWriter)?
    /// Reads the extras this format's reader keeps in the format's own markup as text (see
    /// ``WriteOptions/extraText``): nil for an extra of another namespace.
    public var extraText: (@Sendable (FieldKey, String) -> RichText?)?

    /// Creates a plug-in.
    public init(
        _ descriptor: FormatDescriptor, reader: (any BibliographyReader)? = nil,
        writer: (any BibliographyWriter)? = nil,
        validator: (@Sendable ([UInt8], String) -> Diagnostics)? = nil
    ) {
        self.descriptor = descriptor
        self.reader = reader
        self.writer = writer
        self.validator = validator
    }

    /// The same plug-in with a schema validator.
    public func validated(by validator: @escaping @Sendable ([UInt8], String) -> Diagnostics) -> FormatPlugin {
        var copy = self
        copy.validator = validator
        return copy
    }

    /// The same plug-in reading its own extras as text (``extraText``).
    public func readingExtras(_ extraText: @escaping @Sendable (FieldKey, String) -> RichText?) -> FormatPlugin {
        var copy = self
        copy.extraText = extraText
        return copy
    }
}
