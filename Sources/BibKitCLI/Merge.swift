import ArgumentParser
import BibKit

/// `bibkit merge`: several bibliographies into one, duplicates merged.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge bibliographies into one file, merging duplicates.",
        discussion: """
            The same as 'bibkit convert INPUT ... --dedupe --merge combine -o OUTPUT': every \
            INPUT is read into one library, duplicates (same DOI/ISBN/arXiv id/PMID, or the same \
            title with compatible year, authors, edition, volume, part and pages) are merged — \
            the first entry kept and filled from the others, keywords united — and the result \
            is written once in the format of OUTPUT's extension (or --to). Every transform \
            option of 'convert' applies; --merge chooses another policy.

            Use --key-map to record which keys disappeared and what replaced them, so \\cite \
            commands can be updated; --report to see every merged value and conflict.

            Exit status: as for 'convert'.

            Examples:
              bibkit merge mine.bib coauthor.bib publisher.ris -o all.bib
              bibkit merge zotero.json refs.bib -o all.bib --key-map keys.csv --report
              bibkit merge a.ris b.ris -o merged.ris --merge first --clean
            """
    )

    @Argument(help: ArgumentHelp("Input files ('-' for standard input).", valueName: "input"))
    var inputs: [String]

    @Option(name: .long, help: ArgumentHelp("Input format (default: detected per file).", valueName: "format"))
    var from: FormatID?

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file; its extension chooses the format unless --to is given. Written atomically.", valueName: "path"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("Output format (default: from the -o extension).", valueName: "format"))
    var to: FormatID?

    @OptionGroup var common: RunOptions

    @OptionGroup(title: "Transforms (run in this order: clean, filter, dedupe/merge, keys, sort)")
    var transforms: TransformOptions

    mutating func validate() throws {
        try InPlaceCheck.validate(inputs: inputs, output: output, inPlace: common.inPlace)
        if inputs.isEmpty { throw ValidationError("merge needs at least one INPUT") }
        if let to, FormatRegistry.plugin(named: to.rawValue)?.writer == nil {
            throw ValidationError("format '\(to)' cannot be written; formats that can: \(FormatRegistry.names(for: .write).joined(separator: ", "))")
        }
        if to == nil {
            guard let ext = Pipeline.fileExtension(output), FormatRegistry.writableFormat(forExtension: ext) != nil else {
                throw ValidationError("cannot tell the output format from '\(output)'; use --to (one of: \(FormatRegistry.names(for: .write).joined(separator: ", ")))")
            }
        }
    }

    func run() throws {
        guard let target = to ?? Pipeline.fileExtension(output).flatMap({ FormatRegistry.writableFormat(forExtension: $0)?.descriptor.id }) else {
            throw ValidationError("missing --to FORMAT")
        }
        var run = ConversionRun(
            specs: inputs.map { InputSpec(path: $0, format: from) }, target: target, output: output,
            pipeline: Pipeline(
                readOptions: common.readOptions,
                writeOptions: WriteOptions(keepUnicode: common.unicode ? true : nil)),
            chain: try transforms.chain(cleanByDefault: false, mergeByDefault: .combine), transforms: transforms,
            strict: common.strict, validateOutput: false, console: common.console, inPlace: common.inPlace)
        try run.run()
    }
}
