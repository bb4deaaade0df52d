import ArgumentParser
import BibKit

/// `bibkit validate`: read inputs and report every problem.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check bibliography files and report every problem found.",
        usage: """
            bibkit validate [<input> ...] [--from <format>] [--schema <path>]
                            [--strict] [-q] [-v] [--format <style>] [--no-rules]
                            [--data-model <model>] [--ignore <codes> ...]
            """,
        discussion: """
            Reads each INPUT with its format's reader and reports every diagnostic: syntax \
            errors with file, line and column (unbalanced braces, undefined @string macros and \
            crossrefs come from the BibTeX reader), values that do not parse, and anything the \
            reader had to guess.

            Schemas: CSL-JSON inputs are checked against what the CSL 1.0.2 specification \
            allows (years as strings or numbers, raw and literal dates; a superset of the \
            official csl-data.json). JATS inputs are checked for well-formedness; bibkit's \
            own ref-list schema applies only to a <ref-list> as bibkit writes it, not to a \
            whole article. --schema checks JATS against a DTD or XSD of your choice (for \
            example the JATS Publishing DTD) or CSL-JSON against a JSON Schema; nothing is \
            fetched from the network. bibkit's strict schemas for its own output are used \
            by 'convert --validate'.

            Then the rules run over what was read:

              validate.missing-field       required fields per type (--data-model)
              validate.date, .year         unreadable, invalid or future dates
              validate.pages, .edition     values that are not pages or editions
              validate.doi, .isbn, .issn   DOI syntax, ISBN and ISSN check digits
              validate.arxiv, .pmid, .url  identifier and URL syntax
              validate.names               one name holding several people
              validate.not-nfc, .html      decomposed Unicode, HTML in text
              validate.field-not-in-model  BibLaTeX field biber rejects for the type
              validate.unescaped-special   '&' or '%' not escaped in BibTeX
              validate.duplicate-key       a key used twice (or differing in case)
              validate.likely-duplicate    the same work twice (as --dedupe finds)

            Text output is 'file:line:col: severity: key: field: message [code]' (errorformat); \
            --format json prints one JSON object per line, --format github GitHub Actions \
            annotations.

            Exit status: 0 when no errors were found (warnings allowed, unless --strict); \
            1 when errors were found; 2 when no input could be read; 64 on a usage error.

            Examples:
              bibkit validate refs.bib
              bibkit validate out.xml --format github
              bibkit validate a.json b.ris --strict --data-model biblatex
              bibkit validate refs.bib --ignore validate.missing-field
              bibkit validate article.xml --schema JATS-journalpublishing1-3.dtd
            """
    )

    @Argument(help: ArgumentHelp("Input files ('-' for standard input).", valueName: "input"))
    var inputs: [String] = []

    @Option(name: .long, help: ArgumentHelp("Input format (default: detected).", valueName: "format"))
    var from: FormatID?

    @Flag(help: "Treat warnings as errors: exit 1 when there are any.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Print only errors and no summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Say what was checked: entries read per input, problems found per input, diagnostics hidden by --ignore.")
    var verbose = false

    @Option(name: .long, help: ArgumentHelp("How to print diagnostics: text, json or github.", valueName: "style"))
    var format: DiagnosticRenderer.Style = .text

    @Option(name: .customLong("data-model"), help: ArgumentHelp("Required fields per type from this model: bibtex or biblatex (default: biblatex for BibLaTeX files, else bibtex).", valueName: "model"))
    var dataModel: DataModelRules.Model?

    @Option(help: ArgumentHelp("Do not report these codes (comma-separated; a code ending in '.' or a prefix such as 'validate.missing' covers all it starts), e.g. --ignore validate.missing-field.", valueName: "codes"))
    var ignore: [String] = []

    @Flag(name: .customLong("no-rules"), help: "Report only what the readers and schemas find, without the rule checks.")
    var noRules = false

    @Option(name: .long, help: ArgumentHelp("Check JATS inputs against this DTD or XSD, or CSL-JSON inputs against this JSON Schema (kind by extension: .dtd, .xsd, .json), instead of bibkit's built-in checks. Read from local files only.", valueName: "path"))
    var schema: String?

    func run() throws {
        var console = Console(style: format, quiet: quiet, verbose: verbose, progress: true)
        var userSchema: UserSchema?
        if let schema {
            do {
                userSchema = try UserSchema(path: schema)
            } catch {
                if error.usage { throw ValidationError(error.diagnostics.all.map(\.message).joined(separator: "; ")) }
                console.emit(error.diagnostics)
                throw ExitStatus.failure
            }
        }
        let reporter = console
        let progress = console.progress
        defer { progress?.finish() }
        var diagnostics = Diagnostics()
        let specs = (inputs.isEmpty ? ["-"] : inputs).map { InputSpec(path: $0, format: from) }
        progress?.begin(
            inputs: specs.count, bytes: specs.reduce(0) { $0 + FileSize.of($1.path) }, first: specs.first?.displayName)
        var position = 0
        let validator = Validator(options: Validator.Options(dataModel: dataModel))
        let rules = !noRules
        let (library, readCount) = Pipeline().read(specs, sources: &console.sources, diagnostics: &diagnostics) {
            result, diagnostics in
            let before = (diagnostics.count(.error), diagnostics.count(.warning))
            position += 1
            let checked = InputSchemas.check(
                format: result.plugin.descriptor.id, bytes: result.bytes, source: result.input.displayName,
                schema: userSchema)
            defer {
                let n = result.library.entries.count
                progress?.inputRead(
                    bytes: result.bytes.count, entries: n, next: position < specs.count ? specs[position].displayName : nil)
                reporter.detail(
                    "read \(n) entr\(n == 1 ? "y" : "ies") from \(result.input.displayName) (\(result.plugin.descriptor.id), \(FileSize.text(result.bytes.count)))\(checked.checked.map { ", " + $0 } ?? "")\(rules ? ", rules checked" : ""): \(StepText.plural(diagnostics.count(.error) - before.0, "error")), \(StepText.plural(diagnostics.count(.warning) - before.1, "warning"))")
            }
            diagnostics.append(contentsOf: checked.diagnostics)
            if rules {
                validator.check(
                    result.library, format: result.plugin.descriptor.id, bytes: result.bytes,
                    source: result.input.displayName, diagnostics: &diagnostics)
            }
        }
        if rules {
            progress?.step("checking across entries")
            let before = (diagnostics.count(.error), diagnostics.count(.warning))
            validator.checkAcross(library, diagnostics: &diagnostics)
            console.detail(
                "checked across \(StepText.plural(library.entries.count, "entry", "entries")) (duplicate keys, likely duplicates): \(StepText.plural(diagnostics.count(.error) - before.0, "error")), \(StepText.plural(diagnostics.count(.warning) - before.1, "warning"))")
        }
        let ignored = ignore.flatMap { $0.split(separator: ",").map { String($0) } }.filter { !$0.isEmpty }
        // A reader's warning about a repeated key is covered by the rule's error at the same place.
        let repeated = Set(diagnostics.all.filter { $0.code == "validate.duplicate-key" }.map { "\($0.entryKey ?? "") \($0.location?.description ?? "")" })
        var shown = Diagnostics()
        for d in diagnostics.all where !ignored.contains(where: { d.code == $0 || d.code.hasPrefix($0) }) {
            if d.code.hasSuffix(".duplicate-key") && d.code != "validate.duplicate-key"
                && repeated.contains("\(d.entryKey ?? "") \(d.location?.description ?? "")")
            {
                continue
            }
            shown.report(d)
        }
        let entries = library.entries.count
        if diagnostics.all.count > shown.all.count {
            console.detail("\(StepText.plural(diagnostics.all.count - shown.all.count, "diagnostic")) not shown (--ignore, or a reader's repeated-key warning covered by validate.duplicate-key)")
        }
        progress?.finish()
        console.emit(shown)
        let errors = shown.count(.error)
        let warnings = shown.count(.warning)
        console.summary("\(entries) entr\(entries == 1 ? "y" : "ies") checked: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        if readCount == 0 { throw ExitStatus.failure }
        if errors > 0 || (strict && warnings > 0) { throw ExitStatus.inputErrors }
    }
}

extension DataModelRules.Model: ExpressibleByArgument {}
