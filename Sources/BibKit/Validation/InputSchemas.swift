import BibSchemas
import BibXML
import CSLJSONFormat
import JATSFormat

/// The schema checks `bibkit validate` runs on its *inputs*, as opposed to the strict
/// schemas `convert --validate` checks bibkit's own output against.
///
/// - CSL-JSON is checked against `Schemas/csl-data-input.bibkit.json`, written from the
///   CSL 1.0.2 specification: a superset of the official `csl-data.json` (years as strings
///   or numbers, raw and literal dates, string-or-number variables), so a Zotero export is
///   not reported invalid for what the specification allows.
/// - JATS is checked against bibkit's ref-list XSD only when the root is a `<ref-list>` as
///   bibkit writes it; a whole article or any other document gets the well-formedness
///   check and the reader's diagnostics only.
/// - With `--schema PATH` (``UserSchema``), that schema replaces the built-in one for the
///   inputs it applies to: a DTD or an XSD for JATS, a JSON Schema for CSL-JSON.
///
/// Syntax and well-formedness problems are left to the readers, which read the same bytes
/// and report them, so they are not reported twice.
public enum InputSchemas {
    /// What was checked, for `--verbose`.
    public struct Outcome {
        /// Schema problems found (empty when none, or when nothing was checked).
        public var diagnostics: Diagnostics
        /// A short description: "schema-checked (CSL 1.0.2)", "well-formed XML, no schema for <article>"…;
        /// nil when the format has no schema check.
        public var checked: String?
    }

    /// Runs the input check for one file read as `format`.
    public static func check(
        format: FormatID, bytes: [UInt8], source: String, schema: UserSchema? = nil
    ) -> Outcome {
        if let schema { return schema.check(format: format, bytes: bytes, source: source) }
        switch format {
        case .cslJSON:
            let found = CSLJSONValidation.validate(bytes, against: BibSchemas.cslJSONInput, source: source)
            return Outcome(diagnostics: withoutSyntax(found), checked: "schema-checked (CSL-JSON 1.0.2)")
        case .jats:
            let (found, what) = JATSValidation.validateInput(bytes: bytes, source: source)
            switch what {
            case .refListSchema:
                return Outcome(diagnostics: found, checked: "schema-checked (bibkit's ref-list XSD)")
            case .noSchema(let root):
                return Outcome(
                    diagnostics: found, checked: "well-formed; no schema for <\(root)> (use --schema with a JATS DTD)")
            case .notWellFormed:
                return Outcome(diagnostics: found, checked: "not well-formed")
            }
        default:
            return Outcome(diagnostics: Diagnostics(), checked: nil)
        }
    }

    /// Drops `csl.syntax` errors: the CSL-JSON reader reports the same ones at the same places.
    static func withoutSyntax(_ diagnostics: Diagnostics) -> Diagnostics {
        var kept = Diagnostics()
        for d in diagnostics.all where d.code != "csl.syntax" { kept.report(d) }
        return kept
    }
}

/// A schema named by `bibkit validate --schema PATH`, loaded once from a local file: a DTD
/// (`.dtd`) or an XML Schema (`.xsd`) for JATS inputs, a JSON Schema (`.json`) for CSL-JSON
/// inputs. Its kind is chosen by the file's extension. Nothing is fetched from the network;
/// a DTD's modules are read from paths relative to it, and documents are parsed without
/// expanding entities (``XMLTree``).
///
/// Not `Sendable` (libxml2 objects): load and use it on one thread.
public final class UserSchema {
    /// The kinds of schema, by file extension.
    public enum Kind: String, Sendable {
        case dtd, xsd, json

        /// The input format the kind applies to.
        public var format: FormatID { self == .json ? .cslJSON : .jats }
    }

    /// The path as given.
    public let path: String
    /// What kind of schema it is.
    public let kind: Kind
    private let dtd: XMLDTD?
    private let xsd: XMLSchema?
    private let json: [UInt8]?

    /// Why a schema could not be used: a usage problem (an unknown extension) or every
    /// problem found loading it.
    public struct Failure: Error {
        /// True when the path itself is unusable (an extension that names no schema kind).
        public var usage: Bool
        /// What went wrong, with the schema's file, line and column where known.
        public var diagnostics: Diagnostics
    }

    /// The kind for a path's extension (`.dtd`, `.xsd`, `.json`, any case), or nil.
    public static func kind(ofPath path: String) -> Kind? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return nil }
        return Kind(rawValue: name[name.index(after: dot)...].lowercased())
    }

    /// Loads and compiles the schema at `path`.
    public init(path: String) throws(Failure) {
        guard let kind = Self.kind(ofPath: path) else {
            var d = Diagnostics()
            d.error(
                "validate.schema-kind",
                "--schema '\(path)': the extension must be .dtd or .xsd (JATS inputs) or .json (CSL-JSON inputs)")
            throw Failure(usage: true, diagnostics: d)
        }
        self.path = path
        self.kind = kind
        var dtd: XMLDTD?
        var xsd: XMLSchema?
        var json: [UInt8]?
        var problems = Diagnostics()
        switch kind {
        case .dtd:
            // Read first so that a missing file is reported as such, not as a DTD error.
            do {
                _ = try FileIO.read(path: path)
                dtd = try XMLDTD(contentsOfFile: path)
            } catch let error as BibKitError {
                problems.error("validate.schema-unavailable", "--schema: \(error)")
            } catch let error as XMLFailure {
                // Lines may belong to one of the DTD's modules, so no location is given.
                Self.report(error, path: path, locate: false, into: &problems)
            } catch {
                problems.error("validate.schema-unavailable", "--schema '\(path)': \(error)")
            }
        case .xsd:
            do {
                let bytes = try FileIO.read(path: path)
                xsd = try XMLSchema(xsd: bytes)
            } catch let error as BibKitError {
                problems.error("validate.schema-unavailable", "--schema: \(error)")
            } catch let error as XMLFailure {
                Self.report(error, path: path, locate: true, into: &problems)
            } catch {
                problems.error("validate.schema-unavailable", "--schema '\(path)': \(error)")
            }
        case .json:
            do {
                let bytes = try FileIO.read(path: path)
                // Compile it on an empty document to find out early whether it can be used.
                let trial = CSLJSONValidation.validate(Array("[]".utf8), against: bytes, source: path)
                for d in trial.all where d.code == "csl.bad-schema" {
                    var d = d
                    d.code = "validate.schema-unavailable"
                    problems.report(d)
                }
                json = bytes
            } catch {
                problems.error("validate.schema-unavailable", "--schema: \(error)")
            }
        }
        guard problems.all.isEmpty else { throw Failure(usage: false, diagnostics: problems) }
        self.dtd = dtd
        self.xsd = xsd
        self.json = json
    }

    private static func report(_ failure: XMLFailure, path: String, locate: Bool, into problems: inout Diagnostics) {
        for problem in failure.diagnostics {
            let location = locate && problem.line > 0
                ? SourceLocation(file: path, line: problem.line, column: problem.column ?? 1, offset: 0) : nil
            problems.report(Diagnostic(
                .error, code: "validate.schema-unavailable", message: "--schema '\(path)' cannot be used: \(problem.message)",
                location: location))
        }
    }

    /// Checks one input against this schema; an input of a format the schema does not apply
    /// to gets a warning saying it was not checked.
    func check(format: FormatID, bytes: [UInt8], source: String) -> InputSchemas.Outcome {
        guard format == kind.format else {
            var d = Diagnostics()
            d.warning(
                "validate.schema-not-applicable",
                "--schema '\(path)' (\(kind.rawValue.uppercased())) applies to \(kind.format.rawValue) inputs; \(source) was read as \(format.rawValue) and not checked against it")
            return InputSchemas.Outcome(diagnostics: d, checked: nil)
        }
        let label = path.split(separator: "/").last.map(String.init) ?? path
        let found: Diagnostics
        if let dtd {
            found = JATSValidation.validate(bytes: bytes, source: source, against: dtd, wellFormedness: false)
        } else if let xsd {
            found = JATSValidation.validate(bytes: bytes, source: source, against: xsd, wellFormedness: false)
        } else if let json {
            found = InputSchemas.withoutSyntax(CSLJSONValidation.validate(bytes, against: json, source: source))
        } else {
            found = Diagnostics()
        }
        return InputSchemas.Outcome(diagnostics: found, checked: "checked against \(label)")
    }
}
