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
///
/// The schema is compiled once into a table of nodes (properties in dictionaries, `$ref`s
/// resolved to indices), and paths are spelled out only for values that fail, so
/// validation is linear in the document.
struct JSONSchema: Sendable {
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

    /// What may follow the declared properties or tuple items.
    enum Extra: Sendable {
        case any
        case forbidden
        case schema(Int)
    }

    /// One compiled (sub)schema; other nodes are referred to by index.
    struct Node: Sendable {
        var alwaysFalse = false
        var types: [String]?
        var enumValues: [JSONNode]?
        var constValue: JSONNode?
        var required: [String] = []
        var properties: [String: Int] = [:]
        var additionalProperties: Extra = .any
        var items: Int?
        var tupleItems: [Int]?
        var additionalItems: Extra = .any
        var minItems: Int?
        var maxItems: Int?
        var minLength: Int?
        var maxLength: Int?
        var minimum: Double?
        var maximum: Double?
        var allOf: [Int] = []
        var anyOf: [Int] = []
        var oneOf: [Int] = []
        var not: Int?
        var ref: Int?
    }

    /// The compiled nodes; the root is node 0.
    private(set) var nodes: [Node] = []

    /// Parses and compiles a schema, rejecting keywords it does not implement and `$ref`s
    /// that do not resolve.
    init(bytes: [UInt8]) throws(JSONSyntaxError) {
        var parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
        let root = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.atEnd else {
            throw JSONSyntaxError(message: "unexpected data after the schema", offset: parser.position)
        }
        var compiler = Compiler(root: root)
        _ = try compiler.compile(root, pointer: "#")
        nodes = compiler.nodes
    }

    private struct Compiler {
        let root: JSONNode
        var nodes: [Node] = []
        var byPointer: [String: Int] = [:]

        init(root: JSONNode) { self.root = root }

        mutating func compile(_ schema: JSONNode, pointer: String) throws(JSONSyntaxError) -> Int {
            if let known = byPointer[pointer] { return known }
            let index = nodes.count
            nodes.append(Node())
            byPointer[pointer] = index
            var node = Node()
            if case .bool(let b) = schema.value {
                node.alwaysFalse = !b
                nodes[index] = node
                return index
            }
            guard let members = schema.members else {
                throw JSONSyntaxError(message: "a schema must be an object or a boolean", offset: schema.start)
            }
            func int(_ n: JSONNode) throws(JSONSyntaxError) -> Int {
                guard case .number(let t) = n.value, let v = Double(t), v >= 0, v.rounded() == v else {
                    throw JSONSyntaxError(message: "expected a non-negative integer", offset: n.start)
                }
                return Int(v)
            }
            func strings(_ n: JSONNode) -> [String]? {
                if let s = n.string { return [s] }
                guard let e = n.elements, e.allSatisfy({ $0.string != nil }) else { return nil }
                return e.compactMap(\.string)
            }
            for m in members {
                let k = m.value
                let here = pointer + "/" + Self.escape(m.key)
                switch m.key {
                case "type":
                    guard let t = strings(k) else { throw JSONSyntaxError(message: "`type` must be a string or strings", offset: k.start) }
                    node.types = t
                case "enum":
                    guard let e = k.elements else { throw JSONSyntaxError(message: "`enum` must be an array", offset: k.start) }
                    node.enumValues = e
                case "const": node.constValue = k
                case "required":
                    guard let r = strings(k) else { throw JSONSyntaxError(message: "`required` must be strings", offset: k.start) }
                    node.required = r
                case "properties":
                    guard let props = k.members else { throw JSONSyntaxError(message: "`properties` must be an object", offset: k.start) }
                    for p in props { node.properties[p.key] = try compile(p.value, pointer: here + "/" + Self.escape(p.key)) }
                case "additionalProperties":
                    node.additionalProperties = try extra(k, here)
                case "items":
                    if let tuple = k.elements {
                        var list: [Int] = []
                        for (i, e) in tuple.enumerated() { list.append(try compile(e, pointer: here + "/\(i)")) }
                        node.tupleItems = list
                    } else {
                        node.items = try compile(k, pointer: here)
                    }
                case "additionalItems": node.additionalItems = try extra(k, here)
                case "minItems": node.minItems = try int(k)
                case "maxItems": node.maxItems = try int(k)
                case "minLength": node.minLength = try int(k)
                case "maxLength": node.maxLength = try int(k)
                case "minimum", "maximum":
                    guard case .number(let t) = k.value, let v = Double(t) else {
                        throw JSONSyntaxError(message: "`\(m.key)` must be a number", offset: k.start)
                    }
                    if m.key == "minimum" { node.minimum = v } else { node.maximum = v }
                case "allOf", "anyOf", "oneOf":
                    guard let subs = k.elements, !subs.isEmpty else {
                        throw JSONSyntaxError(message: "`\(m.key)` must be a non-empty array", offset: k.start)
                    }
                    var list: [Int] = []
                    for (i, e) in subs.enumerated() { list.append(try compile(e, pointer: here + "/\(i)")) }
                    if m.key == "allOf" { node.allOf = list } else if m.key == "anyOf" { node.anyOf = list } else { node.oneOf = list }
                case "not": node.not = try compile(k, pointer: here)
                case "$ref":
                    guard let ref = k.string, let target = Self.resolve(ref, in: root) else {
                        throw JSONSyntaxError(message: "`$ref` \(k.scalarText ?? "") does not resolve inside the schema", offset: k.start)
                    }
                    node.ref = try compile(target, pointer: ref)
                case "definitions":
                    // Compiled when referenced; checked for unsupported keywords here.
                    for d in k.members ?? [] { _ = try compile(d.value, pointer: here + "/" + Self.escape(d.key)) }
                default:
                    if !JSONSchema.annotations.contains(m.key) {
                        throw JSONSyntaxError(message: "the schema uses `\(m.key)`, which this validator does not implement", offset: m.keyStart)
                    }
                }
            }
            nodes[index] = node
            return index
        }

        private mutating func extra(_ k: JSONNode, _ pointer: String) throws(JSONSyntaxError) -> Extra {
            switch k.value {
            case .bool(true): return .any
            case .bool(false): return .forbidden
            default: return .schema(try compile(k, pointer: pointer))
            }
        }

        static func escape(_ key: String) -> String {
            key.replacing("~", with: "~0").replacing("/", with: "~1")
        }

        static func resolve(_ ref: String, in root: JSONNode) -> JSONNode? {
            guard ref.hasPrefix("#") else { return nil }
            var node = root
            for token in ref.dropFirst().split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
                let key = String(token).replacing("~1", with: "/").replacing("~0", with: "~")
                if let next = node.members?.first(where: { $0.key == key }) {
                    node = next.value
                } else if let elements = node.elements, let i = Int(key), elements.indices.contains(i) {
                    node = elements[i]
                } else {
                    return nil
                }
            }
            return node
        }
    }

    // MARK: Validation

    /// One step of a path.
    private enum Step {
        case key(String)
        case index(Int)
    }

    /// All violations of a document, in document order.
    func validate(_ document: JSONNode) -> [Violation] {
        var out: [Violation] = []
        var path: [Step] = []
        check(document, 0, &path, depth: 0, &out)
        return out
    }

    private static func render(_ path: [Step]) -> String {
        var s = ""
        for step in path {
            switch step {
            case .index(let i): s += "[\(i)]"
            case .key(let k): s = join(s, k)
            }
        }
        return s
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

    private func check(_ value: JSONNode, _ index: Int, _ path: inout [Step], depth: Int, _ out: inout [Violation]) {
        func fail(_ message: String, at offset: Int? = nil) {
            out.append(Violation(path: Self.render(path), offset: offset ?? value.start, message: message))
        }
        guard depth < 600, nodes.indices.contains(index) else {
            fail("the schema recurses too deeply here")
            return
        }
        let node = nodes[index]
        if node.alwaysFalse {
            fail("no value is allowed here")
            return
        }
        if let ref = node.ref { check(value, ref, &path, depth: depth + 1, &out) }
        if let types = node.types, !types.contains(where: { Self.matchesType(value, $0) }) {
            fail("expected \(types.joined(separator: " or ")), found \(value.typeName)")
            return  // the other keywords would only repeat this
        }
        if let options = node.enumValues, !options.contains(where: { Self.equal($0, value) }) {
            let shown = options.prefix(8).map(Self.show).joined(separator: ", ")
            fail("\(Self.show(value)) is not one of the allowed values (\(shown)\(options.count > 8 ? ", …" : ""))")
        }
        if let c = node.constValue, !Self.equal(c, value) { fail("expected \(Self.show(c)), found \(Self.show(value))") }
        switch value.value {
        case .object(let members):
            for name in node.required where !members.contains(where: { $0.key == name }) {
                fail("required property `\(name)` is missing")
            }
            for m in members {
                path.append(.key(m.key))
                if let sub = node.properties[m.key] {
                    check(m.value, sub, &path, depth: depth + 1, &out)
                } else {
                    switch node.additionalProperties {
                    case .any: break
                    case .forbidden:
                        out.append(Violation(path: Self.render(path), offset: m.keyStart, message: "`\(m.key)` is not allowed here"))
                    case .schema(let sub): check(m.value, sub, &path, depth: depth + 1, &out)
                    }
                }
                path.removeLast()
            }
        case .array(let elements):
            if let n = node.minItems, elements.count < n { fail("expected at least \(n) item(s), found \(elements.count)") }
            if let n = node.maxItems, elements.count > n { fail("expected at most \(n) item(s), found \(elements.count)") }
            for (i, e) in elements.enumerated() {
                path.append(.index(i))
                if let tuple = node.tupleItems {
                    if i < tuple.count {
                        check(e, tuple[i], &path, depth: depth + 1, &out)
                    } else {
                        switch node.additionalItems {
                        case .any: break
                        case .forbidden: fail("at most \(tuple.count) items are allowed", at: e.start)
                        case .schema(let sub): check(e, sub, &path, depth: depth + 1, &out)
                        }
                    }
                } else if let items = node.items {
                    check(e, items, &path, depth: depth + 1, &out)
                }
                path.removeLast()
            }
        case .string(let s):
            if node.minLength != nil || node.maxLength != nil {
                let length = s.unicodeScalars.count
                if let n = node.minLength, length < n { fail(n == 1 ? "must not be empty" : "must be at least \(n) characters long") }
                if let n = node.maxLength, length > n { fail("must be at most \(n) characters long") }
            }
        case .number:
            if let v = Self.number(value) {
                if let n = node.minimum, v < n { fail("\(Self.show(value)) is less than \(Self.format(n))") }
                if let n = node.maximum, v > n { fail("\(Self.show(value)) is greater than \(Self.format(n))") }
            }
        default:
            break
        }
        for sub in node.allOf { check(value, sub, &path, depth: depth + 1, &out) }
        for (keyword, subs) in [("anyOf", node.anyOf), ("oneOf", node.oneOf)] where !subs.isEmpty {
            var passing = 0
            var closest: [Violation]?
            for sub in subs {
                var attempt: [Violation] = []
                check(value, sub, &path, depth: depth + 1, &attempt)
                if attempt.isEmpty {
                    passing += 1
                    if keyword == "anyOf" { break }
                } else if closest == nil || attempt.count < (closest?.count ?? 0) {
                    closest = attempt
                }
            }
            if passing == 0 {
                fail("does not match any of the allowed forms" + (closest?.first.map { " (closest: \($0.message))" } ?? ""))
            } else if keyword == "oneOf" && passing > 1 {
                fail("matches more than one of the exclusive forms")
            }
        }
        if let not = node.not {
            var attempt: [Violation] = []
            check(value, not, &path, depth: depth + 1, &attempt)
            if attempt.isEmpty { fail("matches a form that is not allowed") }
        }
    }

    private static func format(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d)
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
