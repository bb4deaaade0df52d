/// The stable name of a bibliography format, as used by `--from` and `--to`.
public struct FormatID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The lower-case name, e.g. `bibtex`.
    public var rawValue: String

    /// Creates a format name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Creates a format name.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The name as written on the command line.
    public var description: String { rawValue }

    /// Orders by name.
    public static func < (lhs: FormatID, rhs: FormatID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Plain text copied from a researcher profile page.
    public static let profile = FormatID("profile")
    /// Classic BibTeX.
    public static let bibtex = FormatID("bibtex")
    /// The BibLaTeX dialect of BibTeX (read with biber).
    public static let biblatex = FormatID("biblatex")
    /// RIS (Research Information Systems) tagged records.
    public static let ris = FormatID("ris")
    /// CSL-JSON, as used by Zotero, pandoc and citeproc.
    public static let cslJSON = FormatID("csl-json")
    /// JATS XML reference lists.
    public static let jats = FormatID("jats")
}

/// A field name qualified by the format it came from, e.g. `bibtex:timestamp` or `ris:C1`.
///
/// The namespace tells a writer whether it may write the field back verbatim.
public struct FieldKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The namespace: usually a format name (`bibtex`, `ris`, `csl`, `profile`).
    public var namespace: String
    /// The field name as it appeared in the source (case preserved).
    public var name: String

    /// Creates a namespaced field key.
    public init(_ namespace: String, _ name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// `namespace:name`.
    public var description: String { "\(namespace):\(name)" }

    /// True for a key of the BibTeX family (`bibtex:` or `biblatex:`): a field name that
    /// BibTeX and BibLaTeX writers may write back as it is, its value in LaTeX.
    public var isBibTeXFamily: Bool { namespace == "bibtex" || namespace == "biblatex" }

    /// Orders by namespace, then name.
    public static func < (lhs: FieldKey, rhs: FieldKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}
