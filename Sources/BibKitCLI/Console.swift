import BibKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the CLI prints on standard error: diagnostics and the summary line.
struct Console {
    var sources = SourceStore()
    let renderer: DiagnosticRenderer
    let quiet: Bool

    init(style: DiagnosticRenderer.Style, quiet: Bool) {
        let color = style == .text && FileIO.isTerminal(2) && getenv("NO_COLOR") == nil
        self.renderer = DiagnosticRenderer(style: style, color: color)
        self.quiet = quiet
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
