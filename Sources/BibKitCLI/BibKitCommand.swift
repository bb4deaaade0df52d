import ArgumentParser
import BibKit

/// The `bibkit` command line.
@main
struct BibKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bibkit",
        abstract: "Convert, clean, merge and validate bibliographies.",
        discussion: """
            bibkit reads researcher-profile text, BibTeX/BibLaTeX, RIS, CSL-JSON and JATS XML \
            into one format-neutral model and writes it out again without losing fields.

            Examples:
              bibkit convert Samples/profile-max-zimmer.txt --as-of 2026-11-24 --to bibtex -o refs.bib
              bibkit convert refs.bib --to csl-json -o refs.json
              bibkit merge mine.bib theirs.ris -o all.bib --key-map keys.json
              bibkit tidy refs.bib --in-place
              bibkit validate refs.bib --strict
              bibkit formats

            More help: 'bibkit help COMMAND' for every option of a command with examples; \
            'bibkit help TOPIC' for profile-text, keys, merging, filters, diagnostics \
            ('bibkit topics' lists them).
            """,
        version: BibKitVersion.string,
        subcommands: [Convert.self, Merge.self, Tidy.self, Validate.self, Formats.self, Topics.self]
    )
}

extension BibKitCommand {
    /// Parses the command line after letting `--generate-keys` stand without a value, and
    /// `bibkit help TOPIC` reach the topic.
    static func main() {
        FileIO.installSignalHandling()
        main(helpTopicArguments(TransformOptions.rewriteArguments(Array(CommandLine.arguments.dropFirst()))))
    }

    /// `help TOPIC` → `topics TOPIC` when TOPIC is a help topic and not a command.
    static func helpTopicArguments(_ arguments: [String]) -> [String] {
        guard arguments.count == 2, arguments[0] == "help",
            !configuration.subcommands.contains(where: { $0._commandName == arguments[1] }),
            HelpTopic.named(arguments[1]) != nil
        else { return arguments }
        return ["topics", arguments[1]]
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

    /// Shells complete --from/--to with the format names.
    public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}

extension DiagnosticRenderer.Style: ExpressibleByArgument {}
