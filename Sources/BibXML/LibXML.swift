internal import CLibXML2

/// Process-wide libxml2 set-up and the capture of its errors as values.
enum LibXML {
    /// Runs once per process: initialises the parser and forbids network loads
    /// (Swift initialises a `static let` lazily and atomically).
    static let initialized: Void = {
        xmlInitParser()
        clibxml2_forbid_network()
    }()

    /// Runs `body` with libxml2's errors for this thread routed into `sink` (never printed),
    /// then removes the handlers again.
    ///
    /// libxml2 keeps its error handlers per thread, and `body` runs synchronously on the
    /// calling thread, so parallel callers do not see each other's errors.
    static func capturingErrors<T>(into sink: ErrorSink, _ body: () -> T) -> T {
        _ = initialized
        return withExtendedLifetime(sink) {
            xmlSetStructuredErrorFunc(Unmanaged.passUnretained(sink).toOpaque(), ErrorSink.callback)
            clibxml2_silence_generic_errors()
            defer { xmlSetStructuredErrorFunc(nil, nil) }
            return body()
        }
    }

    /// A C string from libxml2 as a Swift string (nil stays nil).
    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// A libxml2-allocated string as a Swift string; frees it.
    static func takeString(_ pointer: UnsafeMutablePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        defer { clibxml2_free(pointer) }
        return String(cString: pointer)
    }
}

/// Collects libxml2's structured errors; handed to C as an unretained opaque pointer that
/// is valid only while ``LibXML/capturingErrors(into:_:)`` runs.
final class ErrorSink {
    /// The diagnostics so far.
    var items: [XMLDiagnostic] = []
    /// How many diagnostics are kept; further ones are counted only.
    let limit: Int
    /// Diagnostics beyond `limit`.
    var dropped = 0
    /// How validity errors are classified (DTD or XSD).
    var validityKind: XMLDiagnostic.Kind = .dtdValidity

    init(limit: Int = 1000) { self.limit = limit }

    /// Appends a diagnostic, respecting the limit.
    ///
    /// A refused entity expansion is reported by libxml2 once per level of nesting it
    /// unwinds (nine times for the billion laughs), the inner ones at the place of the
    /// entity's own text rather than in the document. Repeats of the same refusal are
    /// folded into one diagnostic, which takes the last place reported: the reference in
    /// the document body that started the expansion.
    func append(_ diagnostic: XMLDiagnostic) {
        if diagnostic.kind == .entityExpansion,
           let index = items.lastIndex(where: {
               $0.kind == .entityExpansion && $0.code == diagnostic.code && $0.message == diagnostic.message
           }) {
            items[index].line = diagnostic.line
            items[index].column = diagnostic.column
            return
        }
        if items.count < limit { items.append(diagnostic) } else { dropped += 1 }
    }

    /// The C callback (captures nothing): appends to the sink in `userData`.
    static let callback: xmlStructuredErrorFunc = { userData, error in
        guard let userData, let error else { return }
        let sink = Unmanaged<ErrorSink>.fromOpaque(userData).takeUnretainedValue()
        sink.append(ErrorSink.diagnostic(from: error.pointee, validityKind: sink.validityKind))
    }

    /// Converts libxml2's error record.
    static func diagnostic(from error: xmlError, validityKind: XMLDiagnostic.Kind) -> XMLDiagnostic {
        var message = error.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        while let last = message.last, last == "\n" || last == " " { message.removeLast() }
        var severity: XMLDiagnostic.Severity
        switch error.level {
        case XML_ERR_WARNING: severity = .warning
        case XML_ERR_FATAL: severity = .fatal
        default: severity = .error
        }
        let domain = xmlErrorDomain(rawValue: UInt32(bitPattern: error.domain))
        let code = xmlParserErrors(rawValue: UInt32(bitPattern: error.code))
        var kind: XMLDiagnostic.Kind
        switch domain {
        case XML_FROM_VALID, XML_FROM_DTD: kind = validityKind
        case XML_FROM_SCHEMASV: kind = .schemaValidity
        case XML_FROM_SCHEMASP: kind = .schemaLoading
        case XML_FROM_IO, XML_FROM_HTTP, XML_FROM_FTP:
            kind = message.contains("network") ? .network : .schemaLoading
        default: kind = .notWellFormed
        }
        switch code {
        case XML_ERR_ENTITY_LOOP, XML_ERR_ENTITY_PE_INTERNAL: kind = .entityExpansion
        case XML_ERR_UNDECLARED_ENTITY, XML_WAR_UNDECLARED_ENTITY: kind = .entityReference
        default: break
        }
        if message.contains("Excessive depth") {
            kind = .tooDeep
        } else if message.contains("huge") || message.contains("too long") || message.contains("Huge input") {
            kind = .tooLarge
        } else if message.contains("amplification") || message.contains("entity reference loop") {
            kind = .entityExpansion
        }
        if domain == XML_FROM_NAMESPACE {
            // Undeclared prefixes (`ali:license_ref` without xmlns:ali) do not stop the parse.
            kind = .namespace
            if severity == .error { severity = .warning }
        }
        // For parser errors libxml2 puts the column in `int2`; elsewhere `int2` means other things.
        let column: Int? = domain == XML_FROM_PARSER && error.int2 > 0 ? Int(error.int2) : nil
        return XMLDiagnostic(
            severity, kind: kind, line: Int(max(error.line, 0)), column: column, message: message,
            code: Int(error.code))
    }
}
