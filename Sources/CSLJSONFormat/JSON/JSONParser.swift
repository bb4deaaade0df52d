import BibModel

/// A strict JSON (RFC 8259) parser over bytes that records the byte range of every value.
///
/// It scans `[UInt8]` with an index, never `Character`s; strings are decoded only for
/// values that are kept. Nesting is capped (``maxDepth``) so hostile input cannot exhaust
/// the stack. Errors are thrown with the offset of the offending byte; a few mistakes are
/// repaired and recorded in ``repaired`` instead (trailing commas, invalid UTF-8, lone
/// surrogate escapes), so the data around them still reads.
struct JSONParser {
    /// The whole input.
    let bytes: [UInt8]
    /// The current offset.
    var position: Int
    /// The deepest nesting of arrays and objects accepted.
    let maxDepth: Int
    /// Mistakes that were repaired while parsing, in order.
    var repaired: [JSONSyntaxError] = []

    /// The default nesting cap.
    static let defaultMaxDepth = 512

    /// Creates a parser positioned at `position`.
    init(bytes: [UInt8], position: Int = 0, maxDepth: Int = JSONParser.defaultMaxDepth) {
        self.bytes = bytes
        self.position = position
        self.maxDepth = maxDepth
    }

    /// True at the end of the input.
    var atEnd: Bool { position >= bytes.count }

    /// The byte at the current offset, or nil at the end.
    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// Skips JSON whitespace (space, tab, line feed, carriage return).
    mutating func skipWhitespace() {
        let n = bytes.count
        while position < n {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Parses one value starting at the current offset (after whitespace).
    /// - Parameter depth: the nesting level of the value (1 for a top-level value).
    mutating func parseValue(depth: Int = 1) throws(JSONSyntaxError) -> JSONNode {
        skipWhitespace()
        guard position < bytes.count else {
            throw JSONSyntaxError(message: "unexpected end of input, expected a value", offset: position)
        }
        let start = position
        switch bytes[position] {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth)
        case UInt8(ascii: "\""):
            let s = try parseString()
            return JSONNode(value: .string(s), start: start, end: position)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return JSONNode(value: .bool(true), start: start, end: position)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return JSONNode(value: .bool(false), start: start, end: position)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return JSONNode(value: .null, start: start, end: position)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let text = try parseNumber()
            return JSONNode(value: .number(text), start: start, end: position)
        default:
            throw JSONSyntaxError(message: "unexpected \(Self.describe(bytes[position])), expected a value", offset: position)
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        let start = position
        guard depth <= maxDepth else {
            throw JSONSyntaxError(message: "nesting deeper than \(maxDepth) levels", offset: start)
        }
        position += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return JSONNode(value: .object(members), start: start, end: position)
        }
        while true {
            skipWhitespace()
            guard let b = current else {
                throw JSONSyntaxError(message: "unexpected end of input inside an object opened here", offset: start)
            }
            guard b == UInt8(ascii: "\"") else {
                throw JSONSyntaxError(message: "unexpected \(Self.describe(b)), expected a string key", offset: position)
            }
            let keyStart = position
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                throw JSONSyntaxError(message: "\(current.map(Self.describe) ?? "end of input") after key \"\(key)\", expected ':'", offset: position)
            }
            position += 1
            let value = try parseValue(depth: depth + 1)
            members.append(JSONMember(key: key, keyStart: keyStart, value: value))
            skipWhitespace()
            guard let next = current else {
                throw JSONSyntaxError(message: "unexpected end of input inside an object opened here", offset: start)
            }
            if next == UInt8(ascii: ",") {
                let comma = position
                position += 1
                skipWhitespace()
                if current == UInt8(ascii: "}") {
                    repaired.append(JSONSyntaxError(message: "trailing comma before '}'", offset: comma))
                    position += 1
                    return JSONNode(value: .object(members), start: start, end: position)
                }
                continue
            }
            if next == UInt8(ascii: "}") {
                position += 1
                return JSONNode(value: .object(members), start: start, end: position)
            }
            throw JSONSyntaxError(message: "unexpected \(Self.describe(next)) after a member, expected ',' or '}'", offset: position)
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        let start = position
        guard depth <= maxDepth else {
            throw JSONSyntaxError(message: "nesting deeper than \(maxDepth) levels", offset: start)
        }
        position += 1
        var elements: [JSONNode] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return JSONNode(value: .array(elements), start: start, end: position)
        }
        while true {
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard let next = current else {
                throw JSONSyntaxError(message: "unexpected end of input inside an array opened here", offset: start)
            }
            if next == UInt8(ascii: ",") {
                let comma = position
                position += 1
                skipWhitespace()
                if current == UInt8(ascii: "]") {
                    repaired.append(JSONSyntaxError(message: "trailing comma before ']'", offset: comma))
                    position += 1
                    return JSONNode(value: .array(elements), start: start, end: position)
                }
                continue
            }
            if next == UInt8(ascii: "]") {
                position += 1
                return JSONNode(value: .array(elements), start: start, end: position)
            }
            throw JSONSyntaxError(message: "unexpected \(Self.describe(next)) after an element, expected ',' or ']'", offset: position)
        }
    }

    /// Parses a string starting at its opening quote and returns it decoded.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let open = position
        position += 1
        let contentStart = position
        let n = bytes.count
        // Fast path: no escapes.
        while position < n {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let s = decode(contentStart..<position)
                position += 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            position += 1
        }
        guard position < n else {
            throw JSONSyntaxError(message: "unterminated string", offset: open)
        }
        var buffer: [UInt8] = Array(bytes[contentStart..<position])
        while position < n {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                return decode(buffer, at: contentStart)
            }
            if b < 0x20 {
                throw JSONSyntaxError(
                    message: "control character \(Self.describe(b)) in a string (unterminated string, or a character that must be escaped)",
                    offset: position)
            }
            if b != UInt8(ascii: "\\") {
                buffer.append(b)
                position += 1
                continue
            }
            let escape = position
            position += 1
            guard position < n else { break }
            let e = bytes[position]
            position += 1
            switch e {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: escape)
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if position + 1 < n, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                        let save = position
                        position += 2
                        let low = try hex4(at: save)
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            position = save
                            repaired.append(JSONSyntaxError(message: "unpaired surrogate escape replaced by U+FFFD", offset: escape))
                            scalar = 0xFFFD
                        }
                    } else {
                        repaired.append(JSONSyntaxError(message: "unpaired surrogate escape replaced by U+FFFD", offset: escape))
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    repaired.append(JSONSyntaxError(message: "unpaired surrogate escape replaced by U+FFFD", offset: escape))
                    scalar = 0xFFFD
                }
                Self.appendUTF8(scalar, to: &buffer)
            default:
                throw JSONSyntaxError(message: "invalid escape '\\\(Self.printable(e))' in a string", offset: escape)
            }
        }
        throw JSONSyntaxError(message: "unterminated string", offset: open)
    }

    private mutating func hex4(at escape: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count, let digit = Self.hexValue(bytes[position]) else {
                throw JSONSyntaxError(message: "invalid \\u escape: expected four hexadecimal digits", offset: escape)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = position
        let n = bytes.count
        func isDigit(_ i: Int) -> Bool { i < n && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard isDigit(position) else {
            throw JSONSyntaxError(message: "invalid number: expected a digit", offset: position)
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if isDigit(position) {
                throw JSONSyntaxError(message: "invalid number: leading zero", offset: start)
            }
        } else {
            while isDigit(position) { position += 1 }
        }
        if position < n, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard isDigit(position) else {
                throw JSONSyntaxError(message: "invalid number: expected a digit after '.'", offset: position)
            }
            while isDigit(position) { position += 1 }
        }
        if position < n, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < n, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard isDigit(position) else {
                throw JSONSyntaxError(message: "invalid number: expected a digit in the exponent", offset: position)
            }
            while isDigit(position) { position += 1 }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONSyntaxError) {
        let start = position
        let count = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { w -> Bool in
            guard start + count <= bytes.count else { return false }
            for i in 0..<count where bytes[start + i] != w[i] { return false }
            return true
        }
        guard matches else {
            throw JSONSyntaxError(message: "invalid literal, expected '\(word)'", offset: start)
        }
        position += count
    }

    private mutating func decode(_ range: Range<Int>) -> String {
        let decoded: String? = bytes.withUnsafeBufferPointer { buffer in
            let slice = UnsafeBufferPointer(rebasing: buffer[range])
            return TextDecoding.utf8(slice)
        }
        if let s = decoded { return s }
        repaired.append(JSONSyntaxError(message: "invalid UTF-8 in a string replaced by U+FFFD", offset: range.lowerBound))
        return String(decoding: bytes[range], as: UTF8.self)
    }

    private mutating func decode(_ buffer: [UInt8], at offset: Int) -> String {
        if let s = buffer.withUnsafeBufferPointer({ TextDecoding.utf8($0) }) { return s }
        repaired.append(JSONSyntaxError(message: "invalid UTF-8 in a string replaced by U+FFFD", offset: offset))
        return String(decoding: buffer, as: UTF8.self)
    }

    static func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | (scalar >> 6)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | (scalar >> 12)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            buffer.append(UInt8(0xF0 | ((scalar >> 18) & 0x07)))
            buffer.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// A byte for messages: `'x'` for printable ASCII, else `byte 0x0A`.
    static func describe(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        switch b {
        case 0x0A: return "line feed"
        case 0x0D: return "carriage return"
        case 0x09: return "tab"
        case 0x20: return "space"
        default: return hexByte(b)
        }
    }

    private static func printable(_ b: UInt8) -> String {
        b >= 0x21 && b < 0x7F ? String(Character(Unicode.Scalar(b))) : hexByte(b)
    }

    private static func hexByte(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return "byte 0x" + String(decoding: [digits[Int(b >> 4)], digits[Int(b & 0xF)]], as: UTF8.self)
    }
}
