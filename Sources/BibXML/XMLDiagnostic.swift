/// One problem reported by libxml2 or by BibXML's own guards, as a value with its place.
public struct XMLDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// How serious the problem is.
    public enum Severity: String, Sendable, Hashable {
        /// The document is still usable.
        case warning
        /// The document is invalid (validation) or partly unreadable.
        case error
        /// Parsing stopped.
        case fatal
    }

    /// What kind of problem, as a stable name for diagnostic codes.
    public enum Kind: String, Sendable, Hashable {
        /// Not well-formed XML (or not XML at all).
        case notWellFormed = "not-well-formed"
        /// Entity expansion refused: a loop, a bomb, or an amplification above the limit.
        case entityExpansion = "entity-expansion"
        /// The document declares entities; they are neither fetched nor expanded.
        case entityDeclaration = "entity-declaration"
        /// A reference to an entity that is not expanded (declared in the document, external, or undeclared).
        case entityReference = "entity-reference"
        /// Elements nested deeper than the parser allows.
        case tooDeep = "too-deep"
        /// A text node or name larger than the parser allows.
        case tooLarge = "too-large"
        /// The document is not valid against a DTD.
        case dtdValidity = "dtd-invalid"
        /// The document is not valid against an XML Schema.
        case schemaValidity = "schema-invalid"
        /// A schema or DTD could not be loaded or compiled.
        case schemaLoading = "schema-load"
        /// An attempt to load something over the network (always refused).
        case network = "network"
        /// A namespace problem (an undeclared prefix); the tree is still built.
        case namespace = "namespace"
        /// Anything else libxml2 reported.
        case other = "other"
    }

    /// The severity.
    public var severity: Severity
    /// The kind of problem.
    public var kind: Kind
    /// The 1-based line, or 0 when unknown.
    public var line: Int
    /// The 1-based column (bytes), when libxml2 knows it.
    public var column: Int?
    /// The message, one line, without a trailing newline.
    public var message: String
    /// libxml2's error code (`xmlParserErrors`), 0 for BibXML's own checks.
    public var code: Int

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, kind: Kind, line: Int = 0, column: Int? = nil, message: String, code: Int = 0
    ) {
        self.severity = severity
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
        self.code = code
    }

    /// `line:column: severity: message`.
    public var description: String {
        "\(line):\(column.map(String.init) ?? "-"): \(severity.rawValue): \(message)"
    }
}

/// A list of diagnostics thrown when an operation could not produce its result.
public struct XMLFailure: Error, Sendable, CustomStringConvertible {
    /// Every problem reported, first one first.
    public var diagnostics: [XMLDiagnostic]

    /// Creates a failure.
    public init(_ diagnostics: [XMLDiagnostic]) { self.diagnostics = diagnostics }

    /// The messages, one per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
