import BibTeXFormat
import Foundation

/// The rule checks of `bibkit validate`, over what a reader made of an input: required fields
/// per type (BibTeX or BibLaTeX data model), field values (dates, pages, edition, DOI, ISBN
/// and ISSN check digits, arXiv ids, URLs), names that hold several people, HTML left in text,
/// non-NFC Unicode, BibLaTeX fields outside biber's data model; and across all inputs,
/// duplicate keys and likely duplicates (the dedupe step's finder).
///
/// Problems are `Diagnostic`s with a stable code (`validate.missing-field`, …), the entry key,
/// the field as the source spells it, and the location of that field when it can be found.
/// Syntax problems (unbalanced braces, undefined `@string` macros and crossrefs) are the
/// readers' diagnostics.
public struct Validator: Sendable {
    /// Options.
    public struct Options: Sendable, Hashable {
        /// The data model for required fields; nil picks BibLaTeX for BibLaTeX input and
        /// BibTeX for everything else.
        public var dataModel: DataModelRules.Model?
        /// Check required fields.
        public var requiredFields: Bool
        /// Look for likely duplicates.
        public var duplicates: Bool
        /// The year after which a publication year is implausible (default: this year + 5).
        public var latestYear: Int

        /// Creates options.
        public init(dataModel: DataModelRules.Model? = nil, requiredFields: Bool = true, duplicates: Bool = true, latestYear: Int? = nil) {
            self.dataModel = dataModel
            self.requiredFields = requiredFields
            self.duplicates = duplicates
            self.latestYear = latestYear ?? (Self.currentYear + 5)
        }

        static var currentYear: Int {
            Calendar(identifier: .gregorian).component(.year, from: Date())
        }
    }

    /// The options.
    public var options: Options

    /// Creates a validator.
    public init(options: Options = Options()) { self.options = options }

    /// Checks the entries of one input, read as `format` from `bytes` (for field locations).
    public func check(_ library: Library, format: FormatID?, bytes: [UInt8], source: String, diagnostics: inout Diagnostics) {
        let locator = FieldLocator(format: format, bytes: bytes, source: source)
        let model = options.dataModel ?? (format == .biblatex ? .biblatex : .bibtex)
        for entry in library.entries {
            var checker = EntryChecker(entry: entry, locator: locator, latestYear: options.latestYear)
            if options.requiredFields { checker.requiredFields(model) }
            checker.values()
            if format == .biblatex { checker.biblatexFields() }
            if format == .bibtex || format == .biblatex { checker.unescapedSpecials() }
            for d in checker.found { diagnostics.report(d) }
        }
    }

    /// Checks across all inputs: duplicate keys (errors) and likely duplicates (warnings).
    public func checkAcross(_ library: Library, diagnostics: inout Diagnostics) {
        var firstByKey: [String: Entry] = [:]
        for entry in library.entries {
            guard let key = entry.key, !key.isEmpty else { continue }
            let folded = key.lowercased()
            if let first = firstByKey[folded] {
                let same = first.key == key
                diagnostics.report(
                    Diagnostic(
                        .error, code: "validate.duplicate-key",
                        message: same
                            ? "key '\(key)' is used by an earlier entry"
                            : "key '\(key)' differs only in case from '\(first.key ?? "")' of an earlier entry (BibTeX treats them as one)",
                        location: entry.origin?.start, entryKey: key, field: "key",
                        notes: first.origin.map { ["the first is at \($0.start)"] } ?? []))
            } else {
                firstByKey[folded] = entry
            }
        }
        guard options.duplicates else { return }
        let entries = library.entries
        for cluster in DuplicateFinder().clusters(in: entries) {
            guard let first = cluster.members.first else { continue }
            let firstLabel = entries[first].reportLabel(index: first)
            for (n, i) in cluster.members.enumerated().dropFirst() {
                let why = cluster.reasons[n].map { " (same \($0))" } ?? ""
                diagnostics.report(
                    Diagnostic(
                        .warning, code: "validate.likely-duplicate",
                        message: "likely a duplicate of \(firstLabel)\(why)", location: entries[i].origin?.start,
                        entryKey: entries[i].key,
                        notes: entries[first].origin.map { ["\(firstLabel) is at \($0.start)"] } ?? []))
            }
        }
    }
}

/// The checks of one entry.
struct EntryChecker {
    let entry: Entry
    let locator: FieldLocator
    let latestYear: Int
    var found: [Diagnostic] = []

    init(entry: Entry, locator: FieldLocator, latestYear: Int) {
        self.entry = entry
        self.locator = locator
        self.latestYear = latestYear
    }

    mutating func report(_ severity: Diagnostic.Severity, _ code: String, _ field: String, _ message: String, notes: [String] = []) {
        let (location, sourceName) = locator.locate(field, in: entry)
        found.append(
            Diagnostic(
                severity, code: "validate." + code, message: message, location: location ?? locator.entryLocation(entry),
                entryKey: entry.key, field: sourceName ?? field, notes: notes))
    }

    mutating func requiredFields(_ model: DataModelRules.Model) {
        var (type, missing) = DataModelRules.missing(in: entry, model: model)
        // A `type = {techreport}` in the source is read as the entry's kind, not kept as text:
        // the field is there all the same.
        missing.removeAll { $0 == ["type"] && locator.locate("type", in: entry).1 != nil }
        let modelName = model == .bibtex ? "BibTeX" : "BibLaTeX"
        for alternatives in missing {
            let names = alternatives.map { $0 == "date" ? "date or year" : $0 }
            let what = names.count == 1 ? "field '\(names[0])'" : "one of the fields " + names.map { "'\($0)'" }.joined(separator: ", ")
            let where_ = locator.entryLocation(entry)
            found.append(
                Diagnostic(
                    .warning, code: "validate.missing-field", message: "@\(type) needs \(what) (\(modelName) data model)",
                    location: where_, entryKey: entry.key, field: alternatives[0] == "date" ? "date" : alternatives[0]))
        }
    }

    mutating func values() {
        // Dates.
        for (role, date) in entry.dates {
            let field = role == .issued ? "issued" : role.rawValue
            switch date {
            case .raw(let text):
                if let parsed = DateText.parse(text) {
                    report(.note, "date-text", field, "date kept as text '\(text)'; --clean (--months) reads it as \(parsed.edtf)")
                } else {
                    report(.warning, "date", field, "'\(text)' is not a date bibkit can read (expected e.g. 2020, 2020-03-15, March 2020)")
                }
            case .typed(let d):
                for parts in [d.start, d.end].compactMap({ $0 }) where !parts.isValid {
                    report(.warning, "date", field, "\(parts.iso8601) is not a valid date")
                }
                if role == .issued, let y = d.year, y > latestYear {
                    report(.warning, "year", field, "year \(y) lies in the future")
                }
            }
        }
        // Pages and edition.
        if let pages = entry.fields[.page], !PageRange.isWellFormed(pages) {
            report(.warning, "pages", "page", "'\(pages)' is not a page or page range (e.g. 123-145, e1002, S4)")
        }
        if let edition = entry.fields[.edition] {
            let trimmed = edition.trimmedSpaces
            if trimmed.isEmpty || (Edition.number(trimmed) == nil && !trimmed.contains(where: \.isLetter)) {
                report(.warning, "edition", "edition", "'\(edition)' is not an edition (e.g. 2, 2nd, Second, Revised)")
            }
        }
        // Identifiers on the entry and its levels.
        let levels = [entry.identifiers, entry.container?.identifiers ?? [], entry.series?.identifiers ?? []]
        for id in levels.joined() {
            switch id.kind {
            case .doi:
                if let bare = Identifiers.bareDOI(id.value) {
                    if bare != id.value.trimmedSpaces {
                        report(.note, "doi-prefix", "doi", "DOI '\(id.value)' carries a resolver prefix; the DOI is \(bare) (--clean strips it)")
                    }
                } else {
                    report(.warning, "doi", "doi", "'\(id.value)' is not a DOI (10.NNNN/suffix)")
                }
            case .isbn:
                if !Identifiers.isValidISBN(id.value) {
                    report(.warning, "isbn", "isbn", "'\(id.value)' has a wrong check digit or length for an ISBN")
                }
            case .issn:
                if !Identifiers.isValidISSN(id.value) {
                    report(.warning, "issn", "issn", "'\(id.value)' has a wrong check digit or length for an ISSN")
                }
            case .arxiv:
                if Identifiers.bareArXiv(id.value) == nil {
                    report(.warning, "arxiv", "arxiv", "'\(id.value)' is not an arXiv identifier (2306.16788, hep-th/9901001)")
                }
            case .pmid:
                if Identifiers.barePMID(id.value) == nil {
                    report(.warning, "pmid", "pmid", "'\(id.value)' is not a PubMed id (digits)")
                }
            default:
                break
            }
        }
        for link in entry.links where link.kind != .file {
            if !Self.isURL(link.url) {
                report(.warning, "url", "url", "'\(link.url)' is not a valid absolute URL")
            }
        }
        // Names holding several people.
        for (role, list) in entry.contributors {
            for name in list.names {
                if let literal = name.literal, literal.contains(" and ") || literal.contains(";") {
                    report(.warning, "names", role.rawValue, "'\(literal)' looks like several names in one; separate them")
                }
            }
        }
        // Text checks: NFC (in the source, where readers have not normalised yet, else in the
        // values) and HTML left in text.
        if let offset = sourceNotNFC() {
            let at = locator.lines.location(ofOffset: offset)
            found.append(
                Diagnostic(
                    .warning, code: "validate.not-nfc",
                    message: "text is not in Unicode NFC (a letter followed by a combining accent); bibkit writes NFC",
                    location: at, entryKey: entry.key))
        } else {
            for (field, value) in EntryFields.namedValues(of: entry) where value.utf8.contains(where: { $0 >= 0x80 }) && !value.utf8.elementsEqual(value.nfc.utf8) {
                report(.warning, "not-nfc", Self.baseField(field), "text is not in Unicode NFC (decomposed accents); bibkit writes NFC")
                break
            }
        }
        for (field, text) in [("title", entry.title?.plainText), ("container-title", entry.container?.title?.plainText)] {
            if let text, Self.hasHTML(text) {
                report(.warning, "html", field, "HTML markup or entities in text: '\(text)'")
            }
        }
    }

    /// The offset of the first line in the entry's source whose text changes under NFC: found
    /// by looking for the UTF-8 lead bytes of combining diacritics (U+0300–U+036F).
    func sourceNotNFC() -> Int? {
        guard let range = locator.range(of: entry) else { return nil }
        let bytes = locator.bytes
        var i = range.lowerBound
        while i + 1 < range.upperBound {
            let b = bytes[i]
            if (b == 0xCC || (b == 0xCD && bytes[i + 1] <= 0xAF)) && bytes[i + 1] >= 0x80 {
                // The line around the mark, decoded: does NFC change it?
                var start = i
                while start > range.lowerBound, bytes[start - 1] != 0x0A { start -= 1 }
                var end = i
                while end < range.upperBound, bytes[end] != 0x0A { end += 1 }
                let line = String(decoding: bytes[start..<end], as: UTF8.self)
                if !line.utf8.elementsEqual(line.nfc.utf8) { return i }
                i = end
            }
            i += 1
        }
        return nil
    }

    /// `&` and `%` not escaped in BibTeX field values.
    mutating func unescapedSpecials() {
        guard let range = locator.range(of: entry) else { return }
        for (offset, char, field) in BibTeXSourceChecks.unescapedSpecials(in: locator.bytes, range: range) {
            let why = char == "&" ? "LaTeX reads it as an alignment tab" : "LaTeX reads the rest of the line as a comment"
            // In fields styles do not typeset (sorting keys, keywords, abstracts) it is only a warning.
            let severity: Diagnostic.Severity = BibTeXSourceChecks.untypesetFields.contains(field) ? .warning : .error
            found.append(
                Diagnostic(
                    severity, code: "validate.unescaped-special", message: "'\(char)' is not escaped: \(why); write \\\(char) (bibkit tidy does)",
                    location: locator.lines.location(ofOffset: offset), entryKey: entry.key, field: field))
        }
    }

    /// BibLaTeX fields read from the source that biber's data model does not allow for the type.
    mutating func biblatexFields() {
        guard let o = entry.type.original, o.namespace == "biblatex" else { return }
        let type = o.name.lowercased()
        guard BibLaTeXDataModel.entryFields[type] != nil else { return }
        for key in entry.extra.keys where key.namespace == "biblatex" {
            let name = key.name.lowercased()
            if !BibLaTeXDataModel.allows(name, in: type) {
                report(.warning, "field-not-in-model", name, "biber's data model has no field '\(name)' for @\(type)")
            }
        }
    }

    static func baseField(_ field: String) -> String {
        field.split(separator: ":").count > 1 ? String(field.split(separator: ":").last ?? "") : field
    }

    static func isURL(_ url: String) -> Bool {
        let s = url.trimmedSpaces
        guard let colon = s.firstIndex(of: ":"), colon != s.startIndex else { return false }
        let scheme = s[..<colon]
        guard scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }),
            scheme.first?.isLetter == true
        else { return false }
        if s.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) { return false }
        let lower = scheme.lowercased()
        if lower == "http" || lower == "https" || lower == "ftp" {
            let rest = s[s.index(after: colon)...]
            guard rest.hasPrefix("//") else { return false }
            let host = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            return !host.isEmpty && host.contains(".") || host.hasPrefix("localhost")
        }
        return true
    }

    static func hasHTML(_ text: String) -> Bool {
        // On the bytes, markers compared ASCII-case-insensitively where a `&` or `<` stands
        // (Foundation's `contains` on a lower-cased copy took a quarter of a `validate` run).
        var text = text
        return text.withUTF8 { b in
            for i in b.indices where b[i] == UInt8(ascii: "&") || b[i] == UInt8(ascii: "<") {
                for marker in htmlMarkers where startsWith(b, at: i, lowercased: marker) { return true }
            }
            return false
        }
    }

    /// What ``hasHTML(_:)`` looks for: entities and the common inline tags.
    static let htmlMarkers: [[UInt8]] = [
        "&amp;", "&lt;", "&gt;", "&quot;", "&#", "<i>", "</i>", "<b>", "</b>", "<sub>", "<sup>", "<em>", "</em>", "<br",
    ].map { Array($0.utf8) }

    /// True when the bytes at `i` are `marker` (lower-case ASCII) in any ASCII case.
    static func startsWith(_ b: UnsafeBufferPointer<UInt8>, at i: Int, lowercased marker: [UInt8]) -> Bool {
        guard marker.count <= b.count - i else { return false }
        for k in marker.indices {
            let c = b[i + k]
            if (c &- 0x41 < 26 ? c | 0x20 : c) != marker[k] { return false }
        }
        return true
    }
}
