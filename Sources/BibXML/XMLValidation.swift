internal import CLibXML2

/// A compiled W3C XML Schema (XSD 1.0); owns libxml2's `xmlSchemaPtr` and frees it once.
///
/// Not `Sendable`: compile one per thread (compiling bibkit's own schemas takes milliseconds).
public final class XMLSchema {
    private let schema: xmlSchemaPtr

    /// Compiles an XSD from bytes. Imports and includes are resolved locally only (never
    /// over the network). Throws every problem found when the schema does not compile.
    public init(xsd: [UInt8]) throws(XMLFailure) {
        let sink = ErrorSink()
        sink.validityKind = .schemaLoading
        let compiled: xmlSchemaPtr? = LibXML.capturingErrors(into: sink) {
            xsd.withUnsafeBufferPointer { buffer -> xmlSchemaPtr? in
                guard let base = buffer.baseAddress else { return nil }
                return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars -> xmlSchemaPtr? in
                    guard let context = xmlSchemaNewMemParserCtxt(chars, Int32(clamping: buffer.count)) else {
                        return nil
                    }
                    defer { xmlSchemaFreeParserCtxt(context) }
                    return xmlSchemaParse(context)
                }
            }
        }
        guard let compiled else {
            var problems = sink.items.map { d -> XMLDiagnostic in
                var d = d
                d.kind = .schemaLoading
                return d
            }
            if problems.isEmpty {
                problems = [XMLDiagnostic(.fatal, kind: .schemaLoading, message: "the XML Schema did not compile")]
            }
            throw XMLFailure(problems)
        }
        schema = compiled
    }

    deinit { xmlSchemaFree(schema) }

    /// Validates a document; returns every problem (empty means valid). Lines are those of
    /// the parsed source (0 for trees built in memory).
    public func validate(_ tree: XMLTree) -> [XMLDiagnostic] {
        let sink = ErrorSink()
        sink.validityKind = .schemaValidity
        let rc: Int32 = LibXML.capturingErrors(into: sink) {
            guard let context = xmlSchemaNewValidCtxt(schema) else { return -1 }
            defer { xmlSchemaFreeValidCtxt(context) }
            return xmlSchemaValidateDoc(context, tree.doc)
        }
        var problems = sink.items
        if rc != 0 && problems.isEmpty {
            problems.append(XMLDiagnostic(.error, kind: .schemaValidity, message: "the document is not valid (libxml2 code \(rc))"))
        }
        return problems
    }
}

/// A Document Type Definition loaded from a local file; owns libxml2's `xmlDtdPtr`.
///
/// Meant for tests and oracles (the official JATS DTDs): the DTD and the modules it
/// references are read from local paths only, never from the network.
public final class XMLDTD {
    private let dtd: xmlDtdPtr

    /// Loads a DTD and its modules from a local path.
    public init(contentsOfFile path: String) throws(XMLFailure) {
        let sink = ErrorSink()
        sink.validityKind = .schemaLoading
        let loaded = LibXML.capturingErrors(into: sink) { xmlParseDTD(nil, path) }
        guard let loaded else {
            var problems = sink.items
            if problems.isEmpty {
                problems = [XMLDiagnostic(.fatal, kind: .schemaLoading, message: "cannot load the DTD \(path)")]
            }
            throw XMLFailure(problems)
        }
        dtd = loaded
    }

    deinit { xmlFreeDtd(dtd) }

    /// Validates a document against this DTD (whatever DOCTYPE it declares); returns every
    /// problem (empty means valid).
    public func validate(_ tree: XMLTree) -> [XMLDiagnostic] {
        let sink = ErrorSink()
        sink.validityKind = .dtdValidity
        let rc: Int32 = LibXML.capturingErrors(into: sink) {
            guard let context = xmlNewValidCtxt() else { return -1 }
            defer { xmlFreeValidCtxt(context) }
            // No printf-style channels: errors go to the structured handler only.
            context.pointee.error = nil
            context.pointee.warning = nil
            return xmlValidateDtd(context, tree.doc, dtd)
        }
        var problems = sink.items
        if rc != 1 && problems.isEmpty {
            problems.append(XMLDiagnostic(.error, kind: .dtdValidity, message: "the document is not valid against the DTD"))
        }
        return problems
    }
}
