/// The change report as text (one line per change, for `--report`) or JSON, and the key map
/// as a JSON object or two-column CSV (for `--key-map`).
extension TransformReport {
    /// One line per change, cluster, removal, rename and note, in the order the steps ran.
    ///
    /// ```
    /// clean: smith2020: page: "123 -- 145" → "123-145"
    /// duplicates: smith2020 (a.bib:3:1), Smith_2020 (b.ris:1:1, same doi 10.1/x) → kept smith2020
    /// merge: smith2020: page: (none) → "123-145" (from Smith_2020)
    /// conflict: smith2020: title: kept "A"; other "B" (conflict with Smith_2020)
    /// removed: Smith_2020 (b.ris:1:1): merged into smith2020
    /// key map: Smith_2020 → smith2020
    /// ```
    public func renderText() -> String {
        var out = ""
        for change in changes { out += Self.line(change) + "\n" }
        out += renderClusters()
        for r in removed {
            out += "removed: \(r.entry)" + (r.origin.map { " (\($0))" } ?? "") + ": \(r.reason)\n"
        }
        for k in keyMap { out += "key map: \(k.old) → \(k.new)\n" }
        for n in notes { out += "note: \(n)\n" }
        return out
    }

    /// Only the duplicate clusters (with their conflicts) and the key map: what a merge
    /// prints even without `--report`.
    public func renderMergeSummary() -> String {
        var out = renderClusters()
        for k in keyMap { out += "key map: \(k.old) → \(k.new)\n" }
        return out
    }

    private func renderClusters() -> String {
        var out = ""
        for cluster in clusters {
            let members = cluster.members.map { m in
                var where_ = [m.origin?.description].compactMap { $0 }
                if let why = m.matchedBy { where_.append("same \(why)") }
                return where_.isEmpty ? m.entry : "\(m.entry) (\(where_.joined(separator: ", ")))"
            }
            out += "duplicates: " + members.joined(separator: ", ")
            out += cluster.survivor.map { " → kept \($0)" } ?? " (not merged)"
            out += "\n"
            for c in cluster.conflicts {
                out += "conflict: \(c.entry): \(c.field): kept \(Self.quoted(c.old)); other \(Self.quoted(c.new))"
                out += c.reason.map { " (\($0))" } ?? ""
                out += "\n"
            }
        }
        return out
    }

    static func line(_ c: FieldChange) -> String {
        var s = "\(c.step): \(c.entry): \(c.field): "
        switch (c.old, c.new) {
        case (nil, let new?): s += "(none) → \(quoted(new))"
        case (let old?, nil): s += "\(quoted(old)) → (removed)"
        case (let old?, let new?):
            let (a, b) = window(old, new)
            s += "\(quoted(a)) → \(quoted(b))"
        case (nil, nil): s += "changed"
        }
        if let r = c.reason { s += " (\(r))" }
        return s
    }

    /// Long values that differ late are shown from a little before the first difference.
    static func window(_ a: String, _ b: String) -> (String, String) {
        guard a.count > 120 || b.count > 120 else { return (a, b) }
        let common = zip(a, b).prefix { $0 == $1 }.count
        guard common > 60 else { return (a, b) }
        let skip = common - 40
        return ("…" + a.dropFirst(skip), "…" + b.dropFirst(skip))
    }

    static func quoted(_ s: String?) -> String {
        guard let s else { return "(none)" }
        let shown = s.count > 120 ? String(s.prefix(117)) + "…" : s
        return "\"" + shown.replacingOccurrences("\n", " ") + "\""
    }

    /// The report as one JSON object: `changes`, `clusters`, `removed`, `keyMap`, `notes`.
    public func renderJSON() -> String {
        func change(_ c: FieldChange) -> String {
            var f = [("step", JSONText.string(c.step)), ("entry", JSONText.string(c.entry)), ("field", JSONText.string(c.field))]
            f.append(("old", c.old.map(JSONText.string) ?? "null"))
            f.append(("new", c.new.map(JSONText.string) ?? "null"))
            if let r = c.reason { f.append(("reason", JSONText.string(r))) }
            return JSONText.object(f)
        }
        func location(_ l: SourceLocation?) -> String {
            guard let l else { return "null" }
            return JSONText.object([("file", JSONText.string(l.file)), ("line", String(l.line)), ("column", String(l.column))])
        }
        let clusterJSON = clusters.map { c in
            JSONText.object([
                (
                    "members",
                    "[" + c.members.map { m in
                        JSONText.object([
                            ("entry", JSONText.string(m.entry)), ("origin", location(m.origin)),
                            ("matchedBy", m.matchedBy.map(JSONText.string) ?? "null"),
                        ])
                    }.joined(separator: ",") + "]"
                ),
                ("survivor", c.survivor.map(JSONText.string) ?? "null"),
                ("conflicts", "[" + c.conflicts.map(change).joined(separator: ",") + "]"),
            ])
        }
        let removedJSON = removed.map { r in
            JSONText.object([
                ("step", JSONText.string(r.step)), ("entry", JSONText.string(r.entry)), ("origin", location(r.origin)),
                ("reason", JSONText.string(r.reason)),
            ])
        }
        return JSONText.object([
            ("changes", "[" + changes.map(change).joined(separator: ",") + "]"),
            ("clusters", "[" + clusterJSON.joined(separator: ",") + "]"),
            ("removed", "[" + removedJSON.joined(separator: ",") + "]"),
            ("keyMap", keyMapJSON(pretty: false)),
            ("notes", "[" + notes.map(JSONText.string).joined(separator: ",") + "]"),
        ]) + "\n"
    }

    /// The key map as a JSON object `{"old": "new", …}` in order.
    public func keyMapJSON(pretty: Bool = true) -> String {
        guard !keyMap.isEmpty else { return pretty ? "{}\n" : "{}" }
        let pairs = keyMap.map { JSONText.string($0.old) + (pretty ? ": " : ":") + JSONText.string($0.new) }
        return pretty ? "{\n  " + pairs.joined(separator: ",\n  ") + "\n}\n" : "{" + pairs.joined(separator: ",") + "}"
    }

    /// The key map as CSV with a header row `old,new` (RFC 4180 quoting).
    public func keyMapCSV() -> String {
        func field(_ s: String) -> String {
            guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
            return "\"" + s.replacingOccurrences("\"", "\"\"") + "\""
        }
        var out = "old,new\r\n"
        for k in keyMap { out += field(k.old) + "," + field(k.new) + "\r\n" }
        return out
    }
}

/// Minimal JSON text building for reports and diagnostics.
enum JSONText {
    static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}
