/// One input to a conversion: a path (`-` for standard input) and, optionally, its format.
public struct InputSpec: Sendable, Hashable {
    /// The path, or `-` for standard input.
    public var path: String
    /// The format, or nil to detect it from the extension and content.
    public var format: FormatID?

    /// Creates an input.
    public init(path: String, format: FormatID? = nil) {
        self.path = path
        self.format = format
    }

    /// The name used in diagnostics: the path, or `<stdin>`.
    public var displayName: String { path == "-" ? "<stdin>" : path }
}

/// The sources read so far, kept so diagnostics can show the offending line.
public struct SourceStore: Sendable {
    private var bytesByName: [String: [UInt8]] = [:]
    private var indexes: [String: LineIndex] = [:]

    /// Creates an empty store.
    public init() {}

    /// Remembers a source.
    public mutating func add(name: String, bytes: [UInt8]) { bytesByName[name] = bytes }

    /// Remembers a source by its path, read only if a diagnostic needs one of its lines
    /// (the streaming path keeps no file in memory).
    public mutating func add(name: String, path: String) { pathsByName[name] = path }

    private var pathsByName: [String: String] = [:]

    /// The text of a 1-based line of a source, without its terminator, if known.
    public mutating func line(_ line: Int, of name: String) -> String? {
        if bytesByName[name] == nil, let path = pathsByName[name], let bytes = try? FileIO.read(path: path) {
            bytesByName[name] = bytes
        }
        guard let bytes = bytesByName[name] else { return nil }
        let index: LineIndex
        if let cached = indexes[name] {
            index = cached
        } else {
            index = LineIndex(file: name, bytes: bytes)
            indexes[name] = index
        }
        guard let range = index.byteRange(ofLine: line, in: bytes) else { return nil }
        return String(decoding: bytes[range], as: UTF8.self)
    }
}

/// The read → transform → write pipeline shared by the CLI and library users.
public struct Pipeline: Sendable {
    /// Options for readers.
    public var readOptions: ReadOptions
    /// Options for writers. Without an ``BibModel/WriteOptions/extraText`` of their own, they
    /// read extras through the registered plug-ins' (``FormatRegistry/extraText(_:_:)``).
    public var writeOptions: WriteOptions {
        get { options }
        set { options = Self.completed(newValue) }
    }

    private var options: WriteOptions

    /// Creates a pipeline.
    public init(readOptions: ReadOptions = ReadOptions(), writeOptions: WriteOptions = WriteOptions()) {
        self.readOptions = readOptions
        self.options = Self.completed(writeOptions)
    }

    private static func completed(_ options: WriteOptions) -> WriteOptions {
        guard options.extraText == nil else { return options }
        var completed = options
        completed.extraText = FormatRegistry.extraText
        return completed
    }

    /// The format of an input: the one given, else by extension, else by content.
    public static func detectFormat(of input: InputSpec, bytes: [UInt8]) throws(BibKitError) -> FormatPlugin {
        if let format = input.format {
            return try FormatRegistry.plugin(named: format.rawValue, for: .read)
        }
        if input.path != "-", let ext = Self.fileExtension(input.path),
            let plugin = FormatRegistry.readableFormat(forExtension: ext)
        {
            // A `.txt` could be anything: trust content over the extension when they disagree strongly.
            if let sniffed = FormatRegistry.sniff(bytes), sniffed.descriptor.id != plugin.descriptor.id,
                plugin.descriptor.sniff(bytes.prefix(64 * 1024)) == 0
            {
                return sniffed
            }
            return plugin
        }
        if let sniffed = FormatRegistry.sniff(bytes) { return sniffed }
        throw .undetectableFormat(source: input.displayName, valid: FormatRegistry.names(for: .read))
    }

    /// Reads one input's bytes in its format into a library, collecting diagnostics.
    public func read(
        _ bytes: [UInt8], as plugin: FormatPlugin, source: String, diagnostics: inout Diagnostics
    ) throws(BibKitError) -> Library {
        guard let reader = plugin.reader else {
            throw .unsupported(plugin.descriptor.id, .read, valid: FormatRegistry.names(for: .read))
        }
        do {
            return try reader.read(bytes, source: source, options: readOptions, diagnostics: &diagnostics)
        } catch {
            diagnostics.report(error.diagnostic)
            return Library()
        }
    }

    /// One input as read: its format, its bytes and what the reader made of them.
    public struct ReadResult: Sendable {
        /// The input.
        public var input: InputSpec
        /// The format it was read as.
        public var plugin: FormatPlugin
        /// The bytes read; empty for a file read in pieces (see ``read(_:sources:diagnostics:inPieces:each:)``).
        public var bytes: [UInt8]
        /// The entries and metadata read.
        public var library: Library
        /// How many bytes were read (the length of `bytes`, or of the file read in pieces).
        public var size: Int

        init(input: InputSpec, plugin: FormatPlugin, bytes: [UInt8], library: Library, size: Int? = nil) {
            self.input = input
            self.plugin = plugin
            self.bytes = bytes
            self.library = library
            self.size = size ?? bytes.count
        }
    }

    /// Reads one input (a file or standard input) in its given or detected format.
    public func read(_ input: InputSpec, diagnostics: inout Diagnostics) throws(BibKitError) -> ReadResult {
        let bytes = try FileIO.read(path: input.path)
        let plugin = try Self.detectFormat(of: input, bytes: bytes)
        let library = try read(bytes, as: plugin, source: input.displayName, diagnostics: &diagnostics)
        return ReadResult(input: input, plugin: plugin, bytes: bytes, library: library)
    }

    /// Reads every input into one library, in order, each through ``read(_:diagnostics:)``.
    ///
    /// An input that cannot be opened or whose format cannot be told is reported as an
    /// error diagnostic (code `io.cannot-read` or `io.unknown-format`) and skipped; the
    /// others are still read.
    /// - Parameters:
    ///   - inputs: the inputs, read in this order.
    ///   - sources: receives the bytes of every input read, for showing source lines.
    ///   - diagnostics: receives every problem found.
    ///   - inPieces: read a regular file whose format has a streaming reader piece by piece
    ///     when it can (``readInPieces(_:pieceSize:diagnostics:)``: the same library and
    ///     diagnostics, without ever holding the whole file); its ``ReadResult/bytes`` are then empty.
    ///   - each: called with every input read, e.g. to validate it.
    public func read(
        _ inputs: [InputSpec], sources: inout SourceStore, diagnostics: inout Diagnostics, inPieces: Bool = false,
        each: (ReadResult, inout Diagnostics) -> Void = { _, _ in }
    ) -> (library: Library, inputsRead: Int) {
        var library = Library()
        var inputsRead = 0
        for input in inputs {
            do {
                var result: ReadResult
                if inPieces, let pieced = readInPieces(input, diagnostics: &diagnostics) {
                    result = pieced
                } else {
                    result = try read(input, diagnostics: &diagnostics)
                }
                // A regular file is read again only if a diagnostic shows one of its lines,
                // so its bytes are freed once read; anything else (standard input, a pipe)
                // could not be read again and is kept.
                if FileIO.isRegularFile(input.path) {
                    sources.add(name: input.displayName, path: input.path)
                } else {
                    sources.add(name: input.displayName, bytes: result.bytes)
                }
                each(result, &diagnostics)
                result.bytes = []
                if library.entries.isEmpty && library.metadata == CollectionMetadata() {
                    // The first library read is taken as it is (appending would copy its
                    // entries while both arrays live).
                    swap(&library, &result.library)
                } else {
                    library.append(contentsOf: result.library)
                }
                result.library = Library()
                inputsRead += 1
            } catch {
                let code: String
                switch error {
                case .cannotRead: code = "io.cannot-read"
                case .undetectableFormat: code = "io.unknown-format"
                default: code = "io.unsupported-format"
                }
                diagnostics.error(code, error.description)
            }
        }
        return (library, inputsRead)
    }

    /// Serialises a library in a format.
    public func write(
        _ library: Library, as format: FormatID, diagnostics: inout Diagnostics
    ) throws(BibKitError) -> [UInt8] {
        let plugin = try FormatRegistry.plugin(named: format.rawValue, for: .write)
        guard let writer = plugin.writer else {
            throw .unsupported(format, .write, valid: FormatRegistry.names(for: .write))
        }
        return writer.write(library, options: writeOptions, diagnostics: &diagnostics)
    }

    /// Serialises a library in a format as ``write(_:as:diagnostics:)`` does (the same bytes
    /// and diagnostics), handing the bytes to `sink` in pieces of about a megabyte as they
    /// are made, so the whole output is never held in memory.
    public func write(
        _ library: Library, as format: FormatID, diagnostics: inout Diagnostics,
        to sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws(BibKitError) {
        let plugin = try FormatRegistry.plugin(named: format.rawValue, for: .write)
        guard let writer = plugin.writer else {
            throw .unsupported(format, .write, valid: FormatRegistry.names(for: .write))
        }
        writer.write(library, options: writeOptions, diagnostics: &diagnostics, to: sink)
    }

    /// The lower-cased extension of a path, if it has one.
    public static func fileExtension(_ path: String) -> String? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...]
        return ext.isEmpty ? nil : ext.lowercased()
    }
}

// MARK: - Streaming

extension Pipeline {
    /// How a streamed conversion ended.
    public enum StreamOutcome: Sendable {
        /// Converted; this many entries written.
        case converted(entries: Int)
        /// The input needs the ordinary whole-file path (the reason, e.g. a `crossref`);
        /// nothing usable was written.
        case needsWholeFile(String)
    }

    /// True when `input` read as `plugin` can be converted to `target` piece by piece: a
    /// file (not standard input) whose format has a ``StreamingReader`` (BibTeX, BibLaTeX,
    /// RIS) to a format with a ``StreamingWriter`` (CSL-JSON, RIS, BibTeX, BibLaTeX).
    public static func canStream(_ input: InputSpec, as plugin: FormatPlugin, to target: FormatID) -> Bool {
        input.path != "-" && plugin.streamReader != nil
            && (try? FormatRegistry.plugin(named: target.rawValue, for: .write))?.streamWriter != nil
    }

    /// Converts one file entry by entry through its format's ``StreamingReader`` and the
    /// target's ``StreamingWriter``, in memory bounded by the piece size and the largest
    /// entry, writing to `output` as it goes. The bytes are those of ``read(_:diagnostics:)``
    /// followed by ``write(_:as:diagnostics:)`` for the same input (the diagnostics are the
    /// same, though not always in the same order). When the file needs the whole-file path
    /// (the reader throws, e.g. ``StreamStop``, or the writer refuses an entry without a
    /// key or, at the end, a macro changed after its use), it stops and says so; the caller
    /// abandons `output` and converts the ordinary way. A prologue the writer learns only at
    /// the end (BibTeX's `@string`s and comments) is put in front of the output.
    ///
    /// With `threads` 2 or more (``defaultStreamThreads(to:)`` says when it pays), a second thread
    /// reads and maps the file while the calling thread writes, a piece behind; the output,
    /// the diagnostics (in the same order) and the outcome are those of one thread (`threads`
    /// 1, the default), which is also what happens where no thread can be started.
    public func streamConvert(
        _ input: InputSpec, as plugin: FormatPlugin, to target: FormatID, output: FileIO.PieceWriter,
        pieceSize: Int = 1 << 20, threads: Int = 1, diagnostics: inout Diagnostics
    ) throws(BibKitError) -> StreamOutcome {
        guard let makeReader = plugin.streamReader,
            let makeWriter = try FormatRegistry.plugin(named: target.rawValue, for: .write).streamWriter
        else { return .needsWholeFile("\(plugin.descriptor.id) → \(target) does not stream") }
        if threads > 1,
            let outcome = try streamConvertOnTwoThreads(
                input, makeReader: makeReader, writer: makeWriter(writeOptions), output: output, pieceSize: pieceSize,
                diagnostics: &diagnostics)
        {
            return outcome
        }
        guard var reader = makeReader(input.displayName, readOptions) else {
            return .needsWholeFile("the read options need the whole file")
        }
        var writer = makeWriter(writeOptions)
        var count = 0
        var stop: String?
        var writeError: BibKitError?
        var found = Diagnostics()
        do {
            try reader.prepare(passingOver: input.path, pieceSize: pieceSize)
            var pending: [UInt8] = []
            // A writer whose entries depend on the metadata (BibTeX's macros) gets the piece's
            // entries once the piece is read, after the metadata read with them.
            let wantsMetadata = writer.wantsMetadata
            var batch: [Entry] = []
            try FileIO.readPieces(path: input.path, size: pieceSize) { piece, atEnd in
                pending.append(contentsOf: piece)
                var refused = false
                var written = Diagnostics()
                let used = try reader.read(pending, atEnd: atEnd, diagnostics: &found) { entry in
                    if refused { return }
                    if wantsMetadata {
                        batch.append(consume entry)
                    } else if writer.write(entry, diagnostics: &written) {
                        count += 1
                    } else {
                        refused = true
                    }
                }
                if wantsMetadata {
                    writer.update(metadata: reader.collectionMetadata)
                    if !writer.writeAll(batch, count: &count, diagnostics: &written) { refused = true }
                    batch.removeAll(keepingCapacity: true)
                }
                if let why = writer.endPiece(
                    refused: refused, written: written, atEnd: atEnd, metadata: { reader.collectionMetadata }, found: &found)
                {
                    stop = why
                    return false
                }
                pending.removeFirst(used)
                do throws(BibKitError) { try output.write(writer.take()) } catch {
                    writeError = error
                    return false
                }
                return true
            }
        } catch let error as BibKitError {
            throw error
        } catch {
            return .needsWholeFile("\(error)")
        }
        if let writeError { throw writeError }
        if let stop { return .needsWholeFile(stop) }
        try output.prepend(writer.takePrefix())
        diagnostics.append(contentsOf: found)
        return .converted(entries: count)
    }

}

extension StreamingWriter {
    /// Writes `entries` in order until one is refused, counting those written; false when
    /// one was refused.
    mutating func writeAll(_ entries: [Entry], count: inout Int, diagnostics: inout Diagnostics) -> Bool {
        for entry in entries {
            guard write(entry, diagnostics: &diagnostics) else { return false }
            count += 1
        }
        return true
    }

    /// The end of a piece in ``Pipeline/streamConvert(_:as:to:output:pieceSize:threads:diagnostics:)``,
    /// on one thread or two: the writer's diagnostics about the piece go after the reader's
    /// (already in `found`); after the last piece the writer finishes with the file's
    /// `metadata`. Why the conversion must go the whole-file way (an entry refused, or the
    /// writer's refusal), or nil to go on.
    mutating func endPiece(
        refused: Bool, written: Diagnostics, atEnd: Bool, metadata: () -> CollectionMetadata, found: inout Diagnostics
    ) -> String? {
        found.append(contentsOf: written)
        if refused { return refusal ?? "an entry has no key (keys are generated over the whole library)" }
        guard atEnd else { return nil }
        finish(metadata: metadata(), diagnostics: &found)
        return refusal
    }
}

// MARK: - Whole library, file read in pieces

extension Pipeline {
    /// Reads a regular file into a library piece by piece through its format's
    /// ``StreamingReader`` (BibTeX, BibLaTeX, RIS), so that only a piece of the file (about
    /// `pieceSize` bytes, or the largest entry) and what is made of it is in memory at a
    /// time besides the library, never the whole file.
    /// The library and the diagnostics (the same, in the same order) are those of
    /// ``read(_:diagnostics:)``: the reader keeps its diagnostics back and gives them in the
    /// whole-file reader's order (``StreamingReader/orderDiagnosticsAsWholeFile()``).
    ///
    /// Nil, with nothing reported, when the file must be read whole: standard input or
    /// another file that is not regular, a format without a streaming reader (or read
    /// options it does not honour), a file the whole-file reader decodes or refuses by its
    /// first bytes (UTF-16, binary), and whatever stops the streaming reader (bytes that
    /// are not UTF-8, NUL bytes, a RIS file without records, `crossref` diagnostics in a
    /// file of more than one piece), or an error reading the file (the whole-file read then
    /// reports it as it always does). Also when the reader has used nothing of the last
    /// `maxPending` bytes (default the larger of 16 pieces and 4 MB): a RIS file without `ER`
    /// lines, an entry megabytes long, where each new piece would have the reader look at
    /// all of them again.
    public func readInPieces(
        _ input: InputSpec, pieceSize: Int = 1 << 18, maxPending: Int? = nil, diagnostics: inout Diagnostics
    ) -> ReadResult? {
        struct Stalled: Error {}
        let maxPending = maxPending ?? max(16 * pieceSize, 4 << 20)
        guard FileIO.isRegularFile(input.path), let fileSize = FileIO.size(path: input.path),
            let head = try? FileIO.readPrefix(path: input.path, count: 64 * 1024),
            let plugin = try? Self.detectFormat(of: input, bytes: head), plugin.reader != nil,
            let makeReader = plugin.streamReader, var reader = makeReader(input.displayName, readOptions),
            reader.orderDiagnosticsAsWholeFile(), !Self.firstBytesNeedWholeFile(head)
        else { return nil }
        var library = Library()
        var found = Diagnostics()
        var total = 0
        do {
            try reader.prepare(passingOver: input.path, pieceSize: pieceSize)
            var pending: [UInt8] = []
            var done = 0
            try FileIO.readPieces(path: input.path, size: pieceSize) { piece, atEnd in
                pending.append(contentsOf: piece)
                total += piece.count
                let used = try reader.read(pending, atEnd: atEnd, diagnostics: &found) { entry in
                    var entry = entry
                    // As the whole-file readers keep them: name lists without spare room.
                    entry.releaseUnusedCapacity()
                    library.entries.append(entry)
                }
                pending.removeFirst(used)
                done += used
                if !atEnd, pending.count >= maxPending { throw Stalled() }
                // Room for the rest of the file once a piece tells how dense it is (the
                // entries so far are those of the bytes used so far).
                if !atEnd, used > 0 {
                    let want = Self.expectedEntries(have: library.entries.count, inBytes: done, of: max(fileSize, total))
                    if want > library.entries.capacity { library.entries.reserveCapacity(want) }
                }
                return true
            }
        } catch {
            return nil
        }
        library.metadata = reader.collectionMetadata
        diagnostics.append(contentsOf: found)
        return ReadResult(input: input, plugin: plugin, bytes: [], library: library, size: total)
    }

    /// True when the whole-file readers decide by a file's first bytes how to read it or
    /// whether to refuse it (UTF-16 with a byte order mark; binary data: NUL or many control
    /// bytes): such a file is read whole, not in pieces nor streamed, so the result is theirs.
    public static func firstBytesNeedWholeFile(_ head: [UInt8]) -> Bool {
        TextDecoding.hasUTF16ByteOrderMark(head) || TextDecoding.looksBinary(head)
    }

    /// Room for the entries of a file read in pieces, asked for after each piece: the entries
    /// so far, and those of the rest of the file at the rate so far (5% more), so the array
    /// is moved to a larger one about once, early, rather than at every doubling (each move
    /// holds the old and the new array at once; near the end of reading that is the peak).
    static func expectedEntries(have count: Int, inBytes done: Int, of size: Int) -> Int {
        guard count > 0, done > 0, size > done else { return count }
        let rest = Double(size - done) * Double(count) / Double(done) * 1.05
        return count + max(16, Int(rest.rounded(.up)))
    }
}
