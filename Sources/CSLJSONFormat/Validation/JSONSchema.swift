/// A JSON Schema (draft-07) validator for the keywords our schema and the official
/// CSL-JSON schema use; no dependency, no network, no regular expressions.
///
/// Supported assertions: `type` (including `integer`), `enum`, `const`, `required`,
/// `properties`, `additionalProperties`, `items` (one schema or a tuple),
/// `additionalItems`, `minItems`, `maxItems`, `minLength`, `maxLength`, `minimum`,
/// `maximum`, `anyOf`, `oneOf`, `allOf`, `not`, and local `$ref`s (`#/definitions/…`).
/// Annotations (`$schema`, `$id`, `$comment`, `title`, `description`, `examples`,
/// `default`, `definitions`) are ignored. A schema using any other keyword is rejected
/// rather than half-checked.
struct JSONSchema {
    /// One violation: where (JSON path and the offending value) and what.
    struct Violation: Sendable, Hashable {
        /// The JSON path of the value (`[3].author[0].family`, empty for the document).
        var path: String
        /// Offset of the value in the validated document.
        var offset: Int
        /// What is wrong.
        var message: String
    }

    /// Assertion keywords implemented.
    static let assertions: Set<String> = [
        "type", "enum", "const", "required", "properties", "additionalProperties", "items",
        "additionalItems", "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum",
        "anyOf", "oneOf", "allOf", "not", "$ref",
    ]

    /// Annotation keywords accepted and ignored.
    static let annotations: Set<String> = [
        "$schema", "$id", "$comment", "title", "description", "examples", "default", "definitions",
    ]

    /// The schema document.
    let root: JSONNode

    /// Parses a schema and checks that it uses only supported keywords.
    init(bytes: [UInt8]) throws(JSONSyntaxError) {
        var parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
        let node = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.atEnd else {
            throw JSONSyntaxError(message: "unexpected data after the schema", offset: parser.position)
        }
        root = node
        if let bad = Self.unsupported(in: node) {
            throw JSONSyntaxError(message: "the schema uses `\(bad.key)`, which this validator does not implement", offset: bad.keyStart)
        }
    }

    /// The first keyword the validator does not implement, walking every subschema.
    private static func unsupported(in schema: JSONNode) -> JSONMember? {
        guard let members = schema.members else { return nil }
        for m in members {
            if !assertions.contains(m.key) && !annotations.contains(m.key) { return m }
            switch m.key {
            case "properties", "definitions":
                for sub in m.value.members ?? [] {
                    if let bad = unsupported(in: sub.value) { return bad }
                }
            case "additionalProperties", "additionalItems", "not":
                if let bad = unsupported(in: m.value) { return bad }
            case "items":
                for sub in m.value.elements ?? [m.value] {
                    if let bad = unsupported(in: sub) { return bad }
                }
            case "anyOf", "oneOf", "allOf":
                for sub in m.value.elements ?? [] {
                    if let bad = unsupported(in: sub) { return bad }
                }
            default: break
            }
        }
        return nil
    }

    /// All violations of a document, in document order.
    func validate(_ document: JSONNode) -> [Violation] {
        var out: [Violation] = []
        check(document, against: root, path: "", depth: 0, into: &out)
        return out
    }

    private func resolve(_ ref: String) -> JSONNode? {
        guard ref.hasPrefix("#") else { return nil }
        var node = root
        let pointer = ref.dropFirst()
        guard !pointer.isEmpty else { return root }
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let key = String(token).replacing("~1", with: "/").replacing("~0", with: "~")
            if let members = node.members, let next = members.first(where: { $0.key == key }) {
                node = next.value
            } else if let elements = node.elements, let i = Int(key), elements.indices.contains(i) {
                node = elements[i]
            } else {
                return nil
            }
        }
        return node
    }

    private static func number(_ node: JSONNode) -> Double? {
        if case .number(let text) = node.value { return Double(text) }
        return nil
    }

    private static func matchesType(_ node: JSONNode, _ type: String) -> Bool {
        switch (type, node.value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
            ("number", .number):
            return true
        case ("integer", .number):
            guard let d = number(node) else { return false }
            return d.rounded() == d
        default: return false
        }
    }

    /// JSON equality: numbers by value, objects regardless of member order.
    static func equal(_ a: JSONNode, _ b: JSONNode) -> Bool {
        switch (a.value, b.value) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.number, .number): return number(a) == number(b)
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            return x.allSatisfy { m in y.contains { $0.key == m.key && equal($0.value, m.value) } }
        default: return false
        }
    }

    private static func show(_ node: JSONNode) -> String {
        switch node.value {
        case .string(let s): return "“" + (s.count > 40 ? String(s.prefix(40)) + "…" : s) + "”"
        case .number(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    private func check(_ node: JSONNode, against schema: JSONNode, path: String, depth: Int, into out: inout [Violation]) {
        func fail(_ message: String) { out.append(Violation(path: path, offset: node.start, message: message)) }
        guard depth < 256 else {
            fail("the schema recurses too deeply here")
            return
        }
        if case .bool(let b) = schema.value {
            if !b { fail("no value is allowed here") }
            return
        }
        guard let keywords = schema.members else { return }
        for keyword in keywords {
            let k = keyword.value
            switch keyword.key {
            case "$ref":
                guard let ref = k.string, let target = resolve(ref) else {
                    fail("the schema's reference \(Self.show(k)) does not resolve")
                    continue
                }
                check(node, against: target, path: path, depth: depth + 1, into: &out)
            case "type":
                let types = k.elements?.compactMap(\.string) ?? [k.string].compactMap { $0 }
                if !types.contains(where: { Self.matchesType(node, $0) }) {
                    fail("expected \(types.joined(separator: " or ")), found \(node.typeName)")
                }
            case "enum":
                let options = k.elements ?? []
                if !options.contains(where: { Self.equal($0, node) }) {
                    let shown = options.prefix(8).map(Self.show).joined(separator: ", ")
                    fail("\(Self.show(node)) is not one of the allowed values (\(shown)\(options.count > 8 ? ", …" : ""))")
                }
            case "const":
                if !Self.equal(k, node) { fail("expected \(Self.show(k)), found \(Self.show(node))") }
            case "required":
                guard let members = node.members else { continue }
                for name in k.elements?.compactMap(\.string) ?? [] where !members.contains(where: { $0.key == name }) {
                    fail("required property `\(name)` is missing")
                }
            case "properties":
                guard let members = node.members, let props = k.members else { continue }
                for m in members {
                    if let sub = props.first(where: { $0.key == m.key })?.value {
                        check(m.value, against: sub, path: Self.join(path, m.key), depth: depth + 1, into: &out)
                    }
                }
            case "additionalProperties":
                guard let members = node.members else { continue }
                let declared = Set((keywords.first { $0.key == "properties" }?.value.members ?? []).map(\.key))
                for m in members where !declared.contains(m.key) {
                    if case .bool(false) = k.value {
                        out.append(Violation(path: Self.join(path, m.key), offset: m.keyStart, message: "`\(m.key)` is not allowed here"))
                    } else {
                        check(m.value, against: k, path: Self.join(path, m.key), depth: depth + 1, into: &out)
                    }
                }
            case "items":
                guard let elements = node.elements else { continue }
                if let tuple = k.elements {
                    for (i, e) in elements.enumerated() where i < tuple.count {
                        check(e, against: tuple[i], path: path + "[\(i)]", depth: depth + 1, into: &out)
                    }
                } else {
                    for (i, e) in elements.enumerated() {
                        check(e, against: k, path: path + "[\(i)]", depth: depth + 1, into: &out)
                    }
                }
            case "additionalItems":
                guard let elements = node.elements,
                    let tuple = keywords.first(where: { $0.key == "items" })?.value.elements
                else { continue }
                for (i, e) in elements.enumerated() where i >= tuple.count {
                    if case .bool(false) = k.value {
                        out.append(Violation(path: path + "[\(i)]", offset: e.start, message: "at most \(tuple.count) items are allowed"))
                    } else {
                        check(e, against: k, path: path + "[\(i)]", depth: depth + 1, into: &out)
                    }
                }
            case "minItems":
                if let elements = node.elements, let n = Self.number(k), Double(elements.count) < n {
                    fail("expected at least \(Int(n)) item(s), found \(elements.count)")
                }
            case "maxItems":
                if let elements = node.elements, let n = Self.number(k), Double(elements.count) > n {
                    fail("expected at most \(Int(n)) item(s), found \(elements.count)")
                }
            case "minLength":
                if let s = node.string, let n = Self.number(k), Double(s.unicodeScalars.count) < n {
                    fail(n == 1 ? "must not be empty" : "must be at least \(Int(n)) characters long")
                }
            case "maxLength":
                if let s = node.string, let n = Self.number(k), Double(s.unicodeScalars.count) > n {
                    fail("must be at most \(Int(n)) characters long")
                }
            case "minimum":
                if let v = Self.number(node), let n = Self.number(k), v < n { fail("\(Self.show(node)) is less than \(Self.show(k))") }
            case "maximum":
                if let v = Self.number(node), let n = Self.number(k), v > n { fail("\(Self.show(node)) is greater than \(Self.show(k))") }
            case "allOf":
                for sub in k.elements ?? [] { check(node, against: sub, path: path, depth: depth + 1, into: &out) }
            case "anyOf", "oneOf":
                var passing = 0
                var closest: [Violation]?
                for sub in k.elements ?? [] {
                    var attempt: [Violation] = []
                    check(node, against: sub, path: path, depth: depth + 1, into: &attempt)
                    if attempt.isEmpty {
                        passing += 1
                    } else if closest == nil || attempt.count < (closest?.count ?? 0) {
                        closest = attempt
                    }
                }
                if passing == 0 {
                    let hint = closest?.first.map { " (closest: \($0.message))" } ?? ""
                    fail("does not match any of the allowed forms" + hint)
                } else if keyword.key == "oneOf" && passing > 1 {
                    fail("matches more than one of the exclusive forms")
                }
            case "not":
                var attempt: [Violation] = []
                check(node, against: k, path: path, depth: depth + 1, into: &attempt)
                if attempt.isEmpty { fail("matches a form that is not allowed") }
            default:
                continue  // annotations
            }
        }
    }

    /// `path.key`, or `path["odd key"]` for keys that are not simple names.
    static func join(_ path: String, _ key: String) -> String {
        let simple = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ($0.value >= 0x30 && $0.value <= 0x39) || ($0.value >= 0x41 && $0.value <= 0x5A)
                || ($0.value >= 0x61 && $0.value <= 0x7A) || $0 == "-" || $0 == "_"
        }
        if simple { return path + "." + key }
        return path + "[\"" + key.replacing("\"", with: "\\\"") + "\"]"
    }
}
