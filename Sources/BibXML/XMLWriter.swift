/// Writes XML as UTF-8 bytes in one pass. Text and attribute values enter only through
/// escaping calls, so data can never become markup; characters XML 1.0 forbids are
/// replaced by U+FFFD and counted.
///
/// Elements holding only elements are indented; an element opened with `mixed: true`
/// (and everything inside it) is written inline, so no whitespace is added to text.
public struct XMLWriter: Sendable {
    /// The document so far (since the last ``drain(_:)``).
    public private(set) var bytes: [UInt8] = []
    /// True once ``drain(_:)`` handed bytes on (``bytes`` is then not the whole document).
    private var drained = false
    /// How many characters were replaced because XML 1.0 cannot hold them.
    public private(set) var replacedCharacters = 0
    /// How many names were not XML names and were replaced by a safe spelling.
    public private(set) var repairedNames = 0

    private struct Open: Sendable {
        var name: [UInt8]
        var mixed: Bool
        var hasChildren: Bool
    }

    private var stack: [Open] = []
    private let indentWidth: Int
    private var startTagOpen = false

    /// Creates a writer; `indent` spaces per level (0 writes everything on one line).
    public init(indent: Int = 2, reserveCapacity: Int = 0) {
        indentWidth = indent
        bytes.reserveCapacity(reserveCapacity)
    }

    /// Writes `<?xml version="1.0" encoding="UTF-8"?>`.
    public mutating func declaration() {
        append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
    }

    /// Writes a document type declaration with a public and a system identifier (no internal subset).
    public mutating func doctype(root: String, publicID: String, systemID: String) {
        newline(level: 0)
        append("<!DOCTYPE ")
        appendName(root)
        append(" PUBLIC \"")
        appendEscaped(publicID, attribute: true)
        append("\" \"")
        appendEscaped(systemID, attribute: true)
        append("\">")
    }

    /// Opens an element with attributes (values escaped). With `mixed`, its content is
    /// written inline.
    public mutating func start(_ name: String, _ attributes: [(String, String)] = [], mixed: Bool = false) {
        closeStartTag()
        let inline = stack.last?.mixed ?? false
        if !inline { newline(level: stack.count) }
        if !stack.isEmpty { stack[stack.count - 1].hasChildren = true }
        append("<")
        let nameBytes = appendName(name)
        for (key, value) in attributes {
            append(" ")
            appendName(key)
            append("=\"")
            appendEscaped(value, attribute: true)
            append("\"")
        }
        startTagOpen = true
        stack.append(Open(name: nameBytes, mixed: mixed || inline, hasChildren: false))
    }

    /// Closes the innermost open element (as `<x/>` when it is empty).
    public mutating func end() {
        guard let open = stack.popLast() else { return }
        if startTagOpen {
            append("/>")
            startTagOpen = false
            return
        }
        let inline = open.mixed
        if !inline && open.hasChildren { newline(level: stack.count) }
        append("</")
        bytes.append(contentsOf: open.name)
        append(">")
    }

    /// Writes character data inside the open element, escaped.
    public mutating func text(_ text: String) {
        closeStartTag()
        if !stack.isEmpty { stack[stack.count - 1].mixed = true }
        appendEscaped(text, attribute: false)
    }

    /// Writes `<name attributes>text</name>`.
    public mutating func element(_ name: String, _ attributes: [(String, String)] = [], text: String) {
        start(name, attributes, mixed: true)
        self.text(text)
        end()
    }

    /// Writes an empty element `<name attributes/>`.
    public mutating func empty(_ name: String, _ attributes: [(String, String)] = []) {
        start(name, attributes)
        end()
    }

    /// Closes every open element and ends the document with a newline.
    public mutating func finish() {
        while !stack.isEmpty { end() }
        append("\n")
    }

    /// Hands ``bytes`` to `body` and empties it, keeping its memory: a document written in
    /// pieces is the pieces in order.
    public mutating func drain(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBufferPointer(body)
        bytes.removeAll(keepingCapacity: true)
        drained = true
    }

    // MARK: - Bytes

    private mutating func closeStartTag() {
        if startTagOpen {
            append(">")
            startTagOpen = false
        }
    }

    private mutating func newline(level: Int) {
        guard !bytes.isEmpty || drained else { return }
        bytes.append(0x0A)
        if indentWidth > 0 {
            bytes.append(contentsOf: repeatElement(0x20, count: level * indentWidth))
        }
    }

    private mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @discardableResult
    private mutating func appendName(_ name: String) -> [UInt8] {
        var nameBytes: [UInt8]
        if XMLNames.isName(name) {
            nameBytes = Array(name.utf8)
        } else {
            repairedNames += 1
            var repaired = ""
            for scalar in name.unicodeScalars {
                let ok = (scalar.value >= 0x61 && scalar.value <= 0x7A) || (scalar.value >= 0x41 && scalar.value <= 0x5A)
                    || (scalar.value >= 0x30 && scalar.value <= 0x39) || scalar == "-" || scalar == "." || scalar == "_"
                repaired.unicodeScalars.append(ok ? scalar : "_")
            }
            if !XMLNames.isNCName(repaired) { repaired = "_" + repaired }
            nameBytes = Array(repaired.utf8)
        }
        bytes.append(contentsOf: nameBytes)
        return nameBytes
    }

    private mutating func appendEscaped(_ text: String, attribute: Bool) {
        var text = text
        text.withUTF8 { utf8 in
            let n = utf8.count
            var i = 0
            while i < n {
                let b = utf8[i]
                switch b {
                case UInt8(ascii: "&"): append("&amp;")
                case UInt8(ascii: "<"): append("&lt;")
                case UInt8(ascii: ">"): append("&gt;")
                case UInt8(ascii: "\"") where attribute: append("&quot;")
                case 0x09: if attribute { append("&#9;") } else { bytes.append(b) }
                case 0x0A: if attribute { append("&#10;") } else { bytes.append(b) }
                case 0x0D: append("&#13;")
                case 0x00..<0x20:
                    replacedCharacters += 1
                    bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
                case 0xEF where i + 2 < n && utf8[i + 1] == 0xBF && (utf8[i + 2] == 0xBE || utf8[i + 2] == 0xBF):
                    // U+FFFE and U+FFFF are not XML characters.
                    replacedCharacters += 1
                    bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    i += 2
                default:
                    bytes.append(b)
                }
                i += 1
            }
        }
    }
}
