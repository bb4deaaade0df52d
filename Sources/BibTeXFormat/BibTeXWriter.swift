import BibModel

/// Writes BibTeX or BibLaTeX.
public struct BibTeXWriter: BibliographyWriter {
    /// The dialect written.
    public enum Dialect: Sendable { case bibtex, biblatex }
    /// The dialect.
    public var dialect: Dialect
    /// Creates a writer.
    public init(dialect: Dialect = .bibtex) { self.dialect = dialect }

    /// Writes a library.
    public func write(_ library: Library, options: WriteOptions, diagnostics: inout Diagnostics) -> [UInt8] {
        []
    }
}
