import BibModel

/// A JSON value to be written, with object members in the order they are to appear.
indirect enum JSONOutput: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    /// A number kept as its source text (already valid JSON).
    case number(String)
    case string(String)
    case array([JSONOutput])
    case object([JSONOutputMember])

    /// The same value built from a parsed node (member order and number text kept).
    init(_ node: JSONNode) {
        switch node.value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let text): self = .number(text)
        case .string(let s): self = .string(s)
        case .array(let elements): self = .array(elements.map(JSONOutput.init))
        case .object(let members): self = .object(members.map { JSONOutputMember($0.key, JSONOutput($0.value)) })
        }
    }

    /// True for an array or object that holds an object somewhere inside (written over
    /// several lines when pretty-printing); scalars and arrays of scalars stay on one line.
    var needsLines: Bool {
        switch self {
        case .object(let members): return !members.isEmpty
        case .array(let elements): return elements.contains { $0.needsLines }
        default: return false
        }
    }
}

/// One member of an output object.
struct JSONOutputMember: Sendable, Equatable {
    /// The key.
    var key: String
    /// The value.
    var value: JSONOutput

    /// Creates a member.
    init(_ key: String, _ value: JSONOutput) {
        self.key = key
        self.value = value
    }
}

/// Serialises ``JSONOutput`` to UTF-8: compact, or pretty with two-space indentation.
///
/// Strings are escaped as RFC 8259 requires (quote, backslash, control characters);
/// everything else, non-ASCII included, is written as UTF-8 unchanged.
struct JSONEmitter {
    /// The bytes written so far.
    var bytes: [UInt8] = []
    /// Pretty-print (newlines and indentation) or compact.
    let pretty: Bool

    /// Creates an emitter.
    init(pretty: Bool, reserving capacity: Int = 0) {
        self.pretty = pretty
        bytes.reserveCapacity(capacity)
    }

    /// Writes a value at a nesting level.
    mutating func emit(_ value: JSONOutput, level: Int = 0) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .integer(let i): appendInteger(i)
        case .number(let text): append(text)
        case .string(let s): emitString(s)
        case .array(let elements):
            if elements.isEmpty {
                append("[]")
                return
            }
            bytes.append(UInt8(ascii: "["))
            let multiline = pretty && value.needsLines
            for (i, element) in elements.enumerated() {
                if i > 0 {
                    bytes.append(UInt8(ascii: ","))
                    if pretty && !multiline { bytes.append(UInt8(ascii: " ")) }
                }
                if multiline { newline(level + 1) }
                emit(element, level: level + 1)
            }
            if multiline { newline(level) }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                append("{}")
                return
            }
            bytes.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                if pretty { newline(level + 1) }
                emitString(member.key)
                bytes.append(UInt8(ascii: ":"))
                if pretty { bytes.append(UInt8(ascii: " ")) }
                emit(member.value, level: level + 1)
            }
            if pretty { newline(level) }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes a line break and indentation (pretty mode).
    mutating func newline(_ level: Int) {
        bytes.append(0x0A)
        for _ in 0..<level {
            bytes.append(0x20)
            bytes.append(0x20)
        }
    }

    /// Writes raw ASCII text.
    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes raw ASCII text known at compile time.
    mutating func appendASCII(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Writes an integer in decimal, as `String(i)` does, without making the string.
    mutating func appendInteger(_ i: Int) {
        if i < 0 { bytes.append(UInt8(ascii: "-")) }
        var m = i.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[19 - n] = UInt8(truncatingIfNeeded: m % 10) + 0x30
                m /= 10
                n += 1
            } while m > 0
            bytes.append(contentsOf: buf[(20 - n)...])
        }
    }

    /// Writes a string literal with JSON escaping.
    mutating func emitString(_ s: String) {
        if s.utf8.withContiguousStorageIfAvailable({ emitEscaped($0) }) == nil {
            var s = s
            s.withUTF8 { emitEscaped($0) }
        }
    }

    /// Writes UTF-8 bytes as a string literal with JSON escaping.
    mutating func emitEscaped(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var i = 0
        let n = buffer.count
        while i < n {
            // Eight bytes at a time while none needs escaping (no control byte, quote or backslash).
            if i + 8 <= n, let base = buffer.baseAddress {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if ByteWord.below(w, 0x20) | ByteWord.equal(w, 0x22) | ByteWord.equal(w, 0x5C) == 0 {
                    i += 8
                    continue
                }
            }
            let b = buffer[i]
            i += 1
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
            let at = i - 1
            if runStart < at { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<at])) }
            runStart = i
            switch b {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            default:
                let digits = Array("0123456789abcdef".utf8)
                append("\\u00")
                bytes.append(digits[Int(b >> 4)])
                bytes.append(digits[Int(b & 0xF)])
            }
        }
        if runStart < buffer.count {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<buffer.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The compact JSON text of a value.
    static func compactText(_ value: JSONOutput) -> String {
        var emitter = JSONEmitter(pretty: false)
        emitter.emit(value)
        return String(decoding: emitter.bytes, as: UTF8.self)
    }
}
