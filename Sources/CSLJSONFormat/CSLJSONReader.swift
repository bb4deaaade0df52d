import BibModel

/// Reads CSL-JSON: an array of items (or a single item, or an object with a `references`
/// or `items` array), as Zotero, Better BibTeX, pandoc, citeproc-js users and bibkit
/// write it.
///
/// It is tolerant where real files differ from the schema (`date-parts` as strings, `raw`
/// and `literal` dates, numbers as strings or ints, unknown variables and types, `custom`)
/// and keeps everything: variables the model has no slot for go to
/// ``BibModel/Entry/extra`` under the `csl` namespace. Names with parts are kept as given
/// (particles are parsed only when an item asks with `parse-names`). Every diagnostic
/// carries the JSON path of the value (`[3].author[0].family`) and its line and column.
/// Malformed JSON is reported at the exact byte; the items before it are read, and
/// reading resumes at the next item that parses.
public struct CSLJSONReader: BibliographyReader {
    /// The deepest nesting accepted; deeper input is reported and skipped.
    public var maxDepth: Int

    /// Creates a reader.
    public init(maxDepth: Int = 512) {
        self.maxDepth = maxDepth
    }

    /// Reads CSL-JSON bytes into a library.
    public func read(
        _ bytes: [UInt8], source: String, options: ReadOptions, diagnostics: inout Diagnostics
    ) throws(FatalReadError) -> Library {
        let lines = LineIndex(file: source, bytes: bytes)
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw FatalReadError(Diagnostic(
                .error, code: "csl.encoding", message: "the input is UTF-16; CSL-JSON must be UTF-8",
                location: lines.location(ofOffset: 0)))
        }
        parser.skipWhitespace()
        var library = Library()
        guard let first = parser.current else {
            diagnostics.warning("csl.empty-input", "the input is empty: no items", at: lines.location(ofOffset: bytes.count))
            return library
        }
        var session = ReadSession(bytes: bytes, lines: lines, maxDepth: maxDepth)
        switch first {
        case UInt8(ascii: "["):
            session.readArray(&parser, pathPrefix: "")
        case UInt8(ascii: "{"):
            session.readTopObject(&parser)
        default:
            throw FatalReadError(Diagnostic(
                .error, code: "csl.not-json",
                message: "not CSL-JSON: expected '[' or '{', found \(JSONParser.describe(first))",
                location: lines.location(ofOffset: parser.position)))
        }
        diagnostics.append(contentsOf: session.diagnostics)
        library.entries = session.entries
        return library
    }
}

/// The state of one read: items found so far and diagnostics.
struct ReadSession {
    let bytes: [UInt8]
    let lines: LineIndex
    let maxDepth: Int
    var entries: [Entry] = []
    var diagnostics = Diagnostics()
    private var reportedRepairs = 0

    init(bytes: [UInt8], lines: LineIndex, maxDepth: Int) {
        self.bytes = bytes
        self.lines = lines
        self.maxDepth = maxDepth
    }

    private mutating func syntaxError(_ e: JSONSyntaxError, path: String) {
        let prefix = path.isEmpty ? "" : "in \(path): "
        diagnostics.error("csl.syntax", prefix + e.message, at: lines.location(ofOffset: e.offset), field: path.isEmpty ? nil : path)
    }

    private mutating func flushRepairs(_ parser: JSONParser) {
        while reportedRepairs < parser.repaired.count {
            let r = parser.repaired[reportedRepairs]
            let severe = r.message.hasPrefix("trailing comma")
            let d = Diagnostic(
                severe ? .error : .warning, code: severe ? "csl.syntax" : "csl.encoding",
                message: r.message + (severe ? " (not allowed in JSON; ignored)" : ""),
                location: lines.location(ofOffset: r.offset))
            diagnostics.report(d)
            reportedRepairs += 1
        }
    }

    /// Reads the single top-level object: one item, or a wrapper holding `references`/`items`.
    mutating func readTopObject(_ parser: inout JSONParser) {
        do {
            let node = try parser.parseValue()
            flushRepairs(parser)
            if node["type"] == nil && node["id"] == nil,
                let wrapped = node["references"] ?? node["items"], wrapped.elements != nil
            {
                let key = node["references"] != nil ? "references" : "items"
                for (i, element) in (wrapped.elements ?? []).enumerated() {
                    item(element, path: ".\(key)[\(i)]")
                }
            } else {
                item(node, path: "")
            }
        } catch {
            flushRepairs(parser)
            syntaxError(error, path: "")
            // Items cannot be told apart inside a broken single object; nothing more to do.
            return
        }
        trailing(&parser)
    }

    /// Reports anything but whitespace after the top-level value.
    private mutating func trailing(_ parser: inout JSONParser) {
        parser.skipWhitespace()
        if let b = parser.current {
            diagnostics.error(
                "csl.syntax", "unexpected \(JSONParser.describe(b)) after the end of the JSON document (ignored)",
                at: lines.location(ofOffset: parser.position))
        }
    }

    /// Reads a top-level array item by item, recovering from syntax errors.
    mutating func readArray(_ parser: inout JSONParser, pathPrefix: String) {
        let open = parser.position
        parser.position += 1
        var index = 0
        // Where the first item starts: recovery looks for later items that look the same.
        var firstItemColumn: Int?
        var firstAtLineStart = false
        while true {
            parser.skipWhitespace()
            guard let b = parser.current else {
                diagnostics.error(
                    "csl.syntax", "unexpected end of input: the array opened at line \(lines.location(ofOffset: open).line) is not closed",
                    at: lines.location(ofOffset: parser.position))
                return
            }
            if b == UInt8(ascii: "]") {
                parser.position += 1
                trailing(&parser)
                return
            }
            let start = parser.position
            if firstItemColumn == nil {
                firstItemColumn = lines.location(ofOffset: start).column
                firstAtLineStart = atLineStart(start)
            }
            do {
                let node = try parser.parseValue(depth: 2)
                flushRepairs(parser)
                item(node, path: "\(pathPrefix)[\(index)]")
                index += 1
            } catch {
                flushRepairs(parser)
                syntaxError(error, path: "\(pathPrefix)[\(index)]")
                index += 1
                guard let (node, end) = resync(
                    from: max(error.offset, start + 1), column: firstItemColumn, atLineStart: firstAtLineStart)
                else {
                    diagnostics.note(
                        "csl.recovery", "no further item could be found after the error; \(entries.count) item(s) read",
                        at: lines.location(ofOffset: error.offset))
                    return
                }
                diagnostics.note(
                    "csl.recovery", "resuming at the next item",
                    at: lines.location(ofOffset: node.start))
                item(node, path: "\(pathPrefix)[\(index)]")
                index += 1
                parser.position = end
            }
            parser.skipWhitespace()
            guard let next = parser.current else { continue }  // reported at the loop head
            switch next {
            case UInt8(ascii: ","):
                let comma = parser.position
                parser.position += 1
                parser.skipWhitespace()
                if parser.current == UInt8(ascii: "]") {
                    diagnostics.error(
                        "csl.syntax", "trailing comma before ']' (not allowed in JSON; ignored)",
                        at: lines.location(ofOffset: comma))
                }
            case UInt8(ascii: "]"):
                continue
            case UInt8(ascii: "{"):
                diagnostics.error(
                    "csl.syntax", "missing ',' between items", at: lines.location(ofOffset: parser.position))
            default:
                let at = parser.position
                diagnostics.error(
                    "csl.syntax", "unexpected \(JSONParser.describe(next)) after an item, expected ',' or ']'",
                    at: lines.location(ofOffset: at))
                guard let (node, end) = resync(from: at + 1, column: firstItemColumn, atLineStart: firstAtLineStart) else {
                    return
                }
                item(node, path: "\(pathPrefix)[\(index)]")
                index += 1
                parser.position = end
            }
        }
    }

    private func atLineStart(_ offset: Int) -> Bool {
        var i = offset - 1
        while i >= 0 {
            switch bytes[i] {
            case 0x20, 0x09: i -= 1
            case 0x0A, 0x0D: return true
            default: return false
            }
        }
        return true
    }

    /// The next item after damage: an object that starts where items start (at the start of
    /// a line in the first item's column when items are on their own lines, else after `,`)
    /// and has an `id` or `type`. Linear: each byte is examined a bounded number of times.
    private mutating func resync(from offset: Int, column: Int?, atLineStart: Bool) -> (JSONNode, Int)? {
        var i = offset
        let n = bytes.count
        while i < n {
            guard bytes[i] == UInt8(ascii: "{") else {
                i += 1
                continue
            }
            let plausible: Bool
            if atLineStart, let column {
                plausible = self.atLineStart(i) && lines.location(ofOffset: i).column == column
            } else {
                var k = i - 1
                while k >= 0, bytes[k] == 0x20 || bytes[k] == 0x09 || bytes[k] == 0x0A || bytes[k] == 0x0D { k -= 1 }
                plausible = k >= 0 && (bytes[k] == UInt8(ascii: ",") || bytes[k] == UInt8(ascii: "["))
            }
            guard plausible else {
                i += 1
                continue
            }
            var trial = JSONParser(bytes: bytes, position: i, maxDepth: maxDepth)
            if let node = try? trial.parseValue(depth: 2), node["id"] != nil || node["type"] != nil {
                flushRepairsOf(trial)
                return (node, trial.position)
            }
            i = max(i + 1, trial.position)
        }
        return nil
    }

    private mutating func flushRepairsOf(_ parser: JSONParser) {
        let saved = reportedRepairs
        reportedRepairs = 0
        flushRepairs(parser)
        reportedRepairs = saved
    }

    /// Maps one parsed item.
    mutating func item(_ node: JSONNode, path: String) {
        guard node.members != nil else {
            diagnostics.error(
                "csl.not-an-item", "\(path.isEmpty ? "the document" : path) is \(node.typeName == "array" ? "an" : "a") \(node.typeName), not an item object: skipped",
                at: lines.location(ofOffset: node.start), field: path.isEmpty ? nil : path)
            return
        }
        var reader = CSLItemReader(node: node, path: path, lines: lines)
        let entry = reader.read()
        diagnostics.append(contentsOf: reader.diagnostics)
        entries.append(entry)
    }
}
