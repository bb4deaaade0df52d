/// The two flavours of `.bib` file bibkit writes (and will read).
public enum BibTeXDialect: String, Sendable, Hashable, CaseIterable {
    /// Classic BibTeX 0.99 with `.bst` styles: 14 entry types, `year`/`month`, ASCII + LaTeX.
    case bibtex
    /// BibLaTeX's data model as biber reads it: `date`, `journaltitle`, UTF-8.
    case biblatex

    /// The namespace used for extras that came from a file of this dialect (`bibtex:timestamp`).
    public var namespace: String { rawValue }
}
