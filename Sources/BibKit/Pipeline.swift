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

    /// The text of a 1-based line of a source, without its terminator, if known.
    public mutating func line(_ line: Int, of name: String) -> String? {
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
    /// Options for writers.
    public var writeOptions: WriteOptions

    /// Creates a pipeline.
    public init(readOptions: ReadOptions = ReadOptions(), writeOptions: WriteOptions = WriteOptions()) {
        self.readOptions = readOptions
        self.writeOptions = writeOptions
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
        /// The bytes read.
        public var bytes: [UInt8]
        /// The entries and metadata read.
        public var library: Library
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
    ///   - each: called with every input read, e.g. to validate it.
    public func read(
        _ inputs: [InputSpec], sources: inout SourceStore, diagnostics: inout Diagnostics,
        each: (ReadResult, inout Diagnostics) -> Void = { _, _ in }
    ) -> (library: Library, inputsRead: Int) {
        var library = Library()
        var inputsRead = 0
        for input in inputs {
            do {
                let result = try read(input, diagnostics: &diagnostics)
                sources.add(name: input.displayName, bytes: result.bytes)
                each(result, &diagnostics)
                library.append(contentsOf: result.library)
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

    /// The lower-cased extension of a path, if it has one.
    public static func fileExtension(_ path: String) -> String? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...]
        return ext.isEmpty ? nil : ext.lowercased()
    }
}
