import BibKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the CLI prints on standard error: diagnostics, the summary line, what
/// `--verbose` tells, and the progress line.
struct Console {
    var sources = SourceStore()
    let renderer: DiagnosticRenderer
    let quiet: Bool
    /// `--verbose`: say what each step did.
    let verbose: Bool
    /// The progress line, when standard error is a terminal and the command shows one.
    let progress: ProgressDisplay?

    /// - Parameter progress: whether this command shows a progress line (on a terminal,
    ///   not when quiet).
    init(style: DiagnosticRenderer.Style, quiet: Bool, verbose: Bool = false, progress: Bool = false) {
        // Colours only on a terminal, and never when NO_COLOR is set (no-color.org).
        let color = style == .text && FileIO.isTerminal(2) && getenv("NO_COLOR") == nil
        self.renderer = DiagnosticRenderer(style: style, color: color)
        self.quiet = quiet
        self.verbose = verbose && !quiet
        self.progress = progress ? ProgressDisplay.make(quiet: quiet) : nil
    }

    /// Prints a `--verbose` line.
    func detail(_ text: @autoclosure () -> String) {
        if verbose { writeStderr("bibkit: \(text())\n") }
    }

    /// Prints diagnostics (only errors when quiet).
    mutating func emit(_ diagnostics: Diagnostics) {
        for d in diagnostics.all where !quiet || d.severity == .error {
            writeStderr(renderer.render(d, sources: &sources))
        }
    }

    /// Prints a one-line summary unless quiet.
    func summary(_ text: String) {
        if !quiet { writeStderr("bibkit: \(text)\n") }
    }

    /// Prints an error line.
    func error(_ text: String) { writeStderr("bibkit: error: \(text)\n") }

    /// Prints text as it is (the change report).
    func print(_ text: String) { writeStderr(text) }

    private func writeStderr(_ text: String) {
        if let progress {
            progress.withLineCleared { Self.writeRaw(text) }
        } else {
            Self.writeRaw(text)
        }
    }

    private static func writeRaw(_ text: String) {
        var text = text
        text.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                guard let base = buf.baseAddress else { return }
                let n = write(2, base + offset, buf.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
