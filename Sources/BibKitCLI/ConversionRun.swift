import ArgumentParser
import BibKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One read → transform → write run, shared by `convert` and `merge`.
struct ConversionRun {
    var specs: [InputSpec]
    var target: FormatID
    var output: String?
    var pipeline: Pipeline
    var chain: TransformChain
    var transforms: TransformOptions
    var strict: Bool
    var validateOutput: Bool
    var console: Console
    /// `--in-place`: `output` may name one of the inputs; it is backed up first.
    var inPlace = false

    /// Whether a conversion without transforms may go entry by entry (BibTeX, BibLaTeX or RIS
    /// to CSL-JSON, RIS, BibTeX or BibLaTeX: the formats with a streaming reader or writer).
    var stream = true
    /// Threads for a streamed conversion (`--threads`): 2 or more read on one thread while
    /// writing on this one; 1 does both here; nil: what suits the output format
    /// (``Pipeline/defaultStreamThreads(to:)``).
    var threads: Int?

    mutating func run() throws {
        if stream, try runStreaming() { return }
        var diagnostics = Diagnostics()
        let progress = console.progress
        defer { progress?.finish() }
        progress?.begin(
            inputs: specs.count, bytes: specs.reduce(0) { $0 + FileSize.of($1.path) }, first: specs.first?.displayName)
        let reporter = console
        let specs = specs
        var position = 0
        // A file is read in pieces where it can be (the same library and diagnostics), so the
        // whole file is never in memory next to the library.
        var (library, inputsRead) = pipeline.read(
            specs, sources: &console.sources, diagnostics: &diagnostics, inPieces: true
        ) { result, _ in
            position += 1
            let n = result.library.entries.count
            reporter.detail(
                "read \(n) entr\(n == 1 ? "y" : "ies") from \(result.input.displayName) (\(result.plugin.descriptor.id), \(FileSize.text(result.size)))")
            progress?.inputRead(
                bytes: result.size, entries: n,
                next: position < specs.count ? specs[position].displayName : nil)
        }
        if inputsRead == 0 {
            progress?.finish()
            console.emit(diagnostics)
            console.summary("nothing written: no input could be read")
            throw ExitStatus.failure
        }
        if strict && diagnostics.hasErrors {
            progress?.finish()
            console.emit(diagnostics)
            console.summary("nothing written: the input has errors and --strict is set")
            throw ExitStatus.inputErrors
        }
        let entriesRead = library.entries.count
        let report = chain.apply(
            to: &library, diagnostics: &diagnostics,
            willRun: { progress?.step(StepText.running($0)) },
            didRun: { name, own, after in reporter.detail(StepText.done(name, own, after)) })
        progress?.step("writing \(target)")
        let destination = output ?? "-"
        // A file is written as the writer goes, into the temporary file that replaces it at
        // the end (so the output is never held whole in memory); standard output, a special
        // file and `--validate` (which reads the output) take the whole output in memory.
        if !validateOutput, destination != "-", FileIO.PieceWriter.supports(destination),
            let file = try? FileIO.PieceWriter(path: destination)
        {
            var written = 0
            var writeError: BibKitError?
            do {
                try pipeline.write(library, as: target, diagnostics: &diagnostics) { piece in
                    guard writeError == nil else { return }
                    do throws(BibKitError) {
                        try file.write(piece)
                        written += piece.count
                    } catch {
                        writeError = error
                    }
                }
            } catch {
                file.abort()
                throw error
            }
            progress?.finish()
            try finish(
                library, entriesRead: entriesRead, report: report, destination: destination,
                diagnostics: diagnostics, size: written
            ) { () throws(BibKitError) in
                if let writeError {
                    file.abort()
                    throw writeError
                }
                try file.commit()
            } abandon: {
                file.abort()
            }
            return
        }
        let bytes = try pipeline.write(library, as: target, diagnostics: &diagnostics)
        progress?.finish()
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
        try finish(
            library, entriesRead: entriesRead, report: report, destination: destination, diagnostics: diagnostics,
            size: bytes.count
        ) { () throws(BibKitError) in
            try FileIO.writeAtomically(bytes, to: destination)
        } abandon: {}
    }

    /// The end of a whole-file run, once the output is made: the checks that keep an input
    /// from being replaced, the diagnostics, `commit` (which puts the output in place, or
    /// `abandon` when it must not be), the reports and the summary.
    private mutating func finish(
        _ library: Library, entriesRead: Int, report: TransformReport, destination: String,
        diagnostics: Diagnostics, size: Int, commit: () throws(BibKitError) -> Void, abandon: () -> Void
    ) throws {
        ExitTeardown.keepUntilExit(library)
        let replacesInput = destination != "-" && specs.contains { $0.path != "-" && FileIO.sameFile($0.path, destination) }
        if replacesInput && diagnostics.hasErrors {
            abandon()
            console.emit(diagnostics)
            console.summary("\(destination) left as it is: an input has errors, and entries that could not be read would be lost")
            throw ExitStatus.inputErrors
        }
        console.emit(diagnostics)
        do throws(BibKitError) {
            if replacesInput && inPlace {
                do throws(BibKitError) { try FileIO.copy(destination, to: destination + ".bak") } catch {
                    abandon()
                    throw error
                }
            }
            try commit()
            let n = library.entries.count
            console.detail("wrote \(n) entr\(n == 1 ? "y" : "ies") as \(target) to \(destination) (\(FileSize.text(size)))")
            try ReportOutput.write(report, transforms, chain: chain, console: console)
        } catch .brokenPipe {
            // The reader of standard output went away (`| head`): nothing more to say.
            return
        } catch {
            console.error(error.description)
            throw ExitStatus.failure
        }
        let errors = diagnostics.count(.error)
        let warnings = diagnostics.count(.warning)
        let count = library.entries.count
        var summary = "wrote \(count) entr\(count == 1 ? "y" : "ies")"
        if count != entriesRead { summary += " of \(entriesRead) read" }
        summary += " as \(target) to \(destination) (\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"))"
        if replacesInput { summary += "; backup in \(destination).bak" }
        if output != nil || !chain.isEmpty {
            console.summary(summary + ReportOutput.summary(report, chain: chain))
        }
        if diagnostics.hasErrors { throw ExitStatus.inputErrors }
    }
}

extension ConversionRun {
    /// Converts entry by entry when nothing needs the whole library: one file whose format
    /// streams (BibTeX, BibLaTeX, RIS) to a format that streams (CSL-JSON, RIS, BibTeX,
    /// BibLaTeX) in a file (or
    /// `/dev/null`), no transforms, no `--validate` or `--strict`.
    /// The output is byte for byte that of the ordinary path. False when it did not apply
    /// or gave up (a `crossref`, a key to generate…): then nothing was written.
    mutating func runStreaming() throws -> Bool {
        guard specs.count == 1, let spec = specs.first, spec.path != "-", chain.isEmpty, !validateOutput, !strict,
            !transforms.report, transforms.keyMap == nil, transforms.reportFile == nil,
            let destination = output, FileIO.PieceWriter.supports(destination), !FileIO.sameFile(spec.path, destination)
        else { return false }
        var diagnostics = Diagnostics()
        let head: [UInt8]
        do {
            head = try FileIO.readPrefix(path: spec.path, count: 64 * 1024)
        } catch {
            return false
        }
        guard let plugin = try? Pipeline.detectFormat(of: spec, bytes: head),
            Pipeline.canStream(spec, as: plugin, to: target), !Pipeline.firstBytesNeedWholeFile(head)
        else { return false }
        // Where the output cannot even be started, the whole-file path reports why.
        guard let out = try? FileIO.PieceWriter(path: destination) else { return false }
        let outcome: Pipeline.StreamOutcome
        do {
            outcome = try pipeline.streamConvert(
                spec, as: plugin, to: target, output: out, threads: threads ?? pipeline.defaultStreamThreads(to: target),
                diagnostics: &diagnostics)
        } catch {
            // A read or write error part way (the output's temporary file is removed): the
            // whole-file path tries again and reports the error if it happens again; say why.
            out.abort()
            console.summary("note: converting \(spec.displayName) piece by piece stopped (\(error.description)); converting it whole instead")
            return false
        }
        guard case .converted(let count) = outcome else {
            out.abort()
            return false
        }
        console.sources.add(name: spec.displayName, path: spec.path)
        console.emit(diagnostics)
        do {
            try out.commit()
        } catch {
            console.error(error.description)
            throw ExitStatus.failure
        }
        let errors = diagnostics.count(.error)
        let warnings = diagnostics.count(.warning)
        console.summary(
            "wrote \(count) entr\(count == 1 ? "y" : "ies") as \(target) to \(destination) (\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"))")
        if diagnostics.hasErrors { throw ExitStatus.inputErrors }
        return true
    }
}

/// Writing what the transforms report: `--report`, `--report-file`, `--key-map`.
enum ReportOutput {
    static func write(_ report: TransformReport, _ options: TransformOptions, chain: TransformChain, console: Console) throws(BibKitError) {
        if let path = options.keyMap {
            let text = path.lowercased().hasSuffix(".csv") ? report.keyMapCSV() : report.keyMapJSON()
            try FileIO.writeAtomically(Array(text.utf8), to: path)
        }
        if let path = options.reportFile {
            let text = path.lowercased().hasSuffix(".json") ? report.renderJSON() : report.renderText()
            try FileIO.writeAtomically(Array(text.utf8), to: path)
        }
        if options.report {
            console.print(report.renderText())
        } else if chain.dedupe?.options.merge != nil, !console.quiet, !report.isEmpty {
            // A merge always says which clusters merged and which keys went.
            console.print(report.renderMergeSummary())
        }
    }

    /// `; 12 changes, 3 duplicate clusters merged, 4 keys renamed`.
    static func summary(_ report: TransformReport, chain: TransformChain) -> String {
        var parts: [String] = []
        if chain.clean != nil || chain.keys != nil {
            let n = report.changes.filter { $0.step == "clean" || $0.step == "keys" }.count
            parts.append("\(n) change\(n == 1 ? "" : "s")")
        }
        if let dedupe = chain.dedupe {
            let n = report.clusters.count
            parts.append("\(n) duplicate cluster\(n == 1 ? "" : "s")\(dedupe.options.merge == nil ? " found" : " merged")")
        }
        if chain.filter != nil {
            let n = report.removed.filter { $0.step == "filter" }.count
            parts.append("\(n) filtered out")
        }
        if !report.keyMap.isEmpty { parts.append("\(report.keyMap.count) key\(report.keyMap.count == 1 ? "" : "s") mapped") }
        return parts.isEmpty ? "" : "; " + parts.joined(separator: ", ")
    }
}

/// What `--verbose` and the progress line say about each transform step.
enum StepText {
    /// The progress line while a step runs.
    static func running(_ step: String) -> String {
        switch step {
        case "clean": return "cleaning"
        case "filter": return "filtering"
        case "dedupe": return "finding duplicates"
        case "keys": return "generating keys"
        case "sort": return "sorting"
        default: return step
        }
    }

    /// One `--verbose` line: what a step did, from its own report and the library it left.
    static func done(_ step: String, _ report: TransformReport, _ library: Library) -> String {
        let left = library.entries.count
        switch step {
        case "clean":
            let changes = report.changes.filter { $0.step == "clean" }
            let entries = Set(changes.map(\.entry)).count
            return "clean: \(plural(changes.count, "value")) changed in \(plural(entries, "entry", "entries"))"
        case "filter":
            let removed = report.removed.filter { $0.step == "filter" }.count
            return "filter: kept \(left) of \(plural(left + removed, "entry", "entries")), \(removed) removed"
        case "dedupe":
            let clusters = report.clusters.count
            let merged = report.clusters.filter { $0.survivor != nil }
            if merged.isEmpty {
                return "dedupe: \(plural(clusters, "duplicate cluster")) found\(clusters > 0 ? " (not merged: add --merge POLICY)" : "")"
            }
            let members = merged.reduce(0) { $0 + $1.members.count }
            return "dedupe: \(plural(clusters, "duplicate cluster")) merged: \(plural(members, "entry", "entries")) became \(merged.count); \(left) left"
        case "keys":
            let changed = report.changes.filter { $0.step == "keys" }.count
            return "keys: \(plural(left, "entry", "entries")) keyed, \(plural(changed, "key")) new or changed"
        case "sort":
            return "sort: " + (report.notes.first ?? "sorted")
        default:
            return "\(step): \(plural(report.changes.count, "change"))"
        }
    }

    static func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String {
        "\(n) \(n == 1 ? one : many ?? one + "s")"
    }
}

/// File sizes for the progress line and `--verbose`.
enum FileSize {
    /// The size of a file in bytes; 0 for standard input or when it cannot be told.
    static func of(_ path: String) -> Int {
        guard path != "-" else { return 0 }
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// `812 B`, `15.2 kB`, `41.9 MB`.
    static func text(_ bytes: Int) -> String {
        if bytes < 1000 { return "\(bytes) B" }
        if bytes < 1_000_000 { return ProgressDisplay.fixed(Double(bytes) / 1000) + " kB" }
        return ProgressDisplay.fixed(Double(bytes) / 1_000_000) + " MB"
    }
}

/// `-o` naming one of the inputs replaces it: refused unless `--in-place`.
enum InPlaceCheck {
    static func validate(inputs: [String], output: String?, inPlace: Bool) throws {
        guard let output, output != "-" else {
            if inPlace { throw ValidationError("--in-place needs -o naming the input file to replace") }
            return
        }
        let replaced = inputs.contains { $0 != "-" && FileIO.sameFile($0, output) }
        if replaced && !inPlace {
            throw ValidationError(
                "-o '\(output)' is also an input and would be overwritten; add --in-place to replace it (a backup is kept as \(output).bak)")
        }
        if inPlace && !replaced {
            throw ValidationError("--in-place: -o '\(output)' is not one of the inputs")
        }
    }
}

/// What the CLI keeps until the process exits instead of freeing it when a run ends. Freeing
/// a library entry by entry is work for nothing when the process ends next (the system takes
/// the memory back at once): at 100 000 entries about 0.1 s, and 0.3–0.4 s after a sort,
/// which leaves the entries to be freed in random memory order. Compilers skip the same
/// teardown (clang's `-disable-free`). Library users of BibKit are not affected.
enum ExitTeardown {
    /// Touched only by the command's run, on the main thread, before the process exits.
    nonisolated(unsafe) private static var kept: Library?

    /// Keeps a library alive until the process exits (only the last one: a second run in
    /// the same process frees the first's).
    static func keepUntilExit(_ library: Library) {
        kept = library
    }
}
