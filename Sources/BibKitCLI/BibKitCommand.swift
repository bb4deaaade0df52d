import ArgumentParser
import BibKit

/// The `bibkit` command line.
@main
struct BibKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bibkit",
        abstract: "Convert, clean, merge and validate bibliographies.",
        discussion: """
            bibkit reads BibTeX/BibLaTeX, profile text and more into one format-neutral model \
            and writes it out again without losing fields.

            Examples:
              bibkit convert Samples/profile-max-zimmer.txt --to bibtex -o refs.bib
              bibkit convert refs.bib --to biblatex
              bibkit merge mine.bib theirs.ris -o all.bib --key-map keys.json
              bibkit tidy refs.bib --in-place
              bibkit validate refs.bib --strict
              bibkit formats
            """,
        version: BibKitVersion.string,
        subcommands: [Convert.self, Merge.self, Tidy.self, Validate.self, Formats.self]
    )
}

extension BibKitCommand {
    /// Parses the command line after letting `--generate-keys` stand without a value.
    static func main() {
        main(TransformOptions.rewriteArguments(Array(CommandLine.arguments.dropFirst())))
    }
}

/// The version printed by `bibkit --version`.
enum BibKitVersion {
    static let string = "0.1.0"
}

/// Exit statuses other tools may rely on.
enum ExitStatus {
    /// The input had errors; the good entries were written unless `--strict`.
    static let inputErrors = ExitCode(1)
    /// Nothing could be done: no input readable, or the output could not be written.
    static let failure = ExitCode(2)
}

extension FormatID: ExpressibleByArgument {
    public init?(argument: String) {
        guard let plugin = FormatRegistry.plugin(named: argument) else { return nil }
        self = plugin.descriptor.id
    }

    public static var allValueStrings: [String] { FormatRegistry.plugins.map { $0.descriptor.id.rawValue } }
}

extension DiagnosticRenderer.Style: ExpressibleByArgument {}
