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
        var diagnostics = Diagnostics()
        let lines = LineIndex(file: source, bytes: bytes)
        let parsed = XMLTree.parse(bytes, source: source)
        for problem in parsed.diagnostics {
            diagnostics.report(JATSDiagnostics.diagnostic(problem, lines: lines, prefix: "jats.xml"))
        }
        guard let tree = parsed.tree else { return diagnostics }
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

    /// Validates a document against a DTD loaded from a local file (tests and oracles; the
    /// official JATS 1.3 DTDs). Never touches the network.
    public static func validate(bytes: [UInt8], source: String, dtdPath: String) -> Diagnostics {
        var diagnostics = Diagnostics()
        let lines = LineIndex(file: source, bytes: bytes)
        let parsed = XMLTree.parse(bytes, source: source)
        for problem in parsed.diagnostics {
            diagnostics.report(JATSDiagnostics.diagnostic(problem, lines: lines, prefix: "jats.xml"))
        }
        guard let tree = parsed.tree else { return diagnostics }
        do {
            let dtd = try XMLDTD(contentsOfFile: dtdPath)
            for problem in dtd.validate(tree) {
                diagnostics.report(JATSDiagnostics.diagnostic(problem, lines: lines, prefix: "jats"))
            }
        } catch {
            for problem in error.diagnostics {
                diagnostics.error("jats.dtd-unavailable", "cannot load the DTD \(dtdPath): \(problem.message)")
            }
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
