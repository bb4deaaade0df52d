import BibModel

extension BibTeXStreamReader: StreamingReader {
    /// The first pass: the `crossref`/`xdata` parents, wherever they are (a second first
    /// pass for parents met before anything named them).
    public mutating func prepare(passOver: (([UInt8], Bool) throws -> Int) throws -> Void) throws {
        var first = BibTeXStreamReader(dialect: dialect, source: source)
        try passOver { bytes, atEnd in try first.collectParents(bytes, atEnd: atEnd) }
        let missing = first.missingParents
        if !missing.isEmpty {
            first = BibTeXStreamReader(dialect: dialect, source: source, wanted: missing)
            try passOver { bytes, atEnd in try first.collectParents(bytes, atEnd: atEnd) }
            guard first.missingParents.isEmpty else { throw StreamStop("crossref parents not found") }
        }
        takeParents(from: first)
    }

    /// The streaming reader for the plug-in of `dialect`: none when crossref parents are not
    /// to be inherited (the option the whole-file reader honours).
    static func maker(_ dialect: BibTeXDialect) -> @Sendable (String, ReadOptions) -> (any StreamingReader)? {
        { source, options in
            options.inheritCrossReferences ? BibTeXStreamReader(dialect: dialect, source: source) : nil
        }
    }
}
