internal import CLibXML2

/// Inspects the entity declarations of a parsed document's internal subset.
///
/// The parser never substitutes entities (no `XML_PARSE_NOENT`), never loads external ones
/// (no `XML_PARSE_DTDLOAD`, no network), and ``XMLNodeHandle`` never walks into an entity
/// reference. This guard adds values for the record: each declaration is reported, and a
/// document declaring an entity whose expansion would exceed the limit (a "billion laughs"
/// bomb that slipped under libxml2's own amplification check) is refused outright.
enum EntityGuard {
    struct Result {
        var diagnostics: [XMLDiagnostic] = []
        var refused = false
    }

    static func inspect(_ tree: XMLTree, bytes: [UInt8], limit: Int) -> Result {
        var result = Result()
        guard let subset = tree.doc.pointee.intSubset else { return result }
        var declarations: [String: (content: [UInt8], external: String?)] = [:]
        var order: [String] = []
        var child = subset.pointee.children
        while let node = child {
            if node.pointee.type == XML_ENTITY_DECL {
                let entity = UnsafeMutablePointer<xmlEntity>(OpaquePointer(node))
                let name = LibXML.string(entity.pointee.name) ?? ""
                switch entity.pointee.etype {
                case XML_INTERNAL_GENERAL_ENTITY:
                    var content: [UInt8] = []
                    if let pointer = entity.pointee.content {
                        content = Array(UnsafeBufferPointer(start: pointer, count: Int(max(entity.pointee.length, 0))))
                    }
                    declarations[name] = (content, nil)
                    order.append(name)
                case XML_EXTERNAL_GENERAL_PARSED_ENTITY, XML_EXTERNAL_GENERAL_UNPARSED_ENTITY,
                    XML_EXTERNAL_PARAMETER_ENTITY:
                    let system = LibXML.string(entity.pointee.SystemID) ?? LibXML.string(entity.pointee.ExternalID) ?? ""
                    declarations[name] = ([], system)
                    order.append(name)
                default:
                    break
                }
            }
            child = node.pointee.next
        }
        guard !order.isEmpty else { return result }
        var sizes: [String: Int] = [:]
        var visiting: Set<String> = []
        func expandedSize(_ name: String) -> Int {
            if let known = sizes[name] { return known }
            guard let declaration = declarations[name], declaration.external == nil else { return 0 }
            if visiting.contains(name) { return limit + 1 }
            visiting.insert(name)
            defer { visiting.remove(name) }
            var total = 0
            var i = 0
            let content = declaration.content
            while i < content.count, total <= limit {
                if content[i] == UInt8(ascii: "&"), i + 1 < content.count, content[i + 1] != UInt8(ascii: "#"),
                    let end = content[(i + 1)...].firstIndex(of: UInt8(ascii: ";"))
                {
                    let referenced = String(decoding: content[(i + 1)..<end], as: UTF8.self)
                    total += predefined.contains(referenced) ? 1 : expandedSize(referenced)
                    i = end + 1
                } else {
                    total += 1
                    i += 1
                }
            }
            let size = min(total, limit + 1)
            sizes[name] = size
            return size
        }
        for name in order {
            guard let declaration = declarations[name] else { continue }
            let line = lineOfDeclaration(name, in: bytes)
            if let system = declaration.external {
                result.diagnostics.append(XMLDiagnostic(
                    .warning, kind: .entityDeclaration, line: line,
                    message: "external entity '\(name)' (\"\(system)\") is declared; it is never fetched or expanded"))
                continue
            }
            let size = expandedSize(name)
            if size > limit {
                result.refused = true
                result.diagnostics.append(XMLDiagnostic(
                    .fatal, kind: .entityExpansion, line: line,
                    message: "entity '\(name)' would expand to more than \(limit) bytes (an entity expansion bomb); the document is refused"))
            } else {
                result.diagnostics.append(XMLDiagnostic(
                    .warning, kind: .entityDeclaration, line: line,
                    message: "entity '\(name)' is declared in the document; references to it are not expanded"))
            }
        }
        return result
    }

    private static let predefined: Set<String> = ["amp", "lt", "gt", "quot", "apos"]

    /// The line of `<!ENTITY name` in the source (1 when not found).
    private static func lineOfDeclaration(_ name: String, in bytes: [UInt8]) -> Int {
        let needle = Array("<!ENTITY".utf8)
        let nameBytes = Array(name.utf8)
        var line = 1
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0A { line += 1 }
            if b == UInt8(ascii: "<"), i + needle.count < n, Array(bytes[i..<(i + needle.count)]) == needle {
                var j = i + needle.count
                while j < n, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0A || bytes[j] == 0x0D { j += 1 }
                if j < n, bytes[j] == UInt8(ascii: "%") {
                    j += 1
                    while j < n, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                }
                if j + nameBytes.count <= n, Array(bytes[j..<(j + nameBytes.count)]) == nameBytes { return line }
            }
            // The internal subset ends before the root element; stop there.
            if b == UInt8(ascii: "]"), i + 1 < n, bytes[i + 1] == UInt8(ascii: ">") { break }
            i += 1
        }
        return 1
    }
}
