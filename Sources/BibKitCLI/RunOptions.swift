import ArgumentParser
import BibKit

/// The options `convert` and `merge` share: how inputs are read, how output is written
/// and how the run reports. (`tidy` words several of them for its single file.)
struct RunOptions: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp("Capture date for dates without a year in profile text (default: today).", valueName: "YYYY-MM-DD"))
    var asOf: String?

    @Flag(help: "Keep UTF-8 in BibTeX output instead of LaTeX escapes.")
    var unicode = false

    @Flag(name: .customLong("in-place"), help: "Let -o name one of the inputs: it is copied to OUTPUT.bak, then replaced atomically (not when an input has errors).")
    var inPlace = false

    @Flag(help: "Write nothing and exit 1 if any input has errors.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Print only errors, no warnings or summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Say what each step did: entries read per input, values cleaned, duplicates merged, keys generated, bytes written.")
    var verbose = false

    @Option(name: .customLong("diagnostics"), help: ArgumentHelp("How to print diagnostics: text, json or github.", valueName: "style"))
    var diagnosticsStyle: DiagnosticRenderer.Style = .text

    mutating func validate() throws {
        if let asOf, DateParts(iso8601: asOf)?.day == nil {
            throw ValidationError("--as-of must be a date as YYYY-MM-DD, got '\(asOf)'")
        }
    }

    /// What the readers are told (the capture date of profile text).
    var readOptions: ReadOptions { ReadOptions(asOf: asOf.flatMap { DateParts(iso8601: $0) }) }

    /// The console of a run, with a progress line where the terminal allows one.
    var console: Console { Console(style: diagnosticsStyle, quiet: quiet, verbose: verbose, progress: true) }
}
