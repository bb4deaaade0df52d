import BibModel
import BibSchemas
import BibXML

/// Validation of JATS documents against bibkit's own schema, for `bibkit validate` and
/// `--validate`. Each problem becomes a diagnostic with file, line and column.
public enum JATSValidation {
    /// bibkit's XSD for the JATS subset it writes (`Schemas/jats-ref-list.bibkit.xsd`).
    public static var schemaBytes: [UInt8] { BibSchemas.jatsRefList }

    /// Parses `bytes` safely and validates it against bibkit's JATS schema. Well-formedness
    /// problems come first (code `jats.xml-…`), then schema errors (`jats.schema-invalid`).
    /// An empty result with no errors means valid.
    public static func validate(bytes: [UInt8], source: String) -> Diagnostics {
        let parsed = XMLTree.parse(bytes, source: source)
        guard let tree = parsed.tree else {
            return check(bytes: bytes, source: source, wellFormedness: true) { _ in [] }
        }
        return checkOwnSchema(bytes: bytes, source: source, tree: tree, wellFormedness: true, parseProblems: parsed.diagnostics)
    }

    /// Validates a document against a DTD loaded from a local file (tests and oracles; the
    /// official JATS 1.3 DTDs). Never touches the network.
    public static func validate(bytes: [UInt8], source: String, dtdPath: String) -> Diagnostics {
        let dtd: XMLDTD
        do {
            dtd = try XMLDTD(contentsOfFile: dtdPath)
        } catch {
            var diagnostics = check(bytes: bytes, source: source, wellFormedness: true) { _ in [] }
            for problem in error.diagnostics {
                diagnostics.error("jats.dtd-unavailable", "cannot load the DTD \(dtdPath): \(problem.message)")
            }
            return diagnostics
        }
        return validate(bytes: bytes, source: source, against: dtd)
    }

    /// Validates a document against a loaded DTD (`bibkit validate --schema FILE.dtd`).
    /// - Parameter wellFormedness: also report well-formedness problems (`jats.xml-…`);
    ///   false when the JATS reader reads the same bytes and reports them itself.
    public static func validate(bytes: [UInt8], source: String, against dtd: XMLDTD, wellFormedness: Bool = true) -> Diagnostics {
        check(bytes: bytes, source: source, wellFormedness: wellFormedness) { dtd.validate($0) }
    }

    /// Validates a document against a compiled XML Schema (`bibkit validate --schema FILE.xsd`).
    public static func validate(bytes: [UInt8], source: String, against schema: XMLSchema, wellFormedness: Bool = true) -> Diagnostics {
        check(bytes: bytes, source: source, wellFormedness: wellFormedness) { schema.validate($0) }
    }

    /// What ``validateInput(bytes:source:)`` checked.
    public enum InputCheck: Sendable, Hashable {
        /// The root is a `<ref-list>` as bibkit writes it: checked against bibkit's XSD.
        case refListSchema
        /// Any other root (a whole `<article>`, a `<ref>`…): bibkit's XSD does not describe
        /// it, so only well-formedness (and the reader's diagnostics) apply.
        case noSchema(root: String)
        /// Not well-formed: nothing to check against a schema.
        case notWellFormed
    }

    /// Checks a JATS *input* (`bibkit validate`): bibkit's ref-list XSD describes only what
    /// bibkit writes, so it is applied only when the root element is a `<ref-list>` in no
    /// namespace; a whole article or any other document is left to the well-formedness check
    /// and the reader's diagnostics (run `bibkit validate --schema` with a JATS DTD for
    /// those). Well-formedness problems are not repeated here: the JATS reader reports them.
    public static func validateInput(bytes: [UInt8], source: String) -> (diagnostics: Diagnostics, checked: InputCheck) {
        let parsed = XMLTree.parse(bytes, source: source)
        guard let tree = parsed.tree, let root = tree.root else { return (Diagnostics(), .notWellFormed) }
        guard root.name == "ref-list", root.namespaceURI == nil else {
            return (Diagnostics(), .noSchema(root: root.name))
        }
        return (checkOwnSchema(bytes: bytes, source: source, tree: tree, wellFormedness: false, parseProblems: []), .refListSchema)
    }

    /// Parses `bytes` and runs `check` on the tree; well-formedness problems first when asked.
    private static func check(
        bytes: [UInt8], source: String, wellFormedness: Bool, _ run: (XMLTree) -> [XMLDiagnostic]
    ) -> Diagnostics {
        var diagnostics = Diagnostics()
        let lines = LineIndex(file: source, bytes: bytes)
        let parsed = XMLTree.parse(bytes, source: source)
        if wellFormedness {
            for problem in parsed.diagnostics {
                diagnostics.report(JATSDiagnostics.diagnostic(problem, lines: lines, prefix: "jats.xml"))
            }
        }
        guard let tree = parsed.tree else { return diagnostics }
        for problem in run(tree) {
            diagnostics.report(JATSDiagnostics.diagnostic(problem, lines: lines, prefix: "jats"))
        }
        return diagnostics
    }

    /// bibkit's own XSD on an already parsed tree.
    private static func checkOwnSchema(
        bytes: [UInt8], source: String, tree: XMLTree, wellFormedness: Bool, parseProblems: [XMLDiagnostic]
    ) -> Diagnostics {
        var diagnostics = Diagnostics()
        let lines = LineIndex(file: source, bytes: bytes)
        if wellFormedness {
            for problem in parseProblems {
                diagnostics.report(JATSDiagnostics.diagnostic(problem, lines: lines, prefix: "jats.xml"))
            }
        }
        let schema: XMLSchema
        do {
            schema = try XMLSchema(xsd: schemaBytes)
        } catch {
            for problem in error.diagnostics {
                diagnostics.error("jats.schema-unavailable", "bibkit's JATS schema did not compile: \(problem.message)")
            }
            return diagnostics
        }
        for problem in schema.validate(tree) {
            diagnostics.report(JATSDiagnostics.diagnostic(problem, lines: lines, prefix: "jats"))
        }
        return diagnostics
    }
}

/// Turns BibXML diagnostics into model diagnostics with a location.
enum JATSDiagnostics {
    static func diagnostic(_ problem: XMLDiagnostic, lines: LineIndex, prefix: String) -> Diagnostic {
        let severity: Diagnostic.Severity = problem.severity == .warning ? .warning : .error
        var location: SourceLocation?
        if problem.line > 0 {
            let index = min(problem.line, lines.lineStarts.count) - 1
            let column = problem.column ?? 1
            location = SourceLocation(
                file: lines.file, line: problem.line, column: column, offset: lines.lineStarts[index] + column - 1)
        }
        let code: String
        switch problem.kind {
        case .schemaValidity, .dtdValidity: code = prefix + "." + problem.kind.rawValue
        default: code = "jats.xml-" + problem.kind.rawValue
        }
        return Diagnostic(severity, code: code, message: problem.message, location: location)
    }
}
