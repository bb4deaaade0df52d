/// A parsed JSON value with the byte range it came from, so that every diagnostic can
/// point at the exact line and column of a bad value.
///
/// Objects keep their members in source order (duplicates included); numbers keep their
/// source text, so nothing about the input is lost before the mapping decides.
struct JSONNode: Sendable, Hashable {
    /// The value.
    enum Value: Sendable, Hashable {
        case null
        case bool(Bool)
        /// A number, as its source text (`12`, `-0.5e3`).
        case number(String)
        case string(String)
        case array([JSONNode])
        case object([JSONMember])
    }

    /// The value.
    var value: Value
    /// Offset of the first byte of the value.
    var start: Int
    /// Offset one past the last byte of the value.
    var end: Int

    /// The string, if this is a string.
    var string: String? {
        if case .string(let s) = value { return s }
        return nil
    }

    /// The members, if this is an object.
    var members: [JSONMember]? {
        if case .object(let m) = value { return m }
        return nil
    }

    /// The elements, if this is an array.
    var elements: [JSONNode]? {
        if case .array(let e) = value { return e }
        return nil
    }

    /// The first member value with a key, if this is an object.
    subscript(key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        for member in members where member.key == key { return member.value }
        return nil
    }

    /// A string for a string, the source text for a number, `true`/`false` for a boolean.
    var scalarText: String? {
        switch value {
        case .string(let s), .number(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }

    /// The JSON type name used in messages (`string`, `number`, `object`, …).
    var typeName: String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// True for an integer number (no fraction or exponent).
    var isInteger: Bool {
        guard case .number(let text) = value else { return false }
        return !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }
}

/// One member of a JSON object.
struct JSONMember: Sendable, Hashable {
    /// The key, decoded.
    var key: String
    /// Offset of the key's opening quote.
    var keyStart: Int
    /// The value.
    var value: JSONNode
}

/// A JSON syntax error at a byte offset.
struct JSONSyntaxError: Error, Sendable, Hashable {
    /// What is wrong.
    var message: String
    /// Where, as a byte offset.
    var offset: Int
}
