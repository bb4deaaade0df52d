internal import CLibXML2

/// Limits for parsing untrusted XML.
///
/// Beyond these, libxml2's own limits always apply because `XML_PARSE_HUGE` is never set:
/// elements nest at most 256 deep, a text node holds at most 10 MB, a name at most 50 000
/// bytes, and entity amplification beyond libxml2's ratio is refused.
public struct XMLParseOptions: Sendable, Hashable {
    /// The most bytes one entity declared in the document may expand to (counting nested
    /// references); a document declaring a bigger one is refused before it is used.
    public var maxEntityExpansion: Int
    /// The most bytes one text node may hold; a document with a bigger one is refused
    /// (libxml2 enforces its 10 MB only when text arrives in pieces, so we check ourselves).
    public var maxTextLength: Int
    /// The most diagnostics kept from one parse; further ones are counted in a final note.
    public var maxDiagnostics: Int

    /// Creates options (defaults: 64 KiB per entity expansion, 10 MB per text node, 1000 diagnostics).
    public init(maxEntityExpansion: Int = 64 * 1024, maxTextLength: Int = 10_000_000, maxDiagnostics: Int = 1000) {
        self.maxEntityExpansion = maxEntityExpansion
        self.maxTextLength = maxTextLength
        self.maxDiagnostics = maxDiagnostics
    }

    /// libxml2 flags: no network, no entity substitution, no DTD loading, no `XML_PARSE_HUGE`,
    /// errors routed to our handler only, line numbers above 65 535 kept.
    static let libxmlFlags: Int32 = {
        let flags = XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_BIG_LINES.rawValue
        return Int32(bitPattern: flags)
    }()
}

/// The outcome of parsing: the tree, when the document could be read, and every problem.
public struct XMLParseResult {
    /// The document, or nil when it was not well-formed or was refused.
    public let tree: XMLTree?
    /// Every problem found, in order.
    public let diagnostics: [XMLDiagnostic]
}

/// An XML document owned by Swift: the one owner frees it exactly once, in `deinit`.
///
/// Deliberately not `Sendable`: a libxml2 tree must stay on one thread. Node handles
/// (``XMLNodeHandle``) hold a strong reference to their tree, so a handle never outlives
/// the memory it points into.
public final class XMLTree {
    let doc: xmlDocPtr

    private init(doc: xmlDocPtr) { self.doc = doc }

    deinit { xmlFreeDoc(doc) }

    /// Creates an empty document whose root element is `rootName` (nil if it is not an XML name).
    public convenience init?(rootName: String) {
        _ = LibXML.initialized
        guard XMLNames.isName(rootName), let doc = xmlNewDoc("1.0") else { return nil }
        self.init(doc: doc)
        guard let root = xmlNewDocNode(doc, nil, rootName, nil) else { return nil }
        xmlDocSetRootElement(doc, root)
    }

    /// Parses untrusted bytes: no network, no DTD loading, no entity expansion, bounded depth
    /// and text size; documents declaring entities that would expand beyond
    /// ``XMLParseOptions/maxEntityExpansion`` are refused. Never prints anything.
    /// - Parameters:
    ///   - bytes: the whole document (the encoding is detected from a BOM or the declaration).
    ///   - source: the name used for the document in libxml2's messages.
    public static func parse(_ bytes: [UInt8], source: String, options: XMLParseOptions = XMLParseOptions())
        -> XMLParseResult
    {
        guard !bytes.isEmpty else {
            return XMLParseResult(
                tree: nil, diagnostics: [XMLDiagnostic(.fatal, kind: .notWellFormed, line: 1, column: 1, message: "the document is empty")])
        }
        guard bytes.count < Int(Int32.max) else {
            return XMLParseResult(
                tree: nil, diagnostics: [XMLDiagnostic(.fatal, kind: .tooLarge, line: 0, message: "the document is larger than 2 GB")])
        }
        let sink = ErrorSink(limit: options.maxDiagnostics)
        let parsed: xmlDocPtr? = LibXML.capturingErrors(into: sink) {
            bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.flatMap { base in
                    base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                        xmlReadMemory(chars, Int32(buffer.count), source, nil, XMLParseOptions.libxmlFlags)
                    }
                }
            }
        }
        var diagnostics = sink.items
        if sink.dropped > 0 {
            diagnostics.append(XMLDiagnostic(.warning, kind: .other, message: "\(sink.dropped) further XML problem(s) not shown"))
        }
        guard let parsed else {
            if !diagnostics.contains(where: { $0.severity != .warning }) {
                diagnostics.append(XMLDiagnostic(.fatal, kind: .notWellFormed, line: 1, message: "the document could not be parsed"))
            }
            return XMLParseResult(tree: nil, diagnostics: diagnostics)
        }
        let tree = XMLTree(doc: parsed)
        if let oversized = tree.firstOversizedText(limit: options.maxTextLength) {
            diagnostics.append(XMLDiagnostic(
                .fatal, kind: .tooLarge, line: oversized.line,
                message: "a text node of \(oversized.length) bytes exceeds the limit of \(options.maxTextLength) bytes; the document is refused"))
            return XMLParseResult(tree: nil, diagnostics: diagnostics)
        }
        let guardResult = EntityGuard.inspect(tree, bytes: bytes, limit: options.maxEntityExpansion)
        diagnostics.append(contentsOf: guardResult.diagnostics)
        return XMLParseResult(tree: guardResult.refused ? nil : tree, diagnostics: diagnostics)
    }

    /// The first text or CDATA node longer than `limit` bytes (a walk without recursion that
    /// never enters entity references).
    private func firstOversizedText(limit: Int) -> (line: Int, length: Int)? {
        guard let root = xmlDocGetRootElement(doc) else { return nil }
        var current: xmlNodePtr? = root
        while let node = current {
            let type = node.pointee.type
            if type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE, let content = node.pointee.content {
                let length = Int(xmlStrlen(content))
                if length > limit { return (Int(xmlGetLineNo(node)), length) }
            }
            if type == XML_ELEMENT_NODE, let child = node.pointee.children {
                current = child
                continue
            }
            var climb: xmlNodePtr? = node
            current = nil
            while let up = climb, up != root {
                if let next = up.pointee.next {
                    current = next
                    break
                }
                climb = up.pointee.parent
            }
        }
        return nil
    }

    /// The root element, if the document has one.
    public var root: XMLNodeHandle? {
        guard let node = xmlDocGetRootElement(doc) else { return nil }
        return XMLNodeHandle(node: node, owner: self)
    }

    /// Serialises the document as UTF-8 (with an XML declaration), indented where libxml2
    /// can do so without changing text content.
    public func serialized(indent: Bool = true) -> [UInt8] {
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpFormatMemoryEnc(doc, &buffer, &size, "UTF-8", indent ? 1 : 0)
        guard let buffer else { return [] }
        defer { clibxml2_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(max(size, 0))))
    }
}

/// A node of an ``XMLTree``; keeps its tree (and so the memory it points into) alive.
public struct XMLNodeHandle {
    let node: xmlNodePtr
    /// The document this node belongs to (a strong reference).
    public let tree: XMLTree

    init(node: xmlNodePtr, owner: XMLTree) {
        self.node = node
        self.tree = owner
    }

    /// The kinds of node a reader meets.
    public enum Kind: Sendable, Hashable {
        /// An element.
        case element
        /// Character data.
        case text
        /// A CDATA section (character data).
        case cdata
        /// A reference to a general entity, kept unexpanded.
        case entityReference
        /// A comment.
        case comment
        /// A processing instruction.
        case processingInstruction
        /// Anything else (DTD nodes, XInclude markers).
        case other
    }

    /// The kind of node.
    public var kind: Kind {
        switch node.pointee.type {
        case XML_ELEMENT_NODE: .element
        case XML_TEXT_NODE: .text
        case XML_CDATA_SECTION_NODE: .cdata
        case XML_ENTITY_REF_NODE: .entityReference
        case XML_COMMENT_NODE: .comment
        case XML_PI_NODE: .processingInstruction
        default: .other
        }
    }

    /// True for elements.
    public var isElement: Bool { node.pointee.type == XML_ELEMENT_NODE }

    /// The local name of an element (or the entity's name for a reference); empty for text.
    public var name: String { LibXML.string(node.pointee.name) ?? "" }

    /// True when this is an element with local name `name` (any namespace).
    public func isElement(_ name: String) -> Bool {
        guard node.pointee.type == XML_ELEMENT_NODE, let own = node.pointee.name else { return false }
        return xmlStrEqual(own, name) != 0
    }

    /// The namespace URI of an element, if it has one.
    public var namespaceURI: String? { LibXML.string(node.pointee.ns?.pointee.href) }

    /// The namespace prefix of an element, if it has one.
    public var prefix: String? { LibXML.string(node.pointee.ns?.pointee.prefix) }

    /// The 1-based line the node starts on (0 when built in memory).
    public var line: Int { Int(xmlGetLineNo(node)) }

    /// The character data of a text or CDATA node; nil for other kinds.
    public var characters: String? {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: LibXML.string(node.pointee.content) ?? ""
        default: nil
        }
    }

    /// The child nodes in order. Entity references have no children here: their content
    /// is never expanded.
    public var children: [XMLNodeHandle] {
        guard node.pointee.type == XML_ELEMENT_NODE else { return [] }
        var out: [XMLNodeHandle] = []
        var child = node.pointee.children
        while let current = child {
            out.append(XMLNodeHandle(node: current, owner: tree))
            child = current.pointee.next
        }
        return out
    }

    /// The child elements in order.
    public var elements: [XMLNodeHandle] { children.filter(\.isElement) }

    /// The first child element with a local name.
    public func firstElement(_ name: String) -> XMLNodeHandle? {
        guard node.pointee.type == XML_ELEMENT_NODE else { return nil }
        var child = node.pointee.children
        while let current = child {
            let handle = XMLNodeHandle(node: current, owner: tree)
            if handle.isElement(name) { return handle }
            child = current.pointee.next
        }
        return nil
    }

    /// The text of all descendant text and CDATA nodes, in order; entity references
    /// contribute nothing (they are never expanded).
    public var textContent: String {
        var out = ""
        appendText(to: &out)
        return out
    }

    private func appendText(to out: inout String) {
        var child = node.pointee.children
        if node.pointee.type != XML_ELEMENT_NODE {
            if let characters { out += characters }
            return
        }
        while let current = child {
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { out += String(cString: content) }
            case XML_ELEMENT_NODE:
                XMLNodeHandle(node: current, owner: tree).appendText(to: &out)
            default:
                break
            }
            child = current.pointee.next
        }
    }

    /// The attributes of an element in document order: local name, namespace URI, value.
    public var attributes: [(name: String, namespaceURI: String?, value: String)] {
        guard node.pointee.type == XML_ELEMENT_NODE else { return [] }
        var out: [(name: String, namespaceURI: String?, value: String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = LibXML.string(current.pointee.name) ?? ""
            let uri = LibXML.string(current.pointee.ns?.pointee.href)
            var value = ""
            var part = current.pointee.children
            while let text = part {
                if text.pointee.type == XML_TEXT_NODE, let content = text.pointee.content {
                    value += String(cString: content)
                }
                part = text.pointee.next
            }
            out.append((name, uri, value))
            attribute = current.pointee.next
        }
        return out
    }

    /// The value of an attribute by local name; with `namespace`, only in that namespace
    /// (a prefixed name whose prefix was not declared, e.g. `xlink:href`, also matches by its full name).
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        for attribute in attributes {
            if let namespace {
                if attribute.namespaceURI == namespace && attribute.name == name { return attribute.value }
            } else if attribute.name == name && attribute.namespaceURI == nil {
                return attribute.value
            }
        }
        if let namespace, let prefix = XMLNames.conventionalPrefix[namespace] {
            return attributes.first { $0.name == prefix + ":" + name }?.value
        }
        return nil
    }

    /// Appends a child element (nil when `name` is not an XML name).
    @discardableResult
    public func appendElement(_ name: String) -> XMLNodeHandle? {
        guard XMLNames.isName(name), let child = xmlNewDocNode(tree.doc, nil, name, nil) else { return nil }
        guard let added = xmlAddChild(node, child) else {
            xmlFreeNode(child)
            return nil
        }
        return XMLNodeHandle(node: added, owner: tree)
    }

    /// Appends character data; it is escaped when serialised (`&`, `<`, `>` never become markup).
    public func appendText(_ text: String) {
        guard let textNode = xmlNewDocTextLen(tree.doc, text, Int32(clamping: text.utf8.count)) else { return }
        if xmlAddChild(node, textNode) == nil { xmlFreeNode(textNode) }
    }

    /// Sets an attribute (the value is escaped when serialised); false when `name` is not an XML name.
    @discardableResult
    public func setAttribute(_ name: String, _ value: String) -> Bool {
        guard XMLNames.isName(name) else { return false }
        return xmlSetProp(node, name, value) != nil
    }
}

/// XML name rules and well-known namespaces.
public enum XMLNames {
    /// The XLink namespace JATS uses for `xlink:href`.
    public static let xlink = "http://www.w3.org/1999/xlink"
    /// The namespace of `xml:lang`.
    public static let xml = "http://www.w3.org/XML/1998/namespace"
    /// The MathML namespace.
    public static let mathML = "http://www.w3.org/1998/Math/MathML"

    static let conventionalPrefix: [String: String] = [xlink: "xlink", xml: "xml", mathML: "mml"]

    /// True when `name` is an XML name without a colon (an NCName): usable as an element
    /// name or an `ID` (`ref1`, `smith-2020`; not `2020smith`).
    public static func isNCName(_ name: String) -> Bool {
        var first = true
        for scalar in name.unicodeScalars {
            if first {
                guard isNameStart(scalar) else { return false }
                first = false
            } else if !(isNameStart(scalar) || isNameChar(scalar)) {
                return false
            }
        }
        return !first
    }

    /// True when `name` is an XML name, possibly with one prefix (`xlink:href`).
    public static func isName(_ name: String) -> Bool {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        return parts.allSatisfy { isNCName(String($0)) }
    }

    private static func isNameStart(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x41...0x5A, 0x61...0x7A, 0x5F: true
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
            0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD,
            0x10000...0xEFFFF:
            true
        default: false
        }
    }

    private static func isNameChar(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x2D, 0x2E, 0x30...0x39, 0xB7, 0x300...0x36F, 0x203F...0x2040: true
        default: false
        }
    }
}
