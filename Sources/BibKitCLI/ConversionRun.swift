import ArgumentParser
import BibKit

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

    mutating func run() throws {
        var diagnostics = Diagnostics()
        var (library, inputsRead) = pipeline.read(specs, sources: &console.sources, diagnostics: &diagnostics)
        if inputsRead == 0 {
            console.emit(diagnostics)
            console.summary("nothing written: no input could be read")
            throw ExitStatus.failure
        }
        if strict && diagnostics.hasErrors {
            console.emit(diagnostics)
            console.summary("nothing written: the input has errors and --strict is set")
            throw ExitStatus.inputErrors
        }
        let entriesRead = library.entries.count
        let report = chain.apply(to: &library, diagnostics: &diagnostics)
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
            try ReportOutput.write(report, transforms, chain: chain, console: console)
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
        if output != nil || !chain.isEmpty {
            console.summary(summary + ReportOutput.summary(report, chain: chain))
        }
        if diagnostics.hasErrors { throw ExitStatus.inputErrors }
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
