import BibModel
import Foundation
import Testing

@testable import CSLJSONFormat
import TestSupport

/// Random models (deterministic seed) in the normal form the mapping promises to keep:
/// written, they are valid against both schemas; read back, they are equal.
@Suite struct RandomRoundTripTests {
    @Test func randomEntriesSurvive() {
        var g = EntryGenerator(seed: UInt64(ProcessInfo.processInfo.environment["CSL_RANDOM_SEED"] ?? "") ?? 0x5EED_C51)
        var failures = 0
        for round in 0..<(Int(ProcessInfo.processInfo.environment["CSL_RANDOM_ROUNDS"] ?? "") ?? 400) {
            let entry = g.entry(index: round)
            let (bytes, _) = Support.write(Library(entries: [entry]), pretty: round % 2 == 0)
            let ours = CSLJSONValidation.validate(bytes, against: SchemaFiles.ours)
            #expect(ours.all.isEmpty, "round \(round): \(ours.all.map(\.message)) in \(String(decoding: bytes, as: UTF8.self))")
            if let official = SchemaFiles.official {
                #expect(CSLJSONValidation.validate(bytes, against: official).all.isEmpty, "round \(round)")
            }
            let (back, diagnostics) = Support.read(bytes)
            #expect(!diagnostics.hasErrors)
            if back.entries.first != entry {
                failures += 1
                if failures <= 3 {
                    let got = back.entries.first ?? Entry(type: EntryType(.document))
                    Issue.record("round \(round): \(ModelRoundTripTests.difference(entry, got))\n\(String(decoding: bytes, as: UTF8.self))")
                }
            }
        }
        #expect(failures == 0)
    }
}

/// Builds random entries from a seed.
struct EntryGenerator {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }

    /// Text without markup characters (`<`, `$`), with Unicode, quotes, backslashes and
    /// control characters.
    mutating func string(_ max: Int = 12, nonEmpty: Bool = true) -> String {
        let pieces = ["a", "B", "z", " ", "é", "ß", "中", "𝔘", "\"", "\\", "'", "&", ">", "\n", "\t", "\u{1}", ",", ";", "-", "–", "1", "/", ":", "{", "}"]
        var s = ""
        for _ in 0..<(int(max) + (nonEmpty ? 1 : 0)) { s += pick(pieces) }
        return s
    }

    mutating func word() -> String {
        var s = pick(["Al", "Bo", "Ci", "Dé", "Øy", "Zu", "Van", "Mc"])
        for _ in 0..<int(3) { s += pick(["a", "n", "r", "é", "ü", "ß"]) }
        return s
    }

    mutating func inlines(_ depth: Int) -> [Inline] {
        var out: [Inline] = []
        for _ in 0..<(1 + int(3)) {
            let choice = depth > 2 ? 0 : int(9)
            switch choice {
            case 1: out.append(.italic(inlines(depth + 1)))
            case 2: out.append(.bold(inlines(depth + 1)))
            case 3: out.append(.smallCaps(inlines(depth + 1)))
            case 4: out.append(.superscript(inlines(depth + 1)))
            case 5: out.append(.subscript(inlines(depth + 1)))
            case 6: out.append(.caseProtected(inlines(depth + 1)))
            case 7: out.append(.math(pick(["x^2", "\\alpha", "a_{i}", "\\frac{1}{2}"])))
            default: out.append(.text(string()))
            }
        }
        return CSLMarkup.mergeText(out)
    }

    mutating func rich() -> RichText { RichText(inlines(0)) }

    mutating func name() -> PersonName {
        if chance(15) { return .literal(string()) }
        var n = PersonName(family: word())
        if chance(80) { n.given = chance(5) ? "" : word() }
        if chance(10) { n.droppingParticle = pick(["van", "de"]) }
        if chance(10) { n.nonDroppingParticle = pick(["van der", "d'", "von"]) }
        if chance(10) { n.suffix = pick(["Jr.", "III"]) }
        return n
    }

    mutating func names() -> NameList {
        let truncated = chance(20)
        let count = truncated ? int(3) : 1 + int(3)
        return NameList((0..<count).map { _ in name() }, truncated: truncated)
    }

    mutating func parts() -> DateParts {
        let year = int(4000) - 500
        if chance(30) { return DateParts(year: year) }
        let month = 1 + int(12)
        if chance(40) { return DateParts(year: year, month: month) }
        return DateParts(year: year, month: month, day: 1 + int(DateParts.daysIn(month: month, year: year)))
    }

    mutating func date() -> Parsed<BibDate> {
        switch int(6) {
        case 0: return .raw(string())
        case 1: return .typed(BibDate(from: parts(), to: parts(), circa: chance(20), uncertain: chance(20)))
        case 2: return .typed(BibDate(from: chance(50) ? parts() : nil, to: chance(50) ? nil : parts(), circa: chance(20), uncertain: chance(20)))
        case 3: return .typed(BibDate(DateParts(year: int(3000)), circa: chance(30), uncertain: chance(30), season: pick(Season.allCases)))
        default: return .typed(BibDate(parts(), circa: chance(20), uncertain: chance(20)))
        }
    }

    mutating func identifiers() -> [Identifier] {
        (0..<int(4)).map { _ in
            let kind = pick([IdentifierKind.doi, .isbn, .issn, .pmid, .pmcid, .arxiv, IdentifierKind("hdl")])
            return Identifier(kind, string(8), qualifier: chance(20) ? string(4) : nil)
        }
    }

    mutating func level() -> Level? {
        guard chance(50) else { return nil }
        var l = Level()
        if chance(80) { l.title = rich() }
        if chance(30) { l.shortTitle = string() }
        if chance(20) { l.number = string(3) }
        for role in [ContributorRole.author, .editor, .translator] where chance(25) { l.contributors[role] = names() }
        l.identifiers = chance(40) ? identifiers() : []
        return l.isEmpty ? nil : l
    }

    mutating func entry(index: Int) -> Entry {
        var e = Entry(key: "k\(index)", type: EntryType(pick(WorkType.allCases)))
        if chance(40) { e.type.original = FieldKey(pick(["bibtex", "ris", "csl"]), word()) }
        if chance(20) { e.type.genre = pick(["phd", "preprint", "masters", "other"]) }
        if chance(90) { e.title = rich() }
        if chance(20) { e.shortTitle = rich() }
        // Roles CSL has, in random order, then roles it lacks.
        var roles = ["author", "editor", "translator", "container-author", "collection-editor", "director", "reviewed-author"]
        for _ in 0..<int(4) {
            let role = roles.remove(at: int(roles.count))
            e.contributors[ContributorRole(role)] = names()
        }
        if chance(15) { e.contributors[ContributorRole("bibtex:holder")] = names() }
        var dateRoles: [DateRole] = [.issued, .accessed, .eventDate, .originalDate, .submitted, .availableDate]
        for _ in 0..<int(3) { e.dates[dateRoles.remove(at: int(dateRoles.count))] = date() }
        if chance(10) { e.dates[DateRole("bibtex:urldate")] = date() }
        e.container = level()
        e.series = level()
        for field in Field.allCases where chance(15) { e.fields[field] = string() }
        // A book's volume title with no container is not the normal form: a volume of a
        // multi-volume work has the volume's title as its title and the work as its container.
        if e.type.kind == .book, e.container?.title == nil { e.fields[.volumeTitle] = nil }
        e.identifiers = identifiers()
        e.links = (0..<int(4)).map { _ in Link("https://x.org/" + word(), kind: pick(Link.Kind.allCases)) }
        if chance(40) { e.abstract = rich() }
        e.keywords = (0..<int(4)).map { _ in string(6) }
        if chance(30) { e.language = pick(["en", "de-DE", "fr"]) }
        e.notes = (0..<int(3)).map { _ in rich() }
        if chance(30) { e.extra[FieldKey("csl", pick(["source", "references", "division"]))] = string() }
        if chance(40) { e.extra[FieldKey("bibtex", "timestamp")] = string() }
        if chance(20) { e.extra[FieldKey("custom", pick(["S2ID", "links", "a:b"]))] = string() }
        if chance(20) { e.extra[FieldKey("custom-json", "n")] = pick(["1", "[true,null]", "{\"a\":\"b\"}"]) }
        if chance(10) { e.extra[FieldKey("ris-json", "x")] = "[1,2]" }
        return e
    }
}
