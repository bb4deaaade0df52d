import ArgumentParser
import BibKit

/// `bibkit tidy`: clean a BibTeX file.
struct Tidy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Clean a BibTeX or BibLaTeX file.",
        discussion: """
            Reads FILE, applies the safe clean set (white space, page ranges, months, DOIs, \
            ISBN/ISSN, URLs, ALL-CAPS titles and names, empty and duplicate values, stray \
            LaTeX) and writes it back in the same dialect (BibLaTeX when the file uses \
            BibLaTeX fields, else BibTeX) to standard output, to -o, or over FILE with \
            --in-place. Entries with a crossref or xdata keep their own fields only: \
            nothing of the parent is copied in. Tidying the output again changes nothing. \
            Switch parts off with their --no- form; every transform option of \
            'convert' applies (--sort, --merge, --generate-keys, --omit, --max-authors, …).

            --in-place first copies FILE to FILE.bak, then replaces FILE atomically: it is \
            never half-written, and it is left untouched when FILE has errors (entries that \
            could not be read would otherwise be lost) or anything fails.

            Exit status: 0 on success (warnings allowed); 1 when FILE had errors; 2 when \
            nothing could be done; 64 on a usage error.

            Examples:
              bibkit tidy refs.bib > clean.bib
              bibkit tidy refs.bib --in-place --sort key --report
              bibkit tidy refs.bib -o clean.bib --no-drop-all-caps --omit abstract,file
            """
    )

    @Argument(help: ArgumentHelp("The .bib file ('-' for standard input).", valueName: "file"))
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output). Written atomically.", valueName: "path"))
    var output: String?

    @Flag(name: .customLong("in-place"), help: "Replace FILE (after copying it to FILE.bak).")
    var inPlace = false

    @Option(name: .long, help: ArgumentHelp("Write this dialect: bibtex or biblatex (default: the input's).", valueName: "format"))
    var to: FormatID?

    @Flag(help: "Keep UTF-8 in BibTeX output instead of LaTeX escapes.")
    var unicode = false

    @Flag(help: "Write nothing and exit 1 if FILE has errors.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Print only errors, no warnings or summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Say what each step did: entries read, values changed per step, bytes written.")
    var verbose = false

    @Option(name: .customLong("diagnostics"), help: ArgumentHelp("How to print diagnostics: text, json or github.", valueName: "style"))
    var diagnosticsStyle: DiagnosticRenderer.Style = .text

    @OptionGroup(title: "Transforms (clean is on; run in this order: clean, filter, dedupe/merge, keys, sort)")
    var transforms: TransformOptions

    mutating func validate() throws {
        if inPlace && output != nil { throw ValidationError("use either -o or --in-place, not both") }
        if inPlace && file == "-" { throw ValidationError("--in-place needs a file, not standard input") }
        if let output, file != "-", FileIO.sameFile(file, output) {
            throw ValidationError("-o '\(output)' is the input file; use --in-place to replace it (a backup is kept as \(file).bak)")
        }
        if let to, to != .bibtex && to != .biblatex {
            throw ValidationError("tidy writes bibtex or biblatex; use 'bibkit convert' for \(to)")
        }
    }

    func run() throws {
        var console = Console(style: diagnosticsStyle, quiet: quiet, verbose: verbose)
        var diagnostics = Diagnostics()
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(path: file)
        } catch {
            console.error(error.description)
            throw ExitStatus.failure
        }
        let source = file == "-" ? "<stdin>" : file
        console.sources.add(name: source, bytes: bytes)
        let tidier = BibTeXTidier(
            chain: try transforms.chain(cleanByDefault: true), dialect: to,
            writeOptions: WriteOptions(keepUnicode: unicode ? true : nil))
        let result = tidier.read(bytes, source: source, diagnostics: &diagnostics)
        if result.readErrors && (strict || inPlace) {
            console.emit(diagnostics)
            console.summary(
                inPlace
                    ? "\(file) left as it is: it has errors, and entries that could not be read would be lost"
                    : "nothing written: the input has errors and --strict is set")
            throw ExitStatus.inputErrors
        }
        var library = result.library
        let read = library.entries.count
        console.detail("read \(StepText.plural(read, "entry", "entries")) from \(source) (\(result.dialect), \(FileSize.text(bytes.count)))")
        let (out, report) = try tidier.tidy(&library, dialect: result.dialect, diagnostics: &diagnostics)
        for step in ["clean", "merge", "keys"] {
            let changes = report.changes.filter { $0.step == step }
            if !changes.isEmpty {
                console.detail("\(step): \(StepText.plural(changes.count, "value")) changed in \(StepText.plural(Set(changes.map(\.entry)).count, "entry", "entries"))")
            }
        }
        for note in report.notes { console.detail(note) }
        console.detail("wrote \(StepText.plural(library.entries.count, "entry", "entries")) as \(result.dialect) (\(FileSize.text(out.count)))")
        console.emit(diagnostics)
        let destination = inPlace ? file : (output ?? "-")
        do {
            if inPlace {
                if out == bytes {
                    console.summary("\(file) is already tidy")
                    try ReportOutput.write(report, transforms, chain: tidier.chain, console: console)
                    return
                }
                try FileIO.copy(file, to: file + ".bak")
            }
            try FileIO.writeAtomically(out, to: destination)
            try ReportOutput.write(report, transforms, chain: tidier.chain, console: console)
        } catch .brokenPipe {
            return
        } catch {
            console.error(error.description)
            throw ExitStatus.failure
        }
        if destination != "-" {
            let n = library.entries.count
            let changes = report.changes.count
            console.summary("tidied \(n) entr\(n == 1 ? "y" : "ies") into \(destination) (\(changes) value\(changes == 1 ? "" : "s") changed\(inPlace ? "; backup in \(file).bak" : ""))")
        }
        if diagnostics.hasErrors { throw ExitStatus.inputErrors }
    }

}
