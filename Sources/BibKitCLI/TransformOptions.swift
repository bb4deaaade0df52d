import ArgumentParser
import BibKit

/// The transform options shared by `convert`, `merge` and `tidy`: clean, filter,
/// dedupe/merge, keys, sort, and the change report.
struct TransformOptions: ParsableArguments {
    // MARK: Clean

    @Flag(help: ArgumentHelp(
        "Turn on the safe clean set: --whitespace --pages --months --dois --isbn hyphenate --issn --urls --drop-all-caps --names --remove-empty-fields --remove-dupe-fields --decode-latex. Switch one off with its --no- form, e.g. --clean --no-drop-all-caps."))
    var clean = false

    @Flag(inversion: .prefixedNo, help: "Trim and collapse white space in every value.")
    var whitespace: Bool?

    @Flag(inversion: .prefixedNo, help: "Normalise page ranges: 'pp. 12 -- 15' → 12-15 (BibTeX output writes 12--15).")
    var pages: Bool?

    @Flag(inversion: .prefixedNo, help: "Parse dates kept as text ('March 2020', '2020/03/15') so BibTeX gets month = mar.")
    var months: Bool?

    @Flag(inversion: .prefixedNo, help: "Strip resolver prefixes from DOIs ('https://doi.org/10.1/x' → 10.1/x), arXiv ids and PMIDs; doi.org URLs become the DOI.")
    var dois: Bool?

    @Option(help: ArgumentHelp("Write ISBNs checked and hyphenated: hyphenate (978-3-16-148410-0), isbn13, isbn10 or compact. Invalid ISBNs are left alone with a warning.", valueName: "style"))
    var isbn: Identifiers.ISBNStyle?

    @Flag(inversion: .prefixedNo, help: "Write ISSNs as 1234-567X (check digit verified).")
    var issn: Bool?

    @Flag(inversion: .prefixedNo, help: "Tidy URLs: trim, unwrap \\url{…} and <…>, lower-case the host, encode spaces.")
    var urls: Bool?

    @Flag(name: .customLong("encode-urls"), inversion: .prefixedNo, help: "Percent-encode characters not allowed in URLs (off in --clean).")
    var encodeURLs: Bool?

    @Flag(name: .customLong("drop-all-caps"), inversion: .prefixedNo, help: "ALL-CAPS titles and names to proper case, acronyms kept: 'DEEP LEARNING FOR MRI' → 'Deep Learning for MRI'.")
    var dropAllCaps: Bool?

    @Flag(inversion: .prefixedNo, help: "Tidy names: space initials ('J.R.R.' → 'J. R. R.'); with --drop-all-caps also 'SMITH' → 'Smith'.")
    var names: Bool?

    @Option(name: .customLong("title-case"), help: ArgumentHelp("Recase every title: sentence ('Deep learning for MRI') or title ('Deep Learning for MRI'). Case-protected words are kept. Off in --clean.", valueName: "policy"))
    var titleCase: TextCase.Policy?

    @Flag(name: .customLong("remove-empty-fields"), inversion: .prefixedNo, help: "Remove empty values.")
    var removeEmptyFields: Bool?

    @Flag(name: .customLong("remove-dupe-fields"), inversion: .prefixedNo, help: "Merge duplicate values: keywords (also split at ';'), identifiers, URLs, notes, a short title equal to the title.")
    var removeDupeFields: Bool?

    @Flag(name: .customLong("decode-latex"), inversion: .prefixedNo, help: "Decode LaTeX accents and escapes found in non-BibTeX input: 'M{\\\"u}ller' → 'Müller', 'R\\&D' → 'R&D'.")
    var decodeLaTeX: Bool?

    @Flag(name: .customLong("remove-braces"), inversion: .prefixedNo, help: "Remove case protection ({…} in BibTeX) from titles. Off in --clean.")
    var removeBraces: Bool?

    @Option(help: ArgumentHelp("Remove these fields, comma-separated, by CSL or BibTeX name or namespace:name, e.g. --omit abstract,file,bibtex:timestamp.", valueName: "fields"))
    var omit: [String] = []

    @Option(name: .customLong("max-authors"), help: ArgumentHelp("Keep at most N authors; longer lists end in 'and others', e.g. --max-authors 10.", valueName: "N"))
    var maxAuthors: Int?

    @Flag(name: .customLong("sort-fields"), inversion: .prefixedNo, help: "Put fields in canonical order and unknown fields alphabetically. Off in --clean.")
    var sortFields: Bool?

    @Flag(name: .customLong("strip-comments"), inversion: .prefixedNo, help: "Drop the comments of BibTeX input: before, between and after the entries. Off in --clean.")
    var stripComments: Bool?

    // MARK: Filter and sort

    @Option(help: ArgumentHelp(
        "Keep only entries that match; repeat to require several. FIELD OP VALUE[,VALUE…] with FIELD year, type, author, editor, keyword, title, journal, key or has, and OP = != ~ (contains) !~. E.g. --filter year=2020..2023 --filter type=article-journal,book --filter author=Zimmer --filter has=doi.",
        valueName: "condition"))
    var filter: [String] = []

    @Option(help: ArgumentHelp("Sort entries (stable) by key, year, date, author, title, type or journal; comma-separated, '-' for descending, e.g. --sort year,-author.", valueName: "keys"))
    var sort: String?

    // MARK: Duplicates

    @Flag(help: "Find duplicates (same DOI/ISBN/arXiv/PMID, or same title with matching year, authors, edition, volume, part and pages) and report each as a warning; add --merge to merge them.")
    var dedupe = false

    @Option(help: ArgumentHelp("Merge duplicates (implies --dedupe): first, last, combine (fill what the first lacks from the others) or overwrite (later values win). Keywords are always united. E.g. --merge combine.", valueName: "policy"))
    var merge: Dedupe.MergePolicy?

    @Flag(name: .customLong("keep-conflicts"), help: "With --merge: keep the values a merge did not take as bibkit:conflict.FIELD fields.")
    var keepConflicts = false

    @Option(name: .customLong("key-map"), help: ArgumentHelp("Write the keys that disappeared (merged or regenerated) and their replacements: a JSON object for .json, two-column CSV for .csv, e.g. --key-map keys.json.", valueName: "file"))
    var keyMap: String?

    // MARK: Keys

    @Option(name: .customLong("generate-keys"), help: ArgumentHelp(
        "Generate citation keys from a JabRef-style pattern; alone it uses [auth:lower][year][veryshorttitle:lower]. Markers [auth] [authEtAl] [authors] [authors2] [authorLast] [year] [shortyear] [title] [shorttitle] [veryshorttitle] [journal] [volume] [firstpage]…, modifiers :lower :upper :abbr :capitalize :(default). E.g. --generate-keys='[auth][year][journal:abbr]'.",
        valueName: "pattern"))
    var generateKeys: String?

    @Flag(name: .customLong("keep-keys"), help: "With --generate-keys: keep existing keys; generate only missing and repeated ones.")
    var keepKeys = false

    // MARK: Report

    @Flag(help: "Print every change (per entry and field), duplicate cluster and key rename to standard error.")
    var report = false

    @Option(name: .customLong("report-file"), help: ArgumentHelp("Write the change report to a file: JSON when it ends in .json, else text.", valueName: "file"))
    var reportFile: String?

    /// The default key pattern, used when `--generate-keys` has no value.
    static let defaultPatternMarker = "\u{1}default"

    mutating func validate() throws {
        _ = try chain(cleanByDefault: false)
        if let keyMap, !(keyMap.lowercased().hasSuffix(".json") || keyMap.lowercased().hasSuffix(".csv")) {
            throw ValidationError("--key-map must end in .json or .csv, got '\(keyMap)'")
        }
        if let maxAuthors, maxAuthors < 1 { throw ValidationError("--max-authors must be 1 or more") }
        if keepKeys && generateKeys == nil { throw ValidationError("--keep-keys needs --generate-keys") }
        if keepConflicts && merge == nil { throw ValidationError("--keep-conflicts needs --merge") }
    }

    /// The clean options: `--clean` (or `cleanByDefault`) gives the safe set, then every
    /// explicit flag wins.
    func cleanOptions(cleanByDefault: Bool) -> Clean.Options {
        var o = (clean || cleanByDefault) ? Clean.Options.safeDefaults : Clean.Options()
        if let whitespace { o.whitespace = whitespace }
        if let pages { o.pages = pages }
        if let months { o.months = months }
        if let dois { o.dois = dois }
        if let isbn { o.isbn = isbn }
        if let issn { o.issn = issn }
        if let urls { o.urls = urls }
        if let encodeURLs { o.encodeURLs = encodeURLs }
        if let dropAllCaps { o.dropAllCaps = dropAllCaps }
        if let names { o.names = names }
        if let titleCase { o.titleCase = titleCase }
        if let removeEmptyFields { o.removeEmptyFields = removeEmptyFields }
        if let removeDupeFields { o.removeDuplicateValues = removeDupeFields }
        if let decodeLaTeX { o.decodeLaTeX = decodeLaTeX }
        if let removeBraces { o.removeBraces = removeBraces }
        if let sortFields { o.sortFields = sortFields }
        if let stripComments { o.stripComments = stripComments }
        o.omit = omit.flatMap { $0.split(separator: ",").map { String($0) } }.filter { !$0.isEmpty }
        o.maxAuthors = maxAuthors
        return o
    }

    /// The chain the options ask for.
    func chain(cleanByDefault: Bool, mergeByDefault: Dedupe.MergePolicy? = nil) throws -> TransformChain {
        var chain = TransformChain()
        let cleanOptions = cleanOptions(cleanByDefault: cleanByDefault)
        if !cleanOptions.isEmpty { chain.clean = Clean(options: cleanOptions) }
        if !filter.isEmpty {
            do {
                chain.filter = Filter(try filter.map { text throws(TransformOptionError) in try Filter.Condition(parsing: text) })
            } catch {
                throw ValidationError(error.description)
            }
        }
        let policy = merge ?? mergeByDefault
        if dedupe || policy != nil {
            chain.dedupe = Dedupe(options: Dedupe.Options(merge: policy, keepConflicts: keepConflicts))
        }
        if let generateKeys {
            do {
                let pattern = generateKeys == Self.defaultPatternMarker || generateKeys.isEmpty
                    ? CitationKeyPattern.default : try CitationKeyPattern(generateKeys)
                chain.keys = GenerateKeys(pattern: pattern, keepExisting: keepKeys)
            } catch {
                throw ValidationError(error.description)
            }
        }
        if let sort {
            do {
                chain.sort = try Sort(parsing: sort)
            } catch {
                throw ValidationError(error.description)
            }
        }
        return chain
    }

    /// Rewrites a bare `--generate-keys` (no `=PATTERN`) so the parser sees the default
    /// pattern (a following argument containing `[` is taken as the pattern), and
    /// `--sort -year` so the descending key is not read as an option.
    static func rewriteArguments(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" {
                out += arguments[i...]
                break
            }
            // `--sort -year`: a descending key, not an option.
            if a == "--sort", i + 1 < arguments.count, arguments[i + 1].hasPrefix("-"), !arguments[i + 1].hasPrefix("--"),
                arguments[i + 1].count > 1
            {
                out.append("--sort=" + arguments[i + 1])
                i += 2
                continue
            }
            if a == "--generate-keys" {
                if i + 1 < arguments.count, arguments[i + 1].contains("[") {
                    out += [a, arguments[i + 1]]
                    i += 2
                    continue
                }
                out.append("--generate-keys=" + defaultPatternMarker)
            } else {
                out.append(a)
            }
            i += 1
        }
        return out
    }
}

extension Identifiers.ISBNStyle: ExpressibleByArgument {}
extension TextCase.Policy: ExpressibleByArgument {}
extension Dedupe.MergePolicy: ExpressibleByArgument {}
