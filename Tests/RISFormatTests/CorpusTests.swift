import BibModel
import Foundation
import Testing

@testable import RISFormat

/// The shared RIS corpus (`../shared/corpus/ris`, 47 real exports): read without a crash,
/// one entry per `TY` line (or a diagnostic explaining the difference), the data a record
/// has is found in its entry, and RIS → model → RIS keeps every record and every value.
@Suite(.enabled(if: Env.hasCorpus, "../shared/corpus/ris not found: corpus tests skipped"))
struct CorpusTests {
    static let files = Env.corpusFiles()

    /// Known exceptions to the round-trip checks, as `file#record:TAG` (or `file#record`
    /// for the model comparison). This list may only shrink.
    static let knownExceptions: Set<String> = []

    static func load(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Env.corpus.appendingPathComponent(name)))
    }

    /// `TY` lines counted independently of the scanner: optional BOM, `TY`/`ty`, spaces, `-`.
    static func countTYLines(_ bytes: [UInt8]) -> Int {
        let text = String(decoding: bytes, as: UTF8.self)
        var n = 0
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            var l = Substring(line)
            while l.hasPrefix("\u{FEFF}") { l = l.dropFirst() }
            guard l.count >= 3, l.prefix(2).uppercased() == "TY" else { continue }
            let rest = l.dropFirst(2).drop(while: { $0 == " " || $0 == "\t" })
            if rest.hasPrefix("-"), rest.count == 1 || rest.dropFirst().first == " " || rest.dropFirst().first == "\t" { n += 1 }
        }
        return n
    }

    @Test func corpusIsThere() {
        #expect(Self.files.count == 47)
    }

    @Test(arguments: files)
    func recordCountMatchesTYLines(_ name: String) throws {
        let bytes = try Self.load(name)
        let (lib, diags) = readRIS(bytes, file: name)
        let ty = Self.countTYLines(bytes)
        // A record recovered without TY is explained by one ris.missing-ty error each.
        let untyped = diags.all.filter { $0.code == "ris.missing-ty" }.count
        #expect(lib.entries.count == ty + untyped, "\(name): \(lib.entries.count) entries for \(ty) TY lines")
        for d in diags.all {
            #expect(d.location != nil, "\(name): diagnostic without a location: \(d.message)")
            #expect(d.location?.line ?? 0 >= 1)
        }
    }

    @Test(arguments: files)
    func entriesHaveWhatTheRecordsHave(_ name: String) throws {
        let bytes = try Self.load(name)
        var d = Diagnostics()
        let raw = RISScanner.scan(bytes, lines: LineIndex(file: name, bytes: bytes), diagnostics: &d)
        let (lib, _) = readRIS(bytes, file: name)
        try #require(raw.records.count == lib.entries.count)
        for (k, (record, entry)) in zip(raw.records, lib.entries).enumerated() {
            let label = "\(name)#\(k + 1) (line \(record.line))"
            func has(_ tags: Set<String>) -> Bool {
                record.fields.contains { tags.contains($0.tag) && !RISText.trimmed($0.value).isEmpty }
            }
            if has(["TI", "T1", "CT"]) { #expect(entry.title != nil, "\(label): title missing") }
            if has(["AU", "A1"]) { #expect(!entry.authors.names.isEmpty, "\(label): authors missing") }
            let yearInDate = record.fields.contains { f in
                ["PY", "DA", "Y1"].contains(f.tag) && f.value.split(whereSeparator: { !$0.isNumber }).contains { $0.count == 4 && (Int($0) ?? 0) > 1000 }
            }
            if yearInDate { #expect(entry.year != nil, "\(label): year missing") }
            if has(["T2", "JF", "JO", "JA"]), !RISTagTable.bookLike.contains(entry.type.kind) {
                #expect(entry.container?.title != nil, "\(label): container missing")
            }
        }
    }

    @Test(arguments: files)
    func roundTripKeepsEveryRecordAndValue(_ name: String) throws {
        let bytes = try Self.load(name)
        var d = Diagnostics()
        let raw = RISScanner.scan(bytes, lines: LineIndex(file: name, bytes: bytes), diagnostics: &d)
        let (lib, _) = readRIS(bytes, file: name)
        let (written, _) = writeRIS(lib)
        let (back, backDiags) = readRIS(Array(written.utf8), file: "written.ris")
        #expect(back.entries.count == lib.entries.count, "\(name): records lost in the round trip")
        #expect(!backDiags.hasErrors, "\(name): written RIS reads with errors: \(backDiags.all.filter { $0.severity == .error }.map(\.message))")
        let outRecords = written.components(separatedBy: "\r\n\r\n")
        try #require(outRecords.count == raw.records.count)
        for (k, record) in raw.records.enumerated() {
            let out = outRecords[k]
            let outValues = tagLines(out).map { line -> String in
                line.count > 6 ? RISText.collapsed(String(line.dropFirst(6))).lowercased() : ""
            }
            for f in record.fields where f.tag != "TY" && f.tag != "ER" {
                let key = "\(name)#\(k + 1):\(f.tag)"
                guard !Self.knownExceptions.contains(key) else { continue }
                let value = RISText.trimmed(f.value)
                guard !value.isEmpty else { continue }
                #expect(Self.survives(f.tag, value, in: outValues), "\(key) value '\(value.prefix(80))' not found in the written record")
            }
        }
        for (k, (a, b)) in zip(lib.entries, back.entries).enumerated() where !Self.knownExceptions.contains("\(name)#\(k + 1)") {
            var na = Self.normalized(a)
            var nb = Self.normalized(b)
            if na.type.original == nil { nb.type.original = nil }
            na.origin = nil
            if na != nb { Issue.record("\(name)#\(k + 1): model changed in RIS → model → RIS → model\n\(Self.diff(na, nb))") }
        }
    }

    /// Evidence that a source value survives in the written record's values.
    static func survives(_ tag: String, _ value: String, in out: [String]) -> Bool {
        let v = RISText.collapsed(value).lowercased()
        if out.contains(where: { $0.contains(v) }) { return true }
        if value.contains("\n"), value.split(separator: "\n").allSatisfy({ survives(tag, String($0), in: out) }) {
            return true
        }
        switch tag {
        case "AU", "A1", "A2", "A3", "A4", "ED":
            return RISNames.parse(value).allSatisfy { item in
                guard case .name(let n) = item else { return out.contains { $0.contains("et-al") } }
                let key = RISText.collapsed(n.literal ?? n.family ?? n.given ?? "").lowercased()
                return out.contains { $0.contains(key) }
            }
        case "PY", "DA", "Y1", "Y2":
            if case .partial(let m, let d) = RISDates.parse(value) {
                let month = (m < 10 ? "/0" : "/") + String(m) + "/"
                let day = d.map { ($0 < 10 ? "/0" : "/") + String($0) + "/" }
                return out.contains { $0.contains(month) && (day == nil || $0.contains(day ?? "")) }
            }
            let years = value.split(whereSeparator: { !$0.isNumber }).filter { $0.count == 4 }
            return !years.isEmpty && years.allSatisfy { y in out.contains { $0.contains(y) } }
        case "DO", "DI", "M3", "N1", "L3":
            if let doi = RISIdentifiers.pureDOI(value) { return out.contains { $0.contains(doi.lowercased()) } }
        case "KW":
            return value.split(separator: "\n").allSatisfy { line in
                let l = RISText.collapsed(String(line)).lowercased()
                return l.isEmpty || out.contains { $0 == l || $0.contains(l) }
            }
        case "SP", "EP":
            return out.contains { $0.contains(v) } || value.split(separator: "-").allSatisfy { p in out.contains { $0.contains(p.lowercased()) } }
        default:
            break
        }
        return false
    }

    /// An entry with whitespace in prose collapsed (RIS output puts every value on one line).
    static func normalized(_ e: Entry) -> Entry {
        var e = e
        // Only a RIS original type is expected to survive a RIS round trip.
        if e.type.original?.namespace != "ris" || e.type.original == nil { e.type.original = nil }
        if let a = e.abstract { e.abstract = RichText(RISText.collapsed(RISText.markup(a))) }
        e.notes = e.notes.map { RichText(RISText.collapsed(RISText.markup($0))) }
        for (k, v) in e.extra { e.extra[k] = RISText.collapsed(v) }
        for (k, v) in e.fields { e.fields[k] = RISText.collapsed(v) }
        e.keywords = e.keywords.map(RISText.collapsed)
        return e
    }

    static func diff(_ a: Entry, _ b: Entry) -> String {
        var out: [String] = []
        if a.type != b.type { out.append("type: \(a.type) ≠ \(b.type)") }
        if a.title != b.title { out.append("title: \(String(describing: a.title)) ≠ \(String(describing: b.title))") }
        if a.contributors != b.contributors { out.append("contributors: \(a.contributors) ≠ \(b.contributors)") }
        if a.dates != b.dates { out.append("dates: \(a.dates) ≠ \(b.dates)") }
        if a.container != b.container { out.append("container: \(String(describing: a.container)) ≠ \(String(describing: b.container))") }
        if a.series != b.series { out.append("series: \(String(describing: a.series)) ≠ \(String(describing: b.series))") }
        if a.fields != b.fields { out.append("fields: \(a.fields) ≠ \(b.fields)") }
        if a.identifiers != b.identifiers { out.append("identifiers: \(a.identifiers) ≠ \(b.identifiers)") }
        if a.links != b.links { out.append("links: \(a.links) ≠ \(b.links)") }
        if a.keywords != b.keywords { out.append("keywords differ") }
        if a.notes != b.notes { out.append("notes: \(a.notes) ≠ \(b.notes)") }
        if a.extra != b.extra { out.append("extra: \(a.extra) ≠ \(b.extra)") }
        if a.abstract != b.abstract { out.append("abstract differs") }
        if a.key != b.key { out.append("key: \(String(describing: a.key)) ≠ \(String(describing: b.key))") }
        if a.shortTitle != b.shortTitle { out.append("shortTitle differs") }
        if a.language != b.language { out.append("language differs") }
        return out.joined(separator: "\n")
    }
}
