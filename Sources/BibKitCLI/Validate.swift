import ArgumentParser
import BibKit

/// `bibkit validate`: read inputs and report every problem.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check bibliography files and report every problem found.",
        discussion: """
            Reads each INPUT with its format's reader and reports every diagnostic: syntax \
            errors with file, line and column, values that do not parse, and anything the \
            reader had to guess. JATS XML and CSL-JSON files are also checked against \
            bibkit's own schemas (Schemas/).

            Exit status: 0 when no errors were found (warnings allowed, unless --strict); \
            1 when errors were found; 2 when no input could be read; 64 on a usage error.

            Examples:
              bibkit validate refs.bib
              bibkit validate out.xml --format github
              bibkit validate a.json b.ris --strict
            """
    )

    @Argument(help: ArgumentHelp("Input files ('-' for standard input).", valueName: "input"))
    var inputs: [String] = []

    @Option(name: .long, help: ArgumentHelp("Input format (default: detected).", valueName: "format"))
    var from: FormatID?

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Print only errors and no summary.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("How to print diagnostics: text, json or github.", valueName: "style"))
    var format: DiagnosticRenderer.Style = .text

    func run() throws {
        var console = Console(style: format, quiet: quiet)
        var diagnostics = Diagnostics()
        let specs = (inputs.isEmpty ? ["-"] : inputs).map { InputSpec(path: $0, format: from) }
        let (library, readCount) = Pipeline().read(specs, sources: &console.sources, diagnostics: &diagnostics) {
            result, diagnostics in
            if let validator = result.plugin.validator {
                diagnostics.append(contentsOf: validator(result.bytes, result.input.displayName))
            }
        }
        let entries = library.entries.count
        console.emit(diagnostics)
        let errors = diagnostics.count(.error)
        let warnings = diagnostics.count(.warning)
        console.summary("\(entries) entr\(entries == 1 ? "y" : "ies") checked: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        if readCount == 0 { throw ExitStatus.failure }
        if errors > 0 || (strict && warnings > 0) { throw ExitStatus.inputErrors }
    }
}
