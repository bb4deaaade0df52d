import ArgumentParser
import BibKit

/// `bibkit convert`: read inputs, write one output.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert bibliographies from one format to another.",
        discussion: """
            Reads every INPUT (files, or '-' for standard input; standard input when none) \
            into one library and writes it once, to -o or standard output. The input format \
            is detected from the file extension and content unless --from is given.

            Exit status: 0 on success (warnings allowed); 1 when an input had errors (the \
            good entries are still written unless --strict); 2 when nothing could be done \
            (no input readable, output not writable); 64 on a usage error. A failed run \
            never truncates or half-writes an existing output file.

            Examples:
              bibkit convert Samples/profile-max-zimmer.txt --as-of 2026-11-24 --to bibtex
              bibkit convert profile.txt --to biblatex -o refs.bib
              cat refs.bib | bibkit convert --from bibtex --to biblatex
            """
    )

    @Argument(help: ArgumentHelp("Input files ('-' for standard input).", valueName: "input"))
    var inputs: [String] = []

    @Option(name: .long, help: ArgumentHelp("Input format (default: detected). One of: \(FormatRegistry.names(for: .read).joined(separator: ", ")).", valueName: "format"))
    var from: FormatID?

    @Option(name: .long, help: ArgumentHelp("Output format (default: from the -o extension). One of: \(FormatRegistry.names(for: .write).joined(separator: ", ")).", valueName: "format"))
    var to: FormatID?

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output). Written atomically.", valueName: "path"))
    var output: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Capture date for dates without a year in profile text (default: today).", valueName: "YYYY-MM-DD"))
    var asOf: String?

    @Flag(help: "Keep UTF-8 in BibTeX output instead of LaTeX escapes.")
    var unicode = false

    @Flag(help: "Compact output where the format has a choice (CSL-JSON on one line per item).")
    var compact = false

    @Flag(name: .customLong("jats-article"), help: "With --to jats: write a whole <article> (Archiving DTD) around the <ref-list>.")
    var jatsArticle = false

    @Flag(name: .customLong("validate"), help: "Check the output against bibkit's own schema (CSL-JSON, JATS) before writing; write nothing if it fails.")
    var validateOutput = false

    @Flag(help: "Write nothing and exit 1 if any input has errors.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Print only errors, no warnings or summary.")
    var quiet = false

    @Option(name: .customLong("diagnostics"), help: ArgumentHelp("How to print diagnostics: text, json or github.", valueName: "style"))
    var diagnosticsStyle: DiagnosticRenderer.Style = .text

    mutating func validate() throws {
        if let asOf, DateParts(iso8601: asOf)?.day == nil {
            throw ValidationError("--as-of must be a date as YYYY-MM-DD, got '\(asOf)'")
        }
        if to == nil {
            guard let output, let ext = Pipeline.fileExtension(output),
                FormatRegistry.writableFormat(forExtension: ext) != nil
            else {
                throw ValidationError("missing --to FORMAT (one of: \(FormatRegistry.names(for: .write).joined(separator: ", ")))")
            }
        }
        if let to, FormatRegistry.plugin(named: to.rawValue)?.writer == nil {
            throw ValidationError("format '\(to)' cannot be written yet; formats that can: \(FormatRegistry.names(for: .write).joined(separator: ", "))")
        }
        if let from, FormatRegistry.plugin(named: from.rawValue)?.reader == nil {
            throw ValidationError("format '\(from)' cannot be read yet; formats that can: \(FormatRegistry.names(for: .read).joined(separator: ", "))")
        }
    }

    func run() throws {
        let target: FormatID
        if let to {
            target = to
        } else if let output, let ext = Pipeline.fileExtension(output),
            let plugin = FormatRegistry.writableFormat(forExtension: ext)
        {
            target = plugin.descriptor.id
        } else {
            throw ValidationError("missing --to FORMAT")
        }
        let pipeline = Pipeline(
            readOptions: ReadOptions(asOf: asOf.flatMap { DateParts(iso8601: $0) }),
            writeOptions: WriteOptions(pretty: !compact, keepUnicode: unicode ? true : nil, wholeDocument: jatsArticle))
        let specs = (inputs.isEmpty ? ["-"] : inputs).map { InputSpec(path: $0, format: from) }

        var console = Console(style: diagnosticsStyle, quiet: quiet)
        var diagnostics = Diagnostics()
        let (library, inputsRead) = pipeline.read(specs, sources: &console.sources, diagnostics: &diagnostics)
        if inputsRead == 0 {
            console.emit(diagnostics)
            console.summary("nothing written: no input could be read")
            throw ExitStatus.failure
        }
        let readHadErrors = diagnostics.hasErrors
        if strict && readHadErrors {
            console.emit(diagnostics)
            console.summary("nothing written: the input has errors and --strict is set")
            throw ExitStatus.inputErrors
        }
        let bytes = try pipeline.write(library, as: target, diagnostics: &diagnostics)
        let destination = output ?? "-"
        if validateOutput {
            let name = destination == "-" ? "<output>" : destination
            guard let validator = FormatRegistry.plugin(named: target.rawValue)?.validator else {
                console.emit(diagnostics)
                console.error("--validate: bibkit has no schema for \(target) output")
                throw ExitStatus.failure
            }
            let found = validator(bytes, name)
            console.sources.add(name: name, bytes: bytes)
            diagnostics.append(contentsOf: found)
            if found.hasErrors {
                console.emit(diagnostics)
                console.summary("nothing written: the \(target) output does not validate against bibkit's schema")
                throw ExitStatus.inputErrors
            }
        }
        console.emit(diagnostics)
        do {
            try FileIO.writeAtomically(bytes, to: destination)
        } catch {
            console.error(error.description)
            throw ExitStatus.failure
        }
        let errors = diagnostics.count(.error)
        let warnings = diagnostics.count(.warning)
        if output != nil {
            console.summary("wrote \(library.entries.count) entr\(library.entries.count == 1 ? "y" : "ies") as \(target) to \(destination) (\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"))")
        }
        if diagnostics.hasErrors { throw ExitStatus.inputErrors }
    }
}
