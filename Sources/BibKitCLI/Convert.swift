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

            Transforms run between reading and writing, in a fixed order whatever the output \
            format: clean → filter → dedupe/merge → keys → sort. --report lists every change.

            Exit status: 0 on success (warnings allowed); 1 when an input had errors (the \
            good entries are still written unless --strict); 2 when nothing could be done \
            (no input readable, output not writable); 64 on a usage error. A failed or \
            interrupted run never truncates or half-writes an existing output file. -o naming \
            one of the inputs is refused unless --in-place, which first copies it to OUTPUT.bak.

            Examples:
              bibkit convert Samples/profile-max-zimmer.txt --as-of 2026-11-24 --to bibtex
              bibkit convert profile.txt --to biblatex -o refs.bib
              cat refs.bib | bibkit convert --from bibtex --to biblatex
              bibkit convert a.bib b.ris c.json --dedupe --merge combine --clean --generate-keys --sort year -o all.bib
              bibkit convert refs.json --filter year=2020..2023 --filter has=doi --to ris
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

    @Flag(help: "Compact output where the format has a choice (CSL-JSON on one line per item).")
    var compact = false

    @Flag(name: .customLong("jats-article"), help: "With --to jats: write a whole <article> (Archiving DTD) around the <ref-list>.")
    var jatsArticle = false

    @Flag(name: .customLong("validate"), help: "Check the output against bibkit's own schema (CSL-JSON, JATS) before writing; write nothing if it fails.")
    var validateOutput = false

    @Flag(name: .customLong("no-stream"), help: "Read the whole input before writing, even where bibkit could convert entry by entry (one BibTeX, BibLaTeX or RIS file to CSL-JSON, RIS, BibTeX or BibLaTeX in a file, no transforms); the output is the same.")
    var noStream = false

    @Option(name: .long, help: ArgumentHelp("Threads for a conversion that goes entry by entry: with 2, one reads the input while another writes the output; 1 does both on one thread. The output and diagnostics are the same. Default: 2 for BibTeX or BibLaTeX output (1 on a single processor); 1 for CSL-JSON and RIS output, where a second thread saves no time.", valueName: "n"))
    var threads: Int?

    @OptionGroup var common: RunOptions

    @OptionGroup(title: "Transforms (run in this order: clean, filter, dedupe/merge, keys, sort)")
    var transforms: TransformOptions

    mutating func validate() throws {
        try InPlaceCheck.validate(inputs: inputs, output: output, inPlace: common.inPlace)
        if let threads, threads < 1 {
            throw ValidationError("--threads must be 1 or more, got \(threads)")
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
            readOptions: common.readOptions,
            writeOptions: WriteOptions(pretty: !compact, keepUnicode: common.unicode ? true : nil, wholeDocument: jatsArticle))
        var run = ConversionRun(
            specs: (inputs.isEmpty ? ["-"] : inputs).map { InputSpec(path: $0, format: from) }, target: target,
            output: output, pipeline: pipeline, chain: try transforms.chain(cleanByDefault: false),
            transforms: transforms, strict: common.strict, validateOutput: validateOutput,
            console: common.console, inPlace: common.inPlace)
        run.stream = !noStream
        run.threads = threads
        try run.run()
    }
}
