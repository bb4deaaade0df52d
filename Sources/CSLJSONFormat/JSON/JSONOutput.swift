import BibModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

/// Calls `body` with the UTF-8 bytes of `text`: in place when the string is stored
/// contiguously (native strings), else from a contiguous copy.
@inline(__always)
func withUTF8Bytes(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    if text.utf8.withContiguousStorageIfAvailable(body) == nil {
        var text = text
        text.withUTF8(body)
    }
}

/// The memory a ``JSONEmitter`` writes into (freed with the last emitter holding it).
final class JSONByteStorage {
    /// The start of the memory; nil when nothing was allocated.
    fileprivate(set) var base: UnsafeMutablePointer<UInt8>?

    fileprivate init(capacity: Int) {
        base = capacity > 0 ? malloc(capacity)?.assumingMemoryBound(to: UInt8.self) : nil
    }

    /// Moves the bytes to a block of `capacity` bytes (`realloc`: large blocks grow in place).
    fileprivate func resize(to capacity: Int) -> UnsafeMutablePointer<UInt8> {
        guard let grown = realloc(base, capacity) else { fatalError("JSONEmitter: out of memory (\(capacity) bytes)") }
        base = grown.assumingMemoryBound(to: UInt8.self)
        return grown.assumingMemoryBound(to: UInt8.self)
    }

    deinit { free(base) }
}

/// Serialises ``JSONOutput`` to UTF-8: compact, or pretty with two-space indentation.
///
/// Strings are escaped as RFC 8259 requires (quote, backslash, control characters);
/// everything else, non-ASCII included, is written as UTF-8 unchanged.
///
/// The bytes go straight into memory the emitter manages (one capacity check per write,
/// then plain stores), not into an array. Copies of an emitter share that memory until one
/// of them grows (it then takes a block of its own, so no copy is left pointing at freed
/// memory); only one copy should write (the writers move an emitter with `swap`, never copy
/// it and go on): two copies writing within the shared capacity overwrite each other's bytes.
struct JSONEmitter {
    /// Nil until the first write when created without capacity.
    private var storage: JSONByteStorage?
    /// `storage.base` (kept here: reading it is one load, without the access check a class
    /// property needs).
    private var base: UnsafeMutablePointer<UInt8>?
    private var capacity: Int
    /// The number of bytes written.
    private(set) var count = 0
    /// Pretty-print (newlines and indentation) or compact.
    let pretty: Bool

    /// Creates an emitter.
    init(pretty: Bool, reserving capacity: Int = 0) {
        self.pretty = pretty
        storage = capacity > 0 ? JSONByteStorage(capacity: capacity) : nil
        base = storage?.base
        self.capacity = base == nil ? 0 : capacity
    }

    /// True when the memory written to is the block the emitter's storage holds (for tests:
    /// false would mean a copy moved the block away under this emitter).
    var writesIntoItsStorage: Bool { base == storage?.base }

    /// The bytes written so far (a copy).
    var bytes: [UInt8] {
        guard let base, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// The bytes written so far; the emitter starts again empty (keeping its memory).
    mutating func take() -> [UInt8] {
        defer { count = 0 }
        return bytes
    }

    /// The bytes written so far; the emitter starts again empty, its memory freed (the
    /// last take: no buffer is left behind as big as the output).
    mutating func takeAll() -> [UInt8] {
        let out = bytes
        storage = nil
        base = nil
        capacity = 0
        count = 0
        return out
    }

    /// Hands the bytes written so far to `body`, in place (no copy); the emitter starts again
    /// empty, keeping its memory.
    mutating func drain(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let base, count > 0 else { return }
        body(UnsafeBufferPointer(start: base, count: count))
        count = 0
    }

    /// Room for `n` more bytes; the pointer to write them at.
    @inline(__always)
    private mutating func room(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if let base, capacity - count >= n { return base + count }
        return grow(n)
    }

    @inline(never)
    private mutating func grow(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        let needed = count + n
        var newCapacity = Swift.max(capacity, 64)
        while newCapacity < needed { newCapacity = newCapacity &* 2 }
        let grown: UnsafeMutablePointer<UInt8>
        if let owner = storage, isKnownUniquelyReferenced(&storage) {
            grown = owner.resize(to: newCapacity)
        } else {
            // No memory yet, or memory shared with a copy of this emitter: a block of its
            // own with the bytes written so far. A copy never moves (reallocs) memory that
            // another copy still points at.
            let fresh = JSONByteStorage(capacity: newCapacity)
            guard let freshBase = fresh.base else { fatalError("JSONEmitter: out of memory (\(newCapacity) bytes)") }
            if let base, count > 0 { freshBase.update(from: base, count: count) }
            storage = fresh
            grown = freshBase
        }
        base = grown
        capacity = newCapacity
        return grown + count
    }

    /// Writes one byte.
    @inline(__always)
    mutating func byte(_ b: UInt8) {
        room(1).pointee = b
        count += 1
    }

    /// Writes two bytes.
    @inline(__always)
    mutating func bytes(_ b0: UInt8, _ b1: UInt8) {
        let p = room(2)
        p[0] = b0
        p[1] = b1
        count += 2
    }

    /// Writes bytes as they are.
    @inline(__always)
    mutating func appendRaw(_ buffer: UnsafeBufferPointer<UInt8>) {
        let n = buffer.count
        guard n > 0, let source = buffer.baseAddress else { return }
        room(n).update(from: source, count: n)
        count += n
    }

    /// Writes a value at a nesting level.
    mutating func emit(_ value: JSONOutput, level: Int = 0) {
        switch value {
        case .null: appendASCII("null")
        case .bool(let b): appendASCII(b ? "true" : "false")
        case .integer(let i): appendInteger(i)
        case .number(let text): append(text)
        case .string(let s): emitString(s)
        case .array(let elements):
            if elements.isEmpty {
                appendASCII("[]")
                return
            }
            byte(UInt8(ascii: "["))
            let multiline = pretty && value.needsLines
            for (i, element) in elements.enumerated() {
                if i > 0 {
                    if pretty && !multiline { bytes(UInt8(ascii: ","), 0x20) } else { byte(UInt8(ascii: ",")) }
                }
                if multiline { newline(level + 1) }
                emit(element, level: level + 1)
            }
            if multiline { newline(level) }
            byte(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                appendASCII("{}")
                return
            }
            byte(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { byte(UInt8(ascii: ",")) }
                if pretty { newline(level + 1) }
                emitString(member.key)
                if pretty { bytes(UInt8(ascii: ":"), 0x20) } else { byte(UInt8(ascii: ":")) }
                emit(member.value, level: level + 1)
            }
            if pretty { newline(level) }
            byte(UInt8(ascii: "}"))
        }
    }

    /// Writes a line break and indentation (pretty mode).
    mutating func newline(_ level: Int) {
        let n = 1 + 2 * Swift.max(level, 0)
        let p = room(n)
        p[0] = 0x0A
        (p + 1).initialize(repeating: 0x20, count: n - 1)
        count += n
    }

    /// Writes the start of an object member: a comma unless it is the first, a line break
    /// and indentation at `level` (pretty mode), the key as it is (it must need no escaping:
    /// see ``needsNoEscaping(_:)``), the colon and, pretty, a space.
    mutating func memberKey(_ key: UnsafeBufferPointer<UInt8>, first: Bool, level: Int) {
        let indent = pretty ? 1 + 2 * Swift.max(level, 0) : 0
        let n = key.count
        var p = room(n + indent + 5)
        if !first {
            p[0] = UInt8(ascii: ",")
            p += 1
        }
        if indent > 0 {
            p[0] = 0x0A
            (p + 1).initialize(repeating: 0x20, count: indent - 1)
            p += indent
        }
        p[0] = UInt8(ascii: "\"")
        if n > 0, let source = key.baseAddress { (p + 1).update(from: source, count: n) }
        p += n + 1
        p[0] = UInt8(ascii: "\"")
        p[1] = UInt8(ascii: ":")
        p += 2
        if pretty {
            p[0] = 0x20
            p += 1
        }
        if let base { count = p - base }
    }

    /// ``memberKey(_:first:level:)`` for a key known at compile time.
    mutating func memberKey(_ key: StaticString, first: Bool, level: Int) {
        memberKey(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount), first: first, level: level)
    }

    /// ``memberKey(_:first:level:)`` for a key from a table (no escaping needed).
    mutating func memberKey(_ key: String, first: Bool, level: Int) {
        withUTF8Bytes(key) { memberKey($0, first: first, level: level) }
    }

    /// True when `emitString` writes the text between quotes unchanged (no quote,
    /// backslash or control character), as ``memberKey(_:first:level:)`` assumes of keys.
    static func needsNoEscaping(_ s: String) -> Bool {
        !s.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }

    /// Writes raw ASCII text.
    mutating func append(_ text: String) {
        withUTF8Bytes(text) { appendRaw($0) }
    }

    /// Writes raw ASCII text known at compile time.
    mutating func appendASCII(_ text: StaticString) {
        appendRaw(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Writes an integer in decimal, as `String(i)` does, without making the string.
    mutating func appendInteger(_ i: Int) {
        var m = i.magnitude
        var digits = 1
        var t = m
        while t >= 10 {
            t /= 10
            digits += 1
        }
        let sign = i < 0 ? 1 : 0
        let p = room(digits + sign)
        if sign == 1 { p[0] = UInt8(ascii: "-") }
        var k = digits + sign
        repeat {
            k -= 1
            p[k] = UInt8(truncatingIfNeeded: m % 10) + 0x30
            m /= 10
        } while m > 0
        count += digits + sign
    }

    /// Writes a string literal with JSON escaping.
    mutating func emitString(_ s: String) {
        withUTF8Bytes(s) { emitEscaped($0) }
    }

    /// Writes UTF-8 bytes as a string literal with JSON escaping.
    mutating func emitEscaped(_ buffer: UnsafeBufferPointer<UInt8>) {
        byte(UInt8(ascii: "\""))
        appendEscaped(buffer)
        byte(UInt8(ascii: "\""))
    }

    /// Writes UTF-8 bytes with JSON escaping, without quotes (a part of a string literal).
    mutating func appendEscaped(_ buffer: UnsafeBufferPointer<UInt8>) {
        let n = buffer.count
        guard n > 0, let source = buffer.baseAddress else { return }
        // Room for the text unescaped; an escape makes more room for itself.
        var out = room(n)
        var i = 0
        while i < n {
            // Eight bytes at a time, copied as they are tested, while none needs escaping
            // (no control byte, quote or backslash).
            if i + 8 <= n {
                let w = UnsafeRawPointer(source + i).loadUnaligned(as: UInt64.self)
                if ByteWord.below(w, 0x20) | ByteWord.equal(w, 0x22) | ByteWord.equal(w, 0x5C) == 0 {
                    UnsafeMutableRawPointer(out).storeBytes(of: w, as: UInt64.self)
                    out += 8
                    i += 8
                    continue
                }
            }
            let b = source[i]
            i += 1
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else {
                out.pointee = b
                out += 1
                continue
            }
            // An escape takes up to six bytes where one was planned: make room for the rest.
            if let base { count = out - base }
            out = room(6 + (n - i))
            var k = 2
            out[0] = UInt8(ascii: "\\")
            switch b {
            case UInt8(ascii: "\""): out[1] = UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): out[1] = UInt8(ascii: "\\")
            case 0x0A: out[1] = UInt8(ascii: "n")
            case 0x0D: out[1] = UInt8(ascii: "r")
            case 0x09: out[1] = UInt8(ascii: "t")
            case 0x08: out[1] = UInt8(ascii: "b")
            case 0x0C: out[1] = UInt8(ascii: "f")
            default:
                out[1] = UInt8(ascii: "u")
                out[2] = UInt8(ascii: "0")
                out[3] = UInt8(ascii: "0")
                out[4] = Self.hexDigit(b >> 4)
                out[5] = Self.hexDigit(b & 0xF)
                k = 6
            }
            out += k
        }
        if let base { count = out - base }
    }

    @inline(__always)
    private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x57 + v }

    /// The compact JSON text of a value.
    static func compactText(_ value: JSONOutput) -> String {
        var emitter = JSONEmitter(pretty: false)
        emitter.emit(value)
        return String(decoding: emitter.bytes, as: UTF8.self)
    }
}
