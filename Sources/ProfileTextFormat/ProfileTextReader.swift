import BibModel

/// Reads plain text copied from a researcher profile page.
public struct ProfileTextReader: BibliographyReader {
    /// Creates a reader.
    public init() {}

    /// Reads a profile.
    public func read(
        _ bytes: [UInt8], source: String, options: ReadOptions, diagnostics: inout Diagnostics
    ) throws(FatalReadError) -> Library {
        Library()
    }
}
