/// Renders diagnostics for people and tools: gcc/errorformat text with the source line
/// and a caret, JSON lines, or GitHub Actions workflow commands.
public struct DiagnosticRenderer: Sendable {
    /// Output styles.
    public enum Style: String, Sendable, CaseIterable {
        /// `file:line:col: severity: key: field: message [code]` (key and field when the
        /// diagnostic has them), the source line and a caret.
        case text
        /// One JSON object per line.
        case json
        /// GitHub Actions `::error file=…,line=…,col=…::message`.
        case github
    }

    /// The style.
    public var style: Style
    /// Colour with ANSI escapes (terminals only, never when `NO_COLOR` is set).
    public var color: Bool

    /// Creates a renderer.
    public init(style: Style = .text, color: Bool = false) {
        self.style = style
        self.color = color
    }

    /// Renders one diagnostic, ending in a newline.
    public func render(_ d: Diagnostic, sources: inout SourceStore) -> String {
        switch style {
        case .text: return text(d, sources: &sources)
        case .json: return json(d) + "\n"
        case .github: return github(d) + "\n"
        }
    }

    private func text(_ d: Diagnostic, sources: inout SourceStore) -> String {
        var out = ""
        if let loc = d.location { out += "\(loc.file):\(loc.line):\(loc.column): " } else { out += "bibkit: " }
        let sev = d.severity.rawValue
        let subject = Self.subject(d)
        if color {
            let c = d.severity == .error ? "\u{1B}[1;31m" : d.severity == .warning ? "\u{1B}[1;35m" : "\u{1B}[1;36m"
            out += "\(c)\(sev):\u{1B}[0m \(subject)\u{1B}[1m\(d.message)\u{1B}[0m [\(d.code)]\n"
        } else {
            out += "\(sev): \(subject)\(d.message) [\(d.code)]\n"
        }
        if let loc = d.location, let line = sources.line(loc.line, of: loc.file) {
            let shown = line.replacingTabs()
            out += "  \(shown.count > 200 ? String(shown.prefix(200)) + "…" : shown)\n"
            // Column counts UTF-8 bytes; the caret goes under the character that byte starts.
            let prefix = String(decoding: Array(line.utf8.prefix(max(loc.column - 1, 0))), as: UTF8.self)
            let pad = min(prefix.replacingTabs().count, 200)
            out += "  " + String(repeating: " ", count: pad) + (color ? "\u{1B}[1;32m^\u{1B}[0m" : "^") + "\n"
        }
        for note in d.notes { out += "  note: \(note)\n" }
        return out
    }

    /// `key: field: ` for the parts a diagnostic has (errorformat's key and field columns).
    static func subject(_ d: Diagnostic) -> String {
        var out = ""
        if let key = d.entryKey, !key.isEmpty { out += key + ": " }
        if let field = d.field, !field.isEmpty { out += field + ": " }
        return out
    }

    private func json(_ d: Diagnostic) -> String {
        var fields: [(String, String)] = [
            ("severity", quote(d.severity.rawValue)), ("code", quote(d.code)), ("message", quote(d.message)),
        ]
        if let loc = d.location {
            fields += [("file", quote(loc.file)), ("line", String(loc.line)), ("column", String(loc.column))]
        }
        if let key = d.entryKey { fields.append(("key", quote(key))) }
        if let field = d.field { fields.append(("field", quote(field))) }
        if !d.notes.isEmpty { fields.append(("notes", "[" + d.notes.map(quote).joined(separator: ",") + "]")) }
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    private func github(_ d: Diagnostic) -> String {
        let kind = d.severity == .error ? "error" : d.severity == .warning ? "warning" : "notice"
        var props: [String] = []
        if let loc = d.location {
            props += ["file=\(escapeProperty(loc.file))", "line=\(loc.line)", "col=\(loc.column)"]
        }
        props.append("title=\(escapeProperty(d.code))")
        return "::\(kind) \(props.joined(separator: ","))::\(escapeData(Self.subject(d) + d.message))"
    }

    private func quote(_ s: String) -> String { JSONText.string(s) }

    private func escapeData(_ s: String) -> String {
        s.replacingOccurrences("%", "%25").replacingOccurrences("\r", "%0D").replacingOccurrences("\n", "%0A")
    }

    private func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(":", "%3A").replacingOccurrences(",", "%2C")
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        // Tabs, and any other control character a file may hold (a NUL, an ESC that would
        // drive the terminal), are shown as one space each, so the caret stays in place.
        guard unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return self }
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            out.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
        }
        return String(out)
    }

    /// The string with every `target` character replaced.
    func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
