import ArgumentParser
import BibKit

/// `bibkit formats`: the capability matrix.
struct Formats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the formats bibkit reads and writes.",
        discussion: """
            Prints one row per format: its name (for --from/--to), whether it can be read \
            and written, the file extensions that select it, other accepted names, and what \
            is lossy about writing it.

            Example:
              bibkit formats
            """
    )

    func run() {
        var rows: [[String]] = [["FORMAT", "READ", "WRITE", "EXTENSIONS", "ALIASES"]]
        for plugin in FormatRegistry.plugins {
            let d = plugin.descriptor
            rows.append([
                d.id.rawValue, plugin.reader == nil ? "-" : "yes", plugin.writer == nil ? "-" : "yes",
                d.extensions.map { "." + $0 }.joined(separator: " "), d.aliases.joined(separator: " "),
            ])
        }
        var widths = [Int](repeating: 0, count: 5)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i < 4 ? cell + String(repeating: " ", count: widths[i] - cell.count + 2) : cell
            }
            print(line)
        }
        for plugin in FormatRegistry.plugins {
            let d = plugin.descriptor
            print("\n\(d.id.rawValue): \(d.summary)")
            if plugin.writer != nil, !d.lossiness.isEmpty { print("  writing: \(d.lossiness)") }
            if plugin.validator != nil { print("  --validate checks output against bibkit's own schema") }
        }
    }
}
