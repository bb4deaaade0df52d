import ArgumentParser
import BibKit

/// `bibkit topics [TOPIC]` (also `bibkit help TOPIC`): the parts of bibkit that are a small
/// language of their own, explained with examples.
struct Topics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain the profile-text grammar, key patterns, merging, filters and diagnostics.",
        discussion: """
            Without a TOPIC, lists the topics. 'bibkit help TOPIC' prints the same text.

            Examples:
              bibkit topics
              bibkit help keys
              bibkit topics merging
            """
    )

    @Argument(help: ArgumentHelp("The topic: \(HelpTopic.all.map(\.name).joined(separator: ", ")).", valueName: "topic"))
    var topic: String?

    mutating func validate() throws {
        if let topic, HelpTopic.named(topic) == nil {
            throw ValidationError("no help topic '\(topic)'; topics: \(HelpTopic.all.map(\.name).joined(separator: ", "))")
        }
    }

    func run() {
        guard let topic, let found = HelpTopic.named(topic) else {
            print("Help topics (bibkit help TOPIC, or bibkit topics TOPIC):\n")
            let width = HelpTopic.all.map(\.name.count).max() ?? 0
            for t in HelpTopic.all {
                print("  " + t.name + String(repeating: " ", count: width - t.name.count + 2) + t.summary)
            }
            print("\nCommands: bibkit help COMMAND (convert, merge, tidy, validate, formats).")
            return
        }
        print(HelpTopic.wrap(found.text, width: 80), terminator: "")
    }
}

/// One help topic: a name, other names it answers to, a one-line summary and its text.
struct HelpTopic: Sendable {
    var name: String
    var aliases: [String]
    var summary: String
    var text: String

    /// The topic for a name or alias, if any.
    static func named(_ name: String) -> HelpTopic? {
        let wanted = name.lowercased()
        return all.first { $0.name == wanted || $0.aliases.contains(wanted) }
    }

    /// The text with its prose lines wrapped at `width` columns; indented lines (tables,
    /// examples) are kept as they are.
    static func wrap(_ text: String, width: Int) -> String {
        var out = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.first == " " || line.count <= width {
                out += line + "\n"
                continue
            }
            var current = ""
            for word in line.split(separator: " ") {
                if !current.isEmpty, current.count + 1 + word.count > width {
                    out += current + "\n"
                    current = ""
                }
                current += current.isEmpty ? String(word) : " " + word
            }
            out += current + "\n"
        }
        while out.hasSuffix("\n\n") { out.removeLast() }
        return out.hasSuffix("\n") ? out : out + "\n"
    }

    /// Every topic, in the order `bibkit topics` lists them.
    static let all: [HelpTopic] = [profileText, keys, merging, filters, diagnostics]

    static let profileText = HelpTopic(
        name: "profile-text", aliases: ["profile", "profile-grammar"],
        summary: "the researcher-profile text format (--from profile)",
        text: """
            PROFILE TEXT: the text you get by selecting a researcher's profile page in a browser \
            and copying it. Blocks are separated by blank lines.

            Header (every line optional, in this order):
              Max Zimmer          the researcher's name
              LG                  a primary subject code (arXiv class, LG = cs.LG)
              h-index29           statistics, glued to their numbers: h-index, papers,
              24papers            citations, Novelty (with %), AI Score
              177citations
              Novelty57%
              AI Score60
              24 Papers           the heading; its count is checked against the papers found

            Then one block group per paper:
              99.8CLMar 16Code    the meta line: [score][SUBJECT]Mon D[, YYYY][Code]
              Title of the paper  the title (one line)
              A. Author, B. Author et al.
                                  the authors, comma-separated; 'et al.' means more
              Abstract text ...   optional, one paragraph; links in it become the URL

            The meta line in parts: an optional score (99.8), an optional subject code in \
            capitals (CL, CV, LG, NE, AG, ...; it becomes the keyword cs.CL, math.AG, ...), the \
            month as a name (Mar, Sept, June) and the day, an optional ', YYYY', and an \
            optional 'Code' flag (the paper links to code). The subject's capitals run \
            straight into the month's: 'CLMar' is CL + Mar.

            Dates: a date without a year (Mar 16) is the most recent such date not after the \
            capture date, --as-of YYYY-MM-DD (default: today). Give --as-of the day the text \
            was copied, so the same file always gives the same years.

            Each paper becomes a preprint (@misc with type Preprint in BibTeX); the score, \
            subject, code flag and the date as written are kept as profile-* fields, and the \
            header as the collection's metadata (a comment in BibTeX).

            Problems are reported with their line and column and the other papers are still \
            read: an unknown month ('Jux 3') [profile.bad-date], a paper without authors \
            [profile.missing-authors], a count in the header that differs from the papers \
            found.

            Example:
              bibkit convert Samples/profile-max-zimmer.txt --as-of 2026-11-24 --to bibtex
            """)

    static let keys = HelpTopic(
        name: "keys", aliases: ["key-patterns", "key-pattern", "generate-keys", "citation-keys"],
        summary: "the citation-key pattern language (--generate-keys)",
        text: """
            CITATION KEY PATTERNS (--generate-keys[=PATTERN]): JabRef-style markers in \
            brackets with literal text between them. Alone, --generate-keys uses \
            \(CitationKeyPattern.default), which gives keys like zimmer2023sparse.

            Markers:
              [auth]            first author's family name (else the first editor's): Zimmer
              [pureauth]        the same, authors only
              [authN]           the first N letters of it: [auth3] → Zim
              [authEtAl]        Smith, SmithJones (two authors), SmithEtAl (more)
              [authors]         every author's family name: ZimmerSpiegelPokutta
              [authorsN]        the first N, then EtAl: [authors2] → ZimmerSpiegelEtAl
              [authorLast]      the last author's family name
              [year]            2023        [shortyear]  23        [month]  6
              [title]           the title's words joined, significant ones capitalised:
                                SparseModelSoupsaRecipeforImprovedPruning...
              [fulltitle]       every title word, capitalised, joined
              [shorttitle]      the first three significant words: SparseModelSoups
              [shorttitleN]     the first N significant words
              [veryshorttitle]  the first significant word: Sparse
              [journal]         the journal or book title   ([booktitle] is the same)
              [publisher] [volume] [number] [pages] [firstpage] [lastpage] [type] [key]
              [FIELD]           any field by its CSL name: [doi], [edition], [language], ...

            Stop words (a, an, the, of, on, for, ...) are not significant.

            Modifiers, after a colon, applied in order:
              :lower  :upper  :capitalize
              :abbr           the first letter of each word: [journal:abbr] gives
                              JoMLR for Journal of Machine Learning Research
              :(text)         used when the marker is empty: [year:(nd)]

            Values are folded to ASCII letters and digits (Erdős → Erdos); literal text \
            keeps letters, digits and - _ : . / +. Keys are made \
            unique across the library, ignoring case, with a, b, c, ... suffixes.

            --keep-keys keeps existing keys and generates only missing and repeated ones. \
            --key-map FILE records every key that changed (old → new), so \\cite commands in \
            a LaTeX document can be updated.

            Examples:
              bibkit convert Samples/paper-references.bib --generate-keys --to bibtex
              bibkit convert Samples/zotero-export.json --generate-keys='[auth][year][journal:abbr]' --to bibtex
              bibkit convert Samples/endnote-export.ris --generate-keys='[authors2:lower]_[shortyear]' --key-map keys.json -o refs.bib
            """)

    static let merging = HelpTopic(
        name: "merging", aliases: ["merge-policies", "merge-policy", "dedupe", "duplicates"],
        summary: "how duplicates are found and merged (--dedupe, --merge, bibkit merge)",
        text: """
            DUPLICATES (--dedupe) are found in layers, then grouped (if A matches B and B \
            matches C, all three are one cluster):

              1. the same identifier: DOI, ISBN, arXiv id or PMID (after cleaning, so
                 https://doi.org/10.1/X and 10.1/x match);
              2. the same normalised title (accents folded, LaTeX decoded, case and
                 punctuation ignored), unless a veto says they differ: years more than one
                 apart, no author family name in common (a bare family name matches any,
                 initials match full given names), a different edition, volume, part
                 (Part I / Part II) or pages, or two different subtitles.

            --dedupe alone reports each cluster as a warning and changes nothing.

            MERGE POLICIES (--merge POLICY, implies --dedupe):
              first      keep the first entry of each cluster as it is
              last       keep the last entry, in the first one's place
              combine    keep the first entry and fill what it lacks from the others,
                         preferring the more complete value: a page range over a first
                         page, full given names over initials, a full journal title over
                         its abbreviation, a fuller date; conflicts are reported
              overwrite  like combine, but on a conflict the later entry's value wins

            Whatever the policy, keywords are united. --keep-conflicts keeps the values a \
            merge did not take as bibkit:conflict.FIELD fields. 'bibkit merge' is convert \
            with --merge combine. The run prints every cluster and the keys that disappeared; \
            --report shows every value merged and every conflict, and --key-map FILE \
            (.json or .csv) writes each vanished key with the key that replaced it.

            Examples:
              bibkit convert Samples/paper-references.bib Samples/zotero-export.json --dedupe --to bibtex -o /dev/null
              bibkit merge Samples/paper-references.bib Samples/zotero-export.json -o merged.bib --key-map keys.csv
              bibkit convert Samples/paper-references.bib Samples/jats-article-refs.xml --merge overwrite --report --to csl-json -o merged.json
            """)

    static let filters = HelpTopic(
        name: "filters", aliases: ["filter", "sort"],
        summary: "selecting and ordering entries (--filter, --sort)",
        text: """
            FILTERS (--filter CONDITION, repeat to require several): FIELD OP VALUE[,VALUE...]; \
            any of the comma-separated values may match.

            Fields: year, type, author, editor, keyword, title, journal, key, has.
            Operators: = equals, != differs, ~ contains, !~ does not contain.

              year=2020..2023        a range; year=..2019 and year=2021.. are open ranges
              year=2021,2023         either year
              type=article-journal,book
                                     CSL type names, or the source's own (inproceedings)
              author=Zimmer          a family name, accents and case ignored
              author~zimm            a part of any author's name
              editor=Bengio          an editor's family name
              keyword=optimization   title~transformer   journal~learning   key=smith2020
              has=doi                entries with a DOI (any field name)

            Filters run after clean and before dedupe, so a year parsed from 'March 2020' \
            counts.

            SORT (--sort KEYS): key, year, date, author, title, type or journal, \
            comma-separated; '-' before a key sorts it descending. The sort is stable and \
            runs last, on the final keys.

            Examples:
              bibkit convert Samples/zotero-export.json --filter year=2015.. --filter has=doi --to ris
              bibkit convert Samples/paper-references.bib --sort -year,author --to bibtex
            """)

    static let diagnostics = HelpTopic(
        name: "diagnostics", aliases: ["codes", "diagnostic-codes", "errors", "warnings"],
        summary: "how problems are reported, and the diagnostic code families",
        text: """
            DIAGNOSTICS go to standard error, one per problem, never mixed with the data on \
            standard output:

              refs.bib:12:3: warning: smith2020: month: unknown month 'Mai' [bibtex.bad-month]
                month = {Mai},
                ^

            that is file:line:column (1-based; the column counts UTF-8 bytes), severity \
            (error, warning, note), the entry key and field when known, the message, and a \
            stable code in brackets. Editors and CI tools parse this form (errorformat). \
            On a terminal the severity is coloured, unless NO_COLOR is set.

            --diagnostics json (validate: --format json) prints one JSON object per line; \
            --diagnostics github prints GitHub Actions annotations. -q prints only errors.

            An error means data could not be read as written (the entry or value is skipped \
            or kept as text); a warning means bibkit read or wrote it but guessed, or \
            something will not survive the output format. Nothing is dropped silently: a \
            field the output format has no place for is kept where it can be, or reported.

            Codes start with where they come from:
              profile.    the profile-text reader
              bibtex.     the BibTeX/BibLaTeX reader and writer
              ris.        the RIS reader and writer
              csl.        the CSL-JSON reader, writer and schema check
              jats.       the JATS reader, writer and schema check (XML via libxml2)
              validate.   the rules of bibkit validate
              clean.      --clean and its parts
              dedupe.     --dedupe and --merge
              io.         files that cannot be read, formats that cannot be told

            validate --ignore CODE (or a prefix such as validate.missing) hides codes. \
            The exit statuses and every code with its meaning are in README, section \
            'Exit status and diagnostic codes'; 'bibkit help validate' lists the validate \
            rules.
            """)
}
